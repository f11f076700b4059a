import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineHost } from '../../src/main/engine/engine-host';
import { ENGINE_NICE, ENGINE_RT_PRIORITY, ownThreadId, schedOf, toRealTime } from '../../src/worker/audio-out/thread-priority';

// The engine thread asks for SCHED_FIFO (and nice -11, which counts where real-time is refused)
// so the UI and main never hold the device queue up. Linux keeps both per thread: only the
// engine's moves.

const SCHED_OTHER = 0;
const SCHED_FIFO = 1;

const threads = () => readdirSync('/proc/self/task').map((tid) => schedOf(`/proc/self/task/${tid}/stat`));
const raised = (list: ReturnType<typeof threads>) => list.filter((t) => t.policy === SCHED_FIFO && t.rtPriority === ENGINE_RT_PRIORITY && t.nice === ENGINE_NICE).length;

describe.skipIf(process.platform !== 'linux')('the engine thread priority', () => {
  let host: EngineHost;
  let before: ReturnType<typeof threads>;
  beforeAll(async () => {
    before = threads();
    host = await EngineHost.start({ sampleRate: 48000, blockSize: 128 });
  });
  afterAll(() => host.stop());

  it('is real-time where permitted, else says how to permit it; no other thread moves', () => {
    const mine = schedOf('/proc/thread-self/stat');
    if (host.priority.note === '') {
      expect(host.priority).toEqual({ nice: ENGINE_NICE, realtime: ENGINE_RT_PRIORITY, note: '' });
      // The engine worker's thread (and no thread of this one's).
      expect(raised(threads())).toBe(raised(before) + 1);
    } else {
      // An unprivileged user without the limits: it plays on at what it got, and is told how.
      expect(host.priority.realtime).toBe(0);
      expect(host.priority.note).toMatch(/not permitted .*rtprio 95.*limits\.d/);
      expect(raised(threads())).toBe(raised(before));
    }
    expect(schedOf('/proc/thread-self/stat')).toEqual(mine);
    if (process.getuid?.() === 0) expect(host.priority).toEqual({ nice: ENGINE_NICE, realtime: ENGINE_RT_PRIORITY, note: '' });
  });

  // What most users get: no rtprio or nice limit. Run as nobody, with root's rights dropped.
  it.skipIf(process.getuid?.() !== 0 || !existsSync('/usr/bin/setpriv'))('plays on unprivileged, and says which limits.d lines allow the raise', () => {
    const start = `require('tsx/cjs'); require('./src/main/engine/engine-host.ts').EngineHost.start({ sampleRate: 48000, blockSize: 128 }).then(async (h) => { console.log(JSON.stringify(h.priority)); await h.stop(); });`;
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'node', '-e', start], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, HOME: '/tmp' } });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
    expect(got.realtime).toBe(0);
    expect(got.nice).toBe(0);
    expect(got.note).toMatch(/^not permitted to raise the engine thread to real-time priority 5 \(chrt: .*Operation not permitted\) or to nice -11: add "@audio - rtprio 95" and "@audio - nice -11" to a file in \/etc\/security\/limits\.d\/ and the user to group audio$/);
  });

  it('reports a missing chrt as the reason, and leaves the thread as it was', () => {
    const tid = ownThreadId() ?? -1;
    const mine = schedOf(`/proc/self/task/${tid}/stat`);
    expect(toRealTime(tid, ENGINE_RT_PRIORITY, 'axon-no-such-chrt')).toMatch(/^axon-no-such-chrt could not run \(.*ENOENT/);
    expect(schedOf(`/proc/self/task/${tid}/stat`)).toEqual(mine);
    expect(mine.policy).toBe(SCHED_OTHER);
  });
});
