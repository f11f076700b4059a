import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, type Notice } from '../../src/shared/api';
import { Backend } from '../../src/main/backend';
import { readManifest } from '../../src/main/record/set-manifest';
import { decodeWav } from '../../src/main/wav/wav-reader';
import { useTempDataDir } from '../support/data-dir';
import { until } from '../support/until';

// Recording through the API against the real engine (on the clock: no audio device needed).

const dataDir = useTempDataDir('record-api');

describe('recording through the API', () => {
  let backend: Backend;
  const notices: Notice[] = [];

  beforeAll(async () => {
    backend = await Backend.start({ seed: 11 });
    await backend.loadPatch('dual-neuron');
    backend.on('notice', (n) => notices.push(n));
  }, 30_000);

  afterAll(async () => {
    await backend?.close();
  });

  it('refuses a title that is not a name, and a second start, changing nothing', async () => {
    expect(await answer(backend, 'startRecording', ['../../etc'])).toMatchObject({ ok: false, error: { code: 'request_invalid', message: expect.stringMatching(/^bad request to startRecording: argument 0: "..\/..\/etc" must be a name of letters/) } });
    expect(await answer(backend, 'startRecording', [null])).toMatchObject({ ok: true, result: { state: 'recording' } });
    expect(await answer(backend, 'armRecording', [null])).toMatchObject({ ok: false, error: { code: 'recording_busy' } });
    expect(await answer(backend, 'startRecording', ['again'])).toMatchObject({ ok: false, error: { code: 'recording_busy' } });
    await until('progress notices', () => notices.some((n) => n.type === 'recording' && n.state.state === 'recording' && n.state.elapsedSeconds > 0.3), 5000);
    const stopped = await backend.stopRecording();
    expect(stopped.state).toBe('idle');
    const sets = await backend.listSets();
    expect(sets.map((s) => s.status)).toEqual(['closed']);
    const m = readManifest(path.join(dataDir, 'sets', sets[0].name));
    // The manifest names the rig it was recorded with.
    expect(m).toMatchObject({ patch: { name: 'dual-neuron', seed: 11 }, sampleRate: 48000, app: { name: 'axon-stage', version: expect.stringMatching(/^\d+\.\d+\.\d+/) }, devices: { audioOut: 'clock' } });
    expect(m.frames! / 48000).toBeCloseTo(stopped.elapsedSeconds, 5);
  });

  it('records the stems beside the master when asked: voice, reservoir, drums, frame for frame', async () => {
    const other = await Backend.start({ seed: 4 });
    try {
      for (const [patch, routed] of [
        ['neural-midi', false],
        ['reservoir-pluck', true],
      ] as const) {
        await other.loadPatch(patch);
        expect(await answer(other, 'startRecording', [null, { stems: 'yes' }])).toMatchObject({ ok: false, error: { code: 'request_invalid' } });
        const { set } = await other.startRecording(null, { stems: true });
        await until('a second', async () => (await other.getRecording()).elapsedSeconds > 1, 5000);
        await other.stopRecording();
        const dir = path.join(dataDir, 'sets', set!);
        const m = readManifest(dir);
        expect(m.files.filter((f) => f.kind === 'stem').map((f) => f.name)).toEqual(['voice.wav', 'reservoir.wav', 'drums.wav']);
        const read = (name: string) => decodeWav(readFileSync(path.join(dir, name)), name);
        const peak = (name: string) => read(name).data[0].reduce((p, x) => Math.max(p, Math.abs(x)), 0);
        for (const name of ['voice.wav', 'reservoir.wav', 'drums.wav']) expect(read(name).frames, name).toBe(m.frames);
        expect(peak('voice.wav')).toBeGreaterThan(0.001);
        // Only a patch that routes a source to the master has a reservoir stem.
        if (routed) expect(peak('reservoir.wav')).toBeGreaterThan(0.001);
        else expect(peak('reservoir.wav')).toBe(0);
        console.log(`${patch} stems, peak: voice ${peak('voice.wav').toFixed(3)}, reservoir ${peak('reservoir.wav').toFixed(3)}, drums ${peak('drums.wav').toFixed(3)}`);
      }
    } finally {
      await other.close();
    }
  }, 30_000);

  it('closes the set when the app closes while recording', async () => {
    const other = await Backend.start({ seed: 3 });
    await other.loadPatch('dual-neuron');
    const { set } = await other.startRecording('closing');
    await until('half a second', async () => (await other.getRecording()).elapsedSeconds > 0.5, 5000);
    await other.close();
    const dir = path.join(dataDir, 'sets', set!);
    expect(readManifest(dir)).toMatchObject({ closed: true, stoppedBy: 'app_closed', title: 'closing' });
    expect(decodeWav(readFileSync(path.join(dir, 'master.wav')), 'master.wav').frames / 48000).toBeGreaterThan(0.5);
  });
});
