import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, decodeModel, encodeModel } from '../../src/main/reservoir/model-file';
import { AxonError } from '../../src/shared/errors';
import { conceptorSize, type ReservoirModel } from '../../src/worker/reservoir/reservoir-model';
import { axonErrorOf } from '../support/errors';

// Properties of the .axrm reader over generated models and generated damage; model-file.test.ts
// holds a trained model's round trip and each error's wording. A model file is outside input (a
// download, a copy from another machine), and a bad one must be refused before the engine's
// kernel indexes memory with it.

const SEED = 0xa8a7;
const ARRAYS = ['rowPtr', 'colIdx', 'values', 'win', 'bias', 'd', 'wout', 'conceptors', 'starts'] as const;
const MODEL_CODES = ['model_foreign', 'model_corrupt', 'model_version'];

/** A finite double that survives JSON unchanged (JSON writes -0 as 0). */
const finite = (c: { min?: number; max?: number; minExcluded?: boolean } = {}) =>
  fc.double({ noNaN: true, noDefaultInfinity: true, ...c }).map((v) => (v === 0 ? 0 : v));
const positive = finite({ min: 0, minExcluded: true, max: 1e12 });
const f32s = (length: number) => fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: length, maxLength: length }).map((a) => Float32Array.from(a));

/** A small model with a valid sparse matrix and any finite weights. */
const modelArb: fc.Arbitrary<ReservoirModel> = fc
  .record({ n: fc.integer({ min: 1, max: 6 }), grains: fc.integer({ min: 1, max: 3 }), kind: fc.constantFrom('full' as const, 'diagonal' as const) })
  .chain(({ n, grains, kind }) => {
    const size = kind === 'full' ? n * n : n;
    const rows = fc.array(fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }), { minLength: n, maxLength: n });
    return fc.record({
      hyper: fc.record({
        neurons: fc.constant(n),
        connections: finite({ min: 1, max: 1e6 }),
        spectralRadius: finite(),
        inputScaling: finite(),
        biasScaling: finite(),
        leak: finite({ min: 0, max: 1 }),
        kind: fc.constant(kind),
        apertureMin: positive,
        apertureMax: positive,
        washout: fc.nat(),
        repeats: fc.integer({ min: 1, max: 1000 }),
        ridgeInput: finite({ min: 0, max: 1 }),
        ridgeReadout: finite({ min: 0, max: 1 }),
        seed: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      }),
      sampleRate: finite({ min: 1000, max: 768_000 }),
      sparse: rows.chain((cols) => {
        const nnz = cols.reduce((s, r) => s + r.length, 0);
        return fc.record({ cols: fc.constant(cols), values: f32s(nnz) });
      }),
      win: f32s(n),
      bias: f32s(n),
      d: f32s(n),
      wout: f32s(n),
      conceptors: f32s(grains * size),
      starts: f32s(grains * n),
      grains: fc.array(
        fc.record({ length: fc.integer({ min: 1, max: 1e6 }), aperture: positive, nrmse: fc.oneof(finite({ min: 0, max: 10 }), fc.constant(Infinity)) }),
        { minLength: grains, maxLength: grains },
      ),
    });
  })
  .map(({ sparse, ...m }) => {
    const rowPtr = new Int32Array(sparse.cols.length + 1);
    sparse.cols.forEach((r, i) => (rowPtr[i + 1] = rowPtr[i] + r.length));
    return { ...m, rowPtr, colIdx: Int32Array.from(sparse.cols.flat()), values: sparse.values };
  });

const bitsOf = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

/** The header's JSON and the offset where the data starts. */
function splitFile(bytes: Uint8Array): { header: Record<string, unknown>; start: number } {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, unknown>, start: Math.ceil((8 + length) / 4) * 4 };
}

/** A file with this header text and data, laid out as encodeModel does. */
function assemble(headerJson: string, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(headerJson);
  const begin = Math.ceil((8 + json.length) / 4) * 4;
  const out = new Uint8Array(begin + data.length);
  out.set(new TextEncoder().encode('AXRM'));
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  out.set(data, begin);
  return out;
}

