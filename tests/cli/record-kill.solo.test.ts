import { execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifest } from '../../src/main/record/set-manifest';
import { runAxon } from '../support/cli-runner';
import { useTempDataDir } from '../support/data-dir';
import { ROOT } from '../support/engine-harness';
import { until } from '../support/until';

// A set recorded by `axon perform --record`, the process killed with SIGKILL in the middle: the
// WAV opens in a standard reader (sox) with at least the time recorded minus a second, and
// `axon repair` closes it with every whole frame on disk. Alone (vitest.solo.config.mts): the
// recording runs in real time and the margin is in wall-clock time.

const DATA = useTempDataDir('record-kill');
const soxSeconds = (file: string) => Number(execFileSync('sox', ['--i', '-D', file], { encoding: 'utf8' }).trim());

describe('a recording killed with SIGKILL', () => {
  it('leaves a WAV that opens with the elapsed time less at most a second, and repair closes the set', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'axon.cjs'), 'perform', '--patch', 'dual-neuron', '--audio', 'none', '--hid', 'none', '--record', '--title', 'killed'], {
      cwd: ROOT,
      env: { ...process.env, AXON_DATA_DIR: DATA },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    // Timed from when the set is said to be recording: it started no later than that.
    await until('the recording to start', () => /^recording (.+)$/m.test(stdout) || child.exitCode !== null, 30_000);
    const folder = /^recording (.+)$/m.exec(stdout)?.[1];
    expect(folder, `${stdout}\n${stderr}`).toBeDefined();
    const started = performance.now();
    await new Promise((r) => setTimeout(r, 3500));
    const elapsed = (performance.now() - started) / 1000;
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const wav = path.join(folder as string, 'master.wav');
    const held = soxSeconds(wav);
    console.log(`killed after ${elapsed.toFixed(2)} s of recording: sox reads ${held.toFixed(3)} s`);
    expect(held).toBeGreaterThanOrEqual(elapsed - 1);
    expect(readManifest(folder as string).closed).toBe(false);

    const r = await runAxon(DATA, 'repair', path.basename(folder as string), '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { set: string; frames: number; seconds: number; fixed: string[] };
    expect(report.fixed.at(-1)).toBe('manifest closed');
    const repaired = soxSeconds(wav);
    expect(repaired).toBeGreaterThanOrEqual(held);
    expect(repaired).toBeCloseTo(report.seconds, 4);
    const m = readManifest(folder as string);
    expect(m).toMatchObject({ closed: true, stoppedBy: 'interrupted', frames: report.frames, title: 'killed' });
    expect(readdirSync(folder as string).sort()).toEqual(['events.jsonl', 'manifest.json', 'master.wav', 'midi.mid']);
    expect((await runAxon(DATA, 'repair', folder as string)).stdout).toMatch(/: nothing to repair, 0:0\d \(\d+ frames\)\n$/);
  }, 60_000);
});
