import { RingBuffer } from 'ringbuf.js';
import { EVENT_WORDS, OUT_WORDS } from './events';
import { TELEMETRY_WORDS } from './telemetry';
import type { Frames, Hertz } from './units';

// The shared memory between main and the engine worker, and who may touch what:
//   control   ring of control events     main writes (single producer), engine reads
//   audio     ring of interleaved stereo engine writes, the audio sink reads
//   out       ring of output events      engine writes, main reads
//   log       ring of applied control events, on the frame each applied   engine writes, main reads
//   telemetry seqlocked snapshot         engine writes, main reads (retries on a torn read)
//   monitor   last MONITOR_SECONDS of what the sink consumed, overwritten in a circle
//   stems     the stems (STEMS) of the same frames, before the master chain   engine writes, main reads
//   status    counters (STATUS_*)        each word has exactly one writer, named below
//   probe     the latest control event's block leaving for the device (PROBE_*)   sink writes;
//             when the latest underrun was counted (PROBE_UNDERRUN_AT)   worker loop writes

export const CHANNELS = 2;
export const CONTROL_CAPACITY_EVENTS = 4096;
export const OUT_CAPACITY_EVENTS = 4096;
/** Applied events main has not logged yet: 16384 is over a second of a 1 kHz joystick's three axes, with room. */
export const LOG_CAPACITY_EVENTS = 16384;
export const MONITOR_SECONDS = 2;
/**
 * The parts of the mix a set can record beside the master, before the master chain: the neuron
 * voice (dry), what is routed straight to the master (the reservoir synths and sine networks), and
 * the virtual drum kit. Stereo each, in this order, frame by frame in the stems block (frame f at
 * f mod monitorFrames, like the monitor).
 */
export const STEMS = ['voice', 'reservoir', 'drums'] as const;

/** Int32 words of the status block. */
export const STATUS_UNDERRUNS = 0; // sink: blocks the device wanted but the ring did not have
export const STATUS_MONITOR_POS = 1; // sink: frames written into the monitor so far (mod 2^30)
export const STATUS_DROPPED_OUT = 2; // engine: output events lost to a full out ring
export const STATUS_TELEMETRY_READ = 3; // main: sequence number of the last snapshot it read
export const STATUS_EVENTS_APPLIED = 4; // engine: control events applied so far
export const STATUS_EVENT_FRAME = 5; // engine: frame (mod 2^30) at which the latest one applied
export const STATUS_OUTPUT_LATENCY = 6; // worker loop: the sink's reported latency after the ring, in frames
export const STATUS_LOG_DROPPED = 7; // engine: applied events lost to a full log ring (the event log is then incomplete)
export const STATUS_WORDS = 8;

export interface EngineMemory {
  readonly sampleRate: Hertz;
  readonly blockSize: Frames;
  readonly control: SharedArrayBuffer;
  readonly audio: SharedArrayBuffer;
  readonly out: SharedArrayBuffer;
  readonly log: SharedArrayBuffer;
  readonly telemetry: SharedArrayBuffer;
  readonly monitor: SharedArrayBuffer;
  readonly stems: SharedArrayBuffer;
  readonly status: SharedArrayBuffer;
  readonly probe: SharedArrayBuffer;
}

/**
 * Float64 words of the probe block: which applied event (by STATUS_EVENTS_APPLIED count) left for
 * the device, and when; when the worker loop last saw STATUS_UNDERRUNS grow. Times are ms since
 * the epoch (performance.timeOrigin + now()), comparable across threads.
 */
export const PROBE_EVENT = 0;
export const PROBE_LEFT_AT = 1;
export const PROBE_UNDERRUN_AT = 2;
export const PROBE_WORDS = 3;
/** Frame counters shared between threads count modulo this. */
export const FRAME_MODULO = 2 ** 30;

/** `to - from` for frame counters modulo FRAME_MODULO: the nearest difference, either sign. */
export function frameDelta(to: number, from: number): number {
  const d = (((to - from) % FRAME_MODULO) + FRAME_MODULO) % FRAME_MODULO;
  return d > FRAME_MODULO / 2 ? d - FRAME_MODULO : d;
}

/**
 * Frames the monitor holds: at least MONITOR_SECONDS, a power of two so that its ring index stays
 * continuous when the frame counter wraps at 2^30.
 */
export function monitorFrames(sampleRate: Hertz): Frames {
  return 2 ** Math.ceil(Math.log2(MONITOR_SECONDS * sampleRate));
}

/** Copies the `frames` stereo frames before position `end` out of a monitor circle (`mon`, interleaved) into `into`. */
export function readMonitorFrames(mon: Float32Array, end: number, frames: Frames, into: Float32Array): void {
  const size = mon.length / CHANNELS;
  for (let i = 0; i < frames; i++) {
    const f = (((end - frames + i) % size) + size) % size;
    into[2 * i] = mon[2 * f];
    into[2 * i + 1] = mon[2 * f + 1];
  }
}

/** The seqlock word sits before the snapshot: odd while the engine is writing. */
export const TELEMETRY_HEADER_BYTES = 8;

export function createEngineMemory(sampleRate: Hertz, blockSize: Frames, ringBlocks: number): EngineMemory {
  return {
    sampleRate,
    blockSize,
    control: RingBuffer.getStorageForCapacity(CONTROL_CAPACITY_EVENTS * EVENT_WORDS, Float64Array),
    audio: RingBuffer.getStorageForCapacity(ringBlocks * blockSize * CHANNELS, Float32Array),
    out: RingBuffer.getStorageForCapacity(OUT_CAPACITY_EVENTS * OUT_WORDS, Float64Array),
    log: RingBuffer.getStorageForCapacity(LOG_CAPACITY_EVENTS * EVENT_WORDS, Float64Array),
    telemetry: new SharedArrayBuffer(TELEMETRY_HEADER_BYTES + TELEMETRY_WORDS * 8),
    monitor: new SharedArrayBuffer(monitorFrames(sampleRate) * CHANNELS * 4),
    stems: new SharedArrayBuffer(monitorFrames(sampleRate) * STEMS.length * CHANNELS * 4),
    status: new SharedArrayBuffer(STATUS_WORDS * 4),
    probe: new SharedArrayBuffer(PROBE_WORDS * 8),
  };
}

/** Reads the latest telemetry snapshot into `into`; false if none was written yet. */
/**
 * Reads the latest telemetry snapshot into `into`; false if none was written yet. Marks it read,
 * so the engine starts the next snapshot's peaks afresh (until then it keeps accumulating, and no
 * peak is lost between reads).
 */
export function readTelemetry(mem: EngineMemory, into: Float64Array): boolean {
  const seq = new Int32Array(mem.telemetry, 0, 1);
  const words = new Float64Array(mem.telemetry, TELEMETRY_HEADER_BYTES, TELEMETRY_WORDS);
  for (let attempt = 0; attempt < 8; attempt++) {
    const before = Atomics.load(seq, 0);
    if (before === 0) return false;
    if (before & 1) continue;
    into.set(words);
    if (Atomics.load(seq, 0) === before) {
      Atomics.store(new Int32Array(mem.status), STATUS_TELEMETRY_READ, before);
      return true;
    }
  }
  return false;
}
