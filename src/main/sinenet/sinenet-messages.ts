import type { SineNetSound } from '../../shared/api';
import type { ErrorPayload } from '../../shared/errors';
import type { BatchOptions } from './batch';

// Between the sine-net batch jobs (main thread) and the batch worker.

export interface SineNetTask {
  options: BatchOptions;
  /** The batch's own folder: a pack (WAVs of the sounds judged "keep", then pack.json). */
  dir: string;
  /** Int32Array over it: 1 = cancel (polled between sounds). */
  cancel: SharedArrayBuffer;
}

export type SineNetMessage =
  | { type: 'sound'; sound: SineNetSound }
  | { type: 'done' }
  | { type: 'cancelled' }
  | { type: 'failed'; error: ErrorPayload };
