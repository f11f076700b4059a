import type * as Audify from 'audify';
import { RingBuffer } from 'ringbuf.js';
import { MAX_QUEUE_MS } from '../../shared/engine-config';
import { CHANNELS, STATUS_UNDERRUNS } from '../../shared/engine-memory';
import { axonError } from '../../shared/errors';
import type { Frames, Hertz, Milliseconds } from '../../shared/units';
import { chooseDevice, errorReason, FLOAT32, loadAudify, probeApis, SCHEDULE_REALTIME } from './audify-apis';
import type { AudioSink } from './audio-sink';
import type { MonitorTap } from './monitor-tap';

/**
 * Device periods kept queued in RtAudio: covers the worker's wake-up jitter, JIT and GC pauses.
 * Three (with nothing rendered ahead in the ring) gave an underrun in 1 of 7 one-minute runs on
 * a quiet 2-core machine; four is the margin the sink had with a period waiting in the ring.
 */
const DEVICE_PERIODS = 4;
/** A running stream whose clock does not move for this long has lost its device. */
const STALL_MS = 1000;
/** After stop(), RtAudio's last callbacks may still be queued for this thread: let them run before closeStream (closing under them aborted the process). */
const SETTLE_MS = 30;
/** A failed stream's close waits this long for RtAudio to close it itself (see release); JACK's, until it does. */
const RELEASE_MS = 2000;
/** How often a failed stream is looked at until it is closed. */
const RELEASE_POLL_MS = 50;

/**
 * Plays the audio ring through audify (RtAudio): native JACK when a server runs, else PulseAudio
 * or ALSA (CoreAudio on macOS; ASIO, WASAPI or DirectSound on Windows). audify copies each
 * written period into its own queue and plays silence, unreported, when that queue is empty; so
 * the queue depth is tracked here: the stream clock (exact, advanced once per device period)
 * says how many periods the device has played, and every period it played beyond what was
 * written is an underrun. One reused buffer: nothing is allocated per block on this side.
 */
export class AudifySink implements AudioSink {
  readonly name = 'audify';
  readonly device: string;
  /** Nothing is kept rendered ahead: periods are rendered just in time for the device queue (see want), which covers the worker's wake-up jitter on its own. */
  readonly queueBlocks = 0;
  /** Frames per device period (JACK imposes its own; RtAudio requires exactly this per write). */
  readonly periodFrames: Frames;
  private readonly rt: Audify.RtAudio;
  private readonly ring: RingBuffer;
  private readonly buf: Buffer;
  private readonly view: Float32Array;
  private written = 0;
  /** Periods kept queued in the device: DEVICE_PERIODS, or what queueMs asked for. */
  private readonly periods: number;
  /** Periods asked for beyond the usual depth by prime(), until they are written. */
  private extra = 0;
  private silent = 0;
  private started = false;
  private lastTicks = 0;
  private lastMove = performance.now();
  private failed: Error | null = null;
  /** The last error RtAudio reported (maybe another stream's: see errorReason). */
  private lastReason = '';
  private closing: Promise<void> | null = null;

  constructor(
    sab: SharedArrayBuffer,
    private readonly sampleRate: Hertz,
    blockSize: Frames,
    private readonly status: Int32Array,
    private readonly tap: MonitorTap,
    deviceName?: string,
    queueMs?: Milliseconds,
  ) {
    const apis = probeApis(loadAudify(), 'output');
    if (apis.length === 0) throw axonError('audio_no_device', 'audify');
    const { api, info } = chooseDevice(apis, deviceName, 'output');
    this.rt = api.rt;
    this.device = `${api.keyword}:${info.name}`;
    this.periodFrames = this.rt.openStream(
      { deviceId: info.id, nChannels: CHANNELS },
      null,
      FLOAT32,
      sampleRate,
      blockSize,
      'axon-stage',
      null,
      null,
      SCHEDULE_REALTIME,
      (type, msg) => {
        this.lastReason = errorReason(type, msg) ?? this.lastReason;
      },
    );
    this.ring = new RingBuffer(sab, Float32Array);
    // The ring must hold one period.
    if (Math.floor(this.ring.capacity() / (blockSize * CHANNELS)) * blockSize < this.periodFrames) {
      this.rt.closeStream();
      throw axonError('audio_device_failed', this.device, `its period of ${this.periodFrames} frames is longer than the engine's ring`);
    }
    this.periods = queueMs === undefined ? DEVICE_PERIODS : Math.max(2, Math.ceil((Math.min(queueMs, MAX_QUEUE_MS) * sampleRate) / 1000 / this.periodFrames));
    this.buf = Buffer.alloc(this.periodFrames * CHANNELS * 4);
    this.view = new Float32Array(this.buf.buffer, this.buf.byteOffset, this.periodFrames * CHANNELS);
  }

  get error(): Error | null {
    return this.failed;
  }

