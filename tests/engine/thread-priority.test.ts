import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineHost } from '../../src/main/engine/engine-host';
import { ENGINE_NICE } from '../../src/worker/audio-out/thread-priority';

// The engine thread asks for nice -11 so the UI (Chromium raises its own compositor to -8) and
// main never hold the device queue up. Linux keeps nice per thread: only the engine's is raised.

/** A thread's nice value: field 19 of its stat line, counted after the command's closing parenthesis. */
function niceOf(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

const threadNices = (): number[] => readdirSync('/proc/self/task').map((tid) => niceOf(`/proc/self/task/${tid}/stat`));

describe.skipIf(process.platform !== 'linux')('the engine thread priority', () => {
  let host: EngineHost;
  let before: number[];
  beforeAll(async () => {
    before = threadNices();
    host = await EngineHost.start({ sampleRate: 48000, blockSize: 128 });
  });
  afterAll(() => host.stop());

  it('is raised to ENGINE_NICE where permitted, else says how to permit it; no other thread moves', () => {
    const mine = niceOf('/proc/thread-self/stat');
    const raisedBefore = before.filter((n) => n === ENGINE_NICE).length;
    const raisedNow = threadNices().filter((n) => n === ENGINE_NICE).length;
    if (host.priority.note === '') {
      expect(host.priority.nice).toBe(ENGINE_NICE);
      // The engine worker's thread (and no thread of this one's).
      expect(raisedNow).toBe(raisedBefore + 1);
    } else {
      // An unprivileged user without a nice limit: it plays on at the priority it had.
      expect(host.priority.note).toMatch(/not permitted .*limits\.d/);
      expect(host.priority.nice).toBe(mine);
      expect(raisedNow).toBe(raisedBefore);
    }
    expect(niceOf('/proc/thread-self/stat')).toBe(mine);
    if (process.getuid?.() === 0) expect(host.priority).toEqual({ nice: ENGINE_NICE, note: '' });
  });
});
