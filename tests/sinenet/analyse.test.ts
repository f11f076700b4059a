import { describe, expect, it } from 'vitest';
import { analyse, SINENET_THRESHOLDS, verdict } from '../../src/main/sinenet/analyse';
import { bipolar, streamSeed } from '../../src/worker/random';

// The judge on signals whose verdict is known by construction. The comments give the measured
// figures the thresholds in SINENET_THRESHOLDS were placed between.

const SR = 48000;
const N = SR; // one second

const make = (f: (n: number) => number) => Float64Array.from({ length: N }, (_, n) => f(n));
const noise = (seed: number, amp: number) => {
  const st = new Int32Array([streamSeed(seed, 0)]);
  return make(() => amp * bipolar(st, 0));
};
const harmonic = (n: number) => 0.5 * Math.sin((2 * Math.PI * 220 * n) / SR) + 0.25 * Math.sin((2 * Math.PI * 440 * n) / SR) + 0.12 * Math.sin((2 * Math.PI * 660 * n) / SR);

describe('analyse + verdict on constructed signals', () => {
  it('silence -> silent', () => {
    const m = analyse(new Float64Array(N), SR);
    expect(m).toEqual({ rms: 0, dc: 0, acRms: 0, flatness: 0, zcrVariation: 0, lateRms: 0 });
    expect(verdict(m)).toBe('silent');
    // -66 dBFS of hiss is still "nothing there".
    expect(verdict(analyse(noise(3, 0.0005 * Math.sqrt(3)), SR))).toBe('silent');
  });

  it('a constant 0.5 -> dc; an offset with a little ripple -> dc; with a real tone on it -> keep', () => {
    const m = analyse(make(() => 0.5), SR);
    expect(m.dc).toBeCloseTo(0.5, 12);
    expect(m.acRms).toBeLessThan(1e-12);
    expect(verdict(m)).toBe('dc');
    // ripple at 1% of the offset: acRms/|dc| = 0.014 < dcAcRatio 0.05
    expect(verdict(analyse(make((n) => 0.5 + 0.01 * harmonic(n)), SR))).toBe('dc');
    // a tone at 0.2 of the offset: acRms/|dc| = 0.23 -> the offset is removed on output, keep it
    expect(verdict(analyse(make((n) => 0.5 + 0.2 * harmonic(n)), SR))).toBe('keep');
  });

  it('a tone that stops halfway -> stuck', () => {
    const m = analyse(
      make((n) => (n < N / 2 ? harmonic(n) : 0)),
      SR,
    );
    expect(m.rms).toBeGreaterThan(0.25); // 0.404 for the first half
    expect(m.lateRms).toBe(0);
    expect(verdict(m)).toBe('stuck');
    // Stopping on an offset is still stuck (not dc: it moved a lot before).
    expect(verdict(analyse(make((n) => (n < N / 2 ? harmonic(n) : 0.3)), SR))).toBe('stuck');
  });

  it('seeded white noise -> noise (flatness ~0.56, steady zero-crossing rate)', () => {
    for (const seed of [1, 2, 3]) {
      const m = analyse(noise(seed, 0.5), SR);
      // Periodogram bins of white noise are exponential: geometric/arithmetic mean = e^-gamma = 0.561.
      expect(m.flatness).toBeGreaterThan(0.53);
      expect(m.flatness).toBeLessThan(0.59);
      expect(m.zcrVariation).toBeLessThan(0.04);
      expect(verdict(m)).toBe('noise');
    }
    // Offset noise is still noise (the frame mean is removed before the spectrum).
    const shifted = noise(4, 0.3).map((v) => v + 0.4);
    expect(verdict(analyse(shifted, SR))).toBe('noise');
  });

  it('a harmonic tone -> keep (flatness ~0)', () => {
    const m = analyse(make(harmonic), SR);
    expect(m.flatness).toBeLessThan(0.01);
    expect(m.zcrVariation).toBeLessThan(0.05);
    expect(Math.abs(m.dc)).toBeLessThan(1e-3);
    expect(verdict(m)).toBe('keep');
  });

  it('noise in rhythmic bursts -> keep: its timbre changes from frame to frame', () => {
    // 0.2 s on, 0.3 s off, with a quiet hum underneath so the gaps are not silent.
    const n = noise(5, 0.5);
    const m = analyse(
      make((i) => (i % 24000 < 9600 ? n[i] : 0.02 * Math.sin((2 * Math.PI * 110 * i) / SR))),
      SR,
    );
    expect(m.zcrVariation).toBeGreaterThan(SINENET_THRESHOLDS.noiseZcrVariation);
    expect(verdict(m)).toBe('keep');
  });

  it('lateRms is the AC of the second half; acRms the AC of it all', () => {
    const m = analyse(
      make((n) => (n < N / 2 ? 0 : 0.4 + 0.3 * Math.sin((2 * Math.PI * 100 * n) / SR))),
      SR,
    );
    expect(m.lateRms).toBeCloseTo(0.3 / Math.SQRT2, 3);
    expect(m.dc).toBeCloseTo(0.2, 3);
    expect(m.acRms).toBeCloseTo(Math.sqrt(0.5 * (0.09 / 2 + 0.16) - 0.04), 3);
  });
});
