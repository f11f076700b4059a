import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import type { ThreadPriority } from '../../shared/api';

/**
 * The nice value the engine thread asks for: PulseAudio's for its audio threads, and above
 * Chromium's compositor and GPU threads (-8 where it may raise them). Measured with the UI open
 * in Chromium on 2 cores, reservoir-pluck playing: 133 underruns in a minute at 0, none at -11.
 */
export const ENGINE_NICE = -11;

/**
 * Raises the calling thread (the engine worker: it renders and feeds the device) above the rest
 * of the app. Linux keeps a nice value per thread, set through setpriority() on the thread id;
 * an unprivileged user may lower it only as far as RLIMIT_NICE allows (limits.conf), so a
 * refusal is reported, not thrown: the engine plays on at normal priority.
 */
export function raiseEngineThread(): ThreadPriority {
  if (process.platform !== 'linux') return { nice: 0, note: `the engine thread's priority is only raised on Linux, not on ${process.platform}` };
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return { nice: 0, note: 'the engine thread could not be found in /proc' };
  }
  try {
    setPriority(tid, ENGINE_NICE);
  } catch {
    return {
      nice: getPriority(tid),
      note: `not permitted to raise the engine thread to nice ${ENGINE_NICE}: allow it with "@audio - nice ${ENGINE_NICE}" in /etc/security/limits.d/ and the user in group audio`,
    };
  }
  return { nice: getPriority(tid), note: '' };
}
