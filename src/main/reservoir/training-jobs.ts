import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SEARCH_BEST_SHOWN, SOUND_NAME_PATTERN, type SearchTrialSummary, type TrainingStatus, type TrainRequest } from '../../shared/api';
import { axonError, toErrorPayload } from '../../shared/errors';
import type { Hertz } from '../../shared/units';
import { dataDir } from '../paths';
import { JobProcess, removeTempFiles } from '../job-process';
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
 * Training and search jobs, one at a time, each in its own process at a lower CPU priority than
 * the app (see job-process.ts: a laptop has few cores, and the engine must keep its deadlines
 * while a job runs). Emits a `status` for every change; a job ends done (the model is saved in
 * the user's models folder), failed (nothing is written) or cancelled. Main-thread only.
 */
export class TrainingJobs extends EventEmitter<{ status: [TrainingStatus] }> {
  private current: { status: TrainingStatus; proc: JobProcess<TrainerMessage> } | null = null;
  private counter = 0;

  /** The engine's rate, asked at each start (it changes when the engine restarts at another). */
  constructor(private readonly rate: () => Hertz) {
    super();
  }

  get running(): boolean {
    return this.current !== null;
  }

  /** The running job's process id (diagnostics and tests). */
  get pid(): number | undefined {
    return this.current?.proc.pid;
  }

  start(request: TrainRequest): TrainingStatus {
    if (this.current) throw axonError('training_busy', this.current.status.name);
    const files = request.sounds.map(soundFile);
    mkdirSync(userModelsDir(), { recursive: true });
    const out = path.join(userModelsDir(), `${request.name}${MODEL_EXTENSION}`);
    const task: Omit<TrainerTask, 'cancel'> = { request, files, out, sampleRate: this.rate() };
    const proc = new JobProcess<TrainerMessage>(__dirname, 'training-worker', './training-worker.ts', task);
    const status: TrainingStatus = { job: `train-${++this.counter}`, name: request.name, state: 'running', fraction: 0, detail: 'starting' };
    if (request.search) status.search = { trials: request.search.trials, done: 0, best: [] };
    const job = { status, proc };
    this.current = job;
    const update = (change: Partial<TrainingStatus>) => {
      Object.assign(status, change);
      this.emit('status', { ...status });
    };
    const finish = (change: Partial<TrainingStatus>) => {
      if (this.current !== job) return;
      this.current = null;
      update(change);
      void proc.close();
    };
    const failed = (reason: string) => finish({ state: 'failed', detail: reason, error: toErrorPayload(axonError('training_failed', reason)) });
    proc.on('message', (m) => {
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
    proc.on('crash', failed);
    proc.on('end', (end) => {
      // Killed or crashed mid-write, it leaves its temporary file (the model in place is untouched).
      removeTempFiles(path.dirname(out), proc.pid);
      if (end.cancelled) finish({ state: 'cancelled', detail: 'cancelled' });
      else failed(`the training process stopped (${end.how})`);
    });
    return { ...status };
  }

  /** Asks the running job to stop; its status then turns `cancelled`. */
  cancel(job: string): void {
    if (!this.current || this.current.status.job !== job) throw axonError('training_unknown', job);
    this.current.proc.cancel();
  }

  async close(): Promise<void> {
    const job = this.current;
    this.current = null;
    if (job) await job.proc.close();
  }
}
