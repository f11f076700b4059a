import type { Hertz } from '../../shared/units';

const WAVE_FORMAT_IEEE_FLOAT = 3;

/**
 * A 32-bit float WAV (RIFF, WAVE_FORMAT_IEEE_FLOAT with the `fact` chunk non-PCM files carry)
 * of interleaved samples.
 */
export function encodeWavFloat32(samples: Float32Array, channels: number, sampleRate: Hertz): Buffer {
  const frames = Math.floor(samples.length / channels);
  const dataBytes = frames * channels * 4;
  const header = 12 + 8 + 18 + 8 + 4 + 8;
  const w = new FieldWriter(Buffer.alloc(header + dataBytes));
  w.str('RIFF');
  w.u32(header - 8 + dataBytes);
  w.str('WAVE');
  writeFloatFmt(w, channels, sampleRate);
  w.str('fact');
  w.u32(4);
  w.u32(frames);
  w.str('data');
  w.u32(dataBytes);
  // Typed arrays are little-endian on every platform Electron supports, as WAV is.
  Buffer.from(samples.buffer, samples.byteOffset, dataBytes).copy(w.buf, w.at);
  return w.buf;
}

/** The `fmt ` chunk of 32-bit float samples (18 bytes, as non-PCM formats carry cbSize). */
export function writeFloatFmt(w: FieldWriter, channels: number, sampleRate: Hertz): void {
  w.str('fmt ');
  w.u32(18);
  w.u16(WAVE_FORMAT_IEEE_FLOAT);
  w.u16(channels);
  w.u32(sampleRate);
  w.u32(sampleRate * channels * 4);
  w.u16(channels * 4);
  w.u16(32);
  w.u16(0); // cbSize
}

/** Little-endian fields written one after another into a buffer (RIFF headers). */
export class FieldWriter {
  at = 0;
  constructor(readonly buf: Buffer) {}

  str(s: string): void {
    this.buf.write(s, this.at, 'ascii');
    this.at += 4;
  }

  u16(v: number): void {
    this.buf.writeUInt16LE(v, this.at);
    this.at += 2;
  }

  u32(v: number): void {
    this.buf.writeUInt32LE(v, this.at);
    this.at += 4;
  }

  u64(v: number): void {
    this.buf.writeBigUInt64LE(BigInt(v), this.at);
    this.at += 8;
  }

  skip(bytes: number): void {
    this.at += bytes;
  }
}
