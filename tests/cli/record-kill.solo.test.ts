import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/main/backend';
import { readManifest } from '../../src/main/record/set-manifest';
import type { Notice } from '../../src/shared/api';
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

  it('the next start repairs the set and plays the patch as it was, with a notice of each', async () => {
    // A user patch, so what comes back is told apart from the default one.
    const patch = JSON.parse(readFileSync(path.join(ROOT, 'examples', 'dual-neuron.json'), 'utf8')) as { name: string; seed?: number };
    mkdirSync(path.join(DATA, 'patches'), { recursive: true });
    writeFileSync(path.join(DATA, 'patches', 'crashy.json'), JSON.stringify({ ...patch, name: 'Crashy', seed: 77 }));
    const { child, stdout, exited } = startAxon('perform', '--patch', 'crashy', '--audio', 'none', '--hid', 'none', '--record', '--title', 'crash');
    await until('the recording to start', () => /^recording (.+)$/m.test(stdout()), 30_000);
    const folder = /^recording (.+)$/m.exec(stdout())?.[1] as string;
    // Past an autosave (every 3 s).
    await until('the autosave', () => existsSync(path.join(DATA, 'autosave.json')) && readFileSync(path.join(DATA, 'autosave.json'), 'utf8').includes('"crashy"'), 10_000);
    child.kill('SIGKILL');
    await exited;
    expect(JSON.parse(readFileSync(path.join(DATA, 'autosave.json'), 'utf8'))).toMatchObject({ closed: false, patchName: 'crashy' });

    const backend = await Backend.start({ output: { kind: 'none' } });
    const notices: Notice[] = [];
    backend.on('notice', (n) => notices.push(n));
    try {
      await backend.loadPatch('dual-neuron');
      // The set's audio must have stopped growing for the start to take it as cut short.
      await new Promise((r) => setTimeout(r, 10_500));
      await backend.restoreAfterCrash();
      const said = notices.filter((n): n is Extract<Notice, { type: 'error' }> => n.type === 'error').map((n) => n.error.code);
      expect(said).toEqual(['set_repaired', 'session_restored']);
      expect((await backend.getState())).toMatchObject({ patchName: 'crashy', seed: 77 });
      expect(readManifest(folder)).toMatchObject({ closed: true, stoppedBy: 'interrupted', title: 'crash' });
    } finally {
      await backend.close();
    }
    // Closed cleanly this time: the next start restores nothing.
    expect(JSON.parse(readFileSync(path.join(DATA, 'autosave.json'), 'utf8'))).toMatchObject({ closed: true });
  }, 90_000);
});

/** `axon args...` running in the background, its output as it comes. */
function startAxon(...args: string[]) {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'axon.cjs'), ...args], { cwd: ROOT, env: { ...process.env, AXON_DATA_DIR: DATA } });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.resume();
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { child, stdout: () => out, exited };
}
