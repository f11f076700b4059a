import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pluckTone } from '../../src/main/reservoir/example-models';
import { loadGrains } from '../../src/main/reservoir/grain-files';
import { soundOverview, SoundUploads, waveformPeaks } from '../../src/main/reservoir/sounds';
import { listSounds } from '../../src/main/reservoir/training-jobs';
import { encodeWavFloat32 } from '../../src/main/wav/wav-file';
import { dispatch, UPLOAD_PIECE_BYTES, type AxonApi, type SoundUpload } from '../../src/shared/api';
import { AxonError } from '../../src/shared/errors';
import { useTempDataDir } from '../support/data-dir';
import { axonErrorOf } from '../support/errors';

// The sounds folder as the Reservoir view sees it: waveforms and grains as training reads them,
// and WAVs uploaded in pieces from a browser.

const DATA = useTempDataDir('sounds');
const SOUNDS = path.join(DATA, 'sounds');
const pluck = pluckTone(0.08, 1);

beforeAll(() => {
  mkdirSync(SOUNDS, { recursive: true });
  writeFileSync(path.join(SOUNDS, 'pluck.wav'), encodeWavFloat32(pluck, 1, 48000));
  writeFileSync(path.join(SOUNDS, 'quiet.wav'), encodeWavFloat32(new Float32Array(480), 1, 48000));
});

/** Sends a file as the UI does: pieces of UPLOAD_PIECE_BYTES, base64, in order. */
function upload(uploads: SoundUploads, name: string, bytes: Uint8Array): SoundUpload[] {
  const states: SoundUpload[] = [];
  for (let at = 0; at < bytes.length; at += UPLOAD_PIECE_BYTES) {
    const data = Buffer.from(bytes.subarray(at, at + UPLOAD_PIECE_BYTES)).toString('base64');
    states.push(uploads.receive({ name, size: bytes.length, offset: at, data }));
  }
  return states;
}

describe('waveform peaks', () => {
  it('gives the lowest and highest sample of each column', () => {
    const s = [0, 0.5, -0.25, 1, -1, 0.125, 0.3, -0.3];
    expect(waveformPeaks(s, 0, 8, 4)).toEqual({ min: [0, -0.25, -1, -0.3], max: [0.5, 1, 0.125, 0.3] });
    expect(waveformPeaks(s, 2, 6, 2)).toEqual({ min: [-0.25, -1], max: [1, 0.125] });
  });

  it('zoomed in past a sample per column, each column shows the sample it falls on', () => {
    expect(waveformPeaks([0.1, 0.2], 0, 2, 4)).toEqual({ min: [0.1, 0.1, 0.2, 0.2], max: [0.1, 0.1, 0.2, 0.2] });
    expect(waveformPeaks([0.1, 0.2], 2, 2, 2)).toEqual({ min: [0, 0], max: [0, 0] });
  });
});

describe('sound overview', () => {
  it('cuts the grains training cuts, in seconds at the engine rate', () => {
    const o = soundOverview({ name: 'pluck.wav', columns: 300, maxGrains: 16 }, 48000);
    expect(o.file).toEqual({ sampleRate: 48000, channels: 1, format: 'float32', seconds: pluck.length / 48000 });
    expect(o.from).toBe(0);
    expect(o.to).toBeCloseTo(0.08, 9);
    expect(o.min).toHaveLength(300);
    expect(Math.max(...o.max)).toBeCloseTo(Math.max(...pluck), 4);
    expect(Math.min(...o.min)).toBeCloseTo(Math.min(...pluck), 4);
    expect(o.silent).toBe(false);
    const trained = loadGrains({ slice: path.join(SOUNDS, 'pluck.wav') }, 48000, { minLength: 9, maxCount: 16 }).grains;
    expect(o.grains).toHaveLength(16);
    expect(o.available).toBe(21);
    expect(o.grains.map(([s, e]) => Math.round((e - s) * 48000))).toEqual(trained.map((g) => g.length));
    // Grains follow one another without gaps.
    for (let i = 1; i < o.grains.length; i++) expect(o.grains[i][0]).toBe(o.grains[i - 1][1]);
  });

  it('draws a span when asked, and reads a file at another rate as training does', () => {
    const o = soundOverview({ name: 'pluck.wav', columns: 10, from: 0.01, to: 0.02 }, 48000);
    expect([o.from, o.to]).toEqual([0.01, 0.02]);
    expect(o.grains).toHaveLength(21);
    const at96 = soundOverview({ name: 'pluck.wav', columns: 10 }, 96000);
    expect(at96.grains[0][1] - at96.grains[0][0]).toBeCloseTo(o.grains[0][1] - o.grains[0][0], 4);
  });

  it('marks a silent sound and names a missing one', () => {
    expect(soundOverview({ name: 'quiet.wav', columns: 8 }, 48000)).toMatchObject({ silent: true, grains: [], available: 0 });
    expect(axonErrorOf(() => soundOverview({ name: 'gone.wav', columns: 8 }, 48000))).toBe(`sound_not_found: no sound "gone.wav" in ${SOUNDS}`);
  });
});

