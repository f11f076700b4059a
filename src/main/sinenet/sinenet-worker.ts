import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { toErrorPayload } from '../../shared/errors';
import { hostJob } from '../job-process';
import { batchDefaults, judgeDesign } from './batch';
import { PackWriter } from './pack';
import type { SineNetMessage, SineNetTask } from './sinenet-messages';

// One batch of sine nets off the app's process at a lower priority (see job-process.ts): forked
// by SineNetJobs, this file hosts itself as the worker thread below. Written as `axon sinenet
// pack` writes it: each sound rendered, judged and (when kept) written as it comes, reported
// one by one.

function generate(task: SineNetTask, port: MessagePort): void {
  const post = (m: SineNetMessage) => port.postMessage(m);
  const cancelFlag = new Int32Array(task.cancel);
  try {
    const o = batchDefaults(task.options);
    const writer = new PackWriter(task.dir, o);
    let cancelled = false;
    for (let i = 0; i < o.count; i++) {
      if (Atomics.load(cancelFlag, 0) === 1) {
        cancelled = true;
        break;
      }
      const entry = writer.add(judgeDesign(o, i));
      post({ type: 'sound', sound: { index: entry.index, design: entry.design, verdict: entry.verdict, metrics: entry.metrics } });
    }
    if (cancelled) post({ type: 'cancelled' });
    else {
      writer.finish();
      post({ type: 'done' });
    }
  } catch (err) {
    post({ type: 'failed', error: toErrorPayload(err) });
  }
}

if (isMainThread) hostJob(__filename);
else if (parentPort) generate(workerData as SineNetTask, parentPort);
