import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineHost } from '../../src/main/engine/engine-host';
import { layoutPatch } from '../../src/shared/patch/layout';
import { DEFAULT_BACKEND } from '../../src/worker/audio-out/sink-supervisor';
import { example } from '../support/engine-harness';
import { ensureJackd } from '../support/jack';

// A minute on the default audio backend (audify, native JACK API) into a JACK dummy server,
// which pulls audio at its own real-time pace: every block arrives in time. Runs alone (a .solo
// test): with the CPU saturated by other tests, naudiodon was measured losing audio without
// reporting it (1.25 s of 60 s at a load average of 5); the pace check below catches lost audio
// whether or not the underrun counter saw it.

const SR = 48000;

describe('a minute of audio on the default backend', () => {
  let jack: { stop(): Promise<void> } | undefined;
  beforeAll(async () => {
    jack = await ensureJackd(SR);
  });
  afterAll(() => jack?.stop());

  it(`plays 60 s at the device pace with no underrun (${DEFAULT_BACKEND})`, async () => {
    const host = await EngineHost.start({ sampleRate: SR, blockSize: 128, output: { kind: 'auto', device: 'jack' } });
    try {
      expect(host.sink.sink).toBe(DEFAULT_BACKEND);
      await host.load(layoutPatch(example('dual-neuron')), 'dual-neuron', 1);
      await new Promise((r) => setTimeout(r, 500));
      const underrunsBefore = host.underruns;
      const f0 = host.capture(0.01).endFrame;
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, 60_000));
      const played = (host.capture(0.01).endFrame - f0) / SR;
      const wall = (performance.now() - t0) / 1000;
      console.log(`[audio] ${host.sink.sink} -> ${host.sink.device}: ${played.toFixed(3)} s played in ${wall.toFixed(3)} s, ${host.underruns - underrunsBefore} underruns, reported latency ${host.outputLatencyMs.toFixed(1)} ms`);
      expect(played / wall).toBeGreaterThan(0.98);
      expect(played / wall).toBeLessThan(1.02);
      expect(host.underruns - underrunsBefore).toBe(0);
    } finally {
      await host.stop();
    }
  }, 90_000);
});
