import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeWavFloat32 } from '../../src/main/wav/wav-file';
import { decodeWav, type DecodedAudio } from '../../src/main/wav/wav-reader';
import { AxonError } from '../../src/shared/errors';

// Properties of the WAV reader over generated files: any sample format, channel count, rate and
// chunk layout reads back exactly; any damage gives a well-formed result or an audio_* error.
// wav-reader.test.ts holds the worked examples and each error's wording, and a seeded fuzz of
// its own; the files here are built by a small writer that shares nothing with the reader.

const SEED = 0x3a7e;
const AUDIO_CODES = ['audio_empty', 'audio_truncated', 'audio_not_wav', 'audio_format', 'audio_header'];
const enc = new TextEncoder();

function le(value: number, bytes: number): number[] {
  return Array.from({ length: bytes }, (_, i) => Math.floor(value / 2 ** (8 * i)) & 0xff);
}

function chunk(id: string, body: number[], opts: { size?: number; pad?: boolean } = {}): number[] {
  const pad = (opts.pad ?? true) && body.length % 2 === 1 ? [0] : [];
  return [...enc.encode(id), ...le(opts.size ?? body.length, 4), ...body, ...pad];
}

type Kind = { tag: 1; bits: 8 | 16 | 24 | 32 } | { tag: 3; bits: 32 | 64 };

interface WavSpec {
  kind: Kind;
  channels: number;
  rate: number;
  /** Interleaved: integers in the format's range for PCM, float32-exact numbers for float. */
  samples: number[];
  extensible: boolean;
  /** Chunks before fmt, between fmt and data, after data: [id, body, pad byte written]. */
  extra: [[string, number[], boolean][], [string, number[], boolean][], [string, number[], boolean][]];
  fmtAfterData: boolean;
  rf64: boolean;
}

const GUID_TAIL = [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

function sampleBytes(kind: Kind, samples: number[]): number[] {
  const size = kind.bits / 8;
  const out = new Uint8Array(samples.length * size);
  const view = new DataView(out.buffer);
  samples.forEach((v, i) => {
    if (kind.tag === 3) {
      if (kind.bits === 32) view.setFloat32(i * 4, v, true);
      else view.setFloat64(i * 8, v, true);
    } else {
      const stored = kind.bits === 8 ? v + 128 : v < 0 ? v + 2 ** kind.bits : v;
      out.set(le(stored, size), i * size);
    }
  });
  return Array.from(out);
}

function buildWav(s: WavSpec): Uint8Array {
  const align = (s.channels * s.kind.bits) / 8;
  const basic = [...le(s.extensible ? 0xfffe : s.kind.tag, 2), ...le(s.channels, 2), ...le(s.rate, 4), ...le((s.rate * align) % 2 ** 32, 4), ...le(align, 2), ...le(s.kind.bits, 2)];
  const fmtBody = s.extensible ? [...basic, ...le(22, 2), ...le(s.kind.bits, 2), ...le(0, 4), ...le(s.kind.tag, 4), ...GUID_TAIL] : basic;
  const data = sampleBytes(s.kind, s.samples);
  const extras = (list: [string, number[], boolean][]) => list.flatMap(([id, body, pad]) => chunk(id, body, { pad }));
  const fmt = chunk('fmt ', fmtBody);
  // RF64: the data chunk's size lives in ds64, its own size field says 0xFFFFFFFF.
  const dataChunk = chunk('data', data, s.rf64 ? { size: 0xffffffff } : {});
  const ds64 = s.rf64 ? chunk('ds64', [...le(0, 8), ...le(data.length, 8), ...le(0, 8), ...le(0, 4)]) : [];
  const middle = s.fmtAfterData ? [...dataChunk, ...extras(s.extra[1]), ...fmt] : [...fmt, ...extras(s.extra[1]), ...dataChunk];
  const rest = [...ds64, ...extras(s.extra[0]), ...middle, ...extras(s.extra[2])];
  return Uint8Array.from([...enc.encode(s.rf64 ? 'RF64' : 'RIFF'), ...le(4 + rest.length, 4), ...enc.encode('WAVE'), ...rest]);
}

/** What the reader must give for one stored sample. */
function expected(kind: Kind, v: number): number {
  if (kind.tag === 3) return Math.fround(v);
  return kind.bits === 8 ? v / 128 : v / 2 ** (kind.bits - 1);
}

const kindArb: fc.Arbitrary<Kind> = fc.constantFrom<Kind>({ tag: 1, bits: 8 }, { tag: 1, bits: 16 }, { tag: 1, bits: 24 }, { tag: 1, bits: 32 }, { tag: 3, bits: 32 }, { tag: 3, bits: 64 });

function samplesArb(kind: Kind, count: number): fc.Arbitrary<number[]> {
  const value: fc.Arbitrary<number> =
    kind.tag === 3
      ? kind.bits === 32
        ? fc.float({ noNaN: true, noDefaultInfinity: true })
        : fc.double({ noNaN: true, min: -3.4e38, max: 3.4e38 }) // float64 read into float32: must stay finite
      : fc.integer({ min: -(2 ** (kind.bits - 1)), max: 2 ** (kind.bits - 1) - 1 });
  return fc.array(value, { minLength: count, maxLength: count });
}

/** Chunks a writer may add (ids the reader must skip), with odd sizes and a forgotten pad byte. */
const extraChunk: fc.Arbitrary<[string, number[], boolean]> = fc.tuple(
  fc.constantFrom('LIST', 'JUNK', 'fact', 'bext', 'cue ', 'smpl', 'id3 ', 'PAD '),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 21 }),
  fc.boolean(),
);
const extras = fc.array(extraChunk, { maxLength: 2 });

