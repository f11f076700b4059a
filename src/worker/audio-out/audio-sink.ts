import type { AudioDevice } from '../../shared/api';
import type { Frames, Milliseconds } from '../../shared/units';

/** The native audio libraries a sink can drive the device through. */
export type { AudioDevice };
export type AudioBackend = 'naudiodon' | 'audify';

export const AUDIO_BACKENDS: readonly AudioBackend[] = ['naudiodon', 'audify'];

/** A device to open: a backend, and a device by name (its default device when absent). */
export interface SinkSpec {
  backend: AudioBackend;
  device?: string;
  /** The device queue to keep, where the backend lets us choose it (audify). */
  queueMs?: Milliseconds;
}


/**
 * Consumes the audio ring on the device's schedule. Runs on the engine worker's thread; `pump`
 * is called from the worker loop and returns how soon (ms) it wants to be called again.
 */
export interface AudioSink {
  readonly name: string;
  /** The device it plays on ('' for the clock). */
  readonly device: string;
  /** Blocks the worker keeps rendered ahead in the ring for this sink. */
  readonly queueBlocks: number;
  /**
   * Frames the next pump will take beyond queueBlocks, when the sink knows (audify: the periods
   * its device queue lacks). The worker renders them just before the pump, so a control event
   * waits for the next period, not for a period already rendered ahead.
   */
  want?(): number;
  /**
   * Asks for `frames` more than usual in the device's own queue, once: the worker is about to
   * stall (a patch load) and the device plays on from that queue meanwhile. Sinks whose queue
   * the worker cannot fill ahead (naudiodon feeds its device from the event loop) lack it.
   */
  prime?(frames: Frames): void;
  /** Set when the device failed; the worker then replaces the sink. */
  readonly error: Error | null;
  pump(): number;
  /**
   * Frames between a block leaving the ring and its sound at the output: the device queue we
   * keep plus what the device reports of its own (an estimate where the library hides it).
   */
  latencyFrames(): number;
  /**
   * A device's: when (performance.now() ms) it has played, or will have, all it was given. The
   * clock that replaces a failed device starts there, so the set's timeline has no hole.
   */
  playedUntil?(): number;
  /** The clock's, standing in while a device opens: see ClockSink. */
  catchUp?(): void;
  readonly behind?: boolean;
  close(): Promise<void>;
}
