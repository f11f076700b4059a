import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { workerEntry } from '../worker-entry';
import { RingBuffer } from 'ringbuf.js';
import {
  CHANNELS,
  createEngineMemory,
  MONITOR_SECONDS,
  readMonitorFrames,
  readTelemetry,
  STATUS_DROPPED_OUT,
  STATUS_LOG_DROPPED,
  STATUS_MONITOR_POS,
  STATUS_EVENTS_APPLIED,
  frameDelta,
  PROBE_EVENT,
  PROBE_LEFT_AT,
  PROBE_UNDERRUN_AT,
  STATUS_OUTPUT_LATENCY,
  STATUS_UNDERRUNS,
  STEMS,
  type EngineMemory,
} from '../../shared/engine-memory';
import { ASAP, decodeOutEvent, encodeEvent, EVENT_WORDS, OUT_WORDS, isDisplayEvent, type ControlEvent, type LoggedEvent, type OutEvent } from '../../shared/events';
import { axonError, AxonError, fromErrorPayload } from '../../shared/errors';
import { NO_ASSETS, type PatchAssets } from '../../worker/patch-assets';
import type { ThreadPriority } from '../../shared/api';
import type { PatchLayout } from '../../shared/patch/layout';
import { TELEMETRY_WORDS } from '../../shared/telemetry';
import type { Frames, Hertz, Milliseconds, Seconds } from '../../shared/units';
import { DEFAULT_BLOCK, DEFAULT_SAMPLE_RATE, isValidBlockSize } from '../../shared/engine-config';
import type { AudioOutputChoice, HostMessage, WorkerMessage } from '../../shared/worker-messages';

export interface EngineHostOptions {
  sampleRate?: Hertz;
  blockSize?: Frames;
  /** Where the audio goes (default: nowhere, paced by the clock). */
  output?: AudioOutputChoice;
}

/** The audio output the worker opened. */
export interface SinkInfo {
  sink: string;
  device: string;
  /** Why there is no sound, when the sink is the clock. */
  detail: string;
}

export interface EngineHostEvents {
  out: [OutEvent];
  /** Every control event main sent (the backend's and the live rig's), after it was queued. */
  control: [LoggedEvent];
  failed: [AxonError];
  sink: [SinkInfo];
}

/** Ring capacity in blocks: the largest amount any sink keeps rendered ahead. */
const RING_BLOCKS = 16;

const REPLY_TIMEOUT_MS = 5000;
/**
 * Replies that open a sound device (init, output): PortAudio probes every ALSA device as it
 * starts, and a JACK client waits for the server; on a busy machine that took over 5 s.
 */
const DEVICE_TIMEOUT_MS = 20_000;

/**
 * Main's handle on the engine worker. Owns the shared memory: it is the only producer of the
 * control ring and the only consumer of the out ring; it reads telemetry and the monitor.
 * Main-thread only.
 */
export class EngineHost extends EventEmitter<EngineHostEvents> {
  // Replaced together by reconfigure (a new worker at another rate or block size).
  memory: EngineMemory;
  private worker: Worker;
  private control: RingBuffer;
  private outRing: RingBuffer;
  private logRing: RingBuffer;
  private readonly logRecord = new Float64Array(EVENT_WORDS);
  private status: Int32Array;
  private probe: Float64Array;
  /** The output asked for last: a restarted worker opens it again. */
  private output: AudioOutputChoice;
  private readonly record = new Float64Array(EVENT_WORDS);
  private readonly outRecord = new Float64Array(OUT_WORDS);
  private readonly telemetryWords = new Float64Array(TELEMETRY_WORDS);
  private layout: PatchLayout | null = null;
  private generation = 0;
  private stopped = false;
  private readonly waiters = new Set<(m: WorkerMessage) => boolean>();

  /** The audio output in use (updated when the worker reports a change). */
  sink: SinkInfo = { sink: 'starting', device: '', detail: '' };
  /** The engine thread's priority, as the worker set it when it started. */
  priority: ThreadPriority = { nice: 0, realtime: 0, note: 'starting' };

