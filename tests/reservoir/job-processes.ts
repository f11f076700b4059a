import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

// Looking at a job's process from the outside (the tests of training and sine-net jobs).

/** The process has ended: no such process, or a zombie (ended, not yet reaped by whoever inherited it). */
export function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  if (process.platform !== 'linux') return false;
  try {
    return stateOf(readFileSync(`/proc/${pid}/stat`, 'utf8')) === 'Z';
  } catch {
    return true;
  }
}

export async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (!gone(pid)) {
    if (performance.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** The nice value of each thread of the process (Linux keeps one per thread); null elsewhere. */
export function threadNices(pid: number): number[] | null {
  if (process.platform !== 'linux') return null;
  return readdirSync(`/proc/${pid}/task`).map((tid) => Number(fieldsOf(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'))[16]));
}

/** /proc stat fields after the command name (which may hold spaces): state first. */
const fieldsOf = (stat: string) => stat.slice(stat.lastIndexOf(')') + 2).split(' ');
const stateOf = (stat: string) => fieldsOf(stat)[0];

/**
 * A job-status callback that reads the job process's priority, and each of its threads' (Linux),
 * at the first status, then does `then` once.
 */
export function priorityProbe(pid: number, then: () => void): { onStatus: () => void; nice: number | null; threads: number[] | null } {
  const probe = {
    nice: null as number | null,
    threads: null as number[] | null,
    onStatus: () => {
      if (probe.nice !== null) return;
      probe.nice = os.getPriority(pid);
      probe.threads = threadNices(pid);
      then();
    },
  };
  return probe;
}
