import type { AudioOutputChoice } from '../../shared/worker-messages';
import type { AudioBackend, AudioSink, SinkSpec } from './audio-sink';

/** What the worker tells main about the output (a `sink` message). */
export interface SinkReport {
  sink: string;
  device: string;
  /** Why there is no sound, or how this output was reached when it is not the one asked for. */
  detail: string;
}

/** Opens a device sink; throws (with the reason) when it cannot. */
export type OpenSink = (spec: SinkSpec) => AudioSink;

export interface SupervisorOptions {
  /** Delay before each recovery step, so a device that blinked (a server restart) can come back. */
  retryDelayMs?: number;
  /** Attempts on the failed device itself before its backend's default device. */
  retries?: number;
  /** Once those steps failed: how often the failed device is tried again (a server restarted, a cable back). */
  reconnectMs?: number;
  now?: () => number;
}

/** The default backend, and the one tried when it cannot open (see README, Audio). */
export const DEFAULT_BACKEND: AudioBackend = 'audify';
export const FALLBACK_BACKEND: AudioBackend = 'naudiodon';

/** A device opened waits at most this long for the clock to catch up (an overloaded worker may never). */
const HANDOVER_MAX_MS = 1000;

const describe = (s: SinkSpec) => `${s.backend}:${s.device ?? 'default'}`;
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The devices to try at start, in order. A named backend is kept to (the device, then its
 * default device); otherwise the default backend is tried first and the other one after it.
 */
export function initialPlan(choice: AudioOutputChoice, preferred: AudioBackend = DEFAULT_BACKEND): SinkSpec[] {
  if (choice.kind === 'none') return [];
  const { device, queueMs } = choice;
  const backends: AudioBackend[] = choice.backend ? [choice.backend] : [preferred, preferred === 'audify' ? 'naudiodon' : 'audify'];
  const plan: SinkSpec[] = device === undefined ? [] : backends.map((backend) => ({ backend, device }));
  for (const backend of backends) plan.push({ backend });
  return queueMs === undefined ? plan : plan.map((spec) => ({ ...spec, queueMs }));
}

/**
 * Owns the worker's audio sink: opens the first device of a plan that works, and when the device
 * fails mid-stream switches to the clock at once (the engine keeps running and the ring keeps
 * moving), then retries the device, then its backend's default device, reporting every step;
 * after that the failed device is tried again every reconnectMs until it opens.
 *
 * The clock that stands in keeps the set's timeline: it starts where the failed device stopped
 * playing, and a device opened later (a recovery, a switch) takes over only once the clock has
 * taken what fell due while the device was opening (see ClockSink).
 */
export class SinkSupervisor {
  private current: AudioSink;
  private spec: SinkSpec | null = null;
  private steps: SinkSpec[] = [];
  /** The failed device, tried every reconnectMs once the steps are done. */
  private reconnect: SinkSpec | null = null;
  /** A device opened while the clock plays: it takes over once the clock has caught up. */
  private pending: { sink: AudioSink; spec: SinkSpec; detail: string; at: number } | null = null;
  private nextAt = 0;
  private cause = '';
  private lastFailure = '';
  private closing: Promise<void> = Promise.resolve();
  /** A plan to open once the sink being replaced has let go (see switchTo). */
  private switching: SinkSpec[] | null = null;
  private closed = true;
  private readonly retryDelayMs: number;
  private readonly retries: number;
  private readonly reconnectMs: number;
  private readonly now: () => number;

  constructor(
    private readonly open: OpenSink,
    /** The clock sink; `since`: where its timeline starts (default now). */
    private readonly clock: (since?: number) => AudioSink,
    private readonly report: (r: SinkReport) => void,
    opts: SupervisorOptions = {},
  ) {
    this.retryDelayMs = opts.retryDelayMs ?? 500;
    this.retries = opts.retries ?? 2;
    this.reconnectMs = opts.reconnectMs ?? 2000;
    this.now = opts.now ?? (() => performance.now());
    this.current = clock();
  }

  get sink(): AudioSink {
    return this.current;
  }

