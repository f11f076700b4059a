import { spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import type { ThreadPriority } from '../../shared/api';

/**
 * The nice value the engine thread asks for: PulseAudio's for its audio threads, and above
 * Chromium's compositor and GPU threads (-8 where it may raise them). Measured with the UI open
 * in Chromium on 2 cores, reservoir-pluck playing: 133 underruns in a minute at 0, none at -11.
 * It is what the thread keeps where real-time scheduling is refused.
 */
export const ENGINE_NICE = -11;

/**
 * The SCHED_FIFO priority the engine thread asks for: above every normal thread (a nice value
 * only weighs time slices, so the UI still preempted renders at -11), below the device's own
 * callback threads (JACK's 10 by default, PipeWire's 83-88), which must never wait for a render.
 * Measured with reservoir-pluck playing and the UI open, a minute each: renders that took over
 * 4 ms of wall time (a period is 5.3 ms) 74 at nice -11, 1 and 3 at FIFO.
 */
export const ENGINE_RT_PRIORITY = 5;

/** Linux's policy number for SCHED_FIFO (sched.h). */
const SCHED_FIFO = 1;

/** How to allow both raises: a limits.d line per limit, the user in group audio. */
const ALLOW = `add "@audio - rtprio 95" and "@audio - nice ${ENGINE_NICE}" to a file in /etc/security/limits.d/ and the user to group audio`;

/** A thread's nice value, real-time priority and policy: fields 19, 40 and 41 of its stat line (counted after the command's closing parenthesis). */
export function schedOf(statPath: string): { nice: number; rtPriority: number; policy: number } {
  const stat = readFileSync(statPath, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { nice: Number(f[16]), rtPriority: Number(f[37]), policy: Number(f[38]) };
}

/** The calling thread's id (Linux), or null where /proc does not say. */
export function ownThreadId(): number | null {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return null;
  }
}

/**
 * Puts thread `tid` on SCHED_FIFO at `priority` with util-linux's chrt (Node has no
 * sched_setscheduler; chrt is in every Linux desktop's base system). Returns '' when the thread
 * is there (read back from /proc, not taken from chrt's word), else why not. Threads the engine
 * starts afterwards inherit it, unless they choose their own (JACK's client threads do).
 */
export function toRealTime(tid: number, priority = ENGINE_RT_PRIORITY, chrt = 'chrt'): string {
  const r = spawnSync(chrt, ['--fifo', '--pid', String(priority), String(tid)], { encoding: 'utf8', timeout: 5000 });
  if (r.error) return `${chrt} could not run (${r.error.message})`;
  const now = schedOf(`/proc/self/task/${tid}/stat`);
  if (now.policy === SCHED_FIFO && now.rtPriority === priority) return '';
  return r.stderr.trim().split('\n')[0] || `${chrt} exited with ${r.status ?? r.signal}`;
}

/**
 * Raises the calling thread (the engine worker: it renders and feeds the device) above the rest
 * of the app: real-time (SCHED_FIFO) where RLIMIT_RTPRIO permits it, and a nice value of
 * ENGINE_NICE either way, the one that counts if real-time is refused. Linux keeps both per
 * thread. A refusal is reported, not thrown: the engine plays on at what it got.
 */
export function raiseEngineThread(): ThreadPriority {
  if (process.platform !== 'linux') return { nice: 0, realtime: 0, note: `the engine thread's priority is only raised on Linux, not on ${process.platform}` };
  const tid = ownThreadId();
  if (tid === null) return { nice: 0, realtime: 0, note: 'the engine thread could not be found in /proc' };
  let niceRefused = false;
  try {
    setPriority(tid, ENGINE_NICE);
  } catch {
    niceRefused = true;
  }
  const why = toRealTime(tid);
  const nice = getPriority(tid);
  if (why === '') return { nice, realtime: ENGINE_RT_PRIORITY, note: '' };
  const orNice = niceRefused ? ` or to nice ${ENGINE_NICE}` : '';
  return { nice, realtime: 0, note: `not permitted to raise the engine thread to real-time priority ${ENGINE_RT_PRIORITY} (${why})${orNice}: ${ALLOW}` };
}
