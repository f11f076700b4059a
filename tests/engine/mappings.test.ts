import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/shared/events';
import { layoutPatch, weightParamId } from '../../src/shared/patch/layout';
import type { Patch, PatchMapping } from '../../src/shared/patch/schema';
import { Engine } from '../../src/worker/engine';
import { CHUNK } from '../../src/worker/kernels/network-layout';
import { OutEventList } from '../../src/worker/outputs/out-event-sink';
import { ArrayEventSource } from '../../src/worker/rings/array-event-source';
import { encodeEvents, patchOf, render } from '../support/engine-harness';

// The mapping matrix in the engine: a control, a neuron's output or an LFO drives a parameter
// at control rate, through range, invert, curve and smoothing. Values are read from the bank at
// every chunk boundary (the value each chunk ramps to), so the expected numbers are exact.

const RATE = 48000;
type Timed = LoggedEvent & { frame: number };

/** A tanh neuron fed by the joystick and an oscillator, with the given mappings. */
function patchWith(mappings: PatchMapping[], extra: Partial<Patch> = {}): Patch {
  return patchOf({
    sources: [
      { id: 'x', type: 'input', input: 'joystick.x' },
      { id: 'osc', type: 'oscillator', shape: 'sine', freq: 110, level: 0.5 },
    ],
    neurons: [
      { id: 'a', activation: 'tanh', bias: 0.5, inputs: { osc: 0.2 } },
      { id: 'b', activation: 'tanh', inputs: { a: 0.5 } },
    ],
    routes: [{ from: 'b', to: 'voice.input', amount: 0.3 }],
    mappings,
    ...extra,
  });
}

/**
 * Renders chunk by chunk and records the named parameters at every chunk end (the value the
 * chunk ramped to). `at(id, seconds)` reads the chunk that ends at or just after that time.
 */
function trace(patch: Patch, seconds: number, ids: string[], events: Timed[] = []) {
  const layout = layoutPatch(patch);
  const engine = new Engine({ sampleRate: RATE, out: new OutEventList() });
  engine.load(layout, 1, 0);
  const source = new ArrayEventSource(encodeEvents(layout, events));
  const chunks = Math.round((seconds * RATE) / CHUNK);
  const slots = ids.map((id) => {
    const slot = layout.slotOf.get(id);
    if (slot === undefined) throw new Error(`no slot ${id}`);
    return slot;
  });
  const values = ids.map(() => new Float64Array(chunks));
  const weights: number[] = [];
  const buf = new Float32Array(2 * CHUNK);
  const rowOf = (to: string, from: string) => layout.neurons.find((n) => n.id === to)!.index * layout.columns + layout.columnIds.indexOf(from);
  for (let c = 0; c < chunks; c++) {
    engine.render(buf, CHUNK, source);
    const rt = engine.runtime!;
    slots.forEach((slot, k) => (values[k][c] = rt.bank.value[slot]));
    weights.push(rt.network.W[rowOf('a', 'osc')]);
  }
  const at = (id: string, t: number) => values[ids.indexOf(id)][Math.ceil((t * RATE) / CHUNK) - 1];
  return { values, at, weights, layout };
}

const input = (time: number, id: string, value: number): Timed => ({ frame: Math.round(time * RATE), type: 'input', input: id, value });

