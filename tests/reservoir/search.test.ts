import { describe, expect, it } from 'vitest';
import { mfcc, mfccDistance } from '../../src/main/reservoir/mfcc';
import { searchHyper } from '../../src/main/reservoir/search';
import { SeededRandom } from '../../src/main/reservoir/reservoir-build';

const RATE = 48000;
const tone = (hz: number, n = 4096, phase = 0) => Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * hz * i) / RATE + phase));
const grain = (period: number) => Float32Array.from({ length: period * 2 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * i) / period));

describe('MFCC distance', () => {
  it('is zero for the same sound, small for a phase shift, large for noise or another pitch', () => {
    const a = tone(440);
    const rng = new SeededRandom(3, 0);
    const noise = Float64Array.from({ length: 4096 }, () => rng.uniform() - 0.5);
    expect(mfcc(a, RATE)[0]).toHaveLength(13);
    expect(mfccDistance(a, a, RATE)).toBe(0);
    const shifted = mfccDistance(a, tone(440, 4096, 1), RATE);
    expect(shifted).toBeLessThan(mfccDistance(a, tone(1200), RATE) / 5);
    expect(shifted).toBeLessThan(mfccDistance(a, noise, RATE) / 5);
  });
});

describe('hyperparameter search', () => {
  const grains = [grain(24), grain(37)];

  it('random search runs the trials asked for and keeps the best one with its model', () => {
    const r = searchHyper(grains, { trials: 3, method: 'random', sampleRate: RATE, seed: 5, useMfcc: false });
    expect(r.trials).toHaveLength(3);
    expect(r.best.score).toBe(Math.min(...r.trials.map((t) => t.score)));
    expect(r.bestModel.hyper.neurons).toBe(r.best.hyper.neurons);
    expect(r.bestModel.hyper.spectralRadius).toBe(r.best.hyper.spectralRadius);
    for (const t of r.trials) {
      expect(t.score).toBe(t.nrmse);
      expect(t.hyper.spectralRadius).toBeGreaterThanOrEqual(0.5);
      expect(t.hyper.spectralRadius).toBeLessThanOrEqual(2.5);
      expect(t.hyper.leak).toBeGreaterThanOrEqual(0.1);
      expect(t.hyper.apertureMax).toBeLessThanOrEqual(1000);
    }
  });

  it('the microbial GA evolves a population past its first members, the same way for the same seed', () => {
    const run = (method: 'ga' | 'random') => searchHyper(grains, { trials: 10, method, sampleRate: RATE, seed: 9, useMfcc: false });
    const ga = run('ga');
    const random = run('random');
    expect(ga.trials).toHaveLength(10);
    // The first eight are the population, drawn as random search draws; then tournaments breed.
    expect(ga.trials.slice(0, 8).map((t) => t.hyper)).toEqual(random.trials.slice(0, 8).map((t) => t.hyper));
    expect(ga.trials.slice(8).map((t) => t.hyper)).not.toEqual(random.trials.slice(8).map((t) => t.hyper));
    expect(run('ga').trials.map((t) => t.score)).toEqual(ga.trials.map((t) => t.score));
  });

  it('with MFCC the score averages NRMSE and the relative MFCC distance', () => {
    const r = searchHyper(grains, { trials: 2, method: 'random', sampleRate: RATE, seed: 5, useMfcc: true });
    for (const t of r.trials) {
      expect(t.mfcc).not.toBeNull();
      expect(t.score).toBeCloseTo((t.nrmse + (t.mfcc ?? NaN)) / 2, 12);
    }
  });

  it('stops when cancelled', () => {
    let calls = 0;
    expect(() => searchHyper(grains, { trials: 5, method: 'ga', sampleRate: RATE, seed: 1, useMfcc: false, isCancelled: () => ++calls > 3 })).toThrow(/training was cancelled/);
  });
});
