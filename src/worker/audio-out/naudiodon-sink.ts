import { createRequire, Module } from 'node:module';
import type * as Naudiodon from 'naudiodon';
import { RingBuffer } from 'ringbuf.js';
import { CHANNELS, STATUS_UNDERRUNS } from '../../shared/engine-memory';
import type { Frames, Hertz } from '../../shared/units';
import { axonError } from '../../shared/errors';
import type { AudioSink, AudioDevice } from './audio-sink';
import type { MonitorTap } from './monitor-tap';

/** Blocks naudiodon's native queue holds. */
const DEVICE_QUEUE = 4;
/** Blocks its JavaScript stream buffers before write() asks us to wait. */
const STREAM_BLOCKS = 2;
/** Buffers cycled through the stream: more than it can hold, so none is rewritten while queued. */
const POOL = DEVICE_QUEUE + STREAM_BLOCKS + 4;
/** A device that takes nothing for this long while audio waits is gone (unplugged, server died). */
const STALL_MS = 1000;

/**
 * Loaded on demand: an optional native dependency that may be missing or unbuilt. naudiodon
 * always loads segfault-handler, a NAN addon that would need rebuilding for Electron and writes
 * crash.log into the working directory; it is replaced by a no-op before naudiodon loads (the
 * audio binding itself is N-API and loads anywhere).
 */
function loadNaudiodon(): typeof Naudiodon {
  const req = createRequire(__filename);
  try {
    req.resolve('naudiodon');
  } catch (err) {
    throw axonError('audio_backend_missing', 'naudiodon', err instanceof Error ? err.message.split('\n')[0] : String(err));
  }
  try {
    const handler = createRequire(req.resolve('naudiodon')).resolve('segfault-handler');
    if (!req.cache[handler]) {
      const silent = new Module(handler);
      silent.exports = { registerHandler: () => undefined };
      silent.loaded = true;
      req.cache[handler] = silent;
    }
  } catch {
    // No segfault-handler to replace: naudiodon loads (or fails) on its own.
  }
  return req('naudiodon') as typeof Naudiodon;
}

export function listNaudiodonDevices(): AudioDevice[] {
  const pa = loadNaudiodon();
  const defaults = new Set(pa.getHostAPIs().HostAPIs.map((h) => h.defaultOutput));
  return pa
    .getDevices()
    .filter((d) => d.maxOutputChannels >= CHANNELS)
    .map((d) => ({ id: d.id, name: d.name, host: d.hostAPIName, isDefault: defaults.has(d.id), channels: d.maxOutputChannels }));
}

/**
 * Plays the audio ring on a sound card through naudiodon (PortAudio). naudiodon is a writable
 * stream: the worker hands it blocks from the ring while its queue has room and waits for
 * 'drain' otherwise. naudiodon never reports an underrun, so one is counted when the ring is
 * empty while no block waits on the JavaScript side either (the native queue is about to run
 * dry). Pooled buffers: nothing is allocated per block.
 */
export class NaudiodonSink implements AudioSink {
  readonly name = 'naudiodon';
  /** The device's own queue buffers; the ring only needs to cover the worker's wake-ups. */
  readonly queueBlocks = 3;
  readonly device: string;
  private readonly stream: Naudiodon.IoStreamWrite;
  private readonly ring: RingBuffer;
  private readonly pool: Buffer[];
  private readonly views: Float32Array[];
  private next = 0;
  private waiting = false;
  private started = false;
  /** Blocks written that naudiodon has not yet taken into its native queue. */
  private queued = 0;
  private readonly taken = () => {
    this.queued--;
    this.lastTaken = performance.now();
  };
  private lastTaken = performance.now();
  private failed: Error | null = null;

  constructor(
    sab: SharedArrayBuffer,
    private readonly sampleRate: Hertz,
    private readonly blockSize: Frames,
    private readonly status: Int32Array,
    private readonly tap: MonitorTap,
    deviceName?: string,
  ) {
    const pa = loadNaudiodon();
    const devices = listNaudiodonDevices();
    if (devices.length === 0) throw axonError('audio_no_device', 'naudiodon');
    const chosen = deviceName === undefined ? undefined : devices.find((d) => d.name === deviceName);
    if (deviceName !== undefined && !chosen) throw axonError('audio_device_not_found', 'naudiodon', deviceName, devices.map((d) => d.name).join(', '));
    this.device = chosen?.name ?? 'default';
    this.ring = new RingBuffer(sab, Float32Array);
    this.pool = Array.from({ length: POOL }, () => Buffer.alloc(blockSize * CHANNELS * 4));
    this.views = this.pool.map((b) => new Float32Array(b.buffer, b.byteOffset, blockSize * CHANNELS));
    this.stream = pa.AudioIO({
      outOptions: {
        channelCount: CHANNELS,
        sampleFormat: pa.SampleFormatFloat32,
        sampleRate,
        deviceId: chosen?.id ?? -1,
        framesPerBuffer: blockSize,
        maxQueue: DEVICE_QUEUE,
        highwaterMark: STREAM_BLOCKS * blockSize * CHANNELS * 4,
        closeOnError: false,
      },
    });
    this.stream.on('error', (err: Error) => {
      this.failed = axonError('audio_device_failed', this.device, err.message);
    });
    this.stream.on('drain', () => {
      this.waiting = false;
    });
    this.stream.start();
  }

  get error(): Error | null {
    return this.failed;
  }

  pump(): number {
    const want = this.blockSize * CHANNELS;
    // naudiodon reports no error when the device goes away; its queue just stops moving.
    if (this.queued > 0 && this.failed === null && performance.now() - this.lastTaken > STALL_MS) this.failed = axonError('audio_device_stalled', this.device, STALL_MS);
    while (!this.waiting && this.failed === null) {
      if (this.ring.availableRead() < want) {
        if (this.queued === 0 && this.started) Atomics.add(this.status, STATUS_UNDERRUNS, 1);
        break;
      }
      this.started = true;
      const view = this.views[this.next];
      this.ring.pop(view, want);
      this.tap.write(view, this.blockSize);
      const buf = this.pool[this.next];
      this.next = (this.next + 1) % POOL;
      if (this.queued++ === 0) this.lastTaken = performance.now();
      if (!this.stream.write(buf, this.taken)) this.waiting = true;
    }
    return (this.blockSize / this.sampleRate) * 500;
  }

  playedUntil(): number {
    // Its last take, plus its native queue (full, at most) and what waited for it.
    return this.started ? this.lastTaken + ((DEVICE_QUEUE + Math.max(0, this.queued)) * this.blockSize * 1000) / this.sampleRate : performance.now();
  }

  /** naudiodon hides PortAudio's own latency: count its native queue, full, plus what waits for it. */
  latencyFrames(): number {
    return (DEVICE_QUEUE + Math.max(0, this.queued)) * this.blockSize;
  }

  close(): Promise<void> {
    // quit() waits for queued audio to play out; abort() is broken in naudiodon 2.3.6. A dead
    // device never drains: give up waiting rather than hang the worker's stop.
    return new Promise((resolve) => {
      const giveUp = setTimeout(resolve, STALL_MS);
      this.stream.quit(() => {
        clearTimeout(giveUp);
        resolve();
      });
    });
  }
}
