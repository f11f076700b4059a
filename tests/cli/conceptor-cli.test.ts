import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWavFloat32 } from '../../src/main/wav/wav-file';
import { readWav } from '../../src/main/wav/wav-reader';
import { runAxon, show, type Run } from '../support/cli-runner';

// `axon conceptor train | render | search` as a user runs them, on WAV files written here.

const TMP = mkdtempSync(path.join(os.tmpdir(), 'axon-conceptor-'));
const DATA = path.join(TMP, 'data');
mkdirSync(DATA);
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const tmp = (name: string) => path.join(TMP, name);
const axon = (...args: string[]): Promise<Run> => runAxon(DATA, ...args);

/** 16-bit stereo PCM, the commonest WAV there is. */
function wav16Stereo(samples: Float32Array, rate: number): Buffer {
  const data = Buffer.alloc(samples.length * 4);
  samples.forEach((v, i) => {
    const s = Math.round(Math.max(-1, Math.min(1, v)) * 32767);
    data.writeInt16LE(s, 4 * i);
    data.writeInt16LE(s, 4 * i + 2);
  });
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(2, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 4, 28);
  h.writeUInt16LE(4, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

const tone = (hz: number, seconds: number, rate: number) => Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate) + 0.2 * Math.sin((6 * Math.PI * hz * i) / rate));
const pluck = (rate: number) =>
  Float32Array.from({ length: Math.round(0.06 * rate) }, (_, i) => {
    const t = i / rate;
    return Math.exp(-t * 8) * Math.sin(2 * Math.PI * 220 * (1 + 0.5 * Math.exp(-t * 20)) * t);
  });

writeFileSync(tmp('a.wav'), encodeWavFloat32(tone(400, 0.01, 48000), 1, 48000));
writeFileSync(tmp('b.wav'), wav16Stereo(tone(600, 0.01, 44100), 44100));
writeFileSync(tmp('pluck.wav'), encodeWavFloat32(pluck(48000), 1, 48000));
writeFileSync(tmp('silent.wav'), encodeWavFloat32(new Float32Array(4800), 1, 48000));
writeFileSync(tmp('short.wav'), encodeWavFloat32(new Float32Array([0.1, -0.2, 0.3]), 1, 48000));
writeFileSync(tmp('notes.wav'), 'these are my notes, not audio\n');
writeFileSync(tmp('empty.wav'), '');
const a = readFileSync(tmp('a.wav'));
writeFileSync(tmp('truncated.wav'), a.subarray(0, a.length - 1000));

const oneLineError = (r: Run, code: number, pattern: RegExp) => {
  expect(r.code, show(r)).toBe(code);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n'), show(r)).toHaveLength(1);
  expect(r.stderr, show(r)).toMatch(pattern);
};

