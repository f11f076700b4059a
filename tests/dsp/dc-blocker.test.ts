import { describe, expect, it } from 'vitest';
import { DcBlocker } from '../../src/worker/dsp/dc-blocker';
import { fitSine, toDb } from './measure';

/** Steady-state gain of the blocker for a unit sine at f (1 s of settling, whole periods). */
function sineGain(sampleRate: number, cutoff: number, f: number): number {
  const dc = new DcBlocker(sampleRate, cutoff);
  const periods = Math.max(10, Math.round(f)); // >= 1 s; f and the rates make this whole periods
  const len = Math.round((periods * sampleRate) / f);
  const skip = Math.round((8 / (2 * Math.PI * cutoff)) * sampleRate); // 8 time constants
  const y = new Float64Array(len);
  const w = (2 * Math.PI * f) / sampleRate;
  for (let n = 0; n < skip + len; n++) {
    const v = dc.process(Math.sin(w * n));
    if (n >= skip) y[n - skip] = v;
  }
  return fitSine(y, f, sampleRate, 0, len).amplitude;
}

describe('DcBlocker', () => {
  const rates = [44100, 48000, 96000];

  it('removes a DC step within the time the corner implies', () => {
    for (const sampleRate of rates) {
      for (const cutoff of [10, 30]) {
        const dc = new DcBlocker(sampleRate, cutoff);
        // A one-pole high-pass decays as exp(-2 pi fc t): 1e-3 after ln(1000) / (2 pi fc).
        const expected = Math.log(1000) / (2 * Math.PI * cutoff);
        const limit = Math.ceil(1.05 * expected * sampleRate);
        let settledAt = -1;
        for (let n = 0; n < 2 * limit; n++) {
          const y = dc.process(1);
          if (Math.abs(y) >= 1e-3) settledAt = -1;
          else if (settledAt < 0) settledAt = n;
        }
        expect(settledAt, `${cutoff} Hz @ ${sampleRate}`).toBeGreaterThan(0);
        expect(settledAt).toBeLessThanOrEqual(limit);
        // ...and not much faster either (it really is a 10 Hz corner, not a brick wall).
        expect(settledAt).toBeGreaterThan(0.9 * expected * sampleRate);
      }
    }
  });

  it('passes a 100 Hz sine within 0.1 dB at 44.1, 48 and 96 kHz', () => {
    let worst = 0;
    for (const sampleRate of rates) {
      const g = sineGain(sampleRate, 10, 100);
      worst = Math.max(worst, Math.abs(toDb(g)));
      expect(Math.abs(toDb(g)), `${sampleRate}`).toBeLessThan(0.1);
    }
    console.log(`[dc-blocker] 100 Hz loss ${worst.toFixed(4)} dB (analog s/(s+wc): 0.0432 dB)`);
  });

  it('is -3 dB at its corner (within 0.5 dB)', () => {
    let worst = 0;
    for (const sampleRate of rates) {
      for (const cutoff of [10, 20, 100]) {
        const err = Math.abs(toDb(sineGain(sampleRate, cutoff, cutoff)) - toDb(Math.SQRT1_2));
        worst = Math.max(worst, err);
        expect(err, `${cutoff} Hz @ ${sampleRate}`).toBeLessThan(0.5);
      }
    }
    console.log(`[dc-blocker] worst corner error ${worst.toFixed(4)} dB from -3.01 dB`);
  });

  it('reset clears the state', () => {
    const dc = new DcBlocker(48000);
    for (let n = 0; n < 100; n++) dc.process(1);
    dc.reset();
    expect(dc.process(0)).toBe(0);
  });
});