  private constructor(opts: Required<EngineHostOptions>) {
    super();
    this.output = opts.output;
    this.memory = EngineHost.memoryFor(opts.sampleRate, opts.blockSize);
    this.control = new RingBuffer(this.memory.control, Float64Array);
    this.outRing = new RingBuffer(this.memory.out, Float64Array);
    this.logRing = new RingBuffer(this.memory.log, Float64Array);
    this.status = new Int32Array(this.memory.status);
    this.probe = new Float64Array(this.memory.probe);
    this.worker = this.spawn();
  }

  private static memoryFor(sampleRate: Hertz, blockSize: Frames): EngineMemory {
    if (!isValidBlockSize(blockSize)) throw axonError('engine_failed', `block size ${blockSize} is not a multiple of 32 between 64 and 1024`);
    return createEngineMemory(sampleRate, blockSize, RING_BLOCKS);
  }

  private spawn(): Worker {
    const entry = workerEntry(__dirname, 'engine-worker', '../../worker/engine-worker.ts');
    const worker = new Worker(entry.file, { execArgv: entry.execArgv });
    worker.on('message', (m: WorkerMessage) => {
      if (worker !== this.worker) return;
      if (m.type === 'ready') this.priority = m.priority;
      if (m.type === 'sink') {
        this.sink = { sink: m.sink, device: m.device, detail: m.detail };
        this.emit('sink', this.sink);
      }
      for (const w of this.waiters) if (w(m)) this.waiters.delete(w);
    });
    worker.on('error', (err) => {
      if (worker === this.worker) this.fail(err.message);
    });
    worker.on('exit', (code) => {
      if (worker === this.worker && !this.stopped) this.fail(`worker exited with code ${code}`);
    });
    return worker;
  }

