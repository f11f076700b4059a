import type { ErrorPayload } from '../../shared/errors';
import type { CaptureSpec } from './audify-capture';

// Between AudioInput (main) and its capture worker. Samples and their arrival times go through
// the two shared rings; messages are for the stream's lifecycle only.

export interface CaptureWorkerData {
  spec: CaptureSpec;
  /** ringbuf.js storage of Float32 mono samples. */
  samples: SharedArrayBuffer;
  /** ringbuf.js storage of Float64 triples per period: frames in the sample ring so far, when it arrived (performance.timeOrigin + now()), frames dropped so far. */
  times: SharedArrayBuffer;
}

export type CaptureWorkerMessage =
  | { type: 'opened'; device: string; latencyFrames: number }
  | { type: 'error'; error: ErrorPayload }
  /** Something RtAudio reported, kept to explain a stall (it may concern another stream). */
  | { type: 'reason'; message: string }
  | { type: 'closed' };

export type CaptureHostMessage = { type: 'close' };
