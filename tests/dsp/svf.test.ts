import { describe, expect, it } from 'vitest';
import { Svf, resonanceToQ } from '../../src/worker/dsp/svf';
import { fitSine, mulberry32, toDb } from './measure';

interface Complex {
  re: number;
  im: number;
}
const div = (a: Complex, b: Complex): Complex => {
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
};
const mag = (z: Complex): number => Math.hypot(z.re, z.im);

/** Analog prototypes at s = j f/fc: D = s^2 + s/Q + 1; LP 1/D, BP s/D, HP s^2/D. */
function prototype(f: number, fc: number, q: number): { lp: number; bp: number; hp: number } {
  const r = f / fc;
  const D: Complex = { re: 1 - r * r, im: r / q };
  return {
    lp: mag(div({ re: 1, im: 0 }, D)),
    bp: mag(div({ re: 0, im: r }, D)),
    hp: mag(div({ re: -r * r, im: 0 }, D)),
  };
}

/** Steady-state gains of the three outputs for a unit sine at f. */
function measure(sampleRate: number, fc: number, q: number, f: number): { lp: number; bp: number; hp: number } {
  const svf = new Svf(sampleRate);
  svf.set(fc, q);
  const skip = Math.round(0.25 * sampleRate); // Q 4 at 1 kHz rings out in a few ms
  const len = sampleRate; // 1 s: a whole number of periods at every integer test frequency
  const lp = new Float64Array(len);
  const bp = new Float64Array(len);
  const hp = new Float64Array(len);
  const w = (2 * Math.PI * f) / sampleRate;
  for (let n = 0; n < skip + len; n++) {
    svf.process(Math.sin(w * n));
    if (n >= skip) {
      lp[n - skip] = svf.lp;
      bp[n - skip] = svf.bp;
      hp[n - skip] = svf.hp;
    }
  }
  return {
    lp: fitSine(lp, f, sampleRate, 0, len).amplitude,
    bp: fitSine(bp, f, sampleRate, 0, len).amplitude,
    hp: fitSine(hp, f, sampleRate, 0, len).amplitude,
  };
}

describe('Svf', () => {
  it('maps resonance to Q exponentially from 0.5 to 25', () => {
    expect(resonanceToQ(0)).toBeCloseTo(0.5, 12);
    expect(resonanceToQ(1)).toBeCloseTo(25, 12);
    expect(resonanceToQ(0.5)).toBeCloseTo(0.5 * Math.sqrt(50), 12);
    expect(resonanceToQ(-1)).toBeCloseTo(0.5, 12);
    expect(resonanceToQ(2)).toBeCloseTo(25, 12);
  });

  it('matches the analog LP/BP/HP prototypes within 0.5 dB (cutoff 1 kHz, Q 0.707 and 4, 48 and 44.1 kHz)', () => {
    let worst = 0;
    let worstAt = '';
    for (const sampleRate of [48000, 44100]) {
      for (const q of [Math.SQRT1_2, 4]) {
        for (const f of [100, 250, 500, 1000, 2000, 4000]) {
          const got = measure(sampleRate, 1000, q, f);
          const want = prototype(f, 1000, q);
          for (const key of ['lp', 'bp', 'hp'] as const) {
            const err = Math.abs(toDb(got[key]) - toDb(want[key]));
            if (err > worst) {
              worst = err;
              worstAt = `${key} ${f} Hz Q ${q.toFixed(3)} @ ${sampleRate}`;
            }
            expect(err, `${key} at ${f} Hz, Q ${q}, ${sampleRate} Hz`).toBeLessThan(0.5);
          }
        }
      }
    }
    console.log(`[svf] worst response error ${worst.toFixed(3)} dB (${worstAt})`);
  });

  it('is exact at the cutoff: LP gain Q, BP gain Q, HP gain Q', () => {
    for (const q of [Math.SQRT1_2, 4]) {
      const got = measure(48000, 1000, q, 1000);
      expect(Math.abs(toDb(got.lp / q))).toBeLessThan(0.01);
      expect(Math.abs(toDb(got.bp / q))).toBeLessThan(0.01);
      expect(Math.abs(toDb(got.hp / q))).toBeLessThan(0.01);
    }
  });

  it('stays bounded for 10 s of audio-rate cutoff modulation 20 Hz..20 kHz at Q 25', () => {
    const sampleRate = 48000;
    const q = resonanceToQ(1);
    const rnd = mulberry32(1234);
    const cases: Array<(n: number) => number> = [
      // sinusoidal sweep over the whole range at 1 kHz
      (n) => 20 * Math.pow(1000, 0.5 + 0.5 * Math.sin((2 * Math.PI * 1000 * n) / sampleRate)),
      // a new random cutoff every sample
      () => 20 * Math.pow(1000, rnd()),
      // sweep at 5.3 kHz, close to the resonance frequencies themselves
      (n) => 20 * Math.pow(1000, 0.5 + 0.5 * Math.sin((2 * Math.PI * 5300 * n) / sampleRate)),
    ];
    let overall = 0;
    for (const cutoff of cases) {
      const svf = new Svf(sampleRate);
      const noise = mulberry32(99);
      let peak = 0;
      let finite = true;
      for (let n = 0; n < 10 * sampleRate; n++) {
        svf.set(cutoff(n), q);
        // full-scale noise plus a resonance-friendly tone
        svf.process(0.5 * (2 * noise() - 1) + 0.5 * Math.sin((2 * Math.PI * 440 * n) / sampleRate));
        const m = Math.max(Math.abs(svf.lp), Math.abs(svf.bp), Math.abs(svf.hp));
        if (!(m < Infinity)) finite = false;
        if (m > peak) peak = m;
      }
      expect(finite).toBe(true);
      // A static Q-25 filter can reach ~Q times the input; allow that, not growth.
      expect(peak).toBeLessThan(4 * q);
      overall = Math.max(overall, peak);
    }
    console.log(`[svf] peak |output| under modulation at Q 25: ${overall.toFixed(2)} (input peak 1)`);
  });

  it('clamps cutoff and Q and survives NaN input', () => {
    const svf = new Svf(48000);
    svf.set(1e9, 0.01); // -> 0.45 fs, Q 0.5
    for (let n = 0; n < 1000; n++) svf.process(Math.sin(n));
    expect(Number.isFinite(svf.lp)).toBe(true);
    svf.set(Number.NaN, Number.NaN);
    svf.process(Number.NaN);
    for (let n = 0; n < 10; n++) svf.process(0);
    expect(Number.isFinite(svf.lp) && Number.isFinite(svf.bp) && Number.isFinite(svf.hp)).toBe(true);
  });
});
