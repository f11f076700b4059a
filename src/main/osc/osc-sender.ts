import dgram from 'node:dgram';
import dns from 'node:dns';
import type { EngineState } from '../../shared/api';
import { axonError } from '../../shared/errors';
import type { OutEvent } from '../../shared/events';
import { T_ACTIVITY, T_COLUMNS, T_FRAME, T_NEURONS, T_OUTPUTS, T_PEAK_L, T_PEAK_R, T_RMS_L, T_RMS_R, T_WEIGHTS } from '../../shared/telemetry';
import type { Hertz, Milliseconds, Seconds } from '../../shared/units';
import { OSC_IMMEDIATELY, oscHead, OscWriter } from './osc-codec';
import { formatEndpoint, type OscEndpoint } from './osc-endpoint';
import { OscProblemLog, type OscProblemListener } from './osc-problem-log';

/** Names for what telemetry carries by index: neuron ids and signal columns (sources, then neurons). */
export interface OscLayout {
  readonly neurons: readonly string[];
  readonly columns: readonly string[];
}

export const oscLayoutOf = (state: EngineState): OscLayout => ({ neurons: state.neurons.map((n) => n.id), columns: [...state.columns] });

export interface OscSenderOptions {
  targets: readonly OscEndpoint[];
  /** Frames per second (default 30, 1 to 240). */
  rateHz?: Hertz;
  /** Every weight is sent this often even if unchanged, for receivers that start late (default 1 s; 0 = only changes). */
  weightRefreshS?: Seconds;
  /** A frame larger than this is split over several bundles (default 8192 bytes). */
  maxDatagram?: number;
  onProblem?: OscProblemListener;
  reportIntervalMs?: Milliseconds;
}

export interface OscSenderStats {
  /** Telemetry frames sent (each as one or more bundles). */
  frames: number;
  /** Datagrams handed to the sockets, counted per target. */
  packets: number;
  bytes: number;
  /** Sends that failed (unreachable host, no route...). */
  errors: number;
  /** Telemetry frames not sent because they did not fit the layout (mid patch change). */
  skipped: number;
}

interface Destination {
  readonly label: string;
  readonly address: string;
  readonly port: number;
  readonly socket: dgram.Socket;
  /** One callback per destination, made once: no closure per datagram. */
  readonly done: (err: Error | null) => void;
}

const BUNDLE_HEADER = 16;
const HEAD_LEVEL = oscHead('/axon/level', 'ffff');
const HEAD_BEAT = oscHead('/axon/beat', 'i');
const HEAD_DRUM = oscHead('/axon/drum', 'ii');
const HEAD_NOTE = oscHead('/axon/note', 'ii');
const HEAD_CC = oscHead('/axon/cc', 'ii');

/**
 * Sends what the engine does as OSC over UDP to one or more receivers (VDMX, TouchDesigner,
 * Resolume...): a bundle per frame at `rateHz` with neuron outputs, activity, levels and changed
 * weights; drum hits, notes, CCs and beats at once as single messages. Send failures are
 * counted and reported, never thrown.
 */
export class OscSender {
  readonly stats: OscSenderStats = { frames: 0, packets: 0, bytes: 0, errors: 0, skipped: 0 };
  readonly problems: OscProblemLog;
  private readonly frame = new OscWriter(4096);
  private readonly single = new OscWriter(64);
  private layout: OscLayout | null = null;
  private neuronHeads: Buffer[] = [];
  private activityHeads: Buffer[] = [];
  private weightHeads: Buffer[] = [];
  /** Last weight sent per connection, as float32 (what went on the wire). */
  private sentWeights = new Float32Array(0);
  private lastFullWeights = -Infinity;
  private allWeightsNext = true;
  private words: ArrayLike<number> | null = null;
  private lastFrame = -1;
  private timer: NodeJS.Timeout | null = null;
  private readonly maxDatagram: number;
  private readonly weightRefreshMs: Milliseconds;

