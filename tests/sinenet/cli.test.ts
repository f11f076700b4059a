import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stdio } from '../../src/main/cli/command';
import { main } from '../../src/main/cli/main';
import { readPack } from '../../src/main/sinenet/pack';
import { runAxon, show, type Run } from '../support/cli-runner';

// `axon sinenet pack` as a user runs it (tests/support/cli-runner.ts), writing into a temporary
// folder.

const TMP = mkdtempSync(path.join(os.tmpdir(), 'axon-sinenet-cli-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const axon = (...args: string[]): Promise<Run> => runAxon(TMP, ...args);
const lines = (t: string) => t.split('\n').filter((l) => l !== '');

describe.concurrent('axon sinenet pack', () => {
  it('writes the pack and prints one line per sound and a summary', async ({ expect }) => {
    const out = path.join(TMP, 'pack');
    const r = await axon('sinenet', 'pack', '--count', '8', '--out', out, '--seed', '2', '--seconds', '0.3');
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).toBe('');
    const text = lines(r.stdout);
    expect(text).toHaveLength(9);
    const pack = readPack(out);
    expect(pack.seed).toBe(2);
    expect(pack.seconds).toBe(0.3);
    for (const [i, s] of pack.sounds.entries()) {
      const l = text[i];
      expect(l).toMatch(new RegExp(`^\\s*${s.index}\\s+${s.verdict}\\s+L${s.design.length} g${s.design.gap} \\[${s.design.hidden.join(',')}\\]`));
      expect(l).toMatch(/rms\s+-?\d+\.\d dB {2}dc [+-]\d\.\d{3} {2}ac\s+\S+ dB {2}late\s+\S+ dB {2}flat \d\.\d{3} {2}zcrvar \d+\.\d{3}/);
      if (s.file) {
        expect(l.endsWith(`-> ${s.file}`)).toBe(true);
        expect(existsSync(path.join(out, s.file))).toBe(true);
      }
    }
    const kept = pack.sounds.filter((s) => s.verdict === 'keep').length;
    const n = (v: string) => pack.sounds.filter((s) => s.verdict === v).length;
    expect(text[8]).toMatch(
      new RegExp(`^kept ${kept} of 8, rejected ${8 - kept} \\(silent ${n('silent')}, dc ${n('dc')}, stuck ${n('stuck')}, noise ${n('noise')}\\) -> .*pack\\.json in \\d+\\.\\d s$`),
    );
    expect(readdirSync(out)).toHaveLength(kept + 1);
  });

  it('--json prints one object: kept, rejected, seconds; the same seed gives the same pack', async ({ expect }) => {
    const a = path.join(TMP, 'json-a');
    const b = path.join(TMP, 'json-b');
    const [ra, rb] = await Promise.all([
      axon('sinenet', 'pack', '--count', '6', '--out', a, '--seconds', '0.2', '--rate', '44100', '--json'),
      axon('sinenet', 'pack', '--json', '--out', b, '--seconds=0.2', '--count=6', '--rate', '44100'),
    ]);
    expect(ra.code, show(ra)).toBe(0);
    expect(rb.code, show(rb)).toBe(0);
    expect(lines(ra.stdout)).toHaveLength(1);
    const j = JSON.parse(ra.stdout) as { kept: { index: number; file: string }[]; rejected: { index: number; verdict: string }[]; seconds: number; sampleRate: number; seed: number };
    expect(j.seconds).toBe(0.2);
    expect(j.sampleRate).toBe(44100);
    expect(j.seed).toBe(1);
    expect(j.kept.length + j.rejected.length).toBe(6);
    for (const k of j.kept) expect(k.file).toBe(`sinenet-${String(k.index).padStart(3, '0')}.wav`);
    for (const x of j.rejected) expect(['silent', 'dc', 'stuck', 'noise']).toContain(x.verdict);
    expect(readFileSync(path.join(a, 'pack.json'), 'utf8')).toBe(readFileSync(path.join(b, 'pack.json'), 'utf8'));
    for (const k of j.kept) expect(readFileSync(path.join(a, k.file)).equals(readFileSync(path.join(b, k.file)))).toBe(true);
  });

  it('refuses a non-empty folder that is not a pack (exit 1, nothing written)', async ({ expect }) => {
    const dir = path.join(TMP, 'busy');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
    const r = await axon('sinenet', 'pack', '--count', '2', '--out', dir);
    expect(r.code, show(r)).toBe(1);
    expect(lines(r.stderr)).toEqual([`axon sinenet: ${dir} is not empty and holds no sine-network pack (pack.json); choose an empty or new folder`]);
    expect(r.stdout).toBe('');
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });
});

// Usage errors run main() in this process (same code path as bin/axon.cjs, without a process
// start-up each), with the CLI's output captured.
async function mainCaptured(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { ...stdio };
  stdio.out = (l) => void out.push(l);
  stdio.err = (l) => void err.push(l);
  try {
    return { code: await main(args), out, err };
  } finally {
    Object.assign(stdio, saved);
  }
}

describe('axon sinenet usage errors', () => {
  it.each([
    [['sinenet'], 'missing what to do (pack)'],
    [['sinenet', 'make', '--count', '2', '--out', 'x'], 'unknown sinenet action "make" (the action is "pack")'],
    [['sinenet', 'pack', '--out', 'x'], 'missing --count'],
    [['sinenet', 'pack', '--count', '2'], 'missing --out'],
    [['sinenet', 'pack', '--count', '0', '--out', 'x'], '--count must be between 1 and 999, got 0'],
    [['sinenet', 'pack', '--count', '2.5', '--out', 'x'], '--count needs a whole number, got "2.5"'],
    [['sinenet', 'pack', '--count', '2', '--out', 'x', '--seed', 'abc'], '--seed needs a number, got "abc"'],
    [['sinenet', 'pack', '--count', '2', '--out', 'x', '--seconds', '0'], '--seconds must be between 0.1 and 60, got 0'],
    [['sinenet', 'pack', '--count', '2', '--out', 'x', '--rate', '22050'], '--rate must be one of 44100, 48000, 96000, got "22050"'],
    [['sinenet', 'pack', '--count', '2', '--out', 'x', '--drift', '9'], '--drift must be between 0 and 4, got 9'],
    [['sinenet', 'pack', '--count', '2', '--out', 'x', '--colour', 'red'], "Unknown option '--colour'"],
    [['sinenet', 'pack', 'extra', '--count', '2', '--out', 'x'], 'unexpected argument "extra"'],
  ])('%j -> exit 2 with one line', async (args, message) => {
    const r = await mainCaptured(args);
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual([`axon sinenet: ${message} (run "axon help" for usage)`]);
    expect(existsSync(path.join(process.cwd(), 'x'))).toBe(false);
  });

  it('is listed in axon help', async () => {
    const r = await mainCaptured(['help']);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toContain('axon sinenet pack --count <n> --out <dir> [--seed <n>]');
  });
});
