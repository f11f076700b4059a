import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Milliseconds } from '../../shared/units';
import { ENGINE_RT_PRIORITY } from '../../worker/audio-out/thread-priority';
import { workerEntry } from '../worker-entry';

// Tells the machine's stalls from the app's: a thread per core, pinned and real-time above the
// engine, notes when it was kept from running. When the engine's thread stalls at the same time
// (an underrun), the cause was the kernel or the hypervisor (a virtual machine's host, a laptop's
// firmware), not anything the app runs. LatencyMon and cyclictest measure the same way.

/** Above the engine thread: nothing of the app's may delay the probe. */
export const PROBE_PRIORITY = ENGINE_RT_PRIORITY + 1;
export const PROBE_SLEEP_MS: Milliseconds = 1;
/** A stall this long or longer is logged (a device period is 5.3 ms at 256 frames). */
export const STALL_MIN_MS: Milliseconds = 5;
/** Stalls logged per core at most. */
const LOG_CAPACITY = 4096;
/** An underrun counted up to this long after a stall ended, or during it, came with it. */
export const STALL_MATCH_MS: Milliseconds = 50;

export interface StallProbeTask {
  cpu: number;
  control: SharedArrayBuffer;
  log: SharedArrayBuffer;
}

/** A stall one probe thread saw: when it ended (ms since the epoch), how long, on which core. */
export interface MachineStall {
  endAtMs: number;
  ms: Milliseconds;
  cpu: number;
}

export class StallProbe {
  private constructor(
    private readonly workers: Worker[],
    private readonly control: Int32Array,
    private readonly logs: Float64Array[],
    /** '' when every core is watched, else why not (then there are no figures). */
    readonly note: string,
  ) {}

  /** Starts a probe thread on every core (Linux; they need the same rights as the engine's real-time priority). */
  static async start(): Promise<StallProbe> {
    const cores = availableParallelism();
    const control = new Int32Array(new SharedArrayBuffer((1 + cores) * 4));
    if (process.platform !== 'linux') return new StallProbe([], control, [], `the stall probe runs on Linux only, not on ${process.platform}`);
    const entry = workerEntry(__dirname, 'stall-probe-worker', './stall-probe-worker.ts');
    const logs: Float64Array[] = [];
    const workers: Worker[] = [];
    const answers: Promise<string>[] = [];
    for (let cpu = 0; cpu < cores; cpu++) {
      const log = new SharedArrayBuffer(LOG_CAPACITY * 2 * 8);
      logs.push(new Float64Array(log));
      const task: StallProbeTask = { cpu, control: control.buffer as SharedArrayBuffer, log };
      const w = new Worker(entry.file, { execArgv: entry.execArgv, workerData: task });
      workers.push(w);
      answers.push(new Promise((done) => {
        w.once('message', (why: string) => done(why));
        w.once('error', (err) => done(err.message));
      }));
    }
    const refused = (await Promise.all(answers)).map((why, cpu) => (why === '' ? '' : `core ${cpu}: ${why}`)).filter((w) => w !== '');
    const probe = new StallProbe(workers, control, logs, refused.length > 0 ? `the stall probe could not watch every core (${refused.join('; ')})` : '');
    if (refused.length > 0) await probe.stop();
    return probe;
  }

  /** Stops the threads; every stall they logged, in order of time (none when note is not ''). */
  async stop(): Promise<MachineStall[]> {
    Atomics.store(this.control, 0, 1);
    Atomics.notify(this.control, 0);
    await Promise.all(this.workers.map((w) => new Promise((done) => (w.threadId === -1 ? done(null) : w.once('exit', done)))));
    this.workers.length = 0;
    if (this.note !== '') return [];
    const stalls: MachineStall[] = [];
    this.logs.forEach((log, cpu) => {
      const n = Atomics.load(this.control, 1 + cpu);
      for (let i = 0; i < n; i++) stalls.push({ endAtMs: log[2 * i], ms: log[2 * i + 1], cpu });
    });
    return stalls.sort((a, b) => a.endAtMs - b.endAtMs);
  }
}

/** Underruns the engine counted (`count` of them at `atMs`) that came during, or just after, a stall of the machine. */
export function underrunsDuringStalls(counted: readonly { atMs: number; count: number }[], stalls: readonly MachineStall[]): number {
  return counted.filter((u) => stalls.some((s) => u.atMs >= s.endAtMs - s.ms && u.atMs <= s.endAtMs + STALL_MATCH_MS)).reduce((sum, u) => sum + u.count, 0);
}
