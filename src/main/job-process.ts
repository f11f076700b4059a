import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { workerEntry } from './worker-entry';

// Background jobs (reservoir training and search, sine-net batches) run in a child process at a
// lower CPU priority than the app, so that on a busy machine the scheduler serves the engine's
// thread first and the job takes what is left. A process, not a thread of the app's process: its
// priority can be lowered the same way on Linux, macOS and Windows (os.setPriority), and it can
// be killed outright. Inside it, the job's own entry runs again as a worker thread, so that the
// process's main thread stays free to hear a cancel and the parent going away while the job
// computes; the job polls its cancel flag as it did when it was a thread of the app.

/**
 * The jobs' priority: nice 10 on Linux and macOS (a contended core gives the job about a tenth
 * of what it gives the engine), BELOW_NORMAL on Windows. Not the lowest (19, IDLE on Windows),
 * so the job still moves while the UI keeps the machine busy.
 */
export const JOB_PRIORITY = os.constants.priority.PRIORITY_BELOW_NORMAL;

/** How long a cancelled job gets to stop by itself (it polls between grains, trials, sounds) before its process is killed. */
export const CANCEL_GRACE_MS = 3000;

/** What a job's entry receives as workerData: its task, and the flag the host sets on cancel (Int32Array: 1 = cancel). */
export type HostedTask<T extends object> = T & { cancel: SharedArrayBuffer };

type ToHost = { kind: 'start'; task: object; priority: number } | { kind: 'cancel' };
type FromHost = { kind: 'message'; message: unknown } | { kind: 'error'; message: string };

export interface JobEnd {
  /** How the process ended, for people: "exit 1", "killed by SIGKILL". */
  how: string;
  /** Cancel had been asked: the job was stopped on purpose (by itself or, overdue, by a kill). */
  cancelled: boolean;
}

export interface JobProcessEvents<M> {
  /** A message the job posted, in order; all of them arrive before `end`. */
  message: [M];
  /** The job threw past its own handling (its thread stopped): the error's message. */
  crash: [string];
  /** The process is gone (ended, crashed, killed, or never started). Last event. */
  end: [JobEnd];
}

/**
 * The parent's handle on one job process: the entry `name` (bundled `<name>.js` next to `dir`,
 * or `source` through tsx, as worker threads are found) forked, lowered to JOB_PRIORITY, and
 * given `task`. Main-thread only.
 */
export class JobProcess<M> extends EventEmitter<JobProcessEvents<M>> {
  private readonly child: ChildProcess;
  private readonly closed: Promise<void>;
  private ended = false;
  private cancelAsked = false;
  private overdue: NodeJS.Timeout | null = null;

  constructor(dir: string, name: string, source: string, task: object) {
    super();
    const entry = workerEntry(dir, name, source);
    // 'advanced': structured clone, as postMessage between threads (typed arrays, Infinity, undefined).
    this.child = fork(entry.file, [], { execArgv: entry.execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // At once, so even its start-up (module loading) runs low; it lowers its own threads as well.
    if (this.child.pid !== undefined) lowerPriority(this.child.pid, JOB_PRIORITY);
    this.closed = new Promise((resolve) => {
      // 'close' comes after the exit and after the IPC channel closed: every message is in.
      this.child.once('close', (code, signal) => {
        this.end(signal ? `killed by ${signal}` : `exit ${code}`);
        resolve();
      });
      // 'on', not 'once': an 'error' nobody listens to would throw in the app.
      this.child.on('error', (err) => {
        // Never started (no pid): no 'close' follows. Otherwise a kill or send failed: 'close' reports.
        if (this.child.pid !== undefined) return;
        this.end(`could not start (${err.message})`);
        resolve();
      });
    });
    this.child.on('message', (m: FromHost) => {
      if (m.kind === 'message') this.emit('message', m.message as M);
      else this.emit('crash', m.message);
    });
    this.send({ kind: 'start', task, priority: JOB_PRIORITY });
  }

  /** The job's process id (undefined when it could not start). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Asks the job to stop; a job that has not stopped after CANCEL_GRACE_MS is killed. */
  cancel(): void {
    if (this.ended) return;
    this.cancelAsked = true;
    this.send({ kind: 'cancel' });
    this.overdue ??= setTimeout(() => this.kill(), CANCEL_GRACE_MS);
  }

  kill(): void {
    if (!this.ended) this.child.kill('SIGKILL');
  }

  /** Kills the process (when still running) and resolves once it is gone. */
  async close(): Promise<void> {
    this.kill();
    await this.closed;
  }

  private send(m: ToHost): void {
    if (!this.child.connected) return;
    // A failed send means the process is going: 'close' reports it.
    this.child.send(m, (err) => void err);
  }

  private end(how: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.overdue) clearTimeout(this.overdue);
    this.emit('end', { how, cancelled: this.cancelAsked });
  }
}

/** Removes what writeFileAtomic leaves in `dir` when process `pid` died mid-write (`.<name>.<pid>.tmp`). */
export function removeTempFiles(dir: string, pid: number | undefined): void {
  if (pid === undefined) return;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (name.startsWith('.') && name.endsWith(`.${pid}.tmp`)) rmSync(path.join(dir, name), { force: true });
}

function lowerPriority(pid: number, priority: number): void {
  try {
    if (os.getPriority(pid) < priority) os.setPriority(pid, priority);
  } catch {
    // Gone already, or the OS refused: the job then runs at normal priority, as it did in a thread.
  }
}

/**
 * The job process's side (a job entry forked by JobProcess runs this on its main thread): lowers
 * every thread of the process, runs `self` (the entry's own file) as a worker thread with the
 * task, relays its messages, sets its cancel flag, and exits with it, or at once when the
 * parent goes away (the IPC channel closed), so no job outlives the app.
 */
export function hostJob(self: string): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error(`${path.basename(self)} runs as a job process (forked, with an IPC channel) or as its worker thread`);
  const flag = new SharedArrayBuffer(4);
  const cancel = new Int32Array(flag);
  let worker: Worker | null = null;
  let sending = 0;
  let workerGone = false;
  // Leave once the thread is gone and its last messages are written: closing the channel ends the process.
  const leave = () => {
    if (workerGone && sending === 0 && process.connected) process.disconnect();
  };
  const relay = (m: FromHost) => {
    if (!process.connected) return;
    sending++;
    send(m, undefined, undefined, () => {
      sending--;
      leave();
    });
  };
  process.on('disconnect', () => process.exit());
  process.on('message', (m: ToHost) => {
    if (m.kind === 'cancel') Atomics.store(cancel, 0, 1);
    else if (!worker) {
      lowerOwnThreads(m.priority);
      const task: HostedTask<object> = { ...m.task, cancel: flag };
      // The thread inherits this process's execArgv (tsx in the source tree) and, on Linux, the
      // nice value of the thread creating it.
      worker = new Worker(self, { workerData: task });
      worker.on('message', (message: unknown) => relay({ kind: 'message', message }));
      worker.on('error', (err) => relay({ kind: 'error', message: err.message }));
      worker.on('exit', (code) => {
        process.exitCode = code;
        workerGone = true;
        leave();
      });
    }
  });
}

/**
 * Lowers this process to `priority`. On Linux a nice value belongs to a thread (setpriority on the
 * pid reaches the main thread only), so the threads already running (V8's helpers, libuv's) are
 * lowered one by one; threads started later inherit it.
 */
function lowerOwnThreads(priority: number): void {
  lowerPriority(process.pid, priority);
  if (process.platform !== 'linux') return;
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return;
  }
  for (const tid of tids) lowerPriority(Number(tid), priority);
}
