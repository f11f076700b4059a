import type { SearchTrialSummary, TrainRequest } from '../../shared/api';
import type { ErrorPayload } from '../../shared/errors';
import type { Hertz } from '../../shared/units';

// Between the training jobs (main thread) and the training worker.

export interface TrainerTask {
  request: TrainRequest;
  /** The request's sounds, resolved to files. */
  files: string[];
  /** Where the model goes (written atomically, only when training succeeds). */
  out: string;
  sampleRate: Hertz;
  /** Int32Array over it: 1 = cancel (polled between grains and trials). */
  cancel: SharedArrayBuffer;
}

export type TrainerMessage =
  /** `trial`: a search trial just ended. */
  | { type: 'progress'; fraction: number; detail: string; trial?: SearchTrialSummary }
  | { type: 'done'; grains: { nrmse: number | null; aperture: number }[]; trainSeconds: number; warnings: string[] }
  | { type: 'failed'; error: ErrorPayload };