describe('a control input mapped onto a parameter', () => {
  it('moves it over min..max as the joystick goes from -1 to 1, straight by default', () => {
    const patch = patchWith([{ from: 'joystick.x', to: 'neurons.a.bias', min: -1, max: 3, smoothing: 0 }]);
    const events = [input(0.1, 'joystick.x', 1), input(0.2, 'joystick.x', -1), input(0.3, 'joystick.x', 0.5)];
    const { at } = trace(patch, 0.4, ['neurons.a.bias'], events);
    expect(at('neurons.a.bias', 0.05)).toBe(1); // at rest (0): the middle of the range
    expect(at('neurons.a.bias', 0.15)).toBe(3);
    expect(at('neurons.a.bias', 0.25)).toBe(-1);
    expect(at('neurons.a.bias', 0.35)).toBe(2);
  });

  it('inverts and bends with the curve exponent', () => {
    const inverted = trace(patchWith([{ from: 'joystick.x', to: 'neurons.a.bias', min: -1, max: 3, smoothing: 0, invert: true }]), 0.2, ['neurons.a.bias'], [input(0.1, 'joystick.x', 1)]);
    expect(inverted.at('neurons.a.bias', 0.15)).toBe(-1);
    const curved = trace(patchWith([{ from: 'joystick.x', to: 'neurons.a.bias', min: -1, max: 3, smoothing: 0, curve: 2 }]), 0.3, ['neurons.a.bias'], [input(0.1, 'joystick.x', 1), input(0.2, 'joystick.x', 0)]);
    expect(curved.at('neurons.a.bias', 0.05)).toBe(0); // position 0.5 squared: a quarter of the way
    expect(curved.at('neurons.a.bias', 0.15)).toBe(3);
    expect(curved.at('neurons.a.bias', 0.25)).toBe(0);
  });

  it('drives a weight all the way into the network (ramped across the chunk)', () => {
    const w = weightParamId('a', 'osc');
    const patch = patchWith([{ from: 'joystick.x', to: w, min: 0, max: 2, smoothing: 0 }]);
    const { at, weights } = trace(patch, 0.2, [w], [input(0.1, 'joystick.x', 1)]);
    expect(at(w, 0.05)).toBe(1);
    expect(weights[Math.ceil((0.05 * RATE) / CHUNK) - 1]).toBeCloseTo(1, 12);
    expect(at(w, 0.15)).toBe(2);
    expect(weights[Math.ceil((0.15 * RATE) / CHUNK) - 1]).toBeCloseTo(2, 12);
  });

  it('starts the patch where the control is, with its full range by default', () => {
    const { values, layout } = trace(patchWith([{ from: 'joystick.x', to: 'neurons.a.bias' }]), 0.01, ['neurons.a.bias']);
    const spec = layout.params[layout.slotOf.get('neurons.a.bias')!].spec;
    expect(values[0][0]).toBe((spec.min + spec.max) / 2);
  });

  it('follows a log parameter geometrically: the middle of 100 .. 10000 Hz is 1000 Hz', () => {
    const { at } = trace(patchWith([{ from: 'joystick.x', to: 'voice.cutoff', min: 100, max: 10000, smoothing: 0 }]), 0.05, ['voice.cutoff']);
    expect(at('voice.cutoff', 0.02)).toBeCloseTo(1000, 9);
  });

  it('smooths with a one-pole of the stated time constant', () => {
    const tau = 0.1;
    const patch = patchWith([{ from: 'joystick.x', to: 'neurons.a.bias', min: 0, max: 1, smoothing: tau * 1000 }]);
    // The step lands on a chunk boundary: one time constant later the value is 1 - 1/e of the way.
    const t0 = (CHUNK * 300) / RATE;
    const { values } = trace(patch, t0 + 4 * tau, ['neurons.a.bias'], [input(0, 'joystick.x', -1), input(t0, 'joystick.x', 1)]);
    const chunkOf = (t: number) => Math.round((t * RATE) / CHUNK) - 1;
    // It started at the middle (the joystick at rest) and was still settling toward 0.
    const v0 = values[0][chunkOf(t0)];
    expect(v0).toBeCloseTo(0.5 * Math.exp(-t0 / tau), 9);
    const fraction = (t: number) => (values[0][chunkOf(t0 + t)] - v0) / (1 - v0);
    expect(fraction(tau)).toBeCloseTo(1 - Math.exp(-1), 9);
    expect(fraction(2 * tau)).toBeCloseTo(1 - Math.exp(-2), 9);
    // The measured time constant: where the step response crosses 1 - 1/e of the way.
    const crossing = values[0].findIndex((v, c) => c > chunkOf(t0) && (v - v0) / (1 - v0) >= 1 - Math.exp(-1));
    const measured = ((crossing + 1) * CHUNK) / RATE - t0;
    expect(Math.abs(measured - tau)).toBeLessThanOrEqual(CHUNK / RATE + 1e-9);
  });

  it('wins over a parameter change aimed at its destination', () => {
    const patch = patchWith([{ from: 'joystick.x', to: 'neurons.a.bias', min: -1, max: 3, smoothing: 0 }]);
    const { at } = trace(patch, 0.2, ['neurons.a.bias'], [{ frame: 4800, type: 'param', id: 'neurons.a.bias', value: -4 }]);
    expect(at('neurons.a.bias', 0.15)).toBe(1);
  });

  it('leaves the destination alone while the source is not a finite number', () => {
    const patch = patchWith([{ from: 'joystick.x', to: 'neurons.a.bias', min: -1, max: 3, smoothing: 50 }]);
    const events = [input(0.05, 'joystick.x', 1), input(0.3, 'joystick.x', Number.NaN), input(0.5, 'joystick.x', -1)];
    const { at } = trace(patch, 0.8, ['neurons.a.bias'], events);
    const held = at('neurons.a.bias', 0.3);
    expect(at('neurons.a.bias', 0.45)).toBe(held);
    expect(Number.isFinite(held)).toBe(true);
    expect(at('neurons.a.bias', 0.79)).toBeLessThan(-0.9);
    const audio = render(patch, { seconds: 0.8, events }).audio;
    expect(audio.every(Number.isFinite)).toBe(true);
  });
});