const wavSpecArb: fc.Arbitrary<WavSpec> = fc
  .record({ kind: kindArb, channels: fc.integer({ min: 1, max: 8 }), frames: fc.integer({ min: 1, max: 40 }) })
  .chain(({ kind, channels, frames }) =>
    fc.record({
      kind: fc.constant(kind),
      channels: fc.constant(channels),
      rate: fc.oneof(fc.constantFrom(8000, 44100, 48000, 96000, 192000), fc.integer({ min: 1, max: 0xffffffff })),
      samples: samplesArb(kind, channels * frames),
      extensible: fc.boolean(),
      extra: fc.tuple(extras, extras, extras),
      fmtAfterData: fc.boolean(),
      rf64: fc.boolean(),
    }),
  )
  // A pad byte left out is only recoverable when the next chunk id is printable, which ours are;
  // but a chunk after the data with a forgotten pad would make the data's own padding ambiguous.
  .map((s) => ({ ...s, extra: [s.extra[0], s.extra[1], s.extra[2].map(([id, body]) => [id, body, true] as [string, number[], boolean])] as WavSpec['extra'] }));

/** Decodes and checks the contract: a well-formed result or an audio_* AxonError naming the file. */
function expectDecodeContract(bytes: Uint8Array, where = 'fuzz.wav'): DecodedAudio | string {
  let a: DecodedAudio;
  try {
    a = decodeWav(bytes, where);
  } catch (err) {
    if (!(err instanceof AxonError)) throw err;
    expect(AUDIO_CODES).toContain(err.code);
    expect(err.message.startsWith(`${where} `)).toBe(true);
    expect(err.message).not.toMatch(/[\n\r]/);
    return err.code;
  }
  expect(a.channels).toBeGreaterThan(0);
  expect(a.frames).toBeGreaterThan(0);
  expect(a.sampleRate).toBeGreaterThan(0);
  expect(['pcm8', 'pcm16', 'pcm24', 'pcm32', 'float32', 'float64']).toContain(a.format);
  expect(a.data.length).toBe(a.channels);
  // Nothing is made up: every sample decoded was read from a byte of the file.
  const bytesPerSample = Number(a.format.replace(/\D+/g, '')) / 8;
  expect(a.frames * a.channels * bytesPerSample).toBeLessThanOrEqual(bytes.length);
  for (const ch of a.data) {
    expect(ch.length).toBe(a.frames);
    expect(ch.every(Number.isFinite)).toBe(true);
    // Integers map to [-1, 1); float32 holds 32-bit PCM's top values only as 1.
    const top = a.format === 'pcm32' ? 1 : Math.fround(1 - 2 ** -24);
    if (a.format.startsWith('pcm')) expect(ch.every((v) => v >= -1 && v <= top)).toBe(true);
  }
  for (const w of a.warnings) expect(w.startsWith(`${where}`)).toBe(true);
  return a;
}

