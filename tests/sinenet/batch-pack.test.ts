import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AxonError } from '../../src/shared/errors';
import { SINENET_THRESHOLDS } from '../../src/main/sinenet/analyse';
import { drawDesign, generateBatch, SINENET_SPACE, SINENET_WARMUP, type SineNetBatch } from '../../src/main/sinenet/batch';
import { packFileName, PACK_FORMAT, readPack, recreateSound, writePack } from '../../src/main/sinenet/pack';
import { sineNetDesignProblems } from '../../src/shared/sinenet-design';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'axon-sinenet-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** Float32 mono WAV as written by encodeWavFloat32: header fields and samples. */
function readWav(file: string) {
  const buf = readFileSync(file);
  expect(buf.toString('ascii', 0, 4)).toBe('RIFF');
  expect(buf.readUInt32LE(4)).toBe(buf.length - 8);
  expect(buf.toString('ascii', 8, 16)).toBe('WAVEfmt ');
  expect(buf.toString('ascii', 38, 42)).toBe('fact');
  expect(buf.toString('ascii', 50, 54)).toBe('data');
  const dataBytes = buf.readUInt32LE(54);
  expect(dataBytes).toBe(buf.length - 58);
  const copy = new Uint8Array(buf.subarray(58));
  return {
    format: buf.readUInt16LE(20),
    channels: buf.readUInt16LE(22),
    sampleRate: buf.readUInt32LE(24),
    bits: buf.readUInt16LE(34),
    frames: buf.readUInt32LE(46),
    samples: new Float32Array(copy.buffer, 0, dataBytes / 4),
  };
}

// One batch shared by the tests below: 24 designs of 0.5 s at 48 kHz from seed 1.
const OPTIONS = { count: 24, seed: 1, seconds: 0.5, sampleRate: 48000 };
let shared: SineNetBatch | undefined;
const batch = () => (shared ??= generateBatch(OPTIONS));

describe('design space', () => {
  it('draws valid designs within the space, the same for the same batch seed', () => {
    for (let i = 0; i < 200; i++) {
      const d = drawDesign(7, i);
      expect(sineNetDesignProblems(d)).toEqual([]);
      expect(d.length).toBeGreaterThanOrEqual(SINENET_SPACE.length.min);
      expect(d.length).toBeLessThanOrEqual(SINENET_SPACE.length.max);
      expect(d.gap).toBeLessThanOrEqual(SINENET_SPACE.gap.max);
      expect(d.hidden.length).toBeLessThanOrEqual(SINENET_SPACE.layers.max);
      for (const w of d.hidden) expect(w >= SINENET_SPACE.width.min && w <= SINENET_SPACE.width.max).toBe(true);
      expect(d.weightMin === 0 || d.weightMin === -d.weightMax).toBe(true);
      expect(SINENET_SPACE.scales).toContain(d.weightMax);
      expect(drawDesign(7, i)).toEqual(d);
    }
    expect(drawDesign(8, 0)).not.toEqual(drawDesign(7, 0));
    // Both kinds of range occur, and every length, gap and depth.
    const all = Array.from({ length: 200 }, (_, i) => drawDesign(7, i));
    expect(new Set(all.map((d) => d.weightMin === 0)).size).toBe(2);
    expect(new Set(all.map((d) => d.length)).size).toBe(10);
    expect(new Set(all.map((d) => d.gap)).size).toBe(9);
    expect(new Set(all.map((d) => d.hidden.length)).size).toBe(4);
  });
});

describe('generateBatch', () => {
  it('24 nets from seed 1: a fixed mix of keeps and rejects, the same on every run', () => {
    const b = batch();
    const verdicts = b.results.map((r) => r.verdict);
    // Pinned: a change here means packs no longer re-create (designs, synthesis or judge changed).
    expect(verdicts.join(' ')).toMatchInlineSnapshot(`"dc keep keep keep dc noise keep keep keep dc keep noise noise noise dc noise keep keep keep keep keep noise noise noise"`);
    const count = (v: string) => verdicts.filter((x) => x === v).length;
    expect(count('keep')).toBeGreaterThanOrEqual(4);
    expect(count('noise') + count('dc') + count('stuck') + count('silent')).toBeGreaterThanOrEqual(4);
    const again = generateBatch(OPTIONS);
    expect(again.results.map((r) => r.metrics)).toEqual(b.results.map((r) => r.metrics));
    expect(b.options).toEqual({ ...OPTIONS, drift: 0, warmupSeconds: SINENET_WARMUP });
    for (const r of b.results) {
      expect(r.index).toBe(b.results.indexOf(r) + 1);
      if (r.verdict === 'keep') expect(r.audio?.length).toBe(24000);
      else expect(r.audio).toBeUndefined();
    }
  });

  it('every verdict follows the thresholds from the metrics', () => {
    const t = SINENET_THRESHOLDS;
    for (const r of batch().results) {
      const m = r.metrics;
      if (r.verdict === 'keep') {
        expect(m.rms).toBeGreaterThanOrEqual(t.silentRms);
        expect(m.lateRms).toBeGreaterThanOrEqual(t.stuckRms);
        expect(m.flatness < t.noiseFlatness || m.zcrVariation >= t.noiseZcrVariation).toBe(true);
        // What is kept is loud enough: the emitted sound peaks well above -40 dBFS, never above 1.
        let peak = 0;
        for (const v of r.audio ?? []) peak = Math.max(peak, Math.abs(v));
        expect(peak).toBeGreaterThan(0.05);
        expect(peak).toBeLessThanOrEqual(1);
      }
      if (r.verdict === 'noise') expect(m.flatness).toBeGreaterThanOrEqual(t.noiseFlatness);
      if (r.verdict === 'dc') expect(Math.abs(m.dc)).toBeGreaterThanOrEqual(t.dcMin);
      if (r.verdict === 'stuck') expect(m.lateRms).toBeLessThan(t.stuckRms);
    }
  });
});

