import { parentPort, workerData } from 'node:worker_threads';
import { toErrorPayload } from '../../shared/errors';
import { loadGrains } from './grain-files';
import { saveModel } from './model-file';
import { searchHyper } from './search';
import { DEFAULT_HYPER, trainReservoir, type TrainProgress } from './train';
import type { TrainerMessage, TrainerTask } from './trainer-messages';

// One training or search, off the main and audio threads. Reports progress, stops when the
// cancel flag is set, and writes the model only when it succeeded.

const port = parentPort;
if (!port) throw new Error('training-worker runs as a worker thread');
const task = workerData as TrainerTask;
const post = (m: TrainerMessage) => port.postMessage(m);
const cancelFlag = new Int32Array(task.cancel);
const isCancelled = () => Atomics.load(cancelFlag, 0) === 1;

const STAGES: Record<TrainProgress['stage'], string> = { driving: 'driving the reservoir', loading: 'learning weights', conceptors: 'forming conceptors' };

try {
  const r = task.request;
  post({ type: 'progress', fraction: 0, detail: `reading ${task.files.length} sound${task.files.length === 1 ? '' : 's'}` });
  const { grains, warnings } = loadGrains(r.slice ? { slice: task.files[0] } : { grains: task.files }, task.sampleRate);
  const kind = r.diagonal ? 'diagonal' : 'full';
  if (r.search) {
    const trials = r.search.trials;
    const result = searchHyper(grains, {
      trials,
      method: r.search.method ?? 'ga',
      sampleRate: task.sampleRate,
      seed: 1,
      kind,
      useMfcc: r.search.mfcc === true,
      isCancelled,
      onTrial: (t) => post({ type: 'progress', fraction: (t.index + 1) / trials, detail: `trial ${t.index + 1} of ${trials}: score ${t.score.toFixed(3)}` }),
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
