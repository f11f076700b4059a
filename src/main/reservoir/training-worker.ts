import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { toErrorPayload } from '../../shared/errors';
import { hostJob } from '../job-process';
import { loadGrains } from './grain-files';
import { saveModel } from './model-file';
import { DEFAULT_SLICE } from './grains';
import { searchHyper } from './search';
import { DEFAULT_HYPER, trainReservoir, type TrainProgress } from './train';
import type { TrainerMessage, TrainerTask } from './trainer-messages';

// One training or search, off the app's process at a lower priority (see job-process.ts): forked
// by TrainingJobs, this file hosts itself as the worker thread below. Reports progress, stops
// when the cancel flag is set, and writes the model only when it succeeded.

const STAGES: Record<TrainProgress['stage'], string> = { driving: 'driving the reservoir', loading: 'learning weights', conceptors: 'forming conceptors' };
/** Progress within a search trial is sent at most this often (a trial reports every grain). */
const TRIAL_PROGRESS_MS = 100;

function train(task: TrainerTask, port: MessagePort): void {
  const post = (m: TrainerMessage) => port.postMessage(m);
  const cancelFlag = new Int32Array(task.cancel);
  const isCancelled = () => Atomics.load(cancelFlag, 0) === 1;
  try {
    const r = task.request;
    post({ type: 'progress', fraction: 0, detail: `reading ${task.files.length} sound${task.files.length === 1 ? '' : 's'}` });
    const slicing = { ...DEFAULT_SLICE, maxCount: r.maxGrains ?? DEFAULT_SLICE.maxCount };
    const { grains, warnings } = loadGrains(r.slice ? { slice: task.files[0] } : { grains: task.files }, task.sampleRate, slicing);
    const kind = r.diagonal ? 'diagonal' : 'full';
    if (r.search) {
      const trials = r.search.trials;
      let best = Infinity;
      let sent = 0;
      const result = searchHyper(grains, {
        trials,
        method: r.search.method ?? 'ga',
        sampleRate: task.sampleRate,
        seed: 1,
        kind,
        useMfcc: r.search.mfcc === true,
        isCancelled,
        onProgress: (index, fraction) => {
          if (performance.now() - sent < TRIAL_PROGRESS_MS) return;
          sent = performance.now();
          post({ type: 'progress', fraction: (index + fraction) / trials, detail: `trial ${index + 1} of ${trials}${Number.isFinite(best) ? `, best score ${best.toFixed(3)}` : ''}` });
        },
        onTrial: (t) => {
          best = Math.min(best, t.score);
          const trial = { trial: t.index + 1, score: t.score, nrmse: t.nrmse, mfcc: t.mfcc, ...t.hyper };
          post({ type: 'progress', fraction: (t.index + 1) / trials, detail: `trial ${t.index + 1} of ${trials}: score ${t.score.toFixed(3)}`, trial });
        },
      });
      saveModel(task.out, result.bestModel);
      const g = result.bestModel.grains;
      post({ type: 'done', grains: g.map((x) => ({ nrmse: Number.isFinite(x.nrmse) ? x.nrmse : null, aperture: x.aperture })), trainSeconds: result.seconds, warnings });
    } else {
      const hyper = { ...DEFAULT_HYPER, neurons: r.neurons ?? DEFAULT_HYPER.neurons, kind } as const;
      const { model, report } = trainReservoir(grains, hyper, {
        sampleRate: task.sampleRate,
        isCancelled,
        onProgress: (p) => post({ type: 'progress', fraction: p.fraction, detail: STAGES[p.stage] }),
      });
      saveModel(task.out, model);
      post({
        type: 'done',
        grains: report.grains.map((x) => ({ nrmse: Number.isFinite(x.nrmse) ? x.nrmse : null, aperture: x.aperture })),
        trainSeconds: report.trainSeconds,
        warnings: [...warnings, ...report.warnings],
      });
    }
  } catch (err) {
    post({ type: 'failed', error: toErrorPayload(err) });
  }
}

if (isMainThread) hostJob(__filename);
else if (parentPort) train(workerData as TrainerTask, parentPort);