describe('writePack', () => {
  it('writes one float32 WAV per kept sound and a pack.json that re-creates them bit for bit', () => {
    const dir = path.join(TMP, 'pack');
    const b = batch();
    const pack = writePack(dir, b);
    const kept = b.results.filter((r) => r.verdict === 'keep');
    expect(readdirSync(dir).sort()).toEqual([...kept.map((r) => packFileName(r.index)), 'pack.json'].sort());
    for (const r of kept) {
      const wav = readWav(path.join(dir, packFileName(r.index)));
      expect({ format: wav.format, channels: wav.channels, sampleRate: wav.sampleRate, bits: wav.bits, frames: wav.frames }).toEqual({
        format: 3,
        channels: 1,
        sampleRate: 48000,
        bits: 32,
        frames: 24000,
      });
      expect(Buffer.from(wav.samples.buffer).equals(Buffer.from(r.audio!.buffer))).toBe(true);
    }

    const read = readPack(dir);
    expect(read).toEqual(pack);
    expect(read.format).toBe(PACK_FORMAT);
    expect(read.version).toBe(1);
    expect(read.sounds).toHaveLength(24);
    for (const [i, s] of read.sounds.entries()) {
      expect(s.design).toEqual(b.results[i].design);
      expect(s.seed).toBe(s.design.seed);
      expect(s.verdict).toBe(b.results[i].verdict);
      expect(s.file).toBe(s.verdict === 'keep' ? packFileName(s.index) : undefined);
    }
    // Re-create the first and the last kept sound from nothing but the JSON.
    for (const entry of [read.sounds.find((s) => s.file), read.sounds.findLast((s) => s.file)]) {
      if (!entry?.file) throw new Error('no kept sound');
      const fromJson = recreateSound(read, JSON.parse(JSON.stringify(entry)));
      const wav = readWav(path.join(dir, entry.file));
      expect(Buffer.from(fromJson.buffer).equals(Buffer.from(wav.samples.buffer))).toBe(true);
    }
  });

  it('overwrites a previous pack (removing its sounds that are gone) but refuses any other non-empty folder', () => {
    const dir = path.join(TMP, 'again');
    const first = writePack(dir, batch());
    const small = generateBatch({ count: 3, seed: 1, seconds: 0.5, sampleRate: 48000 });
    writePack(dir, small);
    const keptNow = small.results.filter((r) => r.verdict === 'keep').map((r) => packFileName(r.index));
    expect(readdirSync(dir).sort()).toEqual([...keptNow, 'pack.json'].sort());
    expect(first.sounds.length).toBe(24);
    expect(readPack(dir).sounds.length).toBe(3);

    // A folder with someone else's files: refused, untouched.
    const other = path.join(TMP, 'other');
    mkdirSync(other);
    writeFileSync(path.join(other, 'song.wav'), 'mine');
    expect(() => writePack(other, small)).toThrow(/is not empty and holds no sine-network pack/);
    expect(readdirSync(other)).toEqual(['song.wav']);
    // A foreign pack.json is not ours either.
    writeFileSync(path.join(other, 'pack.json'), '{"name": "drum kit"}');
    try {
      writePack(other, small);
      expect.unreachable();
    } catch (err) {
      expect((err as AxonError).code).toBe('sinenet_pack_folder');
    }
    // A file where the folder should be.
    expect(() => writePack(path.join(other, 'song.wav'), small)).toThrow(/not a folder/);
  });

  it('readPack reports what is wrong with a damaged pack.json', () => {
    const dir = path.join(TMP, 'damaged');
    writePack(dir, generateBatch({ count: 2, seed: 3, seconds: 0.2, sampleRate: 48000 }));
    const file = path.join(dir, 'pack.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.sounds[0].design.gap = 40;
    json.sampleRate = 12345;
    writeFileSync(file, JSON.stringify(json));
    try {
      readPack(dir);
      expect.unreachable();
    } catch (err) {
      expect((err as AxonError).code).toBe('sinenet_pack_invalid');
      expect((err as AxonError).details.join('\n')).toContain('sampleRate');
    }
    json.sampleRate = 48000;
    writeFileSync(file, JSON.stringify(json));
    expect(() => readPack(dir)).toThrow(/bad design/);
  });
});