describe('axon conceptor', () => {
  const trained = axon('conceptor', 'train', '--grains', tmp('a.wav'), tmp('b.wav'), '--neurons', '64', '--out', tmp('ab.axrm'), '--json');

  it('train --grains --json: one JSON object with NRMSE and aperture per file, and the model saved', async () => {
    const r = await trained;
    expect(r.code, show(r)).toBe(0);
    const out = JSON.parse(r.stdout) as { grains: { nrmse: number; aperture: number }[]; trainSeconds: number; neurons: number; kind: string };
    expect(out.grains).toHaveLength(2);
    for (const g of out.grains) {
      expect(g.nrmse).toBeGreaterThanOrEqual(0);
      expect(g.aperture).toBeGreaterThan(0);
    }
    expect(out.trainSeconds).toBeGreaterThan(0);
    expect(out).toMatchObject({ neurons: 64, kind: 'full' });
    expect(readFileSync(tmp('ab.axrm')).subarray(0, 4).toString()).toBe('AXRM');
  });

  it('train --slice --diagonal cuts one file into grains and reports each', async () => {
    const [r, few] = await Promise.all([
      axon('conceptor', 'train', '--slice', tmp('pluck.wav'), '--diagonal', '--neurons', '96'),
      axon('conceptor', 'train', '--slice', tmp('pluck.wav'), '--neurons', '32', '--max-grains', '4', '--min-grain', '150', '--connections', '5', '--json'),
    ]);
    expect(r.code, show(r)).toBe(0);
    const grains = r.stdout.split('\n').filter((l) => l.startsWith('grain'));
    expect(grains.length).toBeGreaterThan(5);
    expect(few.code, show(few)).toBe(0);
    expect((JSON.parse(few.stdout) as { grains: unknown[] }).grains).toHaveLength(4);
    expect(r.stdout).toMatch(new RegExp(`trained ${grains.length} grains on 96 neurons \\(diagonal conceptors\\) in [0-9.]+ s`));
  });

  it('render plays the model at a speed, reversed and morphed, into a finite, bounded WAV', async () => {
    await trained;
    const [plain, morphed] = await Promise.all([
      axon('conceptor', 'render', tmp('ab.axrm'), '--seconds', '0.25', '--out', tmp('plain.wav'), '--json'),
      axon('conceptor', 'render', tmp('ab.axrm'), '--seconds', '0.25', '--out', tmp('morph.wav'), '--speed', '-0.5', '--leak', '0.8', '--radius', '1.1', '--morph', '0:1:0.5'),
    ]);
    for (const r of [plain, morphed]) expect(r.code, show(r)).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({ out: tmp('plain.wav'), seconds: 0.25, sampleRate: 48000 });
    expect(morphed.stdout).toMatch(/^rendered ab\.axrm: 0\.25 s at 48000 Hz -> .*morph\.wav; peak -?[0-9.]+ dBFS/);
    for (const f of ['plain.wav', 'morph.wav']) {
      const w = readWav(tmp(f));
      expect(w.sampleRate).toBe(48000);
      expect(w.channels).toBe(2);
      expect(w.frames).toBe(12000);
      const x = w.data[0];
      expect(w.data[1]).toEqual(x);
      expect(x.every((v) => Number.isFinite(v) && Math.abs(v) <= 1)).toBe(true);
      expect(Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length), f).toBeGreaterThan(0.01);
    }
  });

  it('search --json tries the given number of settings and reports the best', async () => {
    const r = await axon('conceptor', 'search', tmp('a.wav'), tmp('b.wav'), '--trials', '3', '--json', '--out', tmp('best.axrm'));
    expect(r.code, show(r)).toBe(0);
    const out = JSON.parse(r.stdout) as { best: { score: number; nrmse: number; hyper: Record<string, number> }; trials: number };
    expect(out.trials).toBe(3);
    expect(out.best.score).toBe(out.best.nrmse);
    expect(Object.keys(out.best.hyper).sort()).toEqual(['apertureMax', 'inputScaling', 'leak', 'neurons', 'spectralRadius']);
    expect(existsSync(tmp('best.axrm'))).toBe(true);
  });

  it.each([
    ['a text file', 'notes.wav', /notes\.wav.*not a WAV/i],
    ['an empty file', 'empty.wav', /empty\.wav.*empty/],
    ['a silent file', 'silent.wav', /silent\.wav is silent/],
    ['a file shorter than a grain', 'short.wav', /short\.wav holds 3 samples at 48000 Hz; a grain needs at least 8/],
    ['a missing file', 'nowhere.wav', /nowhere\.wav/],
  ])('train on %s: a one-line error naming it, and no model written', async (_, file, pattern) => {
    const out = tmp(`${file}.axrm`);
    oneLineError(await axon('conceptor', 'train', '--grains', tmp(file), '--out', out), 1, pattern);
    expect(existsSync(out)).toBe(false);
  });

  it('a truncated file trains on what is there, with a warning', async () => {
    const r = await axon('conceptor', 'train', '--grains', tmp('truncated.wav'), '--neurons', '32', '--json');
    expect(r.code, show(r)).toBe(0);
    expect((JSON.parse(r.stdout) as { warnings: string[] }).warnings.join('\n')).toMatch(/truncated\.wav.*decoded the \d+ whole frames/);
  });

  it('a failed training leaves an existing model file as it was', async () => {
    await trained;
    const before = readFileSync(tmp('ab.axrm'));
    oneLineError(await axon('conceptor', 'train', '--grains', tmp('silent.wav'), '--out', tmp('ab.axrm')), 1, /silent/);
    expect(readFileSync(tmp('ab.axrm')).equals(before)).toBe(true);
  });

  it('render refuses a file that is not a model, naming it', async () => {
    oneLineError(await axon('conceptor', 'render', tmp('a.wav'), '--seconds', '1', '--out', tmp('x.wav')), 1, /a\.wav is not an Axon Stage reservoir model/);
    expect(existsSync(tmp('x.wav'))).toBe(false);
  });

  it.each([
    [['conceptor'], /missing subcommand \(train, render, search\)/],
    [['conceptor', 'train'], /missing --grains/],
    [['conceptor', 'train', '--grains', 'a.wav', '--slice', 'b.wav'], /either --grains <files...> or --slice <file>, not both/],
    [['conceptor', 'train', '--grains', 'a.wav', '--neurons', '5000'], /--neurons/],
    [['conceptor', 'render', 'm.axrm', '--out', 'x.wav'], /missing --seconds/],
    [['conceptor', 'render', 'm.axrm', '--seconds', '1', '--out', 'x.wav', '--morph', '0-1'], /--morph needs <i>:<j>:<t>/],
    [['conceptor', 'search', 'a.wav'], /missing --trials/],
    [['conceptor', 'search', 'a.wav', '--trials', '2', '--method', 'annealing'], /--method/],
  ])('usage errors exit 2: %j', async (args, pattern) => {
    oneLineError(await axon(...args), 2, pattern);
  });

  it('render --morph naming a grain the model lacks is a usage error', async () => {
    await trained;
    oneLineError(await axon('conceptor', 'render', tmp('ab.axrm'), '--seconds', '0.1', '--out', tmp('y.wav'), '--morph', '0:7:0.5'), 2, /--morph names grain 7 but the model has 2 grains \(0\.\.1\)/);
  });
});
