import { parentPort, workerData } from 'node:worker_threads';
import { toErrorPayload } from '../../shared/errors';
import { batchDefaults, judgeDesign } from './batch';
import { PackWriter } from './pack';
import type { SineNetMessage, SineNetTask } from './sinenet-messages';

// One batch of sine nets off the main and audio threads, written as `axon sinenet pack` writes
// it: each sound rendered, judged and (when kept) written as it comes, reported one by one.

const port = parentPort;
if (!port) throw new Error('sinenet-worker runs as a worker thread');
const task = workerData as SineNetTask;
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
