import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { RingBuffer } from 'ringbuf.js';
import { axonError, fromErrorPayload } from '../../shared/errors';
import type { Frames, Hertz, Milliseconds, Seconds } from '../../shared/units';
import { workerEntry } from '../worker-entry';
import type { CaptureSpec } from './audify-capture';
import type { CaptureHostMessage, CaptureWorkerData, CaptureWorkerMessage } from './capture-messages';
import { InputAnalyser, type AnalyserReading } from './input-analyser';

/** Seconds of sound the sample ring holds: how long main may stall before periods are dropped. */
const RING_SECONDS = 2;
/** How often the rings are drained (and the analyser run). */
const POLL_MS = 5;
/** A stream that delivers nothing for this long has lost its device. */
const STALL_MS = 1000;
/** Arrival times the time base takes its minimum over (about a second of periods). */
const TIME_WINDOW = 128;
/** Recovery: attempts on the device asked for, then its API's default device, this far apart. */
const RETRIES = 2;
const RETRY_MS = 2000;
/** How long open() waits for the worker to open the stream. */
const OPEN_TIMEOUT_MS = 10_000;
/**
 * How long close waits for the stream to close before ending the thread anyway. Generous: a
 * thread ended under an open JACK client leaves the client behind, and the server waits on it.
 */
const CLOSE_TIMEOUT_MS = 3000;

export interface AudioInputOptions {
  /** Device by name as `axon devices` lists inputs (`jack:system`...), or absent for the default. */
  device?: string;
  /** Channel of the device to listen to, 1-based. */
  channel?: number;
  sampleRate?: Hertz;
  /** Frames per period asked for (JACK imposes its own). */
  frames?: Frames;
  /** Sound kept for listen() (drum calibration), in seconds. */
  history?: Seconds;
}

export interface AudioInputStatus {
  state: 'opening' | 'on' | 'failed' | 'closed';
  device: string;
  channel: number;
  latencyMs: Milliseconds;
  /** Frames lost because main fell behind (the ring was full). */
  dropped: number;
  /** Why it is not on, or how it recovered. */
  detail: string;
}

/** A stretch of what the input heard, and when its first sample reached the input (performance.now() ms). */
export interface Heard {
  samples: Float32Array;
  sampleRate: Hertz;
  startMs: Milliseconds;
}

interface Pending {
  fromMs: number;
  toMs: number;
  resolve: (h: Heard) => void;
  reject: (e: Error) => void;
}

/**
 * A microphone or line in, analysed live on the main thread: the stream runs in a capture worker
 * (see capture-worker.ts) that fills two shared rings, drained here every few milliseconds into
 * the analyser (envelope, pitch, onsets) and a history that drum calibration listens back to.
 * Each sample's time is the arrival time of its period, less the period and the device's
 * reported input latency; the minimum over recent periods removes the event loop's jitter.
 * A device that stops delivering is retried, then its API's default device is tried; the rest of
 * the rig plays on meanwhile. Main thread only.
 */
