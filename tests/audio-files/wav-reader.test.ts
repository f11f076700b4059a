import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../dsp/measure';
import { decodeWav, readWav, toMono, type DecodedAudio } from '../../src/main/wav/wav-reader';
import { encodeWavFloat32 } from '../../src/main/wav/wav-file';
import { AxonError, type ErrorCode } from '../../src/shared/errors';

// WAV files are built byte by byte here, by an encoder that shares nothing with the reader, so
// a misreading of the format in one cannot hide the same misreading in the other.

const enc = new TextEncoder();

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function le(value: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = Math.floor(value / 2 ** (8 * i)) & 0xff;
  return out;
}

/** A chunk: id, 32-bit size (the body's length unless `size` lies), body, pad byte if odd. */
function chunk(id: string, body: Uint8Array, opts: { size?: number; pad?: boolean } = {}): Uint8Array {
  const pad = (opts.pad ?? true) && body.length % 2 === 1 ? [new Uint8Array(1)] : [];
  return concat([enc.encode(id), le(opts.size ?? body.length, 4), body, ...pad]);
}

function riff(chunks: Uint8Array[], magic = 'RIFF', form = 'WAVE'): Uint8Array {
  const rest = concat(chunks);
  return concat([enc.encode(magic), le(4 + rest.length, 4), enc.encode(form), rest]);
}

interface FmtFields {
  tag: number;
  channels: number;
  rate: number;
  bits: number;
  blockAlign?: number;
}

function fmtBody(f: FmtFields): Uint8Array {
  const align = f.blockAlign ?? (f.channels * f.bits) / 8;
  return concat([le(f.tag, 2), le(f.channels, 2), le(f.rate, 4), le(f.rate * align, 4), le(align, 2), le(f.bits, 2)]);
}