/** Everything a player relies on, checked here independently of modelProblems. */
function invariantViolations(m: ReservoirModel): string[] {
  const out: string[] = [];
  const n = m.hyper.neurons;
  const need = (what: string, ok: boolean) => ok || out.push(what);
  need('neurons 1..4096', Number.isInteger(n) && n >= 1 && n <= 4096);
  need('leak 0..1', m.hyper.leak >= 0 && m.hyper.leak <= 1);
  need('sample rate an audio rate', m.sampleRate >= 1000 && m.sampleRate <= 768_000);
  need('grains', m.grains.length >= 1 && m.grains.every((g) => Number.isInteger(g.length) && g.length >= 1 && g.aperture > 0));
  need('rowPtr length', m.rowPtr.length === n + 1);
  need('rowPtr starts at 0', m.rowPtr[0] === 0);
  need('rowPtr ends at nnz', m.rowPtr[n] === m.values.length && m.colIdx.length === m.values.length);
  need('rowPtr never decreases', m.rowPtr.every((v, i) => i === 0 || v >= m.rowPtr[i - 1]));
  need('colIdx in 0..n-1', m.colIdx.every((c) => c >= 0 && c < n));
  for (const k of ['win', 'bias', 'd', 'wout'] as const) need(`${k} length`, m[k].length === n);
  need('conceptors length', m.conceptors.length === m.grains.length * conceptorSize(m));
  need('starts length', m.starts.length === m.grains.length * n);
  for (const k of ['values', 'win', 'bias', 'd', 'wout', 'conceptors', 'starts'] as const) need(`${k} finite`, m[k].every(Number.isFinite));
  return out;
}

