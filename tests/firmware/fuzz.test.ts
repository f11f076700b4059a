import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// `npm run fuzz:firmware`: the firmware core's protocol handling under libFuzzer with ASan and
// UBSan (firmware/fuzz/controller_fuzz.cpp). A short campaign finds nothing; a build whose
// parser takes damaged frames (AXON_FUZZ_SELFTEST) is caught, so the oracle can fail.

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'fuzz-firmware.mjs');

interface Summary {
  execs: number;
  seconds: number;
  execsPerSecond: number;
  crashes: number;
  corpusUnits: number;
  coverage: number;
  features: number;
  reason?: string;
  crashInput?: string;
}

/** Runs the script; its exit code, its one JSON line (if any) and its stderr. */
async function fuzz(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; summary: Summary | null; stderr: string }> {
  let code = 0;
  let stdout: string;
  let stderr: string;
  try {
    ({ stdout, stderr } = await promisify(execFile)(process.execPath, [SCRIPT, ...args], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 }));
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    code = typeof e.code === 'number' ? e.code : -1;
    stdout = e.stdout ?? '';
    stderr = e.stderr ?? String(err);
  }
  const line = stdout.trim();
  return { code, summary: line ? (JSON.parse(line) as Summary) : null, stderr };
}

describe('drum firmware fuzzing', () => {
  it('runs a short campaign with no crash and no oracle failure', async () => {
    const { code, summary, stderr } = await fuzz(['--seconds', '12']);
    expect(code, stderr).toBe(0);
    expect(summary?.crashes).toBe(0);
    // About 2000 a second on one core; far fewer means the harness broke or stalls.
    expect(summary?.execs).toBeGreaterThan(5000);
    // Of the core's 594 coverage counters; the seeds alone reach about 275.
    expect(summary?.coverage).toBeGreaterThan(250);
    console.log(`firmware fuzz: ${JSON.stringify(summary)}`);
  }, 180_000);

  it('fails, saving the input, when a damaged frame moves a motor', async () => {
    const { code, summary, stderr } = await fuzz(['--selftest', '--seconds', '30']);
    expect(code, stderr).toBe(1);
    expect(summary?.crashes).toBe(1);
    expect(summary?.reason).toMatch(/^oracle: a motor driven forward with no intact strike frame for it/);
    expect(existsSync(path.join(ROOT, summary?.crashInput ?? 'missing'))).toBe(true);
  }, 180_000);

  it('says what to install when clang is missing', async () => {
    const { code, stderr } = await fuzz(['--runs', '1'], { ...process.env, PATH: '/nonexistent' });
    expect(code).toBe(1);
    expect(stderr).toContain('npm run fuzz:firmware needs clang: apt-get install clang');
  });
});