  /** Periods the device has played, from the stream clock (RtAudio adds one period per callback). */
  private ticks(): number {
    return Math.round((this.rt.streamTime * this.sampleRate) / this.periodFrames);
  }

  /** Periods written and not yet played. */
  private depth(ticks: number): number {
    return this.written - (ticks - this.silent);
  }

  pump(): number {
    if (this.failed !== null || this.closing !== null) return this.wait();
    if (this.started) {
      if (!this.rt.isStreamOpen() || !this.rt.isStreamRunning()) {
        // RtAudio closes the stream itself when the JACK server shuts down, without an error.
        this.failed = axonError('audio_device_failed', this.device, `the stream was closed under us (server gone?)${this.lastReason ? `; RtAudio said: ${this.lastReason}` : ''}`);
        return this.wait();
      }
      const ticks = this.ticks();
      const now = performance.now();
      if (ticks !== this.lastTicks) {
        this.lastTicks = ticks;
        this.lastMove = now;
      } else if (now - this.lastMove > STALL_MS) {
        this.failed = axonError('audio_device_stalled', this.device, STALL_MS);
        return this.wait();
      }
      // Checked before topping up: a period played past the end of what was written was silence.
      const depth = this.depth(ticks);
      if (depth < 0) {
        this.silent -= depth;
        Atomics.add(this.status, STATUS_UNDERRUNS, -depth);
      }
    }
    const want = this.periodFrames * CHANNELS;
    const ticks = this.started ? this.ticks() : 0;
    while (this.depth(ticks) < this.periods + this.extra && this.ring.availableRead() >= want) {
      this.ring.pop(this.view, want);
      this.tap.write(this.view, this.periodFrames);
      this.rt.write(this.buf);
      this.written++;
    }
    // Primed once: the queue then drains back to its usual depth as the device plays it.
    if (this.depth(ticks) >= this.periods + this.extra) this.extra = 0;
    // Started once the first periods are queued, so the device never opens on silence.
    if (!this.started && this.written >= this.periods) {
      try {
        this.rt.start();
        this.started = true;
        this.lastMove = performance.now();
      } catch (err) {
        this.failed = axonError('audio_device_failed', this.device, err instanceof Error ? err.message : String(err));
      }
    }
    return this.wait();
  }

  want(): number {
    if (this.failed !== null || this.closing !== null) return 0;
    return Math.max(0, this.periods + this.extra - this.depth(this.started ? this.ticks() : 0)) * this.periodFrames;
  }

  prime(frames: Frames): void {
    if (this.failed === null && this.closing === null) this.extra = Math.ceil(frames / this.periodFrames);
  }

  playedUntil(): number {
    if (!this.started) return performance.now();
    // The stream clock as last seen moving, plus the periods queued after it.
    return this.lastMove + (Math.max(0, this.depth(this.lastTicks)) * this.periodFrames * 1000) / this.sampleRate;
  }

  private wait(): number {
    return (this.periodFrames / this.sampleRate) * 250;
  }

  /** What RtAudio reports of the device (JACK: the port latency) plus our queue in it. */
  latencyFrames(): number {
    let device = 0;
    try {
      device = this.rt.isStreamOpen() ? this.rt.getStreamLatency() : 0;
    } catch {
      device = 0;
    }
    return device + Math.max(0, this.depth(this.started ? this.ticks() : 0)) * this.periodFrames;
  }

  close(): Promise<void> {
    this.closing ??= this.failed === null ? this.stopAndClose() : this.release();
    return this.closing;
  }

  private async stopAndClose(): Promise<void> {
    try {
      if (this.rt.isStreamRunning()) this.rt.stop();
    } catch {
      // Already stopped by a failing device.
    }
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    try {
      if (this.rt.isStreamOpen()) this.rt.closeStream();
    } catch {
      // RtAudio may have closed it itself (JACK shutdown).
    }
  }

  /**
   * A failed stream is not stopped or closed from here: both wait for its server (stopStream for
   * a callback to drain the queue), and a hung JACK server would hang the engine thread for good.
   * Nor while RtAudio closes it itself (JACK shut it down) in a thread of its own. It is watched
   * instead: closed by RtAudio, done; its clock moving again (the server answers), stopped and
   * closed as usual. A JACK stream always ends one way or the other (a hung server killed shuts
   * its clients down), and until then the next device must not open: opening a client on a hung
   * server blocks too. Other APIs' streams are let go after RELEASE_MS and watched on.
   */
  private release(): Promise<void> {
    return new Promise((resolve) => {
      const end = this.device.startsWith('jack:') ? Infinity : performance.now() + RELEASE_MS;
      const look = () => {
        if (!this.rt.isStreamOpen()) return resolve();
        // Forward only: RtAudio zeroes the clock as it finishes closing.
        if (this.ticks() > this.lastTicks) return void this.stopAndClose().then(resolve);
        if (performance.now() >= end) resolve();
        setTimeout(look, RELEASE_POLL_MS).unref();
      };
      look();
    });
  }
}
