import { describe, expect, it } from 'vitest';
import {
  ACT_COMPARATOR,
  ACT_HARDCLIP,
  ACT_NLC,
  ACT_RELU,
  ACT_SIGMOID,
  ACT_SINE,
  ACT_TANH,
  activate,
  activationCode,
  comparator,
  fastTanh,
  nlc,
} from '../../src/worker/neurons/activations';
import { ACTIVATIONS, type Activation } from '../../src/shared/patch/schema';
import { patchOf, recordColumns } from '../support/engine-harness';

describe('activation functions (reference)', () => {
  it('tanh is within 1e-4 of Math.tanh, odd, monotonic and exactly +-1 in saturation', () => {
    let worst = 0;
    let prev = -Infinity;
    for (let x = -8; x <= 8; x += 1e-3) {
      const y = fastTanh(x);
      worst = Math.max(worst, Math.abs(y - Math.tanh(x)));
      expect(fastTanh(-x)).toBe(-y);
      expect(y).toBeGreaterThanOrEqual(prev);
      prev = y;
    }
    expect(worst).toBeLessThan(1e-4);
    expect(fastTanh(5)).toBe(1);
    expect(fastTanh(-100)).toBe(-1);
    console.log(`[activations] fast tanh: worst error ${worst.toExponential(2)}`);
  });

  it('sigmoid, ReLU, sine and hard clip follow their definitions', () => {
    for (let u = -6; u <= 6; u += 0.01) {
      expect(Math.abs(activate(ACT_SIGMOID, u) - 1 / (1 + Math.exp(-u)))).toBeLessThan(5e-5);
      expect(activate(ACT_RELU, u)).toBe(Math.max(0, u));
      expect(activate(ACT_SINE, u)).toBe(Math.sin(u));
      expect(activate(ACT_HARDCLIP, u)).toBe(Math.min(1, Math.max(-1, u)));
      expect(activate(ACT_TANH, u)).toBe(fastTanh(u));
    }
  });

  it('comparator fires above threshold + h/2 and releases below threshold - h/2', () => {
    const inputs = [0, 0.2, 0.26, 0.3, 0.2, 0.16, 0.14, 0.3];
    const expected = [0, 0, 1, 1, 1, 1, 0, 1];
    let gate = 0;
    const got = inputs.map((u) => (gate = comparator(gate, u, 0.2, 0.1)));
    expect(got).toEqual(expected);
  });

  it('NLC neuron matches the VCV port on its 5 V scale', () => {
    const vcv = (vin: number, sense: number, response: number) => {
      const r = Math.min(10, Math.max(0, vin + sense));
      return r - (r > 0 ? response : -response);
    };
    for (const [sense, response] of [
      [0, 1],
      [1.6, 2.65],
      [5, 10],
    ]) {
      for (let u = -3; u <= 3; u += 0.013) {
        expect(nlc(u, sense, response)).toBeCloseTo(vcv(5 * u, sense, response) / 5, 12);
      }
    }
    expect(activate(ACT_NLC, -1, 0, 2)).toBeCloseTo(0.4, 12); // rectified to 0: comparator adds the response
  });

  it('codes follow the schema order', () => {
    ACTIVATIONS.forEach((a, i) => expect(activationCode(a)).toBe(i));
    expect(activationCode('comparator')).toBe(ACT_COMPARATOR);
  });
});

describe('network kernel (WebAssembly) against the reference', () => {
  const SR = 48000;
  /** One neuron fed a +-2 sine sweep through weight 1.5 with bias 0.1; every sample checked. */
  function sweep(activation: Activation, extra: Record<string, number> = {}) {
    const patch = patchOf({
      sources: [{ id: 's', type: 'oscillator', shape: 'sine', freq: 7, level: 2 }],
      neurons: [{ id: 'n', activation, bias: 0.1, inputs: { s: 1.5 }, ...extra }],
    });
    const { columns } = recordColumns(patch, 0.5, { sampleRate: SR });
    return { src: columns[0], out: columns[1] };
  }

  for (const activation of ['tanh', 'sigmoid', 'relu', 'sine', 'hardclip'] as const) {
    it(`computes ${activation} per sample exactly as the reference`, () => {
      const { src, out } = sweep(activation);
      let worst = 0;
      for (let i = 0; i < src.length; i++) worst = Math.max(worst, Math.abs(out[i] - activate(activationCode(activation), 1.5 * src[i] + 0.1)));
      expect(worst).toBeLessThan(1e-12);
    });
  }

  it('computes the NLC neuron with its sense and response', () => {
    const { src, out } = sweep('nlc', { sense: 1.6, response: 2.65 });
    for (let i = 0; i < src.length; i++) expect(out[i]).toBeCloseTo(nlc(1.5 * src[i] + 0.1, 1.6, 2.65), 12);
  });

  it('gates the comparator with hysteresis, sample by sample', () => {
    const { src, out } = sweep('comparator', { threshold: 0.3, hysteresis: 0.4 });
    let gate = 0;
    let flips = 0;
    for (let i = 0; i < src.length; i++) {
      const next = comparator(gate, 1.5 * src[i] + 0.1, 0.3, 0.4);
      if (next !== gate) flips++;
      gate = next;
      expect(out[i]).toBe(gate);
    }
    expect(flips).toBeGreaterThan(4);
  });

  it('applies input gain, output gain and the leaky integrator', () => {
    const leak = 100;
    const patch = patchOf({
      sources: [{ id: 'x', type: 'input', input: 'joystick.x', smoothing: 0 }],
      neurons: [{ id: 'n', activation: 'hardclip', inputGain: 0.5, outputGain: -2, leak, inputs: { x: 1 } }],
    });
    const { columns } = recordColumns(patch, 0.1, { sampleRate: SR, inputs: { 'joystick.x': 1 } });
    const g = (2 * Math.PI * leak) / SR;
    for (const s of [0, 10, 100, 1000, 4000]) expect(columns[1][s]).toBeCloseTo(-2 * 0.5 * (1 - (1 - g) ** (s + 1)), 9);
  });

  it('reads the other neurons one sample late (recurrent delay)', () => {
    const patch = patchOf({
      sources: [{ id: 's', type: 'oscillator', shape: 'saw', freq: 50 }],
      neurons: [
        { id: 'a', activation: 'hardclip', inputs: { s: 0.9 } },
        { id: 'b', activation: 'hardclip', inputs: { a: 1 } },
      ],
    });
    const { columns } = recordColumns(patch, 0.05, { sampleRate: SR });
    for (let i = 1; i < columns[0].length; i++) expect(columns[2][i]).toBe(columns[1][i - 1]);
  });

  it('adds seeded noise: the same seed repeats, another seed differs, the level follows the parameter', () => {
    const patch = patchOf({ neurons: [{ id: 'n', activation: 'hardclip', noise: 0.25, inputs: {} }] });
    const a = recordColumns(patch, 0.2, { seed: 1 }).columns[0];
    const b = recordColumns(patch, 0.2, { seed: 1 }).columns[0];
    const c = recordColumns(patch, 0.2, { seed: 2 }).columns[0];
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    let peak = 0;
    let sum = 0;
    for (const x of a) {
      peak = Math.max(peak, Math.abs(x));
      sum += x * x;
    }
    expect(peak).toBeLessThanOrEqual(0.25);
    expect(Math.sqrt(sum / a.length)).toBeCloseTo(0.25 / Math.sqrt(3), 2); // uniform noise RMS
  });
});