  private constructor(
    private readonly destinations: readonly Destination[],
    private readonly sockets: readonly dgram.Socket[],
    opts: OscSenderOptions,
    problems: OscProblemLog,
  ) {
    this.problems = problems;
    this.maxDatagram = opts.maxDatagram ?? 8192;
    this.weightRefreshMs = (opts.weightRefreshS ?? 1) * 1000;
    this.timer = setInterval(() => this.flush(), 1000 / (opts.rateHz ?? 30));
  }

  /** Resolves every target's host once (not per datagram) and opens a socket per address family. */
  static async open(opts: OscSenderOptions): Promise<OscSender> {
    const rate = opts.rateHz ?? 30;
    if (!(rate >= 1 && rate <= 240)) throw axonError('osc_rate', 'send rate', rate, '1 to 240 Hz');
    const refresh = opts.weightRefreshS ?? 1;
    if (!(refresh >= 0 && Number.isFinite(refresh))) throw axonError('osc_rate', 'weight refresh', refresh, 'a finite number of seconds, 0 or more');
    const max = opts.maxDatagram ?? 8192;
    if (!(Number.isInteger(max) && max >= 512 && max <= 65507)) throw axonError('osc_rate', 'datagram size', max, '512 to 65507 bytes');
    const problems = new OscProblemLog(opts.onProblem, opts.reportIntervalMs ?? 1000);
    const resolved = await Promise.all(
      opts.targets.map(async (t) => {
        try {
          return { target: t, ...(await dns.promises.lookup(t.host)) };
        } catch (err) {
          throw axonError('osc_endpoint', formatEndpoint(t), `cannot resolve the host (${err instanceof Error ? err.message : String(err)})`);
        }
      }),
    );
    const sockets = new Map<number, dgram.Socket>();
    const socketFor = (family: number) => {
      let s = sockets.get(family);
      if (!s) {
        s = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
        // Errors also arrive in send callbacks; this keeps an unhandled 'error' from throwing.
        s.on('error', (err) => problems.add(axonError('osc_send', 'OSC receivers', err.message)));
        sockets.set(family, s);
      }
      return s;
    };
    let sender: OscSender | null = null;
    const destinations = resolved.map((r): Destination => {
      const label = formatEndpoint(r.target);
      return {
        label,
        address: r.address,
        port: r.target.port,
        socket: socketFor(r.family),
        done: (err) => {
          if (!err || !sender) return;
          sender.stats.errors++;
          problems.add(axonError('osc_send', label, err.message));
        },
      };
    });
    sender = new OscSender(destinations, [...sockets.values()], opts, problems);
    return sender;
  }

  get targets(): string[] {
    return this.destinations.map((d) => d.label);
  }

  /** Names for the next telemetry frames; null stops frames until a patch is known. */
  setLayout(layout: OscLayout | null): void {
    this.layout = layout;
    const neurons = layout?.neurons ?? [];
    const columns = layout?.columns ?? [];
    this.neuronHeads = neurons.map((id) => oscHead(`/axon/neuron/${id}`, 'f'));
    this.activityHeads = neurons.map((id) => oscHead(`/axon/neuron/${id}/activity`, 'f'));
    this.weightHeads = neurons.flatMap((to) => columns.map((from) => oscHead(`/axon/weight/${to}/${from}`, 'f')));
    this.sentWeights = new Float32Array(neurons.length * columns.length);
    this.allWeightsNext = true;
  }

  /** The latest telemetry words (kept by reference, read at the next frame). */
  telemetry(words: ArrayLike<number>): void {
    this.words = words;
  }

