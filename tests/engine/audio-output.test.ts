import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutPatch } from '../../src/shared/patch/layout';
import { EngineHost } from '../../src/main/engine/engine-host';
import { example } from '../support/engine-harness';
import { ensureJackd } from '../support/jack';

const SR = 48000;

describe('hearing it: the engine worker plays through a sound device', () => {
  let jack: { stop(): Promise<void> } | undefined;
  beforeAll(async () => {
    jack = await ensureJackd(SR);
  });
  afterAll(async () => {
    await jack?.stop();
  });

  it('plays the dual neuron through naudiodon into JACK at the device pace', async () => {
    const host = await EngineHost.start({ sampleRate: SR, output: { kind: 'auto', device: 'jack' } });
    try {
      expect(host.sink).toMatchObject({ sink: 'naudiodon', device: 'jack' });
      await host.load(layoutPatch(example('dual-neuron')), 'dual-neuron', 1);
      await new Promise((r) => setTimeout(r, 300));
      const t0 = performance.now();
      const f0 = host.capture(0.01).endFrame;
      await new Promise((r) => setTimeout(r, 2000));
      const consumed = (host.capture(0.01).endFrame - f0) / SR;
      const wall = (performance.now() - t0) / 1000;
      // The device's clock, not ours, takes the audio: it plays in real time.
      expect(consumed / wall).toBeGreaterThan(0.8);
      expect(consumed / wall).toBeLessThan(1.2);
      const heard = host.capture(0.5).samples;
      let sum = 0;
      for (const x of heard) sum += x * x;
      expect(Math.sqrt(sum / heard.length)).toBeGreaterThan(0.05);
      console.log(`[audio] naudiodon -> JACK: ${consumed.toFixed(3)} s played in ${wall.toFixed(3)} s, ${host.underruns} underruns`);
    } finally {
      await host.stop();
    }
  });

  it('falls back to the clock, and says why, when the device does not exist', async () => {
    const host = await EngineHost.start({ sampleRate: SR, output: { kind: 'auto', device: 'no such card' } });
    try {
      expect(host.sink.sink).toBe('clock');
      expect(host.sink.detail).toMatch(/no audio output named "no such card"/);
    } finally {
      await host.stop();
    }
  });
});