export class AudioInput extends EventEmitter<{
  reading: [AnalyserReading];
  onset: [{ timeMs: Milliseconds; strength: number }];
  status: [AudioInputStatus];
  /** The stream failed (recovery follows on its own). */
  problem: [Error];
}> {
  readonly analyser: InputAnalyser;
  readonly sampleRate: Hertz;
  private readonly spec: CaptureSpec;
  private readonly history: Float32Array;
  /** Samples read from the ring since the first stream opened (history index space). */
  private captured = 0;
  /** `captured` when the current stream opened: its own frame count starts at 0 there. */
  private streamStart = 0;
  private readonly chunk: Float32Array;
  private readonly offsets = new Float64Array(TIME_WINDOW);
  private offsetCount = 0;
  private worker: Worker | null = null;
  private samples: RingBuffer | null = null;
  private times: RingBuffer | null = null;
  private readonly entry = new Float64Array(3);
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private lastData = 0;
  private lastReason = '';
  private droppedBefore = 0;
  private dropped = 0;
  private attempts: (string | undefined)[] = [];
  private closed = false;
  private readonly pending = new Set<Pending>();
  private current: AudioInputStatus;

  constructor(o: AudioInputOptions = {}) {
    super();
    this.sampleRate = o.sampleRate ?? 48000;
    this.spec = { device: o.device, channel: o.channel ?? 1, sampleRate: this.sampleRate, frames: o.frames ?? 256 };
    this.analyser = new InputAnalyser({ sampleRate: this.sampleRate });
    this.history = new Float32Array(Math.round((o.history ?? 10) * this.sampleRate));
    this.chunk = new Float32Array(4096);
    this.current = { state: 'opening', device: o.device ?? 'default', channel: this.spec.channel, latencyMs: 0, dropped: 0, detail: '' };
  }

  get status(): AudioInputStatus {
    return { ...this.current, dropped: this.dropped };
  }

  /** The device and channel asked for (device undefined: the default). */
  get requested(): { device: string | undefined; channel: number } {
    return { device: this.spec.device, channel: this.spec.channel };
  }

  /**
   * Opens the device; rejects with the reason when it cannot. Either way it keeps trying (the
   * device, then its API's default) until close(): a microphone plugged in later is picked up.
   */
  async open(): Promise<AudioInputStatus> {
    this.timer = setInterval(() => this.poll(), POLL_MS);
    try {
      await this.start(this.spec.device);
    } catch (err) {
      this.failed(err as Error, false);
      throw err;
    }
    return this.status;
  }

  private setStatus(s: Partial<AudioInputStatus>): void {
    this.current = { ...this.current, ...s };
    this.emit('status', this.status);
  }

  /** One stream in a fresh worker; resolves once it plays. */
  private start(device: string | undefined): Promise<void> {
    const samples = RingBuffer.getStorageForCapacity(RING_SECONDS * this.sampleRate, Float32Array);
    const times = RingBuffer.getStorageForCapacity(3 * 1024, Float64Array);
    const data: CaptureWorkerData = { spec: { ...this.spec, device }, samples, times };
    const entry = workerEntry(__dirname, 'capture-worker', './capture-worker.ts');
    const worker = new Worker(entry.file, { execArgv: entry.execArgv, workerData: data });
    return new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => fail(axonError('audio_input_failed', device ?? 'default', 'the stream did not open in time')), OPEN_TIMEOUT_MS);
      const fail = (e: Error) => {
        clearTimeout(timeout);
        void worker.terminate();
        reject(e);
      };
      worker.once('error', fail);
      worker.on('message', (m: CaptureWorkerMessage) => {
        if (m.type === 'opened') {
          clearTimeout(timeout);
          worker.off('error', fail);
          worker.on('error', (e) => this.failed(e));
          this.worker = worker;
          this.samples = new RingBuffer(samples, Float32Array);
          this.times = new RingBuffer(times, Float64Array);
          this.streamStart = this.captured;
          this.droppedBefore = this.dropped;
          this.offsetCount = 0;
          this.lastData = performance.now();
          this.setStatus({ state: 'on', device: m.device, latencyMs: (m.latencyFrames / this.sampleRate) * 1000, detail: device === this.spec.device ? '' : `on ${m.device}: ${this.current.detail}` });
          resolve();
        } else if (m.type === 'reason') {
          this.lastReason = m.message;
        } else if (m.type === 'error') {
          const e = fromErrorPayload(m.error, 'audio_input_failed');
          if (this.worker === worker) this.failed(e);
          else fail(e);
        }
      });
    });
  }

  /** Moves everything the worker delivered into the analyser and the history. */
  private poll(): void {
    const samples = this.samples;
    const times = this.times;
    if (!samples || !times) return;
    const now = performance.now();
    while (times.availableRead() >= 3) {
      times.pop(this.entry, 3);
      const [frames, arrived, dropped] = this.entry;
      this.offsets[this.offsetCount++ % TIME_WINDOW] = arrived - performance.timeOrigin - ((this.streamStart + frames) / this.sampleRate) * 1000;
      this.dropped = this.droppedBefore + dropped;
    }
    let got = 0;
    while (samples.availableRead() > 0) {
      const n = samples.pop(this.chunk, Math.min(this.chunk.length, samples.availableRead()));
      const part = this.chunk.subarray(0, n);
      this.keep(part);
      this.analyser.push(part, (o) => this.emit('onset', { timeMs: this.timeOf(o.sample), strength: o.strength }));
      got += n;
    }
    if (got > 0) {
      this.lastData = now;
      this.emit('reading', this.analyser.reading);
      this.answerListeners();
    } else if (this.worker && now - this.lastData > STALL_MS) {
      this.failed(axonError('audio_input_failed', this.current.device, `nothing arrived for ${STALL_MS} ms (device gone?)${this.lastReason ? `; RtAudio said: ${this.lastReason}` : ''}`));
    }
  }

  private keep(part: Float32Array): void {
    const h = this.history;
    let at = this.captured % h.length;
    let i = 0;
    while (i < part.length) {
      const n = Math.min(part.length - i, h.length - at);
      h.set(part.subarray(i, i + n), at);
      i += n;
      at = 0;
    }
    this.captured += part.length;
  }

  /** performance.now() ms at which sample `index` (history index space) reached the input. */
  private timeOf(index: number): Milliseconds {
    let best = Infinity;
    for (let k = 0; k < Math.min(this.offsetCount, TIME_WINDOW); k++) best = Math.min(best, this.offsets[k]);
    return best - this.current.latencyMs + (index / this.sampleRate) * 1000;
  }

  /** Everything heard between two times (performance.now() ms), once it has arrived. */
  listen(fromMs: Milliseconds, toMs: Milliseconds): Promise<Heard> {
    if (this.closed) return Promise.reject(axonError('audio_input_off'));
    return new Promise<Heard>((resolve, reject) => {
      this.pending.add({ fromMs, toMs, resolve, reject });
      this.answerListeners();
    });
  }

  private answerListeners(): void {
    if (this.pending.size === 0 || this.offsetCount === 0) return;
    const first = this.timeOf(0);
    const perMs = this.sampleRate / 1000;
    const newest = this.captured;
    const oldest = Math.max(0, newest - this.history.length);
    for (const p of this.pending) {
      const from = Math.round((p.fromMs - first) * perMs);
      const to = Math.round((p.toMs - first) * perMs);
      if (to > newest) continue;
      this.pending.delete(p);
      if (from < oldest || to <= from) {
        p.reject(axonError('audio_input_failed', this.current.device, `the sound asked for (${Math.round(p.toMs - p.fromMs)} ms) is not in the last ${this.history.length / this.sampleRate} s heard`));
        continue;
      }
      const out = new Float32Array(to - from);
      for (let i = 0; i < out.length; i++) out[i] = this.history[(from + i) % this.history.length];
      p.resolve({ samples: out, sampleRate: this.sampleRate, startMs: first + from / perMs });
    }
  }

  /** The stream failed: end it, tell, and plan the recovery (the device, then its API's default). */
  private failed(e: Error, tell = true): void {
    if (this.closed) return;
    if (tell) this.emit('problem', e);
    void this.stopWorker();
    if (this.attempts.length === 0) this.attempts = [...Array.from({ length: RETRIES }, () => this.spec.device), ...(this.spec.device !== undefined ? [undefined] : [])];
    this.setStatus({ state: 'failed', detail: e.message });
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      // After the plan runs out, keep trying the device asked for: it may be plugged back in.
      const device = this.attempts.length > 0 ? this.attempts.shift() : this.spec.device;
      this.start(device).then(
        () => (this.attempts = []),
        (err: Error) => {
          this.setStatus({ state: 'failed', detail: `${this.current.detail.split('; retry')[0]}; retry on ${device ?? 'the default device'} failed (${err.message})` });
          this.scheduleRetry();
        },
      );
    }, RETRY_MS);
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.samples = null;
    this.times = null;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      const done = setTimeout(resolve, CLOSE_TIMEOUT_MS);
      worker.on('message', (m: CaptureWorkerMessage) => {
        if (m.type === 'closed') {
          clearTimeout(done);
          resolve();
        }
      });
      worker.postMessage({ type: 'close' } satisfies CaptureHostMessage);
    });
    await worker.terminate();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const p of this.pending) p.reject(axonError('audio_input_off'));
    this.pending.clear();
    await this.stopWorker();
    this.setStatus({ state: 'closed' });
  }
}
