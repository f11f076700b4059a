import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseMidi } from 'midi-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/main/backend';
import { replaySet } from '../../src/main/record/set-replay';
import { readManifest } from '../../src/main/record/set-manifest';
import { decodeWav } from '../../src/main/wav/wav-reader';
import { useTempDataDir } from '../support/data-dir';
import { until } from '../support/until';

// A set recorded from the real engine (its worker, on the clock) while a performer's hand moves
// the joystick, drags a weight, plays notes and changes the patch; then rendered again offline
// from its event log: bit for bit the recorded audio.

const dataDir = useTempDataDir('replay');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('replaying a recorded set from its event log', () => {
  let backend: Backend;
  let dir: string;

  beforeAll(async () => {
    backend = await Backend.start({ seed: 5 });
    // Played before the set starts: the replay starts where the engine did, so this counts too.
    await backend.loadPatch('neural-midi');
    await backend.setInput('joystick.x', 0.4);
    await sleep(200);
    const { set } = await backend.startRecording('replay');
    dir = path.join(dataDir, 'sets', set as string);
    for (let i = 0; i < 40; i++) {
      await backend.setInput('joystick.x', Math.sin(i / 5));
      await backend.setInput('joystick.y', Math.cos(i / 7));
      if (i % 10 === 3) await backend.setParam('neurons.a.bias', (i / 40) - 0.5);
      await sleep(15);
    }
    await backend.loadPatch('dual-neuron');
    backend.devicesChanged();
    for (let i = 0; i < 20; i++) {
      await backend.setParam('neurons.a.w.b', -1 - i / 20);
      await backend.setInput('joystick.z', i / 20);
      await sleep(20);
    }
    await until('a second and a half recorded', async () => (await backend.getRecording()).elapsedSeconds > 1.5);
    await backend.stopRecording();
  }, 60_000);

  afterAll(async () => {
    await backend?.close();
  });

  it('logs the loads and every event on its frame beside master.wav', () => {
    const m = readManifest(dir);
    expect(m.files.map((f) => f.name)).toEqual(['master.wav', 'events.jsonl', 'midi.mid']);
    expect(m.files[1]).toMatchObject({ kind: 'events', bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const lines = readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; frame: number });
    expect(lines[0]).toMatchObject({ type: 'start', frame: 0, sampleRate: 48000 });
    expect(lines.filter((l) => l.type === 'load').map((l) => (l as unknown as { name: string }).name)).toEqual(['neural-midi', 'dual-neuron']);
    expect(lines.filter((l) => l.type === 'record')).toHaveLength(1);
    expect(lines.filter((l) => l.type === 'input').length).toBeGreaterThanOrEqual(101);
    expect(lines.filter((l) => l.type === 'param').length).toBeGreaterThanOrEqual(24);
    expect(lines.find((l) => l.type === 'param')).toMatchObject({ id: 'neurons.a.bias', gen: 1 });
    // What happened around the engine, in words, once each until it changes.
    expect(lines.filter((l) => l.type === 'device').map((l) => (l as unknown as { what: string }).what)).toEqual(['audio in: off', 'midi: off', 'joysticks: none']);
  });

  it("writes the set's notes and strikes to midi.mid, which a standard parser reads", () => {
    const m = readManifest(dir);
    const lines = readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; kind?: string; frame: number; channel?: number; note?: number });
    const start = recordFrameOf(dir);
    const inSet = (l: { frame: number }) => l.frame >= start && l.frame < start + (m.frames as number);
    // Notes sounding when the set starts begin on its first tick.
    const held = new Set<string>();
    for (const l of lines.filter((x) => x.type === 'out' && x.frame < start)) {
      const key = `${l.channel}:${l.note}`;
      if (l.kind === 'noteOn') held.add(key);
      else if (l.kind === 'noteOff') held.delete(key);
    }
    const sent = held.size + lines.filter((l) => l.type === 'out' && l.kind === 'noteOn' && inSet(l)).length;
    const struck = lines.filter((l) => l.type === 'out' && l.kind === 'drum' && inSet(l)).length;
    expect(sent + struck).toBeGreaterThan(0);
    const midi = parseMidi(readFileSync(path.join(dir, 'midi.mid')));
    expect(midi.header).toEqual({ format: 1, numTracks: 4, ticksPerBeat: 960 });
    expect(midi.tracks[2].filter((e) => e.type === 'noteOn').length).toBe(sent);
    expect(midi.tracks[3].filter((e) => e.type === 'noteOn').length).toBe(struck);
  });

  it('renders the recorded audio again, bit for bit', async () => {
    const out = path.join(dataDir, 'again.wav');
    const report = await replaySet(dir, { out, compare: true });
    const m = readManifest(dir);
    console.log(`replayed ${report.seconds.toFixed(2)} s (${report.events} events, ${report.loads} loads) in ${report.wallSeconds} s`);
    expect(report).toMatchObject({ frames: m.frames, loads: 2, compare: { identical: true, differentFrames: 0, firstDifferentFrame: null } });
    const recorded = decodeWav(readFileSync(path.join(dir, 'master.wav')), 'master.wav');
    const again = decodeWav(readFileSync(out), 'again.wav');
    expect(again.frames).toBe(recorded.frames);
    // Not silence: the comparison is of sound.
    let sum = 0;
    for (const x of again.data[0]) sum += x * x;
    expect(Math.sqrt(sum / again.frames)).toBeGreaterThan(0.01);
  });

  it('finds the difference when one event in the log is changed', async () => {
    const file = path.join(dir, 'events.jsonl');
    const original = readFileSync(file, 'utf8');
    const lines = original.split('\n');
    const k = lines.findIndex((l) => l.includes('"neurons.a.w.b"'));
    const changed = JSON.parse(lines[k]) as { value: number; frame: number };
    lines[k] = JSON.stringify({ ...changed, value: changed.value + 0.5 });
    writeFileSync(file, lines.join('\n'));
    try {
      const report = await replaySet(dir, { compare: true });
      expect(report.compare?.identical).toBe(false);
      expect(report.compare?.firstDifferentFrame).toBeGreaterThanOrEqual(changed.frame - recordFrameOf(dir));
    } finally {
      writeFileSync(file, original);
    }
  });

  it('refuses a set without a usable log, naming the line', async () => {
    const file = path.join(dir, 'events.jsonl');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original + '{"type":"input","frame":5,"input":"joystick.w","value":1}\nnot json\n');
    try {
      const n = original.trimEnd().split('\n').length;
      await expect(replaySet(dir, { compare: true })).rejects.toMatchObject({
        code: 'event_log_invalid',
        details: expect.arrayContaining([`line ${n + 1}: unknown control input "joystick.w"`, expect.stringMatching(new RegExp(`^line ${n + 2}: not JSON`))]),
      });
    } finally {
      writeFileSync(file, original);
    }
    await expect(replaySet(dir, { out: path.join(dataDir, 'again.wav') })).rejects.toThrow('again.wav exists: give a new file for --out');
    // A model the log says played must still be the one in the data folder.
    writeFileSync(file, original.replace('"models":{}', '"models":{"pluck":"0000000000000000000000000000000000000000000000000000000000000000"}'));
    try {
      await expect(replaySet(dir, { compare: true })).rejects.toMatchObject({ details: [expect.stringMatching(/^line 2: the model "pluck" is gone since the set was recorded$/)] });
    } finally {
      writeFileSync(file, original);
    }
  });
});

/** The engine frame the set starts on, from its log's record line. */
function recordFrameOf(dir: string): number {
  const record = readFileSync(path.join(dir, 'events.jsonl'), 'utf8').split('\n').find((l) => l.includes('"type":"record"'));
  return (JSON.parse(record as string) as { frame: number }).frame;
}
