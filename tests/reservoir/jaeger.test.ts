import { describe, expect, it } from 'vitest';
import { trainReservoir, DEFAULT_HYPER } from '../../src/main/reservoir/train';
import { SeededRandom } from '../../src/main/reservoir/reservoir-build';
import { ReservoirPlayer } from '../../src/worker/reservoir/reservoir-player';
import type { ReservoirHyper } from '../../src/worker/reservoir/reservoir-model';

// Jaeger's first conceptor demo (arXiv:1403.3369, Fig. 1; EchoTorch subspace_demo): N = 100,
// spectral radius 1.5, input scaling 1.5, bias scaling 0.2, connectivity 10/N, washout 500,
// 1000 learning steps, ridge 1e-4 / 1e-2, aperture 10; two sines and two random period-5 patterns.

const LEARN = 1000;
const WASHOUT = 500;
const hyper: ReservoirHyper = {
  ...DEFAULT_HYPER,
  neurons: 100,
  connections: 10,
  spectralRadius: 1.5,
  inputScaling: 1.5,
  biasScaling: 0.2,
  leak: 1,
  kind: 'full',
  apertureMin: 10,
  apertureMax: 10,
  washout: WASHOUT,
  repeats: 1,
  ridgeInput: 1e-4,
  ridgeReadout: 1e-2,
  seed: 7,
};

const sine = (period: number) => Float32Array.from({ length: WASHOUT + LEARN }, (_, n) => Math.sin((2 * Math.PI * n) / period));
const rnd = new SeededRandom(42, 0);
const cycle5 = () => {
  const values = Array.from({ length: 5 }, () => 0.9 * (2 * rnd.uniform() - 1));
  return { values, signal: Float32Array.from({ length: WASHOUT + LEARN }, (_, n) => values[n % 5]) };
};
const c1 = cycle5();
const c2 = cycle5();
const patterns = [sine(8.834), sine(9.834), c1.signal, c2.signal];

/** NRMSE of y against the best-fitting sine of the given period (least squares on sin and cos). */
function sineNrmse(y: Float64Array, period: number): { nrmse: number; amplitude: number } {
  let ss = 0;
  let cc = 0;
  let sc = 0;
  let ys = 0;
  let yc = 0;
  for (let n = 0; n < y.length; n++) {
    const s = Math.sin((2 * Math.PI * n) / period);
    const c = Math.cos((2 * Math.PI * n) / period);
    ss += s * s;
    cc += c * c;
    sc += s * c;
    ys += y[n] * s;
    yc += y[n] * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  let e = 0;
  for (let n = 0; n < y.length; n++) e += (y[n] - a * Math.sin((2 * Math.PI * n) / period) - b * Math.cos((2 * Math.PI * n) / period)) ** 2;
  return { nrmse: Math.sqrt(e / y.length / 0.5), amplitude: Math.hypot(a, b) };
}

/** NRMSE against a cyclic pattern after the best integer alignment. */
function cycleNrmse(y: Float64Array, values: number[]): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  let best = Infinity;
  for (let shift = 0; shift < values.length; shift++) {
    let e = 0;
    for (let n = 0; n < y.length; n++) e += (y[n] - values[(n + shift) % values.length]) ** 2;
    best = Math.min(best, e / y.length);
  }
  return Math.sqrt(best / variance);
}

/** Average period from upward zero crossings (linear interpolation between samples). */
function period(y: Float64Array): number {
  const ups: number[] = [];
  for (let n = 1; n < y.length; n++) if (y[n - 1] < 0 && y[n] >= 0) ups.push(n - 1 + -y[n - 1] / (y[n] - y[n - 1]));
  return (ups[ups.length - 1] - ups[0]) / (ups.length - 1);
}

describe("Jaeger's first conceptor demo", () => {
  const { model } = trainReservoir(patterns, hyper, { sampleRate: 48000 });
  const player = new ReservoirPlayer(model, 48000);
  /** Recall from a random state: washout, then the pattern the conceptor holds. */
  const recall = (indices: number[], weights: number[], seed: number) => {
    const r = new SeededRandom(seed, 5);
    const start = Array.from({ length: 100 }, () => 0.5 * r.gaussian());
    return player.evaluate(indices, start, WASHOUT + 300, weights).y.subarray(WASHOUT);
  };

  it('recalls each sine autonomously with NRMSE below 0.05', () => {
    for (const [j, p] of [
      [0, 8.834],
      [1, 9.834],
    ] as const) {
      const fit = sineNrmse(recall([j], [1], 10 + j), p);
      console.log(`[jaeger] sine period ${p}: NRMSE ${fit.nrmse.toFixed(4)}, amplitude ${fit.amplitude.toFixed(3)}`);
      expect(fit.nrmse).toBeLessThan(0.05);
      expect(Math.abs(fit.amplitude - 1)).toBeLessThan(0.1);
    }
  });

  it('recalls each random period-5 pattern with NRMSE below 0.05', () => {
    for (const [j, c] of [
      [2, c1],
      [3, c2],
    ] as const) {
      const e = cycleNrmse(recall([j], [1], 20 + j), c.values);
      console.log(`[jaeger] period-5 pattern ${j - 1}: NRMSE ${e.toFixed(4)}`);
      expect(e).toBeLessThan(0.05);
    }
  });

  it('morphs halfway between the two sines into a sine of intermediate period', () => {
    const y = recall([0, 1], [0.5, 0.5], 30);
    const p = period(y);
    console.log(`[jaeger] halfway morph: period ${p.toFixed(3)} (between 8.834 and 9.834)`);
    expect(p).toBeGreaterThan(8.834 + 0.1);
    expect(p).toBeLessThan(9.834 - 0.1);
    expect(sineNrmse(y, p).nrmse).toBeLessThan(0.1);
  });
});
