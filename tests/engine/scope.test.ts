import { describe, expect, it } from 'vitest';
import { encodeEvent, EVENT_WORDS } from '../../src/shared/events';
import { layoutPatch } from '../../src/shared/patch/layout';
import { decodeTelemetry, SCOPE_LEN, type Telemetry } from '../../src/shared/telemetry';
import { Engine, type EventSource } from '../../src/worker/engine';
import { ScopeCapture } from '../../src/worker/telemetry/scope-capture';
import { ArrayEventSource } from '../../src/worker/rings/array-event-source';
import { example } from '../support/engine-harness';

// The scopes: triggered windows of the master output and of chosen neurons, in telemetry.

describe('ScopeCapture', () => {
  it('starts the window on the latest rising zero crossing that leaves a whole window', () => {
    const scope = new ScopeCapture(1);
    const period = 100;
    const x = Float32Array.from({ length: 3000 }, (_, i) => Math.sin((2 * Math.PI * (i + 37)) / period));
    for (let i = 0; i < x.length; i += 128) {
      const n = Math.min(128, x.length - i);
      scope.write(0, x.subarray(i, i + n), n);
    }
    const out = new Float64Array(SCOPE_LEN);
    scope.read(0, out, 0);
    // Find where the window sits in the signal: it must be a rising crossing.
    const at = x.findIndex((_, i) => i + SCOPE_LEN <= x.length && out.every((v, k) => v === x[i + k]) && x.length - i >= SCOPE_LEN);
    expect(at).toBeGreaterThan(0);
    expect(x[at - 1]).toBeLessThan(0);
    expect(x[at]).toBeGreaterThanOrEqual(0);
    // The latest such: no later crossing leaves a whole window.
    for (let i = at + 1; i + SCOPE_LEN <= x.length; i++) expect(x[i - 1] < 0 && x[i] >= 0).toBe(false);
  });

  it('shows the newest samples of a signal that never crosses zero', () => {
    const scope = new ScopeCapture(1);
    const x = Float32Array.from({ length: 600 }, (_, i) => 1 + i);
    scope.write(0, x, 600);
    const out = new Float64Array(SCOPE_LEN);
    scope.read(0, out, 0);
    expect(Array.from(out)).toEqual(Array.from(x.subarray(600 - SCOPE_LEN)));
  });

  it('with a time base of n, keeps the mean of each n samples: a longer view', () => {
    const scope = new ScopeCapture(1);
    scope.setTimeBase(4);
    expect(scope.timeBase).toBe(4);
    const x = Float32Array.from({ length: 4 * 300 }, (_, i) => 10 + Math.floor(i / 4) + (i % 4) * 0.25);
    scope.write(0, x, x.length);
    const out = new Float64Array(SCOPE_LEN);
    scope.read(0, out, 0);
    // Group g averages to 10 + g + 0.375; the newest 256 groups are 44..299.
    expect(out[0]).toBeCloseTo(10 + 44 + 0.375, 5);
    expect(out[SCOPE_LEN - 1]).toBeCloseTo(10 + 299 + 0.375, 5);
  });
});

describe('scopes in the engine telemetry', () => {
  const RATE = 48000;
  function run(events: EventSource, blocks: number): { audio: Float32Array; last: Telemetry } {
    let last: Telemetry | null = null;
    const engine = new Engine({ sampleRate: RATE, out: { emit: () => undefined }, telemetry: { publish: (w) => (last = decodeTelemetry(w)), consumed: () => true } });
    const patch = example('dual-neuron');
    engine.load(layoutPatch(patch), 1, 0);
    const audio = new Float32Array(blocks * 256);
    const buf = new Float32Array(256);
    for (let b = 0; b < blocks; b++) {
      engine.render(buf, 128, events);
      audio.set(buf, b * 256);
    }
    if (!last) throw new Error('no telemetry');
    return { audio, last };
  }

  it('the master window is the mono output, exactly, from a rising crossing', () => {
    // Stop right after a snapshot: 800 frames between snapshots at 60 Hz.
    const { audio, last } = run({ peekFrame: () => Infinity, next: () => undefined, peekTypeWord: () => 0 }, 375);
    const mono = Float32Array.from({ length: audio.length / 2 }, (_, i) => 0.5 * (audio[2 * i] + audio[2 * i + 1]));
    const end = last.frame;
    const win = last.scope.master;
    let at = -1;
    for (let i = end - 4 * SCOPE_LEN; i <= end - SCOPE_LEN; i++) if (win.every((v, k) => v === mono[i + k])) at = i;
    expect(at).toBeGreaterThan(0);
    expect(mono[at - 1] < 0 && mono[at] >= 0).toBe(true);
    expect(Math.max(...win.map(Math.abs))).toBeGreaterThan(0.01);
  });

  it('shows neurons a and b by default, and the neuron chosen by a scope event', () => {
    const plain = run({ peekFrame: () => Infinity, next: () => undefined, peekTypeWord: () => 0 }, 100).last;
    expect(plain.scope.neurons.map((s) => s.neuron)).toEqual([0, 1]);
    expect(Math.max(...plain.scope.neurons[1].samples.map(Math.abs))).toBeGreaterThan(0);

    const layout = layoutPatch(example('dual-neuron'));
    const words = new Float64Array(2 * EVENT_WORDS);
    encodeEvent({ type: 'scope', scope: 0, neuron: 'b' }, layout, 0, words, 0);
    encodeEvent({ type: 'scope', scope: 1, neuron: null }, layout, 0, words, EVENT_WORDS);
    const chosen = run(new ArrayEventSource(words), 100).last;
    expect(chosen.scope.neurons.map((s) => s.neuron)).toEqual([1, -1]);
    expect(chosen.scope.neurons[1].samples.every((v) => v === 0)).toBe(true);
    expect(chosen.scope.neurons[0].samples.some((v) => v !== 0)).toBe(true);
    expect(() => encodeEvent({ type: 'scope', scope: 0, neuron: 'zz' }, layout, 0, words, 0)).toThrow(/unknown neuron "zz"/);
  });

  it('a time-base event lengthens the window and telemetry reports it', () => {
    const layout = layoutPatch(example('dual-neuron'));
    const words = new Float64Array(EVENT_WORDS);
    encodeEvent({ type: 'scopeTime', timeBase: 16 }, layout, 0, words, 0);
    const { audio, last } = run(new ArrayEventSource(words), 375);
    expect(last.scope.timeBase).toBe(16);
    // The master window now spans 16 x 256 samples of output, each the mean of 16.
    const mono = (i: number) => 0.5 * (audio[2 * i] + audio[2 * i + 1]);
    const means = Array.from({ length: Math.floor(last.frame / 16) }, (_, g) => {
      let sum = 0;
      for (let k = 0; k < 16; k++) sum += mono(16 * g + k);
      return sum / 16;
    });
    const win = last.scope.master;
    const at = means.findIndex((_, g) => g + SCOPE_LEN <= means.length && win.every((v, k) => Math.abs(v - means[g + k]) < 1e-6));
    expect(at).toBeGreaterThan(0);
  });
});