  /** Sends drums, notes and CCs at once: visuals should hit with the sound, not a frame later. */
  event(e: OutEvent): void {
    switch (e.type) {
      case 'drum':
        return this.sendPair(HEAD_DRUM, e.drum, e.velocity);
      case 'noteOn':
        return this.sendPair(HEAD_NOTE, e.note, e.velocity);
      case 'noteOff':
        // Velocity 0 is note-off, as in MIDI: one address for receivers to map.
        return this.sendPair(HEAD_NOTE, e.note, 0);
      case 'cc':
        return this.sendPair(HEAD_CC, e.cc, e.value);
      default:
        return;
    }
  }

  /** A beat from a tempo source, sent at once with its running count. */
  beat(count: number): void {
    this.single.reset().beginMessage(HEAD_BEAT).int32(Math.trunc(count) | 0).endMessage();
    this.transmit(this.single);
  }

  private sendPair(head: Buffer, a: number, b: number): void {
    this.single.reset().beginMessage(head).int32(Math.trunc(a) | 0).int32(Math.trunc(b) | 0).endMessage();
    this.transmit(this.single);
  }

  /** Sends one frame if new telemetry arrived since the last one (the timer calls this). */
  flush(now: Milliseconds = Date.now()): void {
    const w = this.words;
    const layout = this.layout;
    if (!w || w[T_FRAME] === this.lastFrame) return;
    this.lastFrame = w[T_FRAME];
    const n = w[T_NEURONS];
    const c = w[T_COLUMNS];
    if (!layout || n !== layout.neurons.length || c !== layout.columns.length) {
      this.stats.skipped++;
      return;
    }
    const f = this.frame.reset().beginBundle(OSC_IMMEDIATELY);
    this.room(HEAD_LEVEL.length + 20);
    f.beginMessage(HEAD_LEVEL).float32(w[T_PEAK_L]).float32(w[T_PEAK_R]).float32(w[T_RMS_L]).float32(w[T_RMS_R]).endMessage();
    for (let i = 0; i < n; i++) {
      this.room(this.neuronHeads[i].length + 8);
      f.beginMessage(this.neuronHeads[i]).float32(w[T_OUTPUTS + i]).endMessage();
      this.room(this.activityHeads[i].length + 8);
      f.beginMessage(this.activityHeads[i]).float32(w[T_ACTIVITY + i]).endMessage();
    }
    const all = this.allWeightsNext || (this.weightRefreshMs > 0 && now - this.lastFullWeights >= this.weightRefreshMs);
    if (all) this.lastFullWeights = now;
    this.allWeightsNext = false;
    const sent = this.sentWeights;
    for (let k = 0; k < n * c; k++) {
      const v = Math.fround(w[T_WEIGHTS + k]);
      // Changed as float32 (what the wire carries); Object.is so a stuck NaN is not resent.
      if (!all && Object.is(v, sent[k])) continue;
      sent[k] = v;
      this.room(this.weightHeads[k].length + 8);
      f.beginMessage(this.weightHeads[k]).float32(v).endMessage();
    }
    f.endBundle();
    this.transmit(f);
    this.stats.frames++;
  }

  /** Closes the current bundle and starts another when the next `bytes` would not fit. */
  private room(bytes: number): void {
    if (this.frame.length + bytes <= this.maxDatagram || this.frame.length <= BUNDLE_HEADER) return;
    this.frame.endBundle();
    this.transmit(this.frame);
    this.frame.reset().beginBundle(OSC_IMMEDIATELY);
  }

  private transmit(w: OscWriter): void {
    // A copy per datagram (shared by all targets): the socket may still hold it after we return.
    const data = Buffer.from(w.bytes());
    for (const d of this.destinations) {
      this.stats.packets++;
      this.stats.bytes += data.length;
      try {
        d.socket.send(data, d.port, d.address, d.done);
      } catch (err) {
        // A closed socket throws synchronously.
        d.done(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return Promise.all(
      this.sockets.map(
        (s) =>
          new Promise<void>((resolve) => {
            try {
              s.close(() => resolve());
            } catch {
              resolve();
            }
          }),
      ),
    ).then(() => undefined);
  }
}
