import { spawnSync } from 'node:child_process';
import { parentPort, workerData } from 'node:worker_threads';
import { ownThreadId, toRealTime } from '../../worker/audio-out/thread-priority';
import { PROBE_PRIORITY, PROBE_SLEEP_MS, STALL_MIN_MS, type StallProbeTask } from './stall-probe';

// One of the stall probe's threads: pinned to its core and real-time above the engine, it sleeps
// PROBE_SLEEP_MS at a time and logs each wake-up that came STALL_MIN_MS or more late. Only the
// kernel and the hypervisor can keep such a thread from its core that long.

const { cpu, control, log } = workerData as StallProbeTask;
const ctl = new Int32Array(control);
const entries = new Float64Array(log);
const capacity = entries.length / 2;

/** Pins this thread to its core and makes it real-time: '' when both held, else why not. */
function prepare(): string {
  const tid = ownThreadId();
  if (tid === null) return 'no thread id in /proc';
  const pin = spawnSync('taskset', ['--pid', '--cpu-list', String(cpu), String(tid)], { encoding: 'utf8', timeout: 5000 });
  if (pin.error) return `taskset could not run (${pin.error.message})`;
  if (pin.status !== 0) return pin.stderr.trim().split('\n')[0];
  return toRealTime(tid, PROBE_PRIORITY);
}

const why = prepare();
parentPort?.postMessage(why);
// ctl[0]: stop; ctl[1 + cpu]: entries logged by this thread.
let before = performance.now();
while (why === '' && Atomics.load(ctl, 0) === 0) {
  Atomics.wait(ctl, 0, 0, PROBE_SLEEP_MS);
  const now = performance.now();
  const late = now - before - PROBE_SLEEP_MS;
  before = now;
  const n = Atomics.load(ctl, 1 + cpu);
  if (late >= STALL_MIN_MS && n < capacity) {
    entries[2 * n] = performance.timeOrigin + now;
    entries[2 * n + 1] = late;
    Atomics.store(ctl, 1 + cpu, n + 1);
  }
}
