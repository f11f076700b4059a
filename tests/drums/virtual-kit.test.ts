import { describe, expect, it } from 'vitest';
import { DRUM_COUNT, OUT_DRUM } from '../../src/shared/events';
import { VIRTUAL_DRUMS, VirtualKit } from '../../src/worker/drums/virtual-kit';
import { MasterChain } from '../../src/worker/dsp/master-chain';
import { example, maxAbs, patchOf, render, rms } from '../support/engine-harness';

// The virtual drums: what plays the robot drums' part when no board is connected.

const RATE = 48000;

/** One hit rendered alone, left channel. */
function hit(drum: number, velocity: number, seconds: number, offset = 0): Float64Array {
  const kit = new VirtualKit(RATE);
  const left = new Float64Array(Math.round(seconds * RATE));
  const right = new Float64Array(left.length);
  kit.trigger(drum, velocity, offset);
  for (let at = 0; at < left.length; at += 32) kit.process(left.subarray(at, at + 32), right.subarray(at, at + 32), Math.min(32, left.length - at));
  return left;
}

const firstSound = (x: ArrayLike<number>) => Array.prototype.findIndex.call(x, (v: number) => v !== 0);

/** The first frame where two interleaved stereo renders differ (left channel), or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  for (let i = 0; i < a.length; i += 2) if (a[i] !== b[i]) return i / 2;
  return -1;
}

describe('virtual kit', () => {
  it('has one sound for every drum the outputs and the bridge address', () => {
    expect(VIRTUAL_DRUMS).toHaveLength(DRUM_COUNT);
    expect(new Set(VIRTUAL_DRUMS.map((d) => d.name)).size).toBe(DRUM_COUNT);
  });

  it.each(VIRTUAL_DRUMS.map((d, i) => [i, d.name] as const))('drum %i (%s): a finite hit that dies away, louder with velocity', (drum) => {
    const loud = hit(drum, 127, 3);
    const soft = hit(drum, 30, 3);
    expect(loud.every(Number.isFinite)).toBe(true);
    expect(maxAbs(loud)).toBeLessThan(1);
    expect(rms(loud, 0, 4800)).toBeGreaterThan(3 * rms(soft, 0, 4800));
    expect(rms(loud, loud.length - 4800)).toBeLessThan(1e-4);
  });

  it('the kick sounds at its pitch once the strike has settled', () => {
    const x = hit(0, 127, 0.5).subarray(9600, 19200);
    let crossings = 0;
    for (let i = 1; i < x.length; i++) if (x[i - 1] < 0 && x[i] >= 0) crossings++;
    expect((crossings * RATE) / x.length).toBeGreaterThan(45);
    expect((crossings * RATE) / x.length).toBeLessThan(62);
  });

  it('starts on the sample it was given, even inside a later chunk', () => {
    expect(firstSound(hit(1, 100, 0.01, 0))).toBe(0);
    expect(firstSound(hit(1, 100, 0.01, 77))).toBe(77);
  });

  it('ignores drums and velocities it does not have', () => {
    for (const [drum, velocity] of [
      [-1, 100],
      [DRUM_COUNT, 100],
      [NaN, 100],
      [2, 0],
      [2, NaN],
    ]) {
      expect(hit(drum, velocity, 0.05).every((v) => v === 0)).toBe(true);
    }
  });
});

describe('virtual drums in the engine', () => {
  // The output runs through the master limiter's lookahead.
  const latency = new MasterChain(RATE).latency;
  const quiet = patchOf({ neurons: [{ id: 'n', activation: 'tanh' }], voice: { level: 0 }, reverb: { mix: 0 } });

  it('a drum event sounds on its exact frame', () => {
    const base = render(quiet, { seconds: 0.2 }).audio;
    const struck = render(quiet, { seconds: 0.2, events: [{ frame: 4321, type: 'drum', drum: 3, velocity: 110 }] }).audio;
    expect(firstDifference(base, struck)).toBe(4321 + latency);
    expect(rms(struck)).toBeGreaterThan(0.01);
  });

  it("the patch's own drum outputs play the kit only in virtual mode, from the frame they fire", () => {
    const patch = example('neural-midi');
    const off = render(patch, { seconds: 3 });
    const on = render(patch, { seconds: 3, virtualDrums: true });
    const hits = off.outEvents.filter((e) => e[1] === OUT_DRUM);
    expect(hits.length).toBeGreaterThan(3);
    expect(firstDifference(off.audio, on.audio)).toBe(hits[0][0] + latency);
    // An event switches virtual mode off: the outputs are silent again.
    const switched = render(patch, { seconds: 3, virtualDrums: true, events: [{ frame: 0, type: 'virtualDrums', on: false }] });
    expect(switched.audio).toEqual(off.audio);
  });
});