  /**
   * Opens the first spec that works; the clock when none does (or the plan is empty). `handOver`:
   * the clock plays meanwhile, and the device takes over once the clock has caught up (see check).
   */
  start(plan: SinkSpec[], handOver = false): AudioSink {
    const failures: string[] = [];
    for (const spec of plan) {
      try {
        const s = this.open(spec);
        const detail = failures.length === 0 ? '' : `${failures.join('; ')}; using ${s.name}:${s.device}`;
        if (handOver) this.handOver(s, spec, detail);
        else this.use(s, spec, detail);
        return this.current;
      } catch (err) {
        failures.push(message(err));
      }
    }
    this.report({ sink: 'clock', device: '', detail: plan.length === 0 ? 'audio output off' : `no sound: ${failures.join('; ')}` });
    return this.current;
  }

  /**
   * Call after each pump. Replaces a failed sink with the clock and plans the recovery; takes the
   * next recovery step when it is due. Returns the sink to pump from now on.
   */
  check(): AudioSink {
    if (this.pending !== null) {
      // What fell due since the device opened is owed too: nothing is dropped before the handover.
      this.current.catchUp?.();
      if (this.current.behind && this.now() - this.pending.at < HANDOVER_MAX_MS) return this.current;
      const { sink, spec, detail } = this.pending;
      this.pending = null;
      this.use(sink, spec, detail);
      return this.current;
    }
    if (this.switching !== null) {
      if (!this.closed) return this.current;
      const plan = this.switching;
      this.switching = null;
      return this.start(plan, true);
    }
    const err = this.current.error;
    if (err !== null && this.spec !== null) {
      const failed = this.spec;
      this.cause = err.message;
      this.steps = Array.from({ length: this.retries }, () => failed);
      if (failed.device !== undefined) this.steps.push({ backend: failed.backend });
      this.reconnect = failed;
      const since = this.current.playedUntil?.();
      this.retire();
      this.current = this.clock(since);
      this.spec = null;
      this.nextAt = this.now() + this.retryDelayMs;
      this.report({ sink: 'clock', device: '', detail: `${this.cause}; retrying ${describe(failed)}` });
      return this.current;
    }
    const spec = this.steps[0] ?? this.reconnect;
    if (spec && this.closed && this.now() >= this.nextAt) {
      const step = this.steps.shift();
      try {
        const s = this.open(spec);
        this.steps = [];
        this.reconnect = null;
        this.handOver(s, spec, `recovered on ${describe(spec)} after: ${this.cause}`);
      } catch (e) {
        this.lastFailure = message(e);
        const next = this.steps[0];
        this.nextAt = this.now() + (next ? this.retryDelayMs : this.reconnectMs);
        // Reconnection attempts are not reported: the last report still says it all.
        if (step) {
          this.report({
            sink: 'clock',
            device: '',
            detail: next ? `${this.cause}; ${describe(spec)} failed again (${this.lastFailure}); trying ${describe(next)}` : `no sound: ${this.cause}; ${describe(spec)} failed too (${this.lastFailure})`,
          });
        }
      }
    }
    return this.current;
  }

  /** A device opened while the clock plays: the clock takes what fell due during the opening, then the device takes over. */
  private handOver(sink: AudioSink, spec: SinkSpec, detail: string): void {
    if (!this.current.catchUp) {
      this.use(sink, spec, detail);
      return;
    }
    this.current.catchUp();
    this.pending = { sink, spec, detail, at: this.now() };
  }

  private use(s: AudioSink, spec: SinkSpec, detail: string): void {
    this.retire();
    this.current = s;
    this.spec = spec;
    this.report({ sink: s.name, device: s.device, detail });
  }

  /**
   * Another output, asked for by the performer: the clock takes over at once, the old device is
   * closed, and the plan is opened (on a later check) once it has let go. Recovery steps of the
   * old device are dropped.
   */
  switchTo(plan: SinkSpec[]): AudioSink {
    this.steps = [];
    this.reconnect = null;
    this.dropPending();
    const since = this.current.playedUntil?.();
    this.retire();
    this.current = this.clock(since);
    this.spec = null;
    this.switching = plan;
    return this.current;
  }

  /** Closes the sink being replaced; the next device opens only once it has let go. */
  private retire(): void {
    const old = this.current;
    this.closed = false;
    this.closing = old
      .close()
      .catch(() => undefined)
      .then(() => {
        this.closed = true;
      });
  }

  /** A device opened but not yet in use is closed (the performer chose another meanwhile). */
  private dropPending(): void {
    void this.pending?.sink.close().catch(() => undefined);
    this.pending = null;
  }

  async close(): Promise<void> {
    this.steps = [];
    this.reconnect = null;
    this.dropPending();
    this.switching = null;
    await this.closing;
    await this.current.close();
  }
}