describe('WAV reader: round trips', () => {
  it('any format, channel count, rate and chunk layout (extensible, RF64, extra chunks, fmt after data) reads back exactly', () => {
    fc.assert(
      fc.property(wavSpecArb, fc.nat({ max: 7 }), (spec, offset) => {
        // The reader gets a view into a bigger buffer, as Node's pooled Buffers are.
        const file = buildWav(spec);
        const pool = new Uint8Array(file.length + offset + 3);
        pool.set(file, offset);
        const a = decodeWav(pool.subarray(offset, offset + file.length), 'gen.wav');
        const frames = spec.samples.length / spec.channels;
        expect({ rate: a.sampleRate, channels: a.channels, frames: a.frames, format: a.format }).toEqual({
          rate: spec.rate,
          channels: spec.channels,
          frames,
          format: `${spec.kind.tag === 3 ? 'float' : 'pcm'}${spec.kind.bits}`,
        });
        for (let c = 0; c < spec.channels; c++) {
          const want = Float32Array.from({ length: frames }, (_, f) => expected(spec.kind, spec.samples[f * spec.channels + c]));
          expect(a.data[c]).toEqual(want);
        }
        expect(a.warnings).toEqual([]);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("the app's own float32 writer: any finite samples, any channel count, read back exactly; NaN and infinities become 0 with a warning", () => {
    const sample = fc.oneof({ weight: 9, arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true }) }, { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(sample, { minLength: 1, maxLength: 120 }), fc.integer({ min: 1, max: 384000 }), (channels, values, rate) => {
        fc.pre(values.length >= channels);
        const a = decodeWav(encodeWavFloat32(Float32Array.from(values), channels, rate), 'own.wav');
        const frames = Math.floor(values.length / channels);
        expect([a.channels, a.frames, a.sampleRate, a.format]).toEqual([channels, frames, rate, 'float32']);
        const kept = values.slice(0, frames * channels);
        const bad = kept.filter((v) => !Number.isFinite(v)).length;
        for (let c = 0; c < channels; c++) {
          expect(a.data[c]).toEqual(Float32Array.from({ length: frames }, (_, f) => (Number.isFinite(kept[f * channels + c]) ? kept[f * channels + c] : 0)));
        }
        expect(a.warnings).toEqual(bad ? [`own.wav: ${bad} sample(s) were NaN or infinite and were replaced by 0`] : []);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a file cut short anywhere after its first frame decodes to a prefix of the whole file, and says so', () => {
    fc.assert(
      fc.property(wavSpecArb, fc.nat(), (spec, cut) => {
        const s: WavSpec = { ...spec, rf64: false, fmtAfterData: false, extra: [spec.extra[0], spec.extra[1], []] };
        const file = buildWav(s);
        const whole = decodeWav(file, 'cut.wav');
        const stride = (s.channels * s.kind.bits) / 8;
        const dataEnd = file.length - (s.samples.length * (s.kind.bits / 8)) % 2; // before the pad byte
        const dataStart = dataEnd - s.samples.length * (s.kind.bits / 8);
        const at = dataStart + stride + (cut % (dataEnd - dataStart - stride + 1));
        const a = expectDecodeContract(file.subarray(0, at), 'cut.wav');
        if (typeof a === 'string') throw new Error(`refused: ${a}`);
        const frames = Math.floor((at - dataStart) / stride);
        expect(a.frames).toBe(frames);
        a.data.forEach((ch, c) => expect(ch).toEqual(whole.data[c].subarray(0, frames)));
        if (at < dataEnd) expect(a.warnings.join('\n')).toMatch(/is truncated/);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe('WAV reader: robustness', () => {
  it('arbitrary bytes behind a RIFF/RF64 header: a well-formed result or an audio_* error', () => {
    const file = fc.tuple(fc.constantFrom('RIFF', 'RF64', 'BW64', 'RIFX', 'FORM', 'RIF'), fc.uint8Array({ maxLength: 120 })).map(([magic, rest]) => Uint8Array.from([...enc.encode(magic), ...le(rest.length, 4), ...enc.encode('WAVE'), ...rest]));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), file), (bytes) => {
        expectDecodeContract(bytes);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('a valid file with lying sizes (chunk, RIFF, ds64 sizes up to 2^64, ds64 tables of 2^32 entries), flipped bits and cuts', () => {
    const damage = fc.oneof(
      // A 32-bit size field anywhere set to an edge value.
      fc.record({ kind: fc.constant('u32' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff) }),
      fc.record({ kind: fc.constant('u64' as const), at: fc.nat(), hi: fc.constantFrom(0, 1, 0x1fffff, 0x200000, 0xffffffff), lo: fc.constantFrom(0, 1, 0xffffffff) }),
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), drop: fc.nat({ max: 12 }), insert: fc.uint8Array({ maxLength: 12 }) }),
    );
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(wavSpecArb, fc.array(damage, { minLength: 1, maxLength: 3 }), (spec, damages) => {
        let b = buildWav(spec);
        for (const d of damages) {
          const at = d.at % b.length;
          if (d.kind === 'u32' && at + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(at, d.value, true);
          else if (d.kind === 'u64' && at + 8 <= b.length) {
            new DataView(b.buffer, b.byteOffset).setUint32(at, d.lo, true);
            new DataView(b.buffer, b.byteOffset).setUint32(at + 4, d.hi, true);
          } else if (d.kind === 'flip') b[at] ^= 1 << d.bit;
          else if (d.kind === 'cut') b = b.subarray(0, at);
          else if (d.kind === 'splice') b = Uint8Array.from([...b.subarray(0, at), ...d.insert, ...b.subarray(at + d.drop)]);
        }
        const a = expectDecodeContract(b);
        const outcome = typeof a === 'string' ? a : 'decoded';
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: 600 },
    );
    expect(outcomes.get('decoded')).toBeGreaterThan(100);
    expect([...outcomes.keys()].filter((k) => k !== 'decoded').length).toBeGreaterThanOrEqual(3);
  });

  it('an RF64 ds64 chunk that declares an endless size table is read no further than the chunk', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }), (tableLength, table) => {
        const ds64 = chunk('ds64', [...le(0, 8), ...le(4, 8), ...le(0, 8), ...le(tableLength, 4), ...table]);
        const fmt = chunk('fmt ', [...le(1, 2), ...le(1, 2), ...le(8000, 4), ...le(16000, 4), ...le(2, 2), ...le(16, 2)]);
        const rest = [...ds64, ...fmt, ...chunk('data', [1, 0, 2, 0], { size: 0xffffffff })];
        const bytes = Uint8Array.from([...enc.encode('RF64'), ...le(0xffffffff, 4), ...enc.encode('WAVE'), ...rest]);
        const a = expectDecodeContract(bytes);
        if (typeof a !== 'string') expect(a.frames).toBeLessThanOrEqual(2);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe('WAV reader: regressions found by the properties', () => {
  it('a forgotten pad byte is followed even when the padded position also looks like a chunk id', () => {
    // LIST of 1 byte without its pad, then an extensible fmt chunk (size 40): from the padded
    // position "mt (" is printable too, and the reader used to lose the fmt chunk there.
    const spec: WavSpec = {
      kind: { tag: 1, bits: 16 },
      channels: 1,
      rate: 8000,
      samples: [1, -2, 3],
      extensible: true,
      extra: [[['LIST', [0x41], false]], [], []],
      fmtAfterData: false,
      rf64: false,
    };
    const a = decodeWav(buildWav(spec), 'pad.wav');
    expect(Array.from(a.data[0])).toEqual([1, -2, 3].map((v) => v / 32768));
  });
});