const GUID_TAIL = [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

function fmtExtensibleBody(f: FmtFields & { validBits: number; subTag: number; guidTail?: number[] }): Uint8Array {
  const guid = concat([le(f.subTag, 4), Uint8Array.from(f.guidTail ?? GUID_TAIL)]);
  return concat([fmtBody({ ...f, tag: 0xfffe }), le(22, 2), le(f.validBits, 2), le(0, 4), guid]);
}

/** Interleaved signed integers as little-endian PCM; 8-bit is stored unsigned (offset 128). */
function pcmBytes(values: number[], bits: number): Uint8Array {
  const size = bits / 8;
  const out = new Uint8Array(values.length * size);
  values.forEach((v, i) => {
    const stored = bits === 8 ? v + 128 : v < 0 ? v + 2 ** bits : v; // two's complement
    out.set(le(stored, size), i * size);
  });
  return out;
}

function floatBytes(values: number[], bits: 32 | 64): Uint8Array {
  const out = new Uint8Array(values.length * (bits / 8));
  const view = new DataView(out.buffer);
  values.forEach((v, i) => (bits === 32 ? view.setFloat32(i * 4, v, true) : view.setFloat64(i * 8, v, true)));
  return out;
}

/** Random integers over the full range of `bits`, with both extremes and zero among them. */
function randomInts(count: number, bits: number, rnd: () => number): number[] {
  const lo = -(2 ** (bits - 1));
  const hi = 2 ** (bits - 1) - 1;
  return Array.from({ length: count }, (_, i) =>
    i === 0 ? lo : i === 1 ? hi : i === 2 ? 0 : i === 3 ? -1 : lo + Math.floor(rnd() * (hi - lo + 1)),
  );
}

/** What the reader must give for interleaved `values`: channel c holds values[f * channels + c]. */
function expectedChannels(values: number[], channels: number, map: (v: number) => number): Float32Array[] {
  const frames = values.length / channels;
  return Array.from({ length: channels }, (_, c) => Float32Array.from({ length: frames }, (_, f) => map(values[f * channels + c])));
}

function expectAxonError(run: () => unknown, code: ErrorCode, pattern: RegExp): AxonError {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(AxonError);
  const err = caught as AxonError;
  expect(err.code).toBe(code);
  expect(err.message).toMatch(pattern);
  return err;
}

const W = 'clip.wav';

describe('decodeWav: integer PCM round trips', () => {
  const rnd = mulberry32(1);
  for (const bits of [8, 16, 24, 32]) {
    for (const channels of [1, 2, 5]) {
      it(`${bits}-bit, ${channels} channel(s): every sample is value / 2^${bits - 1} exactly`, () => {
        const frames = 257;
        const values = randomInts(frames * channels, bits, rnd);
        const file = riff([chunk('fmt ', fmtBody({ tag: 1, channels, rate: 44100, bits })), chunk('data', pcmBytes(values, bits))]);
        const a = decodeWav(file, W);
        expect(a).toMatchObject({ sampleRate: 44100, channels, frames, format: `pcm${bits}`, warnings: [] });
        expect(a.data).toEqual(expectedChannels(values, channels, (v) => Math.fround(v / 2 ** (bits - 1))));
      });
    }
  }

  it('maps the integer extremes to -1 and just under 1', () => {
    const file = riff([chunk('fmt ', fmtBody({ tag: 1, channels: 1, rate: 8000, bits: 16 })), chunk('data', pcmBytes([-32768, 32767, 0], 16))]);
    expect(Array.from(decodeWav(file, W).data[0])).toEqual([-1, Math.fround(32767 / 32768), 0]);
  });
});

describe('decodeWav: float round trips', () => {
  const specials = [0, -0, 1, -1, 0.5, 1.5, -2, 1e-40, -3.4e38, 1 / 3];
  for (const bits of [32, 64] as const) {
    for (const channels of [1, 2, 5]) {
      it(`float${bits}, ${channels} channel(s): ${bits === 32 ? 'bit-exact' : 'rounded to float32 exactly'}`, () => {
        const rnd = mulberry32(bits * 10 + channels);
        const frames = 200;
        const values = Array.from({ length: frames * channels }, (_, i) => (i < specials.length ? specials[i] : (rnd() * 2 - 1) * 1.2));
        const file = riff([chunk('fmt ', fmtBody({ tag: 3, channels, rate: 96000, bits })), chunk('data', floatBytes(values, bits))]);
        const a = decodeWav(file, W);
        expect(a).toMatchObject({ sampleRate: 96000, channels, frames, format: `float${bits}`, warnings: [] });
        expect(a.data).toEqual(expectedChannels(values, channels, Math.fround));
      });
    }
  }

  it('replaces NaN and infinities with 0 and says so', () => {
    const file = riff([chunk('fmt ', fmtBody({ tag: 3, channels: 1, rate: 48000, bits: 32 })), chunk('data', floatBytes([0.25, NaN, Infinity, -Infinity], 32))]);
    const a = decodeWav(file, W);
    expect(Array.from(a.data[0])).toEqual([0.25, 0, 0, 0]);
    expect(a.warnings).toEqual([expect.stringMatching(/3 sample\(s\) were NaN or infinite/)]);
  });
});

describe('decodeWav: WAVE_FORMAT_EXTENSIBLE', () => {
  it('PCM subformat, 24-bit container with 20 valid bits, 5 channels', () => {
    const rnd = mulberry32(7);
    const values = randomInts(5 * 64, 20, rnd).map((v) => v * 16); // left-justified in 24 bits
    const fmt = fmtExtensibleBody({ tag: 0, channels: 5, rate: 48000, bits: 24, validBits: 20, subTag: 1 });
    const a = decodeWav(riff([chunk('fmt ', fmt), chunk('data', pcmBytes(values, 24))]), W);
    expect(a).toMatchObject({ channels: 5, frames: 64, format: 'pcm24', warnings: [] });
    expect(a.data).toEqual(expectedChannels(values, 5, (v) => Math.fround(v / 2 ** 23)));
  });

  it('PCM subformat, 16-bit stereo', () => {
    const values = randomInts(2 * 50, 16, mulberry32(8));
    const fmt = fmtExtensibleBody({ tag: 0, channels: 2, rate: 44100, bits: 16, validBits: 16, subTag: 1 });
    const a = decodeWav(riff([chunk('fmt ', fmt), chunk('data', pcmBytes(values, 16))]), W);
    expect(a.data).toEqual(expectedChannels(values, 2, (v) => v / 32768));
  });

  it('float subformat, 32-bit stereo', () => {
    const rnd = mulberry32(9);
    const values = Array.from({ length: 2 * 50 }, () => rnd() * 2 - 1);
    const fmt = fmtExtensibleBody({ tag: 0, channels: 2, rate: 44100, bits: 32, validBits: 32, subTag: 3 });
    const a = decodeWav(riff([chunk('fmt ', fmt), chunk('fact', le(50, 4)), chunk('data', floatBytes(values, 32))]), W);
    expect(a.format).toBe('float32');
    expect(a.data).toEqual(expectedChannels(values, 2, Math.fround));
  });

  it('rejects a non-standard subformat GUID, naming it', () => {
    // Ambisonic B-format PCM: {00000001-0721-11d3-8644-c8c1ca000000}
    const tail = [0x21, 0x07, 0xd3, 0x11, 0x86, 0x44, 0xc8, 0xc1, 0xca, 0x00, 0x00, 0x00];
    const fmt = fmtExtensibleBody({ tag: 0, channels: 4, rate: 48000, bits: 16, validBits: 16, subTag: 1, guidTail: tail });
    expectAxonError(() => decodeWav(riff([chunk('fmt ', fmt), chunk('data', new Uint8Array(8))]), W), 'audio_format', /subformat \{00000001-0721-11d3-8644-c8c1ca000000\}/);
  });

  it('rejects a standard GUID for a format other than PCM or float', () => {
    const fmt = fmtExtensibleBody({ tag: 0, channels: 1, rate: 8000, bits: 8, validBits: 8, subTag: 7 });
    expectAxonError(() => decodeWav(riff([chunk('fmt ', fmt), chunk('data', new Uint8Array(8))]), W), 'audio_format', /subformat format tag 7 .*mu-law/);
  });

  it('rejects an extensible fmt chunk too short for its GUID', () => {
    const fmt = concat([fmtBody({ tag: 0xfffe, channels: 1, rate: 8000, bits: 16 }), le(0, 2)]);
    expectAxonError(() => decodeWav(riff([chunk('fmt ', fmt), chunk('data', new Uint8Array(8))]), W), 'audio_header', /EXTENSIBLE fmt chunk is 18 bytes; it needs 40/);
  });
});

describe('decodeWav: chunk layout', () => {
  const fmt16 = chunk('fmt ', fmtBody({ tag: 1, channels: 1, rate: 22050, bits: 16 }));
  const values = [1, -2, 300, -32768, 32767];
  const samples = Float32Array.from(values, (v) => v / 32768);

  it('skips LIST, bext, fact, JUNK and odd-sized chunks with their pad byte, before and after fmt and data', () => {
    const file = riff([
      chunk('JUNK', new Uint8Array(27)),
      chunk('bext', enc.encode('odd length x')),
      fmt16,
      chunk('LIST', concat([enc.encode('INFOINAM'), le(5, 4), enc.encode('name\0')])),
      chunk('fact', le(5, 4)),
      chunk('data', pcmBytes(values, 16)),
      chunk('LIST', enc.encode('trailing odd')),
    ]);
    const a = decodeWav(file, W);
    expect(a.data[0]).toEqual(samples);
    expect(a.warnings).toEqual([]);
  });

  it('reads an odd-sized 8-bit data chunk followed by its pad byte and another chunk', () => {
    const file = riff([chunk('fmt ', fmtBody({ tag: 1, channels: 1, rate: 8000, bits: 8 })), chunk('data', pcmBytes([-128, 0, 127], 8)), chunk('LIST', new Uint8Array(4))]);
    expect(Array.from(decodeWav(file, W).data[0])).toEqual([-1, 0, 127 / 128]);
  });

  it('copes with a writer that left out the pad byte of an odd chunk', () => {
    const file = riff([chunk('LIST', enc.encode('odd'), { pad: false }), fmt16, chunk('data', pcmBytes(values, 16))]);
    expect(decodeWav(file, W).data[0]).toEqual(samples);
  });

  it('finds fmt after data', () => {
    expect(decodeWav(riff([chunk('data', pcmBytes(values, 16)), fmt16]), W).data[0]).toEqual(samples);
  });

  it('ignores a RIFF size that disagrees with the file (streamed writers leave 0 or 0xFFFFFFFF)', () => {
    const file = riff([fmt16, chunk('data', pcmBytes(values, 16))]);
    new DataView(file.buffer).setUint32(4, 0xffffffff, true);
    expect(decodeWav(file, W).data[0]).toEqual(samples);
  });

  it('reads RF64 with the data size in the ds64 chunk', () => {
    const body = pcmBytes(values, 16);
    const ds64 = concat([le(0, 8), le(body.length, 8), le(values.length, 8), le(1, 4), enc.encode('JUNK'), le(6, 8)]);
    const file = riff([chunk('ds64', ds64), chunk('JUNK', new Uint8Array(6), { size: 0xffffffff }), fmt16, chunk('data', body, { size: 0xffffffff })], 'RF64');
    new DataView(file.buffer).setUint32(4, 0xffffffff, true);
    const a = decodeWav(file, W);
    expect(a.data[0]).toEqual(samples);
    expect(a.warnings).toEqual([]);
  });

  it('decodes the whole frames of a cut-off file and warns', () => {
    const v = randomInts(2 * 10, 16, mulberry32(3)); // stereo, 10 frames = 40 bytes
    const file = riff([chunk('fmt ', fmtBody({ tag: 1, channels: 2, rate: 8000, bits: 16 })), chunk('data', pcmBytes(v, 16))]).subarray(0, 44 + 10);
    const a = decodeWav(file, W);
    expect(a.frames).toBe(2);
    expect(a.data).toEqual(expectedChannels(v.slice(0, 4), 2, (x) => x / 32768));
    expect(a.warnings).toEqual([
      `${W} is truncated: the data chunk says 40 bytes but only 10 are there; decoded the 2 whole frames there`,
    ]);
  });

  it('drops a partial last frame and warns', () => {
    const file = riff([chunk('fmt ', fmtBody({ tag: 1, channels: 2, rate: 8000, bits: 16 })), chunk('data', new Uint8Array(10))]);
    const a = decodeWav(file, W);
    expect(a.frames).toBe(2);
    expect(a.warnings).toEqual([expect.stringMatching(/partial frame \(2 bytes\)/)]);
  });

  it('trusts channels x sample size over a wrong block align, and warns', () => {
    const fmt = fmtBody({ tag: 1, channels: 1, rate: 8000, bits: 16, blockAlign: 4 });
    const a = decodeWav(riff([chunk('fmt ', fmt), chunk('data', pcmBytes(values, 16))]), W);
    expect(a.data[0]).toEqual(samples);
    expect(a.warnings).toEqual([expect.stringMatching(/says 4 bytes per frame.*using 2/)]);
  });

  it('accepts odd sample rates and many channels', () => {
    const channels = 9;
    const v = randomInts(channels * 3, 16, mulberry32(4));
    const a = decodeWav(riff([chunk('fmt ', fmtBody({ tag: 1, channels, rate: 11025 * 3 + 7, bits: 16 })), chunk('data', pcmBytes(v, 16))]), W);
    expect(a).toMatchObject({ sampleRate: 33082, channels, frames: 3 });
  });
});

describe('decodeWav: the app\'s own float32 writer reads back exactly', () => {
  for (const channels of [1, 2, 5]) {
    it(`${channels} channel(s)`, () => {
      const rnd = mulberry32(100 + channels);
      const frames = 333;
      const interleaved = Float32Array.from({ length: frames * channels }, () => rnd() * 2 - 1);
      const a = decodeWav(encodeWavFloat32(interleaved, channels, 48000), W);
      expect(a).toMatchObject({ sampleRate: 48000, channels, frames, format: 'float32', warnings: [] });
      expect(a.data).toEqual(expectedChannels(Array.from(interleaved), channels, (v) => v));
    });
  }
});

describe('decodeWav: errors name the problem', () => {
  const fmt16 = chunk('fmt ', fmtBody({ tag: 1, channels: 2, rate: 44100, bits: 16 }));
  const data = chunk('data', new Uint8Array(16));

  it('empty file', () => {
    expectAxonError(() => decodeWav(new Uint8Array(0), W), 'audio_empty', /^clip\.wav has no audio samples \(the file is empty\)$/);
  });

  it('a bare 12-byte RIFF/WAVE header', () => {
    expectAxonError(() => decodeWav(riff([]), W), 'audio_header', /^clip\.wav has a bad WAV header: it has no fmt chunk$/);
  });

  it('fewer than 12 bytes', () => {
    expectAxonError(() => decodeWav(enc.encode('RIFF\x10\0'), W), 'audio_header', /only 6 bytes, too short for the 12-byte RIFF header/);
    expectAxonError(() => decodeWav(enc.encode('abc'), W), 'audio_not_wav', /not a WAV file \(it starts with "abc"\)/);
  });

  it('not RIFF', () => {
    expectAxonError(() => decodeWav(enc.encode('hello, world\n'), W), 'audio_not_wav', /^clip\.wav is not a WAV file \(it starts with "hell"\)$/);
    expectAxonError(() => decodeWav(enc.encode('fLaC\0\0\0\x22............'), W), 'audio_not_wav', /"fLaC", so it looks like a FLAC file/);
    expectAxonError(() => decodeWav(enc.encode('ID3\x04\0\0\0\0\0\0\0\0\0'), W), 'audio_not_wav', /looks like an MP3 file/);
    expectAxonError(() => decodeWav(Uint8Array.from([0, 1, 2, 0xfe, 5, 6, 7, 8, 9, 10, 11, 12]), W), 'audio_not_wav', /the bytes 00 01 02 fe/);
  });

  it('RIFF but not WAVE', () => {
    expectAxonError(() => decodeWav(riff([chunk('avih', new Uint8Array(8))], 'RIFF', 'AVI '), W), 'audio_not_wav', /"RIFF" but holds "AVI " rather than "WAVE"/);
  });

  it('big-endian RIFX', () => {
    expectAxonError(() => decodeWav(riff([fmt16, data], 'RIFX'), W), 'audio_format', /big-endian WAV \(RIFX\)/);
  });

  it('no fmt chunk', () => {
    expectAxonError(() => decodeWav(riff([chunk('LIST', new Uint8Array(4)), data]), W), 'audio_header', /it has no fmt chunk/);
  });

  it('no data chunk', () => {
    expectAxonError(() => decodeWav(riff([fmt16, chunk('LIST', new Uint8Array(4))]), W), 'audio_empty', /^clip\.wav has no audio samples \(it has no data chunk\)$/);
  });

  it('an empty data chunk', () => {
    expectAxonError(() => decodeWav(riff([fmt16, chunk('data', new Uint8Array(0))]), W), 'audio_empty', /its data chunk is empty/);
  });

  it('a data chunk smaller than one frame', () => {
    expectAxonError(() => decodeWav(riff([fmt16, chunk('data', new Uint8Array(3))]), W), 'audio_empty', /holds 3 bytes, less than one 4-byte frame/);
  });

  it('data size beyond the end of the file, with not even one whole frame there', () => {
    const file = riff([fmt16, chunk('data', new Uint8Array(3), { size: 4000, pad: false })]);
    expectAxonError(() => decodeWav(file, W), 'audio_truncated', /^clip\.wav is truncated: the data chunk says 4000 bytes but only 3 are there$/);
  });

  it('format tag 2 (ADPCM)', () => {
    const fmt = chunk('fmt ', fmtBody({ tag: 2, channels: 1, rate: 22050, bits: 4, blockAlign: 256 }));
    expectAxonError(() => decodeWav(riff([fmt, data]), W), 'audio_format', /^clip\.wav uses format tag 2 \(0x0002, Microsoft ADPCM\), which is not supported/);
  });

  it('an unknown format tag', () => {
    const fmt = chunk('fmt ', fmtBody({ tag: 0x1234, channels: 1, rate: 22050, bits: 16 }));
    expectAxonError(() => decodeWav(riff([fmt, data]), W), 'audio_format', /format tag 4660 \(0x1234\)/);
  });

  it('20-bit PCM, 16-bit float', () => {
    const pcm20 = chunk('fmt ', fmtBody({ tag: 1, channels: 1, rate: 48000, bits: 20, blockAlign: 3 }));
    expectAxonError(() => decodeWav(riff([pcm20, data]), W), 'audio_format', /uses 20-bit integer PCM samples, which is not supported/);
    const half = chunk('fmt ', fmtBody({ tag: 3, channels: 1, rate: 48000, bits: 16 }));
    expectAxonError(() => decodeWav(riff([half, data]), W), 'audio_format', /uses 16-bit float samples/);
  });

  it('0 channels', () => {
    const fmt = chunk('fmt ', fmtBody({ tag: 1, channels: 0, rate: 48000, bits: 16 }));
    expectAxonError(() => decodeWav(riff([fmt, data]), W), 'audio_header', /it declares 0 channels/);
  });

  it('0 Hz', () => {
    const fmt = chunk('fmt ', fmtBody({ tag: 1, channels: 1, rate: 0, bits: 16 }));
    expectAxonError(() => decodeWav(riff([fmt, data]), W), 'audio_header', /a sample rate of 0 Hz/);
  });

  it('a fmt chunk that is too short, or cut off', () => {
    const short = chunk('fmt ', fmtBody({ tag: 1, channels: 1, rate: 48000, bits: 16 }).subarray(0, 14));
    expectAxonError(() => decodeWav(riff([short, data]), W), 'audio_header', /fmt chunk is 14 bytes; it needs at least 16/);
    const cut = riff([fmt16]).subarray(0, 12 + 8 + 10);
    expectAxonError(() => decodeWav(cut, W), 'audio_header', /fmt chunk is cut off by the end of the file/);
  });

  it('every message starts with where the file came from', () => {
    expectAxonError(() => decodeWav(new Uint8Array(5), '/tmp/some dir/take 3.wav'), 'audio_not_wav', /^\/tmp\/some dir\/take 3\.wav is not a WAV file/);
  });
});

describe('readWav and toMono', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'axon-wav-reader-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file from disk', () => {
    const file = path.join(dir, 'a.wav');
    writeFileSync(file, riff([chunk('fmt ', fmtBody({ tag: 1, channels: 1, rate: 8000, bits: 16 })), chunk('data', pcmBytes([16384, -16384], 16))]));
    expect(Array.from(readWav(file).data[0])).toEqual([0.5, -0.5]);
  });

  it('names a file it cannot read with file_read', () => {
    expectAxonError(() => readWav(path.join(dir, 'missing.wav')), 'file_read', /^cannot read .*missing\.wav: .*ENOENT/);
    expectAxonError(() => readWav(dir), 'file_read', /^cannot read /);
  });

  it('a decoding error names the path', () => {
    const file = path.join(dir, 'b.wav');
    writeFileSync(file, 'not audio');
    expectAxonError(() => readWav(file), 'audio_not_wav', new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not a WAV file`));
  });

  it('toMono averages the channels and copies mono', () => {
    const stereo: DecodedAudio = {
      sampleRate: 8000,
      channels: 2,
      frames: 3,
      format: 'float32',
      data: [Float32Array.from([1, 0.5, -1]), Float32Array.from([0, 0.5, 1])],
      warnings: [],
    };
    expect(Array.from(toMono(stereo))).toEqual([0.5, 0.5, 0]);
    const mono = { ...stereo, channels: 1, data: [stereo.data[0]] };
    const m = toMono(mono);
    expect(m).toEqual(stereo.data[0]);
    expect(m).not.toBe(stereo.data[0]);
  });
});

describe('decodeWav never throws anything but AxonError', () => {
  const AUDIO_CODES = new Set<string>(['audio_empty', 'audio_truncated', 'audio_not_wav', 'audio_format', 'audio_header']);
  const outcomes = new Map<string, number>();

  /** Decode, and check either a well-formed result or an audio_* AxonError. */
  function probe(bytes: Uint8Array): void {
    let a: DecodedAudio;
    try {
      a = decodeWav(bytes, 'fuzz.wav');
    } catch (err) {
      if (!(err instanceof AxonError) || !AUDIO_CODES.has(err.code) || !err.message.startsWith('fuzz.wav ')) {
        throw new Error(`unexpected ${String(err)} for bytes ${Buffer.from(bytes).toString('hex')}`);
      }
      outcomes.set(err.code, (outcomes.get(err.code) ?? 0) + 1);
      return;
    }
    outcomes.set('decoded', (outcomes.get('decoded') ?? 0) + 1);
    expect(a.frames).toBeGreaterThan(0);
    expect(a.channels).toBeGreaterThan(0);
    expect(a.sampleRate).toBeGreaterThan(0);
    expect(a.data.length).toBe(a.channels);
    for (const ch of a.data) {
      expect(ch.length).toBe(a.frames);
      expect(ch.every(Number.isFinite)).toBe(true);
    }
  }

  function randomBytes(rnd: () => number, n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
  }

  // Valid files of every kind, to corrupt.
  const rndSeed = mulberry32(42);
  const seeds: Uint8Array[] = [
    ...[8, 16, 24, 32].map((bits) => riff([chunk('LIST', enc.encode('abc')), chunk('fmt ', fmtBody({ tag: 1, channels: 2, rate: 44100, bits })), chunk('data', pcmBytes(randomInts(24, bits, rndSeed), bits))])),
    riff([chunk('fmt ', fmtBody({ tag: 3, channels: 1, rate: 48000, bits: 64 })), chunk('data', floatBytes([0.1, 0.2, 0.3], 64))]),
    riff([chunk('fmt ', fmtExtensibleBody({ tag: 0, channels: 3, rate: 48000, bits: 24, validBits: 20, subTag: 1 })), chunk('data', pcmBytes(randomInts(12, 24, rndSeed), 24))]),
    riff([chunk('ds64', concat([le(0, 8), le(8, 8), le(4, 8), le(0, 4)])), chunk('fmt ', fmtBody({ tag: 1, channels: 1, rate: 8000, bits: 16 })), chunk('data', new Uint8Array(8), { size: 0xffffffff })], 'RF64'),
    encodeWavFloat32(Float32Array.from([0.5, -0.5, 0.25, 1]), 2, 48000),
  ];

  it('on random bytes, random chunk soups and corrupted valid files', () => {
    const rnd = mulberry32(20240601);
    const ids = ['fmt ', 'data', 'LIST', 'ds64', 'fact', 'JUNK'];
    for (let i = 0; i < 2000; i++) probe(randomBytes(rnd, Math.floor(rnd() * 200)));
    for (let i = 0; i < 2000; i++) {
      // A RIFF header and chunks with real ids but random sizes and bodies reach the deep paths.
      const magic = ['RIFF', 'RF64', 'BW64'][Math.floor(rnd() * 3)];
      const chunks = Array.from({ length: Math.floor(rnd() * 5) }, () => {
        const body = randomBytes(rnd, Math.floor(rnd() * 48));
        const lie = rnd() < 0.3 ? { size: rnd() < 0.5 ? 0xffffffff : Math.floor(rnd() * 2 ** 32) } : {};
        return chunk(ids[Math.floor(rnd() * ids.length)], body, lie);
      });
      probe(riff(chunks, magic));
    }
    for (let i = 0; i < 4000; i++) {
      const bytes = Uint8Array.from(seeds[i % seeds.length]);
      const edits = 1 + Math.floor(rnd() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rnd() * bytes.length);
        const what = rnd();
        if (what < 0.5) bytes[at] = Math.floor(rnd() * 256);
        else if (what < 0.8 && at + 4 <= bytes.length) new DataView(bytes.buffer).setUint32(at, Math.floor(rnd() * 2 ** 32), true);
        else bytes[at] ^= 1 << Math.floor(rnd() * 8);
      }
      probe(rnd() < 0.3 ? bytes.subarray(0, Math.floor(rnd() * bytes.length)) : bytes);
    }
    // The fuzzing must have reached both decoding and every kind of refusal.
    expect(outcomes.get('decoded')).toBeGreaterThan(100);
    for (const code of AUDIO_CODES) expect(outcomes.get(code), code).toBeGreaterThan(0);
  });
});
