import { describe, expect, it } from 'vitest';
import { renderModel } from '../../src/main/reservoir/render-model';
import { DEFAULT_HYPER, MIN_GRAIN, trainReservoir } from '../../src/main/reservoir/train';
import { ReservoirPlayer } from '../../src/worker/reservoir/reservoir-player';
import { axonErrorOf } from '../support/errors';

const grain = (period: number, length: number) => Float32Array.from({ length }, (_, i) => 0.5 * Math.sin((2 * Math.PI * i) / period));
const small = { ...DEFAULT_HYPER, neurons: 48 };
const opts = { sampleRate: 48000 };

describe('training refuses what it cannot learn', () => {
  it('no grains, a too-short grain, a silent grain, a non-finite sample: each named', () => {
    expect(axonErrorOf(() => trainReservoir([], small, opts))).toBe('training_input: cannot train: no grains to train on');
    expect(axonErrorOf(() => trainReservoir([grain(20, 40), new Float32Array(MIN_GRAIN - 1).fill(0.3)], small, opts))).toBe(
      `training_input: cannot train: grain 1 has ${MIN_GRAIN - 1} samples; the shortest grain is ${MIN_GRAIN}`,
    );
    expect(axonErrorOf(() => trainReservoir([new Float32Array(100)], small, opts))).toBe('training_input: cannot train: grain 0 is silent');
    const bad = grain(20, 40);
    bad[7] = NaN;
    expect(axonErrorOf(() => trainReservoir([bad], small, opts))).toBe('training_input: cannot train: grain 0 holds a non-finite sample');
  });

  it('an ill-conditioned regression raises its ridge with a warning, and the model still plays finite audio', () => {
    // Fewer driven states than neurons and no ridge: the Gram matrices are singular.
    const { model, report } = trainReservoir([grain(12, 24)], { ...small, neurons: 96, washout: 0, repeats: 1, ridgeInput: 0, ridgeReadout: 0 }, opts);
    expect(report.warnings.join('\n')).toMatch(/input simulation: the regression was ill-conditioned; ridge raised from 0 to /);
    expect(report.warnings.join('\n')).toMatch(/readout: the regression was ill-conditioned; ridge raised from 0 to /);
    const audio = renderModel(model, { sampleRate: 48000, seconds: 0.2, speed: 1, leak: 1, radius: 1, gain: 1, morph: null });
    expect(audio.every(Number.isFinite)).toBe(true);
  });

  it('cancelling stops training with its own error', () => {
    let polls = 0;
    expect(axonErrorOf(() => trainReservoir([grain(20, 40), grain(30, 60)], small, { ...opts, isCancelled: () => ++polls > 2 }))).toBe('training_cancelled: training was cancelled');
  });

  it('progress runs from the first stage to 1', () => {
    const seen: number[] = [];
    trainReservoir([grain(20, 40), grain(30, 60)], small, { ...opts, onProgress: (p) => seen.push(p.fraction) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1])).toBe(true);
    expect(seen[seen.length - 1]).toBeCloseTo(1, 9);
  });
});

describe('the player stays bounded whatever the controls', () => {
  const { model } = trainReservoir([grain(20, 60), grain(33, 99), grain(9, 27)], small, opts);

  it.each([
    { speed: 16, leak: 2, radius: 2, gain: 16, morph: 0 },
    { speed: -16, leak: 0, radius: 0, gain: 16, morph: 1 },
    { speed: 0, leak: 2, radius: 2, gain: 16, morph: 0.5 },
    { speed: 1e6, leak: 1e6, radius: 1e6, gain: 1e6, morph: 1e6 },
  ])('%o: finite and within +-1', (controls) => {
    const player = new ReservoirPlayer(model, 48000);
    player.setMorph([0, 2], [0.5, 0.5]);
    for (let chunk = 0; chunk < 3000; chunk++) {
      player.render(32, controls);
      for (let s = 0; s < 32; s++) {
        const y = player.out[s];
        if (!(Number.isFinite(y) && Math.abs(y) <= 1)) throw new Error(`sample ${chunk * 32 + s} is ${y}`);
      }
    }
  });

  it('non-finite controls silence the chunk and restart the state instead of emitting NaN', () => {
    const player = new ReservoirPlayer(model, 48000);
    const fine = { speed: 1, leak: 1, radius: 1, gain: 1, morph: 0 };
    for (let i = 0; i < 50; i++) player.render(32, fine);
    player.render(32, { ...fine, gain: NaN, radius: Infinity, speed: NaN });
    expect(player.healthy).toBe(false);
    expect(player.restarts).toBe(1);
    expect(Array.from(player.out.subarray(0, 32))).toEqual(new Array(32).fill(0));
    let energy = 0;
    for (let i = 0; i < 200; i++) {
      player.render(32, fine);
      for (let s = 0; s < 32; s++) energy += player.out[s] ** 2;
      expect(player.out.subarray(0, 32).every(Number.isFinite)).toBe(true);
    }
    expect(player.healthy).toBe(true);
    expect(energy).toBeGreaterThan(0);
  });
});
