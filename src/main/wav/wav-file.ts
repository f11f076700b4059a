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
  const buf = Buffer.alloc(header + dataBytes);
  let o = 0;
  const str = (s: string) => {
    buf.write(s, o, 'ascii');
    o += 4;
  };
  const u32 = (v: number) => {
    buf.writeUInt32LE(v, o);
    o += 4;
  };
  const u16 = (v: number) => {
    buf.writeUInt16LE(v, o);
    o += 2;
  };
  str('RIFF');
  u32(header - 8 + dataBytes);
  str('WAVE');
  str('fmt ');
  u32(18);
  u16(WAVE_FORMAT_IEEE_FLOAT);
  u16(channels);
  u32(sampleRate);
  u32(sampleRate * channels * 4);
  u16(channels * 4);
  u16(32);
  u16(0); // cbSize
  str('fact');
  u32(4);
  u32(frames);
  str('data');
  u32(dataBytes);
  // Typed arrays are little-endian on every platform Electron supports, as WAV is.
  Buffer.from(samples.buffer, samples.byteOffset, dataBytes).copy(buf, o);
  return buf;
}
