import type { EngineState, Notice } from '../../shared/api';
import type { Hertz, Milliseconds, Seconds } from '../../shared/units';
import { formatEndpoint, type OscEndpoint } from './osc-endpoint';
import type { OscProblemListener } from './osc-problem-log';
import { oscLayoutOf, OscSender } from './osc-sender';
import { OscServer } from './osc-server';

/** The part of Backend the bridge uses (Backend itself fits). */
export interface OscBackend {
  setParam(id: string, value: number): Promise<void>;
  setInput(input: string, value: number): Promise<void>;
  getState(): Promise<EngineState | null>;
  on(event: 'telemetry', listener: (words: Float64Array) => void): unknown;
  on(event: 'notice', listener: (notice: Notice) => void): unknown;
  off(event: 'telemetry', listener: (words: Float64Array) => void): unknown;
  off(event: 'notice', listener: (notice: Notice) => void): unknown;
}

/** A tempo source: calls back on each beat with its running count; returns an unsubscribe. */
export interface OscBeatSource {
  onBeat(listener: (beat: number) => void): () => void;
}

export interface OscBridgeOptions {
  backend: OscBackend;
  /** Where to listen for OSC in (default 127.0.0.1:9000); null = no input. */
  listen?: Partial<OscEndpoint> | null;
  /** Receivers of OSC out; none = no output. */
  targets?: readonly OscEndpoint[];
  rateHz?: Hertz;
  weightRefreshS?: Seconds;
  beats?: OscBeatSource;
  /** Rate-limited problem reports (bad datagrams, unreachable receivers...). */
  onProblem?: OscProblemListener;
  reportIntervalMs?: Milliseconds;
}

export interface OscStatus {
  /** Where OSC in is bound, e.g. "127.0.0.1:9000", or null. */
  listening: string | null;
  targets: string[];
  packetsIn: number;
  packetsOut: number;
  /** Problems of every kind, in and out. */
  errors: number;
  lastProblem: string | null;
  in: OscServer['stats'] | null;
  out: OscSender['stats'] | null;
}

export interface OscBridge {
  readonly server: OscServer | null;
  readonly sender: OscSender | null;
  status(): OscStatus;
  close(): Promise<void>;
}

/**
 * OSC in and out for a Backend: incoming `/axon/param/...` and `/axon/input/...` go to
 * setParam / setInput, telemetry and output events go out to the targets. Parameter ids and
 * telemetry names follow the playing patch (its `patch` notices).
 */
export async function startOscBridge(opts: OscBridgeOptions): Promise<OscBridge> {
  const backend = opts.backend;
  let paramIds: readonly string[] = [];
  const applyState = (state: EngineState | null) => {
    paramIds = state ? state.params.map((p) => p.id) : [];
    sender?.setLayout(state ? oscLayoutOf(state) : null);
  };

  const shared = { onProblem: opts.onProblem, reportIntervalMs: opts.reportIntervalMs };
  let sender: OscSender | null = null;
  let server: OscServer | null = null;
  if (opts.targets && opts.targets.length > 0) sender = await OscSender.open({ ...shared, targets: opts.targets, rateHz: opts.rateHz, weightRefreshS: opts.weightRefreshS });
  try {
    if (opts.listen !== null) {
      server = await OscServer.start({
        ...shared,
        host: opts.listen?.host,
        port: opts.listen?.port,
        target: {
          setParam: (id, value) => backend.setParam(id, value),
          setInput: (input, value) => backend.setInput(input, value),
          paramIds: () => paramIds,
        },
      });
    }
    applyState(await backend.getState());
  } catch (err) {
    await sender?.close();
    await server?.close();
    throw err;
  }

  const onTelemetry = (words: Float64Array) => sender?.telemetry(words);
  const onNotice = (notice: Notice) => {
    if (notice.type === 'out') sender?.event(notice.event);
    else if (notice.type === 'patch') applyState(notice.state);
  };
  backend.on('telemetry', onTelemetry);
  backend.on('notice', onNotice);
  const stopBeats = opts.beats?.onBeat((beat) => sender?.beat(beat));

  let closed: Promise<void> | null = null;
  return {
    server,
    sender,
    status(): OscStatus {
      const logs = [server?.problems, sender?.problems].filter((p) => p !== undefined);
      const latest = logs.reduce<(typeof logs)[number] | null>((a, b) => (b.last && (!a || b.lastAt > a.lastAt) ? b : a), null);
      return {
        listening: server ? formatEndpoint(server.address) : null,
        targets: sender?.targets ?? [],
        packetsIn: server?.stats.packets ?? 0,
        packetsOut: sender?.stats.packets ?? 0,
        errors: logs.reduce((sum, p) => sum + p.count, 0),
        lastProblem: latest?.last?.message ?? null,
        in: server ? { ...server.stats } : null,
        out: sender ? { ...sender.stats } : null,
      };
    },
    close(): Promise<void> {
      closed ??= (async () => {
        backend.off('telemetry', onTelemetry);
        backend.off('notice', onNotice);
        stopBeats?.();
        await Promise.all([server?.close(), sender?.close()]);
      })();
      return closed;
    },
  };
}
