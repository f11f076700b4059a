import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseMidi } from 'midi-file';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Of } from '../../src/main/hash';
import { repairSet } from '../../src/main/record/set-repair';
import { MASTER_FILE, readManifest, writeManifest, type SetManifest } from '../../src/main/record/set-manifest';
import { WAV_STREAM_HEADER_BYTES, WavStream, wavStreamHeader } from '../../src/main/record/wav-stream';
import { decodeWav } from '../../src/main/wav/wav-reader';

// `axon repair`'s work on sets as a killed app leaves them: a WAV whose header was last synced a
// moment before the end, maybe half a frame at the end, and a manifest still open.

const root = mkdtempSync(path.join(os.tmpdir(), 'axon-repair-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const RATE = 48000;
const value = (i: number) => ((i % 1000) + 1) / 2000;

function frames(from: number, count: number): Float32Array {
  const s = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    s[2 * i] = value(from + i);
    s[2 * i + 1] = -value(from + i);
  }
  return s;
}

function openManifest(): SetManifest {
  return {
    format: 'axon-set',
    version: 1,
    title: null,
    startedAt: new Date().toISOString(),
    endedAt: null,
    app: { name: 'axon-stage', version: '0.0.0-test' },
    firmware: null,
    patch: { name: 'dual-neuron', seed: 1 },
    sampleRate: RATE,
    blockSize: 256,
    channels: 2,
    startFrame: 0,
    devices: { audioOut: 'clock', audioIn: null, midiIn: null, drums: null },
    files: [{ name: MASTER_FILE, kind: 'master', bytes: null, sha256: null }],
    frames: null,
    droppedFrames: null,
    stoppedBy: null,
    closed: false,
  };
}

/** A set as a kill leaves it: `synced` frames in the header, `more` frames after, then `tail` stray bytes. */
async function killedSet(name: string, synced: number, more: number, tail: number, rf64AboveBytes?: number): Promise<string> {
  const dir = path.join(root, name);
  mkdirSync(dir);
  writeManifest(dir, openManifest());
  writeFileSync(path.join(dir, '.reserve'), Buffer.alloc(1024));
  const file = path.join(dir, MASTER_FILE);
  const wav = await WavStream.create(file, { channels: 2, sampleRate: RATE, onError: (e) => expect.fail(e.message), rf64AboveBytes });
  wav.append(frames(0, synced + more));
  await wav.close();
  // The header of the last sync, before the frames after it.
  const bytes = readFileSync(file);
  wavStreamHeader(2, RATE, synced * 8, rf64AboveBytes).copy(bytes, 0);
  writeFileSync(file, bytes);
  if (tail > 0) appendFileSync(file, Buffer.alloc(tail, 0x7f));
  return dir;
}

const soxFrames = (file: string) => Number(execFileSync('sox', ['--i', '-s', file], { encoding: 'utf8' }).trim());

describe('repairing a set the app left open', () => {
  it('rewrites the header for every whole frame, cuts the half frame, and closes the manifest with sizes and checksums', async () => {
    const dir = await killedSet('killed', 4800, 2400, 5);
    const wav = path.join(dir, MASTER_FILE);
    expect(soxFrames(wav)).toBe(4800);

    const report = await repairSet(dir);
    expect(report).toEqual({
      set: 'killed',
      frames: 7200,
      seconds: 0.15,
      fixed: ['master.wav: cut 5 bytes of a half-written frame', 'master.wav: header rewritten, 4800 -> 7200 frames', 'manifest closed'],
    });
    expect(soxFrames(wav)).toBe(7200);
    const audio = decodeWav(readFileSync(wav), wav);
    expect(audio).toMatchObject({ channels: 2, frames: 7200, format: 'float32', warnings: [] });
    for (const i of [0, 4799, 4800, 7199]) {
      expect(audio.data[0][i]).toBe(Math.fround(value(i)));
      expect(audio.data[1][i]).toBe(Math.fround(-value(i)));
    }
    const m = readManifest(dir);
    expect(m).toMatchObject({ closed: true, frames: 7200, droppedFrames: null, stoppedBy: 'interrupted' });
    expect(m.endedAt).not.toBeNull();
    expect(m.files).toEqual([{ name: MASTER_FILE, kind: 'master', bytes: WAV_STREAM_HEADER_BYTES + 7200 * 8, sha256: await sha256Of(wav) }]);
    expect(() => readFileSync(path.join(dir, '.reserve'))).toThrow();

    // Once closed, there is nothing more to do, and nothing is touched.
    const before = readFileSync(wav);
    expect(await repairSet(dir)).toEqual({ set: 'killed', frames: 7200, seconds: 0.15, fixed: [] });
    expect(readFileSync(wav).equals(before)).toBe(true);
  });

  it('closes a set whose header was up to date (killed right after a sync)', async () => {
    const dir = await killedSet('synced', 960, 0, 0);
    expect((await repairSet(dir)).fixed).toEqual(['manifest closed']);
    expect(soxFrames(path.join(dir, MASTER_FILE))).toBe(960);
  });

  it('cuts a half-written line of the event log and makes the MIDI file from it', async () => {
    const dir = await killedSet('with-log', 4800, 0, 0);
    writeManifest(dir, { ...openManifest(), files: [...openManifest().files, { name: 'events.jsonl', kind: 'events', bytes: null, sha256: null }, { name: 'midi.mid', kind: 'midi', bytes: null, sha256: null }] });
    const log = ['{"type":"start","frame":0,"sampleRate":48000,"blockSize":256,"virtualDrums":true,"startedAt":"2026-11-21T20:00:00.000Z"}', '{"type":"record","frame":0}', '{"type":"out","frame":2400,"kind":"drum","drum":2,"velocity":99}', ''].join('\n');
    writeFileSync(path.join(dir, 'events.jsonl'), log + '{"type":"out","frame":2500,"ki');
    const report = await repairSet(dir);
    expect(report.fixed).toEqual(['cut a half-written line of events.jsonl', 'midi.mid made from events.jsonl', 'manifest closed']);
    expect(readFileSync(path.join(dir, 'events.jsonl'), 'utf8')).toBe(log);
    const midi = parseMidi(readFileSync(path.join(dir, 'midi.mid')));
    // 2400 frames: 50 ms, at 120 BPM 96 ticks.
    expect(midi.tracks[3].filter((e) => e.type === 'noteOn')).toMatchObject([{ deltaTime: 96, channel: 9, noteNumber: 38, velocity: 99 }]);
    const m = readManifest(dir);
    expect(m.files.map((f) => [f.name, f.bytes])).toEqual([
      ['master.wav', WAV_STREAM_HEADER_BYTES + 4800 * 8],
      ['events.jsonl', log.length],
      ['midi.mid', readFileSync(path.join(dir, 'midi.mid')).length],
    ]);
  });

  it('repairs the stems as the master, each to its own whole frames', async () => {
    const dir = await killedSet('with-stems', 960, 480, 0);
    const voice = path.join(dir, 'voice.wav');
    const stem = await WavStream.create(voice, { channels: 2, sampleRate: RATE, onError: (e) => expect.fail(e.message) });
    stem.append(frames(0, 1400));
    await stem.close();
    const bytes = readFileSync(voice);
    wavStreamHeader(2, RATE, 960 * 8).copy(bytes, 0);
    writeFileSync(voice, Buffer.concat([bytes, Buffer.alloc(3)]));
    writeManifest(dir, { ...openManifest(), files: [...openManifest().files, { name: 'voice.wav', kind: 'stem', bytes: null, sha256: null }] });
    expect((await repairSet(dir)).fixed).toEqual([
      'master.wav: header rewritten, 960 -> 1440 frames',
      'voice.wav: cut 3 bytes of a half-written frame',
      'voice.wav: header rewritten, 960 -> 1400 frames',
      'manifest closed',
    ]);
    expect(soxFrames(voice)).toBe(1400);
    expect(readManifest(dir).files.map((f) => f.name)).toEqual(['master.wav', 'voice.wav']);
  });

  it('reads an RF64 header and leaves a WAV that standard readers open', async () => {
    // RF64 from 64 KiB on, as past 4 GiB in a real set.
    const dir = await killedSet('rf64', 9000, 1000, 0, 64 * 1024);
    const wav = path.join(dir, MASTER_FILE);
    expect(readFileSync(wav).toString('latin1', 0, 4)).toBe('RF64');
    expect((await repairSet(dir)).fixed).toEqual(['master.wav: header rewritten, 9000 -> 10000 frames', 'manifest closed']);
    // Under 4 GiB the plain RIFF header holds it.
    expect(readFileSync(wav).toString('latin1', 0, 4)).toBe('RIFF');
    expect(soxFrames(wav)).toBe(10000);
  });
});

describe('what repair refuses, changing nothing', () => {
  it('a closed set whose WAV changed since it was recorded', async () => {
    const dir = await killedSet('tampered', 480, 0, 0);
    await repairSet(dir);
    const wav = path.join(dir, MASTER_FILE);
    const bytes = readFileSync(wav);
    bytes[WAV_STREAM_HEADER_BYTES + 10] ^= 0xff;
    writeFileSync(wav, bytes);
    const manifest = readFileSync(path.join(dir, 'manifest.json'), 'utf8');
    await expect(repairSet(dir)).rejects.toMatchObject({ code: 'set_unrepairable', message: expect.stringContaining('does not match the checksum in its manifest') });
    expect(readFileSync(wav).equals(bytes)).toBe(true);
    expect(readFileSync(path.join(dir, 'manifest.json'), 'utf8')).toBe(manifest);
  });

  it('a folder that is not a set, a damaged manifest, a missing or foreign WAV', async () => {
    await expect(repairSet(path.join(root, 'nowhere'))).rejects.toMatchObject({ code: 'set_not_found' });

    const damaged = path.join(root, 'damaged');
    mkdirSync(damaged);
    writeFileSync(path.join(damaged, 'manifest.json'), '{"format":"axon-set"');
    await expect(repairSet(damaged)).rejects.toMatchObject({ code: 'stored_file_invalid' });

    const noWav = path.join(root, 'no-wav');
    mkdirSync(noWav);
    writeManifest(noWav, openManifest());
    await expect(repairSet(noWav)).rejects.toThrow(`cannot repair ${noWav}: master.wav is missing; nothing was changed`);

    const foreign = path.join(root, 'foreign');
    mkdirSync(foreign);
    writeManifest(foreign, openManifest());
    const junk = Buffer.alloc(200, 0x41);
    writeFileSync(path.join(foreign, MASTER_FILE), junk);
    await expect(repairSet(foreign)).rejects.toThrow('does not have the header Axon Stage writes');
    expect(readFileSync(path.join(foreign, MASTER_FILE)).equals(junk)).toBe(true);
    expect(readManifest(foreign).closed).toBe(false);
  });
});
