import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32, decodeModel, encodeModel, loadModel, MODEL_VERSION, saveModel } from '../../src/main/reservoir/model-file';
import { renderModel } from '../../src/main/reservoir/render-model';
import { DEFAULT_HYPER, trainReservoir } from '../../src/main/reservoir/train';
import type { ReservoirModel } from '../../src/worker/reservoir/reservoir-model';
import { axonErrorOf } from '../support/errors';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'axon-model-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const grain = (period: number, length: number) => Float32Array.from({ length }, (_, i) => 0.5 * Math.sin((2 * Math.PI * i) / period));

function train(kind: 'full' | 'diagonal'): ReservoirModel {
  return trainReservoir([grain(20, 60), grain(31, 93)], { ...DEFAULT_HYPER, neurons: 40, kind }, { sampleRate: 48000 }).model;
}

/** The header's JSON and the offset where the data starts. */
function splitFile(bytes: Uint8Array): { header: Record<string, unknown>; start: number } {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, unknown>, start: Math.ceil((8 + length) / 4) * 4 };
}

/** The same data under a rewritten header. */
function withHeader(bytes: Uint8Array, edit: (h: Record<string, unknown>) => void): Uint8Array {
  const { header, start } = splitFile(bytes);
  edit(header);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const begin = Math.ceil((8 + json.length) / 4) * 4;
  const out = new Uint8Array(begin + bytes.length - start);
  out.set(bytes.subarray(0, 4));
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  out.set(bytes.subarray(start), begin);
  return out;
}

describe('reservoir model files', () => {
  const full = train('full');
  const diagonal = train('diagonal');

  it.each([
    ['full', full],
    ['diagonal', diagonal],
  ])('a %s model survives a save and load bit for bit, and plays the same', (_, model) => {
    const file = path.join(TMP, `${model.hyper.kind}.axrm`);
    saveModel(file, model);
    const back = loadModel(file);
    expect(back.hyper).toEqual(model.hyper);
    expect(back.sampleRate).toBe(model.sampleRate);
    expect(back.grains).toEqual(model.grains);
    for (const key of ['rowPtr', 'colIdx', 'values', 'win', 'bias', 'd', 'wout', 'conceptors', 'starts'] as const) expect(Array.from(back[key]), key).toEqual(Array.from(model[key]));
    const options = { sampleRate: 48000, seconds: 0.05, speed: 1, leak: 1, radius: 1, gain: 1, morph: null };
    expect(renderModel(back, options)).toEqual(renderModel(model, options));
  });

  it('the file starts with AXRM and a JSON header naming format, version and checksum', () => {
    const bytes = encodeModel(full);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('AXRM');
    const { header, start } = splitFile(bytes);
    expect(header).toMatchObject({ format: 'axon-reservoir-model', version: MODEL_VERSION, sampleRate: 48000 });
    expect(header.crc32).toBe(crc32(bytes.subarray(start)));
    expect(start % 4).toBe(0);
  });

  it('a grain that never re-synthesised keeps its infinite NRMSE through the file', () => {
    const model = { ...full, grains: full.grains.map((g, i) => (i === 0 ? { ...g, nrmse: Infinity } : g)) };
    expect(decodeModel(encodeModel(model), 'm').grains[0].nrmse).toBe(Infinity);
  });

  it('a foreign file is named as not a model', () => {
    expect(axonErrorOf(() => decodeModel(new TextEncoder().encode('RIFF....WAVEfmt '), 'song.wav'))).toBe('model_foreign: song.wav is not an Axon Stage reservoir model');
    expect(axonErrorOf(() => decodeModel(new Uint8Array(0), 'empty.axrm'))).toMatch(/^model_foreign: empty.axrm/);
  });

  it('damage anywhere is caught: data, truncation, header', () => {
    const bytes = encodeModel(full);
    const flipped = bytes.slice();
    flipped[flipped.length - 3] ^= 0x40;
    expect(axonErrorOf(() => decodeModel(flipped, 'm.axrm'))).toBe('model_corrupt: m.axrm is a damaged reservoir model: its checksum does not match (the file was changed or damaged)');
    expect(axonErrorOf(() => decodeModel(bytes.subarray(0, bytes.length - 100), 'm.axrm'))).toMatch(/^model_corrupt: .*the data should be \d+ bytes but \d+ are there/);
    expect(axonErrorOf(() => decodeModel(bytes.subarray(0, 20), 'm.axrm'))).toMatch(/^model_corrupt: .*the file ends before/);
    const badJson = bytes.slice();
    badJson[9] = 0x7b;
    badJson[10] = 0x7b;
    expect(axonErrorOf(() => decodeModel(badJson, 'm.axrm'))).toMatch(/^model_corrupt: .*the header is not JSON/);
    expect(axonErrorOf(() => decodeModel(withHeader(bytes, (h) => delete h.hyper), 'm.axrm'))).toMatch(/^model_corrupt: .*hyper/);
  });

  it('a header that disagrees with its data is caught even with a valid checksum', () => {
    const bytes = encodeModel(full);
    const more = withHeader(bytes, (h) => ((h.hyper as { neurons: number }).neurons = 41));
    expect(axonErrorOf(() => decodeModel(more, 'm.axrm'))).toMatch(/^model_corrupt: m.axrm is a damaged reservoir model: rowPtr has 41 values, expected 42/);
  });

  it('non-finite weights are refused rather than played', () => {
    const bad = { ...full, values: full.values.map((v, i) => (i === 3 ? NaN : v)) };
    expect(axonErrorOf(() => decodeModel(encodeModel(bad), 'm.axrm'))).toBe('model_corrupt: m.axrm is a damaged reservoir model: values holds a non-finite number');
  });

  it('a newer format version is named as such', () => {
    const newer = withHeader(encodeModel(full), (h) => (h.version = MODEL_VERSION + 1));
    expect(axonErrorOf(() => decodeModel(newer, 'm.axrm'))).toBe(`model_version: m.axrm is a reservoir model of format version ${MODEL_VERSION + 1}; this version of Axon Stage reads version ${MODEL_VERSION}`);
  });

  it('a missing file is named', () => {
    expect(axonErrorOf(() => loadModel(path.join(TMP, 'missing.axrm')))).toMatch(/^file_read: .*missing\.axrm/);
  });
});