/** Decodes and checks the contract: a model keeping every invariant, or a model_* AxonError naming the file. */
function expectDecodeContract(bytes: Uint8Array, where = 'fuzz.axrm'): 'decoded' | string {
  let model: ReservoirModel;
  try {
    model = decodeModel(bytes, where);
  } catch (err) {
    if (!(err instanceof AxonError)) throw err;
    expect(MODEL_CODES).toContain(err.code);
    expect(err.message.startsWith(`${where} is `)).toBe(true);
    for (const line of err.details) expect(line).not.toMatch(/[\n\r]/);
    return err.code;
  }
  expect(invariantViolations(model)).toEqual([]);
  return 'decoded';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value in a JSON tree (the root excluded). */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = prefix.length ? [prefix] : [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

/** Header lengths at the edges: none, a few bytes, and the top of the u32 range. */
const u32Edge = fc.constantFrom(0, 1, 2, 3, 4, 0x7fffffff, 0x80000000, 0xfffffff8, 0xffffffff);

/** Header values a hostile or damaged file may hold: extreme sizes, wrong types, deep nesting. */
const junk: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(-1, 0, 2 ** 30, 2 ** 32, 2 ** 53, 1e308, -1e308, 0.5, 4097, '', 'f32', 'i32', 'rowPtr', null, [], {}),
);

describe('model files: round trips', () => {
  it('a generated model survives encode and decode exactly: hyper, grains and every array bit for bit', () => {
    fc.assert(
      fc.property(modelArb, (model) => {
        const back = decodeModel(encodeModel(model), 'gen.axrm');
        expect(back.hyper).toEqual(model.hyper);
        expect(back.sampleRate).toBe(model.sampleRate);
        expect(back.grains).toEqual(model.grains);
        for (const k of ARRAYS) expect(bitsOf(back[k]), k).toBe(bitsOf(model[k]));
        expect(invariantViolations(back)).toEqual([]);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe('model files: robustness', () => {
  it('arbitrary bytes, with and without the AXRM magic and any header length: refused by name', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.tuple(fc.oneof(u32Edge, fc.integer({ min: 0, max: 0xffffffff })), fc.uint8Array({ maxLength: 200 })).map(([length, rest]) => {
        const head = new Uint8Array(8);
        head.set(new TextEncoder().encode('AXRM'));
        new DataView(head.buffer).setUint32(4, length, true);
        return Uint8Array.from([...head, ...rest]);
      }),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        expect(expectDecodeContract(b)).not.toBe('decoded');
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('a valid file damaged on disk (flipped bits, changed bytes, cut, grown, spliced) is refused, or decodes to the same arrays', () => {
    const damage = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('grow' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
      fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), drop: fc.nat({ max: 16 }), insert: fc.uint8Array({ maxLength: 16 }) }),
    );
    fc.assert(
      fc.property(modelArb, fc.array(damage, { minLength: 1, maxLength: 3 }), (model, damages) => {
        const original = encodeModel(model);
        let b = Uint8Array.from(original);
        for (const d of damages) {
          const at = 'at' in d ? d.at % b.length : 0;
          if (d.kind === 'flip') b[at] ^= 1 << d.bit;
          else if (d.kind === 'set') b[at] = d.value;
          else if (d.kind === 'cut') b = b.subarray(0, at);
          else if (d.kind === 'grow') b = Uint8Array.from([...b, ...d.extra]);
          else b = Uint8Array.from([...b.subarray(0, at), ...d.insert, ...b.subarray(at + d.drop)]);
        }
        if (expectDecodeContract(b) !== 'decoded') return;
        // The checksum covers the data: what decodes has the original arrays, bit for bit. (The
        // JSON header has no checksum: a flipped digit there can still read as another number.)
        const back = decodeModel(b, 'fuzz.axrm');
        for (const k of ARRAYS) expect(bitsOf(back[k]), k).toBe(bitsOf(model[k]));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('any header field replaced by junk, with a correct checksum: refused by name or a model that keeps every invariant', () => {
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(modelArb, fc.nat(), junk, (model, pick, value) => {
        const { header, start } = splitFile(encodeModel(model));
        const all = paths(header as Json);
        const at = all[pick % all.length];
        let parent = header as Record<string | number, Json>;
        for (const k of at.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
        parent[at[at.length - 1]] = value;
        const outcome = expectDecodeContract(assemble(JSON.stringify(header), encodeModel(model).subarray(start)));
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: 400 },
    );
    expect(outcomes.get('model_corrupt')).toBeGreaterThan(100);
    expect(outcomes.get('decoded')).toBeGreaterThan(5); // junk that happened to fit (e.g. a seed)
  });

  it('a header declaring arrays of 4 GB, or a deeply nested header, is refused without allocating or overflowing the stack', () => {
    fc.assert(
      fc.property(modelArb, fc.constantFrom(2 ** 30, 2 ** 32 - 1, 2 ** 40, 2 ** 53 - 1), fc.constantFrom(...ARRAYS), (model, length, name) => {
        const bytes = encodeModel(model);
        const { header, start } = splitFile(bytes);
        const arrays = header.arrays as { name: string; length: number }[];
        arrays.find((a) => a.name === name)!.length = length;
        expect(expectDecodeContract(assemble(JSON.stringify(header), bytes.subarray(start)))).toBe('model_corrupt');
      }),
      { seed: SEED, numRuns: 60 },
    );
    const deep = assemble(`{"format":"axon-reservoir-model","version":1,"hyper":${'['.repeat(6000)}${']'.repeat(6000)}}`, new Uint8Array(0));
    expect(expectDecodeContract(deep)).toBe('model_corrupt');
  });

  it('any data with a recomputed checksum (a buggy writer, or an edit made on purpose): refused by name or every invariant holds', () => {
    const edit = fc.record({ array: fc.constantFrom(...ARRAYS), index: fc.nat(), value: fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(-1, 0, 1, 0x7fc00000, 0x7f800000)) });
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(modelArb, fc.array(edit, { minLength: 1, maxLength: 3 }), (model, edits) => {
        const m: ReservoirModel = { ...model };
        for (const e of edits) {
          const copy = m[e.array].slice();
          if (copy.length === 0) continue;
          // Write the raw 32 bits, so float arrays get NaN, infinities and denormals too.
          new Int32Array(copy.buffer)[e.index % copy.length] = e.value;
          (m as Record<(typeof ARRAYS)[number], Float32Array | Int32Array>)[e.array] = copy;
        }
        const outcome = expectDecodeContract(encodeModel(m));
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: 400 },
    );
    expect(outcomes.get('decoded')).toBeGreaterThan(50);
    expect(outcomes.get('model_corrupt')).toBeGreaterThan(50);
  });
});

describe('model files: regressions found by the properties', () => {
  it('a sparse matrix whose rows start before index 0 is refused (the kernel would read outside colIdx)', () => {
    const model: ReservoirModel = {
      hyper: { neurons: 1, connections: 1, spectralRadius: 1, inputScaling: 1, biasScaling: 1, leak: 0.5, kind: 'diagonal', apertureMin: 1, apertureMax: 10, washout: 0, repeats: 1, ridgeInput: 0, ridgeReadout: 0, seed: 1 },
      sampleRate: 48000,
      rowPtr: Int32Array.of(-1, 0),
      colIdx: new Int32Array(0),
      values: new Float32Array(0),
      win: Float32Array.of(1),
      bias: Float32Array.of(0),
      d: Float32Array.of(0),
      wout: Float32Array.of(1),
      conceptors: Float32Array.of(1),
      starts: Float32Array.of(0),
      grains: [{ length: 10, aperture: 1, nrmse: 0.1 }],
    };
    expect(axonErrorOf(() => decodeModel(encodeModel(model), 'm.axrm'))).toBe('model_corrupt: m.axrm is a damaged reservoir model: rowPtr starts at -1, expected 0');
  });
});

// The checksum itself: the damage property above relies on it refusing any changed data.
describe('model files: checksum', () => {
  it('CRC-32 changes with any one changed byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (data, at, xor) => {
        const damaged = Uint8Array.from(data);
        damaged[at % data.length] ^= xor;
        expect(crc32(damaged)).not.toBe(crc32(data));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