  /**
   * Restarts the engine at another sample rate or block size: the worker stops (its output with
   * it), a new one starts on new shared memory and opens the same output. No patch plays after
   * it (the caller loads one). On failure the engine is stopped, as after a crash.
   */
  async reconfigure(sampleRate: Hertz, blockSize: Frames): Promise<void> {
    const memory = EngineHost.memoryFor(sampleRate, blockSize);
    await this.request({ type: 'stop' }, 'stopped');
    const old = this.worker;
    this.memory = memory;
    this.control = new RingBuffer(memory.control, Float64Array);
    this.outRing = new RingBuffer(memory.out, Float64Array);
    this.logRing = new RingBuffer(memory.log, Float64Array);
    this.status = new Int32Array(memory.status);
    this.probe = new Float64Array(memory.probe);
    this.layout = null;
    this.generation++;
    this.sink = { sink: 'starting', device: '', detail: '' };
    this.worker = this.spawn();
    await old.terminate();
    try {
      await this.request({ type: 'init', memory, output: this.output }, 'ready', DEVICE_TIMEOUT_MS);
    } catch (err) {
      this.fail(err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  static async start(opts: EngineHostOptions = {}): Promise<EngineHost> {
    const host = new EngineHost({ sampleRate: opts.sampleRate ?? DEFAULT_SAMPLE_RATE, blockSize: opts.blockSize ?? DEFAULT_BLOCK, output: opts.output ?? { kind: 'none' } });
    try {
      await host.request({ type: 'init', memory: host.memory, output: opts.output ?? { kind: 'none' } }, 'ready', DEVICE_TIMEOUT_MS);
    } catch (err) {
      host.stopped = true;
      await host.worker.terminate();
      throw err;
    }
    return host;
  }

  /**
   * Moves the sound to another output while the engine plays on; resolves with the output in use
   * once the worker has tried the new one (the clock, with the reason, when it could not open).
   */
  async setOutput(output: AudioOutputChoice): Promise<SinkInfo> {
    this.output = output;
    const next = new Promise<SinkInfo>((resolve, reject) => {
      const timer = setTimeout(() => reject(axonError('engine_timeout', 'output')), DEVICE_TIMEOUT_MS);
      this.once('sink', (s) => {
        clearTimeout(timer);
        resolve(s);
      });
    });
    await this.request({ type: 'output', output }, 'switched', DEVICE_TIMEOUT_MS);
    return next;
  }

  /** The device queue asked for (`--queue-ms`, the Devices menu), or null: the sink's own. */
  get queueMs(): Milliseconds | null {
    return this.output.kind === 'auto' ? (this.output.queueMs ?? null) : null;
  }

  /** Opens the output asked for last once more (after a driver or cable problem); resolves as setOutput. */
  reopenOutput(): Promise<SinkInfo> {
    return this.setOutput(this.output);
  }

  get sampleRate(): Hertz {
    return this.memory.sampleRate;
  }

  private fail(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.emit('failed', axonError('engine_failed', reason));
  }

  private request(m: HostMessage, reply: WorkerMessage['type'], timeoutMs = REPLY_TIMEOUT_MS): Promise<WorkerMessage> {
    if (this.stopped) return Promise.reject(axonError('engine_not_running'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(axonError('engine_timeout', m.type));
      }, timeoutMs);
      const waiter = (w: WorkerMessage) => {
        if (w.type === 'error' && w.request === m.type) {
          clearTimeout(timer);
          reject(fromErrorPayload(w.error, 'engine_failed'));
          return true;
        }
        if (w.type !== reply) return false;
        clearTimeout(timer);
        resolve(w);
        return true;
      };
      this.waiters.add(waiter);
      this.worker.postMessage(m);
    });
  }

  /**
   * Loads a validated patch; parameter events encoded afterwards address the new patch. Returns
   * the engine frame at which it was loaded.
   */
  async load(layout: PatchLayout, name: string, seed: number, assets: PatchAssets = NO_ASSETS): Promise<number> {
    const generation = ++this.generation;
    const reply = await this.request({ type: 'load', patch: layout.patch, name, seed, generation, assets }, 'loaded');
    this.layout = layout;
    return reply.type === 'loaded' ? reply.frame : 0;
  }

  /** Queues one control event to apply as soon as possible; throws for names the patch lacks. */
  send(event: ControlEvent): void {
    if (this.stopped) throw axonError('engine_not_running');
    const layout = this.layout;
    if (!layout && (event.type === 'param' || event.type === 'learn')) throw axonError('engine_not_running');
    encodeEvent(event, layout as PatchLayout, ASAP, this.record, 0, this.generation);
    if (this.control.availableWrite() < EVENT_WORDS) throw axonError('control_queue_full');
    this.control.push(this.record, EVENT_WORDS);
    if (!isDisplayEvent(event)) this.emit('control', event);
  }

  /** Latest telemetry words, or null before the first snapshot. */
  telemetry(): Float64Array | null {
    return readTelemetry(this.memory, this.telemetryWords) ? this.telemetryWords : null;
  }

  /** The generation of the patch loaded last (what parameter events are encoded for). */
  get patchGeneration(): number {
    return this.generation;
  }

  /**
   * Drains the log ring: `visit` gets each applied control event's words, [frame applied, type
   * word, a, b] (valid during the call).
   */
  drainLog(visit: (words: Float64Array) => void): number {
    let n = 0;
    while (this.logRing.availableRead() >= EVENT_WORDS) {
      this.logRing.pop(this.logRecord, EVENT_WORDS);
      visit(this.logRecord);
      n++;
    }
    return n;
  }

  /** Applied events the log ring had no room for since the engine started (the event log misses them). */
  get logDropped(): number {
    return Atomics.load(this.status, STATUS_LOG_DROPPED);
  }

  /** Drains the out ring, emitting each event. */
  pollOutEvents(): number {
    let n = 0;
    while (this.outRing.availableRead() >= OUT_WORDS) {
      this.outRing.pop(this.outRecord, OUT_WORDS);
      const e = decodeOutEvent(this.outRecord);
      if (e) this.emit('out', e);
      n++;
    }
    return n;
  }

  /**
   * When engine frame `frame` reaches the audio sink, in µs on performance.now()'s clock (what
   * the drum link schedules on). The device's own output latency after the sink is not known.
   */
  frameTimeUs(frame: Frames): number {
    const consumed = Atomics.load(this.status, STATUS_MONITOR_POS);
    return performance.now() * 1000 + (frameDelta(frame, consumed) / this.sampleRate) * 1e6;
  }

  /**
   * The latency probe: how many control events the engine has applied, and which of them (by
   * that count) last left for the device in its block, and when (ms since the epoch).
   */
  eventProbe(): { applied: number; left: number; leftAtMs: number } {
    return { applied: Atomics.load(this.status, STATUS_EVENTS_APPLIED), left: this.probe[PROBE_EVENT], leftAtMs: this.probe[PROBE_LEFT_AT] };
  }

  /** The worker thread's busy fraction (event loop utilisation) since `since` (a previous result), with the new mark. */
  workerLoad(since?: EventLoopUtilization): { load: number; mark: EventLoopUtilization } {
    const mark = this.worker.performance.eventLoopUtilization();
    return { load: since ? this.worker.performance.eventLoopUtilization(mark, since).utilization : mark.utilization, mark };
  }

  get underruns(): number {
    return Atomics.load(this.status, STATUS_UNDERRUNS);
  }

  /** When (ms since the epoch) the engine last counted underruns; 0 before any. */
  get lastUnderrunAtMs(): number {
    return this.probe[PROBE_UNDERRUN_AT];
  }

  /**
   * The output latency the sink reports after a block leaves the ring (its device queue plus
   * the device's own), in ms; 0 on the clock. Add eventProbe's figure for event to sound.
   */
  get outputLatencyMs(): number {
    return (Atomics.load(this.status, STATUS_OUTPUT_LATENCY) / this.sampleRate) * 1000;
  }

  get droppedOut(): number {
    return Atomics.load(this.status, STATUS_DROPPED_OUT);
  }

  /** Frames the monitor holds (a power of two, at least MONITOR_SECONDS). */
  get monitorFrames(): Frames {
    return this.memory.monitor.byteLength / (4 * CHANNELS);
  }

  /** Frames the sink has consumed so far, modulo FRAME_MODULO: where it writes the monitor next. */
  monitorPosition(): number {
    return Atomics.load(this.status, STATUS_MONITOR_POS);
  }

  /**
   * Copies the `frames` frames of the monitor that end at position `end` into `into`
   * (interleaved stereo). Frames older than the monitor holds are overwritten already: the caller
   * keeps `frames` well under monitorFrames.
   */
  readMonitor(end: number, frames: Frames, into: Float32Array): void {
    readMonitorFrames(new Float32Array(this.memory.monitor), end, frames, into);
  }

  /** The stems (STEMS order, interleaved stereo each) of the `frames` frames before monitor position `end`. */
  readStems(end: number, frames: Frames, into: readonly Float32Array[]): void {
    const stems = new Float32Array(this.memory.stems);
    const width = STEMS.length * CHANNELS;
    const size = stems.length / width;
    for (let i = 0; i < frames; i++) {
      const at = ((((end - frames + i) % size) + size) % size) * width;
      for (let k = 0; k < into.length; k++) {
        into[k][2 * i] = stems[at + 2 * k];
        into[k][2 * i + 1] = stems[at + 2 * k + 1];
      }
    }
  }

  /**
   * The last `seconds` of audio the sink consumed, interleaved stereo, and the engine frame just
   * after its end.
   */
  capture(seconds: Seconds): { samples: Float32Array; endFrame: number } {
    const frames = Math.min(this.monitorFrames, Math.max(1, Math.round(seconds * this.sampleRate)), MONITOR_SECONDS * this.sampleRate);
    const end = this.monitorPosition();
    const samples = new Float32Array(frames * CHANNELS);
    this.readMonitor(end, frames, samples);
    return { samples, endFrame: end };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.request({ type: 'stop' }, 'stopped');
    } finally {
      this.stopped = true;
      await this.worker.terminate();
    }
  }
}
