import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutPatch } from '../../src/shared/patch/layout';
import { EngineHost } from '../../src/main/engine/engine-host';
import type { AudioOutputChoice } from '../../src/shared/worker-messages';
import { example } from '../support/engine-harness';
import { ensureJackd } from '../support/jack';

const SR = 48000;

/** Why a backend cannot be tested here, or null when it loads. */
function missing(name: string): string | null {
  try {
    createRequire(__filename)(name);
    return null;
  } catch (err) {
    return `${name} is not installed or did not build (it is optional): ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
}
const noAudify = missing('audify');

/** Plays dual-neuron for 2 s on `output` and checks that the device's clock took it in real time. */
async function playsAtDevicePace(output: AudioOutputChoice, expected: { sink: string; device: string }): Promise<void> {
  const host = await EngineHost.start({ sampleRate: SR, output });
  try {
    expect(host.sink).toMatchObject(expected);
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
    expect(host.outputLatencyMs).toBeGreaterThan(0);
    console.log(`[audio] ${host.sink.sink} -> ${host.sink.device}: ${consumed.toFixed(3)} s played in ${wall.toFixed(3)} s, ${host.underruns} underruns, reported latency ${host.outputLatencyMs.toFixed(1)} ms`);
  } finally {
    await host.stop();
  }
}

describe('hearing it: the engine worker plays through a sound device', () => {
  let jack: { stop(): Promise<void> } | undefined;
  beforeAll(async () => {
    jack = await ensureJackd(SR);
  });
  afterAll(async () => {
    await jack?.stop();
  });

  it.skipIf(noAudify !== null)(`plays the dual neuron through audify into JACK (native API) at the device pace${noAudify ? ` [skipped: ${noAudify}]` : ''}`, async () => {
    await playsAtDevicePace({ kind: 'auto', backend: 'audify', device: 'jack' }, { sink: 'audify', device: 'jack:system' });
  });

  it('plays the dual neuron through naudiodon into JACK at the device pace', async () => {
    await playsAtDevicePace({ kind: 'auto', backend: 'naudiodon', device: 'jack' }, { sink: 'naudiodon', device: 'jack' });
  });

  it('falls back to the default device, and says why, when the named one does not exist', async () => {
    const host = await EngineHost.start({ sampleRate: SR, output: { kind: 'auto', device: 'no such card' } });
    try {
      expect(host.sink.sink).toBe(noAudify ? 'naudiodon' : 'audify');
      expect(host.sink.detail).toMatch(noAudify ? /the audify audio backend is not available/ : /no audio output named "no such card" on audify/);
      expect(host.sink.detail).toMatch(/no audio output named "no such card" on naudiodon/);
      expect(host.sink.detail).toMatch(/; using (audify|naudiodon):/);
    } finally {
      await host.stop();
    }
  });

  it('stays on the clock, and says so, when audio output is off', async () => {
    const host = await EngineHost.start({ sampleRate: SR, output: { kind: 'none' } });
    try {
      expect(host.sink).toMatchObject({ sink: 'clock', detail: 'audio output off' });
    } finally {
      await host.stop();
    }
  });
});
