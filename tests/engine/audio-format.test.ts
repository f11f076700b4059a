import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../../src/shared/api';
import { decodeTelemetry } from '../../src/shared/telemetry';
import { Backend } from '../../src/main/backend';
import { useTempDataDir } from '../support/data-dir';
import { until } from '../support/until';

// The sample rate and buffer (block size) changed from the app: the engine restarts at them and
// the patch plays on as it sounded.

const dataDir = useTempDataDir('audio-format');

describe('changing the sample rate and buffer', () => {
  let backend: Backend;

  beforeAll(async () => {
    backend = await Backend.start({ seed: 5 });
    await backend.loadPatch('dual-neuron');
  }, 30_000);

  afterAll(async () => {
    await backend?.close();
  });

  const telemetryRate = () =>
    new Promise<number>((resolve) => {
      backend.once('telemetry', (w) => resolve(decodeTelemetry(w).sampleRate));
    });

  it('restarts the engine at 44.1 kHz with blocks of 256, keeping the patch and its moved values, and remembers it', async () => {
    await backend.setParam('neurons.a.w.b', -1.25);
    await backend.setScope(0, 'b');
    const devices = await backend.setAudioFormat(44100, 256);
    expect(devices.audioOut).toMatchObject({ sampleRate: 44100, blockSize: 256 });
    const state = (await backend.getState())!;
    expect(state).toMatchObject({ patchName: 'dual-neuron', sampleRate: 44100, blockSize: 256, seed: 5 });
    expect(state.params.find((p) => p.id === 'neurons.a.w.b')?.value).toBe(-1.25);
    expect(await telemetryRate()).toBe(44100);
    // It plays: a capture at the new rate is not silence.
    await until('sound', async () => (await backend.captureAudio(0.5)).rms > 0.01, 5000);
    expect((await backend.captureAudio(0.5)).sampleRate).toBe(44100);
    await until('the scope kept', async () => {
      const w = await new Promise<Float64Array>((r) => backend.once('telemetry', r));
      return decodeTelemetry(w).scope.neurons[0].neuron === 1;
    }, 3000);
    const settings = JSON.parse(readFileSync(path.join(dataDir, 'settings.json'), 'utf8')) as { audioFormat: unknown };
    expect(settings.audioFormat).toEqual({ sampleRate: 44100, blockSize: 256 });
  });

  it('refuses a rate or buffer the engine does not offer, and any change while recording, changing nothing', async () => {
    expect(await answer(backend, 'setAudioFormat', [22050, 256])).toMatchObject({ ok: false, error: { code: 'request_invalid' } });
    expect(await answer(backend, 'setAudioFormat', [48000, 100])).toMatchObject({ ok: false, error: { code: 'request_invalid', message: expect.stringMatching(/multiple of 32 from 64 to 1024/) } });
    await backend.startRecording(null);
    expect(await answer(backend, 'setAudioFormat', [48000, 128])).toMatchObject({ ok: false, error: { code: 'audio_format_busy', message: 'cannot change the sample rate or buffer now: a set is being recorded (stop the recording first)' } });
    await backend.stopRecording();
    expect((await backend.getDevices()).audioOut).toMatchObject({ sampleRate: 44100, blockSize: 256 });
    // While it restarts: another change and a recording wait for it.
    const restart = backend.setAudioFormat(48000, 128);
    expect(await answer(backend, 'setAudioFormat', [96000, 128])).toMatchObject({ ok: false, error: { code: 'audio_format_busy', message: expect.stringMatching(/restarting/) } });
    expect(await answer(backend, 'startRecording', [null])).toMatchObject({ ok: false, error: { code: 'engine_restarting' } });
    await restart;
    expect((await backend.getDevices()).audioOut).toMatchObject({ sampleRate: 48000, blockSize: 128 });
    await backend.setAudioFormat(44100, 256);
  });

  it('a new start opens the rate and buffer chosen last', async () => {
    const next = await Backend.start();
    try {
      // Not when the start asked for its own (axon serve --rate / --block).
      expect(await next.restoreDevices({ audioFormat: false })).toEqual([]);
      expect((await next.getDevices()).audioOut).toMatchObject({ sampleRate: 48000, blockSize: 128 });
      expect(await next.restoreDevices()).toEqual([]);
      expect((await next.getDevices()).audioOut).toMatchObject({ sampleRate: 44100, blockSize: 256 });
    } finally {
      await next.close();
    }
  });
});
