import { describe, expect, it } from 'vitest';
import { example, recordColumns, std } from '../support/engine-harness';

const SR = 48000;

/** Largest normalised autocorrelation over lags 20..4000 of x[from, from + n). */
function periodicity(x: Float64Array, from: number, n: number): number {
  let m = 0;
  for (let i = from; i < from + n; i++) m += x[i];
  m /= n;
  let v0 = 0;
  for (let i = from; i < from + n; i++) v0 += (x[i] - m) ** 2;
  let best = 0;
  for (let lag = 20; lag < 4000; lag += 1) {
    let c = 0;
    for (let i = from; i < from + n - lag; i++) c += (x[i] - m) * (x[i + lag] - m);
    best = Math.max(best, c / v0);
  }
  return best;
}

describe('cross-feedback chaos (dual-neuron example)', () => {
  const patch = example('dual-neuron');
  const positions: Record<string, number>[] = [{}, { 'joystick.x': 0.7 }, { 'joystick.x': -0.7, 'joystick.y': 0.7, 'joystick.z': 0.5 }, { 'joystick.y': -0.7 }];

  for (const inputs of positions) {
    it(`never settles and is sensitive to initial conditions, joystick ${JSON.stringify(inputs)}`, () => {
      const run = recordColumns(patch, 2.5, { inputs });
      const a = run.columns[run.layout.columnIds.indexOf('a')];
      const b = run.columns[run.layout.columnIds.indexOf('b')];
      const last = 1.5 * SR;
      // Not a fixed point: both neurons keep moving through the last second.
      expect(std(a, last)).toBeGreaterThan(0.05);
      expect(std(b, last)).toBeGreaterThan(0.05);
      // Not a short cycle either: no lag up to 83 ms repeats the signal.
      expect(periodicity(a, last, SR / 2)).toBeLessThan(0.95);
      // Chaos: a 1e-9 nudge of one input grows to the size of the signal within 0.1 s.
      const x = (inputs['joystick.x'] ?? 0) + 1e-9;
      const nudged = recordColumns(patch, 0.2, { inputs: { ...inputs, 'joystick.x': x } });
      const a2 = nudged.columns[nudged.layout.columnIds.indexOf('a')];
      let gap = 0;
      for (let i = 0.1 * SR; i < 0.2 * SR; i++) gap += Math.abs(a2[i] - a[i]);
      gap /= 0.1 * SR;
      expect(gap).toBeGreaterThan(0.01);
      console.log(`[chaos] ${JSON.stringify(inputs)}: std a ${std(a, last).toFixed(3)} b ${std(b, last).toFixed(3)}, 1e-9 nudge -> mean gap ${gap.toFixed(3)} after 0.1 s`);
    });
  }
});
