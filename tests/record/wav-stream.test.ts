import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../src/main/wav/wav-reader';
import { WAV_STREAM_HEADER_BYTES, WavStream } from '../../src/main/record/wav-stream';

const dir = mkdtempSync(path.join(os.tmpdir(), 'axon-wavstream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `frames` stereo frames of a known ramp starting at frame `from`: left i/1e6, right -i/1e6. */
function ramp(from: number, frames: number): Float32Array {
  const s = new Float32Array(frames * 2);
  for (let i = 0; i < frames; i++) {
    s[2 * i] = (from + i) / 1e6;
    s[2 * i + 1] = -(from + i) / 1e6;
  }
  return s;
}

function expectRamp(data: Float32Array[], frames: number): void {
  expect(data[0].length).toBe(frames);
  const want = ramp(0, frames);
  for (let i = 0; i < frames; i++) {
    if (data[0][i] !== want[2 * i] || data[1][i] !== want[2 * i + 1]) throw new Error(`frame ${i} differs: ${data[0][i]}, ${data[1][i]}`);
  }
}

function soxInfo(file: string): string {
  return execFileSync('sox', ['--i', file], { encoding: 'utf8' });
}

describe('a WAV written as it grows', () => {
  it('holds every appended frame, in order, as float32 stereo', async () => {
    const file = path.join(dir, 'whole.wav');
    const errors: Error[] = [];
    const w = await WavStream.create(file, { channels: 2, sampleRate: 48000, onError: (e) => errors.push(e) });
    let at = 0;
    for (const n of [1, 255, 4096, 7, 10_000]) {
      w.append(ramp(at, n));
      at += n;
    }
    await w.close();
    const wav = decodeWav(readFileSync(file), file);
    expect(wav).toMatchObject({ sampleRate: 48000, channels: 2, format: 'float32', frames: at, warnings: [] });
    expectRamp(wav.data, at);
    expect(readFileSync(file).length).toBe(WAV_STREAM_HEADER_BYTES + at * 8);
    expect(errors).toEqual([]);
  });

  it('is a valid WAV of everything synced so far while it is still open (a killed app keeps that much)', async () => {
    const file = path.join(dir, 'open.wav');
    const w = await WavStream.create(file, { channels: 2, sampleRate: 44100, onError: () => undefined });
    w.append(ramp(0, 44100));
    await w.sync();
    w.append(ramp(44100, 22050));
    // What a kill -9 now leaves: the file as it is, never closed.
    const left = path.join(dir, 'left.wav');
    copyFileSync(file, left);
    const wav = decodeWav(readFileSync(left), left);
    // The header counts the synced second; frames written after it may be there too, unheaded.
    expect(wav.frames).toBe(44100);
    expectRamp(wav.data, 44100);
    expect(soxInfo(left)).toMatch(/Duration\s*:\s*00:00:01\.00 = 44100 samples/);
    await w.close();
  });

  it('turns into RF64 past the RIFF size limit (here lowered to 64 KiB), read back whole by a standard reader', async () => {
    const file = path.join(dir, 'big.wav');
    const w = await WavStream.create(file, { channels: 2, sampleRate: 48000, rf64AboveBytes: 64 * 1024, onError: () => undefined });
    w.append(ramp(0, 4096));
    await w.sync();
    expect(readFileSync(file).subarray(0, 4).toString('ascii')).toBe('RIFF');
    w.append(ramp(4096, 20_000));
    await w.close();
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 4).toString('ascii')).toBe('RF64');
    expect(bytes.readUInt32LE(4)).toBe(0xffffffff);
    expect(bytes.subarray(12, 16).toString('ascii')).toBe('ds64');
    expect(Number(bytes.readBigUInt64LE(28))).toBe(24_096 * 8);
    const wav = decodeWav(bytes, file);
    expect(wav.frames).toBe(24_096);
    expectRamp(wav.data, 24_096);
    expect(soxInfo(file)).toMatch(/= 24096 samples/);
  });

  it('never writes over a file that is there', async () => {
    const file = path.join(dir, 'taken.wav');
    writeFileSync(file, 'keep me');
    await expect(WavStream.create(file, { channels: 2, sampleRate: 48000, onError: () => undefined })).rejects.toThrow(/EEXIST/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });
});
