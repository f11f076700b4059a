import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTelemetry } from '../../src/shared/telemetry';
import { layoutPatch } from '../../src/shared/patch/layout';
import type { OutEvent } from '../../src/shared/events';
import { EngineHost } from '../../src/main/engine/engine-host';
import { example, render } from '../support/engine-harness';
import { until } from '../support/until';

const SR = 48000;

describe('the engine in its worker thread', () => {
  let host: EngineHost;
  const events: OutEvent[] = [];
  beforeAll(async () => {
    host = await EngineHost.start({ sampleRate: SR, blockSize: 128 });
    host.on('out', (e) => events.push(e));
  });
  afterAll(async () => {
    await host.stop();
  });

  it('renders exactly what the offline render computes', async () => {
    const patch = example('dual-neuron');
    const start = await host.load(layoutPatch(patch), 'dual-neuron', 1);
    const { samples, endFrame } = await until('0.6 s of audio', () => {
      const c = host.capture(2);
      return c.endFrame >= start + 0.6 * SR ? c : null;
    });
    const have = samples.length / 2;
    const from = Math.max(start, endFrame - have);
    const offline = render(patch, { seconds: (endFrame - start) / SR, seed: 1 });
    let compared = 0;
    for (let f = from; f < endFrame; f++) {
      const live = (f - (endFrame - have)) * 2;
      const off = (f - start) * 2;
      if (samples[live] !== offline.audio[off] || samples[live + 1] !== offline.audio[off + 1]) {
        throw new Error(`frame ${f - start} differs: live ${samples[live]} offline ${offline.audio[off]}`);
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(0.5 * SR);
  });

  it('takes control events from main and reports them in telemetry', async () => {
    host.send({ type: 'input', input: 'joystick.x', value: 0.75 });
    await until('telemetry with joystick.x = 0.75', () => {
      const w = host.telemetry();
      return w && decodeTelemetry(w).inputs[0] === 0.75;
    });
    host.send({ type: 'param', id: 'neurons.a.w.x', value: -1.5 });
    const t = await until('the weight to arrive', () => {
      const w = host.telemetry();
      const d = w && decodeTelemetry(w);
      return d && Math.abs(d.weights[0] + 1.5) < 1e-6 ? d : null;
    });
    expect(t.neurons).toBe(2);
    expect(() => host.send({ type: 'param', id: 'neurons.nope.bias', value: 0 })).toThrow(/unknown parameter "neurons.nope.bias"/);
  });

  it('delivers note events from the engine, in frame order', async () => {
    await host.load(layoutPatch(example('neural-midi')), 'neural-midi', 7);
    const got = await until('a few notes', () => {
      host.pollOutEvents();
      const notes = events.filter((e) => e.type === 'noteOn');
      return notes.length >= 3 ? notes : null;
    }, 8000);
    for (let i = 1; i < got.length; i++) expect(got[i].frame).toBeGreaterThan(got[i - 1].frame);
    for (const n of got) {
      if (n.type !== 'noteOn') continue;
      expect(n.note).toBeGreaterThanOrEqual(57);
      expect(n.note).toBeLessThanOrEqual(81);
      expect([0, 3, 5, 7, 10]).toContain((n.note - 57) % 12);
    }
  });

  it('refuses an invalid patch and keeps playing the current one', async () => {
    const before = decodeTelemetry(await until('telemetry', () => host.telemetry())).patchGeneration;
    const bad = { ...layoutPatch(example('dual-neuron')), patch: { format: 'axon-patch', version: 1, name: 'x', neurons: [] } };
    await expect(host.load(bad as unknown as ReturnType<typeof layoutPatch>, 'bad', 1)).rejects.toThrow(/not a valid patch/);
    const frame = host.capture(0.1).endFrame;
    await until('audio to keep flowing', () => host.capture(0.1).endFrame > frame + SR / 10);
    expect(decodeTelemetry(await until('telemetry', () => host.telemetry())).patchGeneration).toBe(before);
  });
});
