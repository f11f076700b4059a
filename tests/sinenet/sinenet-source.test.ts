import { describe, expect, it } from 'vitest';
import { sineNetDesignOf } from '../../src/shared/sinenet-design';
import { checkPatch } from '../../src/shared/patch/validate';
import { SineNetwork } from '../../src/worker/sinenet/sine-network';
import { example, patchOf, recordColumns, render, rms } from '../support/engine-harness';

// The sine network as a patch source: the same network the CLI packs, played by the engine.

describe('sinenet source', () => {
  it('plays exactly the network its design describes', () => {
    const design = { seed: 9, gap: 3, length: 6, hidden: [8] };
    const patch = patchOf({ sources: [{ id: 'sn', type: 'sinenet', ...design }], neurons: [{ id: 'n', activation: 'tanh' }] });
    const { columns } = recordColumns(patch, 0.25);
    const net = new SineNetwork(sineNetDesignOf(design), 48000);
    const expected = new Float64Array(columns[0].length);
    net.process(expected, expected.length, 0);
    expect(columns[0]).toEqual(expected);
    expect(rms(expected)).toBeGreaterThan(0.01);
  });

  it('the example sounds, finite and the same every time', () => {
    const a = render(example('sinenet-drift'), { seconds: 1 });
    expect(a.nanEvents).toBe(0);
    expect(a.audio.every((v) => Number.isFinite(v) && Math.abs(v) <= 1)).toBe(true);
    expect(rms(a.audio)).toBeGreaterThan(0.05);
    expect(render(example('sinenet-drift'), { seconds: 1, blockSize: 64 }).audio).toEqual(a.audio);
  });

  it('a route drives the drift: twisting the joystick lets the network wander', () => {
    const patch = patchOf({
      sources: [
        { id: 'z', type: 'input', input: 'joystick.z', smoothing: 0 },
        { id: 'sn', type: 'sinenet', seed: 3 },
      ],
      neurons: [{ id: 'n', activation: 'tanh' }],
      routes: [{ from: 'z', to: 'sources.sn.drift', amount: 0.2 }],
    });
    const still = recordColumns(patch, 0.5).columns[1];
    const twisted = recordColumns(patch, 0.5, { inputs: { 'joystick.z': 1 } }).columns[1];
    // The first chunk runs before the route is read; after it the weights move.
    expect(twisted.subarray(0, 32)).toEqual(still.subarray(0, 32));
    expect(twisted).not.toEqual(still);
  });

  it('designs that cannot be built are refused with their place', () => {
    const check = checkPatch({
      format: 'axon-patch',
      version: 1,
      name: 't',
      sources: [
        { id: 'a', type: 'sinenet', gap: 12, length: 16 },
        { id: 'b', type: 'sinenet', weightMin: 1, weightMax: -1 },
        { id: 'c', type: 'sinenet', hidden: [0] },
      ],
      neurons: [{ id: 'n', activation: 'tanh' }],
    });
    expect(check.ok).toBe(false);
    if (!check.ok)
      expect(check.problems).toEqual([
        'sources[2].hidden[0]: 0 is below the minimum 1',
        'sources[0]: gap + length - 1 must be at most 20 (longest lag 2^20 samples), got 27',
        'sources[1]: weight range is empty: weightMin 1 > weightMax -1',
      ]);
  });
});
