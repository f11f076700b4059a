import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { STALL_MATCH_MS, underrunsDuringStalls, type MachineStall } from '../../src/main/soak/stall-probe';

// The stall probe tells the machine's stalls from the app's. A stopped process is to its threads
// what a stolen core is: the probe in a child process, stopped for 150 ms, must log that on every core.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the probe in a child process; resolves with what it reported once the child is stopped and continued for `stopMs`. */
async function probeAcrossStop(stopMs: number): Promise<{ note: string; stalls: MachineStall[] }> {
  const script = `require('tsx/cjs');
const { StallProbe } = require('./src/main/soak/stall-probe.ts');
StallProbe.start().then((p) => {
  console.log(JSON.stringify({ note: p.note }));
  process.stdin.once('data', async () => { console.log(JSON.stringify({ stalls: await p.stop() })); process.exit(0); });
});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const { note } = JSON.parse((await lines.next()).value as string) as { note: string };
  await sleep(200);
  child.kill('SIGSTOP');
  await sleep(stopMs);
  child.kill('SIGCONT');
  await sleep(200);
  child.stdin.write('stop\n');
  const { stalls } = JSON.parse((await lines.next()).value as string) as { stalls: MachineStall[] };
  return { note, stalls };
}

describe('the stall probe', () => {
  it.skipIf(process.platform !== 'linux')('logs a stop of its process on every core, or says why it cannot watch', async () => {
    const { note, stalls } = await probeAcrossStop(150);
    if (note !== '') {
      // Without the rights to real-time priority the probe's lateness would be the scheduler's.
      expect(process.getuid?.()).not.toBe(0);
      expect(note).toMatch(/^the stall probe could not watch every core \(core 0: /);
      expect(stalls).toEqual([]);
      return;
    }
    for (let cpu = 0; cpu < availableParallelism(); cpu++) {
      const longest = Math.max(0, ...stalls.filter((s) => s.cpu === cpu).map((s) => s.ms));
      expect(longest, `core ${cpu}`).toBeGreaterThanOrEqual(140);
      expect(longest, `core ${cpu}`).toBeLessThan(1000);
    }
    expect(stalls.map((s) => s.endAtMs)).toEqual([...stalls.map((s) => s.endAtMs)].sort((a, b) => a - b));
  }, 30_000);

  it('counts the underruns that came during a stall or just after it, and only those', () => {
    const stalls: MachineStall[] = [{ endAtMs: 10_000, ms: 40, cpu: 1 }];
    const at = (atMs: number, count = 1) => underrunsDuringStalls([{ atMs, count }], stalls);
    expect(at(9_960)).toBe(1);
    expect(at(9_990, 3)).toBe(3);
    expect(at(10_000 + STALL_MATCH_MS)).toBe(1);
    expect(at(10_001 + STALL_MATCH_MS)).toBe(0);
    expect(at(9_959)).toBe(0);
    expect(underrunsDuringStalls([{ atMs: 9_990, count: 2 }, { atMs: 20_000, count: 5 }], stalls)).toBe(2);
    expect(underrunsDuringStalls([{ atMs: 9_990, count: 2 }], [])).toBe(0);
  });
});
