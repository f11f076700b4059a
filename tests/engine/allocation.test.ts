import { Session } from 'node:inspector';
import { describe, expect, it } from 'vitest';
import { loadPatchAssets } from '../../src/main/patches/patch-assets';
import { layoutPatch } from '../../src/shared/patch/layout';
import { Engine, NO_EVENTS } from '../../src/worker/engine';
import type { OutEventSink } from '../../src/worker/outputs/out-event-sink';
import { example, patchOf } from '../support/engine-harness';

interface SamplingNode {
  selfSize: number;
  callFrame: { url: string };
  children: SamplingNode[];
}

const post = <T>(s: Session, method: string, params?: object) =>
  new Promise<T>((resolve, reject) => s.post(method, params, (err, res) => (err ? reject(err) : resolve(res as T))));

/** Bytes the V8 heap sampler attributes to engine code (src/worker) while `fn` runs. */
async function engineAllocations(fn: () => void): Promise<number> {
  const session = new Session();
  session.connect();
  await post(session, 'HeapProfiler.enable');
  await post(session, 'HeapProfiler.startSampling', { samplingInterval: 32 });
  fn();
  const { profile } = await post<{ profile: { head: SamplingNode } }>(session, 'HeapProfiler.stopSampling');
  session.disconnect();
  let bytes = 0;
  const walk = (n: SamplingNode) => {
    if (n.callFrame.url.includes('/src/worker/')) bytes += n.selfSize;
    n.children.forEach(walk);
  };
  walk(profile.head);
  return bytes;
}

const discard: OutEventSink = { emit: () => undefined };

describe('the render loop does not allocate', () => {
  for (const name of ['dual-neuron', 'neuron-mixer', 'learning-neuron', 'single-neuron-synth', 'neural-midi', 'reservoir-pluck', 'sinenet-drift']) {
    it(`${name}: 10 s of steady rendering allocate (almost) nothing`, async () => {
      const engine = new Engine({ sampleRate: 48000, out: discard, telemetry: { publish: () => undefined, consumed: () => true }, virtualDrums: true });
      const patch = example(name);
      engine.load(layoutPatch(patch), 1, 0, loadPatchAssets(patch, name));
      const buf = new Float32Array(256);
      for (let i = 0; i < 2000; i++) engine.render(buf, 128, NO_EVENTS);
      const bytes = await engineAllocations(() => {
        for (let i = 0; i < 3750; i++) engine.render(buf, 128, NO_EVENTS);
      });
      // 15,000 chunks: a single allocation per chunk would be well over 200 KB.
      expect(bytes).toBeLessThan(64 * 1024);
      console.log(`[alloc] ${name}: ${(bytes / 1024).toFixed(1)} KB sampled in 10 s of audio`);
    });
  }

  it('mappings of every kind, moving every chunk, allocate (almost) nothing', async () => {
    const patch = patchOf({
      sources: [{ id: 'osc', type: 'oscillator', shape: 'saw', freq: 3 }],
      neurons: [{ id: 'a', activation: 'tanh', inputs: { osc: 1 } }, { id: 'b', activation: 'tanh', inputs: { a: 0.5 } }],
      routes: [{ from: 'b', to: 'voice.input', amount: 0.3 }],
      mappings: [
        { from: 'lfo', lfo: { shape: 'random-walk', rate: 7 }, to: 'neurons.b.w.a', min: -2, max: 2, curve: 1.7 },
        { from: 'a', to: 'voice.cutoff', min: 200, max: 5000, smoothing: 5 },
        { from: 'joystick.x', to: 'reverb.mix', invert: true },
      ],
    });
    const engine = new Engine({ sampleRate: 48000, out: discard, telemetry: { publish: () => undefined, consumed: () => true } });
    engine.load(layoutPatch(patch), 1, 0);
    const buf = new Float32Array(256);
    for (let i = 0; i < 2000; i++) engine.render(buf, 128, NO_EVENTS);
    const bytes = await engineAllocations(() => {
      for (let i = 0; i < 3750; i++) engine.render(buf, 128, NO_EVENTS);
    });
    expect(bytes).toBeLessThan(64 * 1024);
  });
});