describe('uploading sounds', () => {
  const wav = encodeWavFloat32(pluckTone(0.5, 2), 1, 44100);

  it('stores a WAV sent in pieces once the last piece arrives and the reader accepts it', () => {
    const uploads = new SoundUploads();
    expect(wav.length).toBeGreaterThan(2 * UPLOAD_PIECE_BYTES);
    const states = upload(uploads, 'take 1.wav', wav);
    expect(states.map((s) => s.stored)).toEqual([...states.slice(1).map(() => false), true]);
    expect(states.map((s) => s.received)).toEqual(states.map((_, i) => Math.min(wav.length, (i + 1) * UPLOAD_PIECE_BYTES)));
    expect(readFileSync(path.join(SOUNDS, 'take 1.wav')).equals(wav)).toBe(true);
    expect(listSounds()).toContain('take 1.wav');
    expect(soundOverview({ name: 'take 1.wav', columns: 4 }, 48000).file.sampleRate).toBe(44100);
  });

  it('refuses a name in use, before and after sending, and keeps the file there', () => {
    const uploads = new SoundUploads();
    const before = readFileSync(path.join(SOUNDS, 'pluck.wav'));
    expect(axonErrorOf(() => upload(uploads, 'pluck.wav', wav))).toBe(
      'sound_exists: a sound named "pluck.wav" is already in the sounds folder; rename the file and upload it again, or pick that sound from the list',
    );
    expect(readFileSync(path.join(SOUNDS, 'pluck.wav')).equals(before)).toBe(true);
  });

  it('stores nothing the WAV reader refuses, and says what the file is', () => {
    const uploads = new SoundUploads();
    const flac = Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(100)]);
    expect(axonErrorOf(() => upload(uploads, 'song.wav', flac))).toBe('audio_not_wav: song.wav is not a WAV file (it starts with "fLaC", so it looks like a FLAC file)');
    expect(existsSync(path.join(SOUNDS, 'song.wav'))).toBe(false);
    expect(readdirSync(SOUNDS).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('refuses pieces out of order or past the announced size, and starts over at 0', () => {
    const uploads = new SoundUploads();
    const piece = (offset: number, bytes: number, size = wav.length) => ({ name: 'late.wav', size, offset, data: Buffer.from(wav.subarray(offset, offset + bytes)).toString('base64') });
    expect(axonErrorOf(() => uploads.receive(piece(UPLOAD_PIECE_BYTES, 100)))).toBe(
      `sound_upload: could not upload late.wav: expected its first piece, got one at byte ${UPLOAD_PIECE_BYTES}; send the file again from the start`,
    );
    uploads.receive(piece(0, 100));
    expect(axonErrorOf(() => uploads.receive(piece(200, 100)))).toBe(
      `sound_upload: could not upload late.wav: expected the piece at byte 100 of ${wav.length}, got one at byte 200; send the file again from the start`,
    );
    uploads.receive(piece(0, 100, 150));
    expect(axonErrorOf(() => uploads.receive(piece(100, 100, 150)))).toBe(
      'sound_upload: could not upload late.wav: the pieces hold more than the 150 bytes announced; send the file again from the start',
    );
    expect(upload(uploads, 'late.wav', wav).at(-1)?.stored).toBe(true);
  });

  it('the API refuses paths, oversized files and pieces before anything runs', async () => {
    const api = { uploadSound: () => Promise.reject(new Error('must not run')), soundOverview: () => Promise.reject(new Error('must not run')) } as unknown as AxonApi;
    const problems = async (method: 'uploadSound' | 'soundOverview', arg: unknown) => {
      try {
        await dispatch(api, method, [arg]);
      } catch (err) {
        if (err instanceof AxonError) return err.details;
      }
      return [];
    };
    const ok = { name: 'a.wav', size: 10, offset: 0, data: 'AAAA' };
    expect(await problems('uploadSound', { ...ok, name: '../../etc/a.wav' })).toEqual([
      'argument 0.name: "../../etc/a.wav" must be the name of a .wav file in the sounds folder (letters, digits, spaces, _ . ( ) -, ending in .wav)',
    ]);
    expect(await problems('uploadSound', { ...ok, size: 17 * 1024 * 1024 })).toEqual(['argument 0.size: 17825792 is above the maximum 16777216']);
    expect(await problems('uploadSound', { ...ok, data: 'A'.repeat(60000) })).toEqual(['argument 0.data: at most 49152 characters allowed']);
    expect(await problems('uploadSound', { ...ok, data: 'not base64!' })).toEqual(['argument 0.data: "not base64!" must be base64']);
    expect(await problems('uploadSound', { ...ok, offset: 10 })).toEqual(['argument 0.offset: must be before the end of the file']);
    expect(await problems('soundOverview', { name: 'a.wav', columns: 0 })).toEqual(['argument 0.columns: 0 is below the minimum 1']);
    expect(await problems('soundOverview', { name: 'a.wav', columns: 10, from: 2, to: 1 })).toEqual(['argument 0.to: must be after from']);
  });
});