describe('a neuron output mapped onto a parameter', () => {
  it('reads the neuron over -1..1 onto min..max', () => {
    // Neuron a settles at tanh(0.5 + small osc); map it onto b's bias over -2..2.
    const patch = patchWith([{ from: 'a', to: 'neurons.b.bias', min: -2, max: 2, smoothing: 0 }], {
      sources: [{ id: 'x', type: 'input', input: 'joystick.x' }],
      neurons: [
        { id: 'a', activation: 'tanh', bias: 0.5 },
        { id: 'b', activation: 'tanh', inputs: { a: 0.5 } },
      ],
    });
    const { at } = trace(patch, 0.1, ['neurons.b.bias']);
    expect(at('neurons.b.bias', 0.05)).toBeCloseTo(-2 + 4 * ((Math.tanh(0.5) + 1) / 2), 12);
  });
});

describe('an LFO mapping', () => {
  it('is periodic at its rate, a sine from the middle of the range', () => {
    const rate = 2;
    const patch = patchWith([{ from: 'lfo', lfo: { shape: 'sine', rate }, to: 'neurons.a.bias', min: -1, max: 1, smoothing: 0 }]);
    const { values } = trace(patch, 2, ['neurons.a.bias']);
    const v = values[0];
    for (let c = 0; c < v.length; c += 37) expect(v[c]).toBeCloseTo(Math.sin((2 * Math.PI * rate * (c + 1) * CHUNK) / RATE), 9);
    // One period later it is where it was.
    const period = RATE / rate / CHUNK;
    for (let c = 0; c + period < v.length; c += 41) expect(v[c + period]).toBeCloseTo(v[c], 9);
    let rises = 0;
    for (let c = 1; c < v.length; c++) if (v[c - 1] < 0 && v[c] >= 0) rises++;
    expect(rises).toBe(2 * rate - 1);
  });

  it('a random walk stays in range and repeats with the seed', () => {
    const patch = patchWith([{ from: 'lfo', lfo: { shape: 'random-walk', rate: 5 }, to: 'voice.cutoff', min: 200, max: 4000 }]);
    const a = trace(patch, 1, ['voice.cutoff']).values[0];
    const b = trace(patch, 1, ['voice.cutoff']).values[0];
    expect(Buffer.compare(Buffer.from(a.buffer), Buffer.from(b.buffer))).toBe(0);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...a)).toBeLessThanOrEqual(4000);
    expect(Math.max(...a) - Math.min(...a)).toBeGreaterThan(100);
  });
});

describe('determinism with mappings', () => {
  it('renders bit-identical audio twice and at every block size', () => {
    const patch = patchWith([
      { from: 'joystick.x', to: weightParamId('a', 'osc'), min: -2, max: 2, curve: 1.5, smoothing: 30 },
      { from: 'lfo', lfo: { shape: 'triangle', rate: 3 }, to: 'voice.cutoff', min: 300, max: 3000 },
      { from: 'a', to: 'neurons.b.bias', min: -0.5, max: 0.5, invert: true },
    ]);
    const events = [input(0.2, 'joystick.x', 0.8), input(0.6, 'joystick.x', -0.3)];
    const ref = render(patch, { seconds: 1, events, blockSize: 128 });
    for (const blockSize of [128, 64, 1024]) {
      const other = render(patch, { seconds: 1, events, blockSize });
      expect(Buffer.compare(Buffer.from(other.audio.buffer), Buffer.from(ref.audio.buffer)), `block ${blockSize}`).toBe(0);
    }
    // And the mappings do change the sound.
    const unmapped = render(patchWith([]), { seconds: 1, events });
    expect(Buffer.compare(Buffer.from(unmapped.audio.buffer), Buffer.from(ref.audio.buffer))).not.toBe(0);
  });
});
