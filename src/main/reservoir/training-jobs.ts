import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SEARCH_BEST_SHOWN, SOUND_NAME_PATTERN, type SearchTrialSummary, type TrainingStatus, type TrainRequest } from '../../shared/api';
import { axonError, toErrorPayload } from '../../shared/errors';
import type { Hertz } from '../../shared/units';
import { dataDir } from '../paths';
import { workerEntry } from '../worker-entry';
import { MODEL_EXTENSION } from './model-file';
import { modelInfo, readModelFile, userModelsDir } from './model-library';
import type { TrainerMessage, TrainerTask } from './trainer-messages';

/** The user's sounds to train on: WAV files by name. */
export const soundsDir = (): string => path.join(dataDir(), 'sounds');

/** A sound's file by name (names never carry paths); throws sound_not_found. */
export function soundFile(name: string): string {
  const file = path.join(soundsDir(), name);
  if (!SOUND_NAME_PATTERN.test(name) || !existsSync(file)) throw axonError('sound_not_found', name, soundsDir());
  return file;
}

export function listSounds(): string[] {
  const dir = soundsDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => SOUND_NAME_PATTERN.test(f))
    .sort();
}

/** A search's summary with one more trial: the best SEARCH_BEST_SHOWN so far, lowest score first. */
export function withTrial(search: NonNullable<TrainingStatus['search']>, trial: SearchTrialSummary): NonNullable<TrainingStatus['search']> {
  const best = [...search.best, trial].sort((a, b) => a.score - b.score || a.trial - b.trial).slice(0, SEARCH_BEST_SHOWN);
  return { trials: search.trials, done: Math.max(search.done, trial.trial), best };
}

/**
 * Training and search jobs, one at a time, each in its own worker thread (a laptop has few cores:
 * the engine keeps one). Emits a `status` for every change; a job ends done (the model is saved
 * in the user's models folder), failed (nothing is written) or cancelled. Main-thread only.
 */
export class TrainingJobs extends EventEmitter<{ status: [TrainingStatus] }> {
  private current: { status: TrainingStatus; worker: Worker; cancel: Int32Array } | null = null;
  private counter = 0;

  /** The engine's rate, asked at each start (it changes when the engine restarts at another). */
  constructor(private readonly rate: () => Hertz) {
    super();
  }

  get running(): boolean {
    return this.current !== null;
  }

  start(request: TrainRequest): TrainingStatus {
    if (this.current) throw axonError('training_busy', this.current.status.name);
    const files = request.sounds.map(soundFile);
    mkdirSync(userModelsDir(), { recursive: true });
    const out = path.join(userModelsDir(), `${request.name}${MODEL_EXTENSION}`);
    const cancel = new SharedArrayBuffer(4);
    const task: TrainerTask = { request, files, out, sampleRate: this.rate(), cancel };
    const entry = workerEntry(__dirname, 'training-worker', './training-worker.ts');
    const worker = new Worker(entry.file, { execArgv: entry.execArgv, workerData: task });
    const status: TrainingStatus = { job: `train-${++this.counter}`, name: request.name, state: 'running', fraction: 0, detail: 'starting' };
    if (request.search) status.search = { trials: request.search.trials, done: 0, best: [] };
    const job = { status, worker, cancel: new Int32Array(cancel) };
    this.current = job;
    const update = (change: Partial<TrainingStatus>) => {
      Object.assign(status, change);
      this.emit('status', { ...status });
    };
    const finish = (change: Partial<TrainingStatus>) => {
      if (this.current !== job) return;
      this.current = null;
      update(change);
      void worker.terminate();
    };
    worker.on('message', (m: TrainerMessage) => {
      if (m.type === 'progress') update({ fraction: m.fraction, detail: m.detail, ...(m.trial && status.search ? { search: withTrial(status.search, m.trial) } : {}) });
      else if (m.type === 'failed') finish(m.error.code === 'training_cancelled' ? { state: 'cancelled', detail: 'cancelled' } : { state: 'failed', detail: m.error.message, error: m.error });
      else {
        try {
          const model = modelInfo(request.name, 'user', readModelFile(out));
          finish({ state: 'done', fraction: 1, detail: 'saved', result: { model, grains: m.grains, trainSeconds: m.trainSeconds, warnings: m.warnings } });
        } catch (err) {
          finish({ state: 'failed', detail: 'the saved model could not be read back', error: toErrorPayload(err) });
        }
      }
    });
    worker.on('error', (err) => finish({ state: 'failed', detail: err.message, error: toErrorPayload(axonError('training_failed', err.message)) }));
    worker.on('exit', (code) => finish({ state: 'failed', detail: `the training thread stopped (exit ${code})`, error: toErrorPayload(axonError('training_failed', `the training thread stopped (exit ${code})`)) }));
    return { ...status };
  }

  /** Asks the running job to stop; its status then turns `cancelled`. */
  cancel(job: string): void {
    if (!this.current || this.current.status.job !== job) throw axonError('training_unknown', job);
    Atomics.store(this.current.cancel, 0, 1);
  }

  async close(): Promise<void> {
    const job = this.current;
    this.current = null;
    if (job) await job.worker.terminate();
  }
}
