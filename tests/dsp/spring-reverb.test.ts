import { describe, expect, it } from 'vitest';
import { SpringReverb } from '../../src/worker/dsp/spring-reverb';
import { bandPass, energyCentroid, mulberry32, schroederRt60 } from './measure';

const SR = 48000;

function maxAbs(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (!(a <= m)) m = a;
  }
  return m;
}

/** Runs `input` through the reverb in blocks of 128; returns the stereo output. */
function run(rev: SpringReverb, input: (i: number) => number, length: number): { l: Float64Array; r: Float64Array } {
  const l = new Float64Array(length);
  const r = new Float64Array(length);
  for (let i = 0; i < length; i += 128) {
    const n = Math.min(128, length - i);
    for (let k = 0; k < n; k++) rev.input[k] = input(i + k);
    rev.process(n);
    l.set(rev.outL.subarray(0, n), i);
    r.set(rev.outR.subarray(0, n), i);
  }
  return { l, r };
}

function impulseResponse(decay: number, tone: number, dispersion: number, length: number): { l: Float64Array; r: Float64Array } {
  const rev = new SpringReverb(SR);
  rev.set(decay, tone, dispersion);
  return run(rev, (i) => (i === 0 ? 1 : 0), length);
}

/** Low-band minus high-band energy arrival time (s) in the first echo of an impulse response. */
function bandArrivalGap(ir: Float64Array): number {
  let peak = 0;
  for (let i = 0; i < 8192; i++) peak = Math.max(peak, Math.abs(ir[i]));
  let onset = 0;
  while (Math.abs(ir[onset]) < 1e-3 * peak) onset++;
  // The next echo comes a whole loop (> 30 ms) later, so onset..onset+25 ms is the first echo
  // alone. Gate it out and centre it in a zero buffer so band-filter ringing cannot wrap around.
  const len = Math.round(0.025 * SR);
  const size = 8192;
  const offset = 2048;
  const segment = new Float64Array(size);
  for (let i = 0; i < len; i++) segment[offset + i] = ir[onset + i];
  const low = bandPass(segment, 0, size, SR, 200, 800);
  const high = bandPass(segment, 0, size, SR, 3000, 4000);
  return energyCentroid(high, SR, 0, size) - energyCentroid(low, SR, 0, size);
}

describe('SpringReverb', () => {
  it('decays with the requested RT60 (Schroeder, -5..-35 dB fit) within 25 %', () => {
    const rows: string[] = [];
    let worst = 0;
    for (const tone of [1000, 4000]) {
      for (const dispersion of [0, 1]) {
        for (const decay of [1, 2, 4]) {
          const ir = impulseResponse(decay, tone, dispersion, Math.round(1.2 * decay * SR));
          for (const ch of [ir.l, ir.r]) {
            const rt = schroederRt60(ch, SR);
            const err = rt / decay - 1;
            if (Math.abs(err) > Math.abs(worst)) worst = err;
            expect(Math.abs(err), `decay ${decay} tone ${tone} dispersion ${dispersion}: ${rt}`).toBeLessThan(0.25);
          }
          rows.push(`${decay}s->${schroederRt60(ir.l, SR).toFixed(2)}/${schroederRt60(ir.r, SR).toFixed(2)}`);
        }
      }
    }
    console.log(`[spring] RT60 target->measured L/R: ${rows.join(' ')}; worst ${(100 * worst).toFixed(1)} %`);
  });

  it('stays bounded and finite for 60 s of full-scale noise at the longest decay, every dispersion', () => {
    let overall = 0;
    for (const dispersion of [0, 0.5, 1]) {
      const rev = new SpringReverb(SR);
      rev.set(10, 12000, dispersion);
      const rnd = mulberry32(5 + dispersion * 10);
      const noise = run(rev, () => 2 * rnd() - 1, 60 * SR);
      const peak = Math.max(maxAbs(noise.l), maxAbs(noise.r));
      expect(Number.isFinite(peak)).toBe(true);
      // The loop is energy-normalized: noise comes out near its input RMS (0.58), so a peak
      // of 4 (7x RMS) would mean the loop gain is creeping up.
      expect(peak, `dispersion ${dispersion}`).toBeLessThan(4);
      // Tail must have died down after the input stops (10 s decay: -60 dB in 10 s).
      const tail = run(rev, () => 0, 20 * SR);
      expect(Math.max(Math.abs(tail.l[tail.l.length - 1]), Math.abs(tail.r[tail.r.length - 1]))).toBeLessThan(1e-3 * peak);
      overall = Math.max(overall, peak);
    }
    console.log(`[spring] peak |out| for 60 s of full-scale noise at decay 10 s: ${overall.toFixed(3)}`);
  });

  it('stays bounded while every parameter jumps at control rate', () => {
    const rev = new SpringReverb(SR);
    const rnd = mulberry32(77);
    let peak = 0;
    for (let block = 0; block < (20 * SR) / 128; block++) {
      rev.set(0.2 + 9.8 * rnd(), 500 + 11500 * rnd(), rnd());
      const out = run(rev, () => 2 * rnd() - 1, 128);
      peak = Math.max(peak, maxAbs(out.l), maxAbs(out.r));
    }
    expect(peak).toBeLessThan(4);
    // Out-of-range and invalid settings are clamped, invalid input is dropped.
    rev.set(Number.NaN, -1, 7);
    rev.set(1e9, 1e9, Number.NaN);
    run(rev, (i) => (i === 0 ? Number.NaN : i === 1 ? Number.POSITIVE_INFINITY : 0), SR);
    const after = run(rev, () => 0, 128);
    expect(Number.isFinite(maxAbs(after.l)) && Number.isFinite(maxAbs(after.r))).toBe(true);
  });

  it('disperses: 3-4 kHz arrives > 1 ms after 200-800 Hz at dispersion 1, not at 0', () => {
    const gaps: string[] = [];
    for (const ch of ['l', 'r'] as const) {
      const g0 = bandArrivalGap(impulseResponse(2, 6000, 0, 8192)[ch]);
      const gHalf = bandArrivalGap(impulseResponse(2, 6000, 0.5, 8192)[ch]);
      const g1 = bandArrivalGap(impulseResponse(2, 6000, 1, 8192)[ch]);
      expect(Math.abs(g0)).toBeLessThan(1e-3);
      expect(g1).toBeGreaterThan(1e-3);
      expect(gHalf).toBeGreaterThan(Math.abs(g0));
      expect(g1).toBeGreaterThan(gHalf);
      gaps.push(`${ch}: ${(g0 * 1e3).toFixed(2)} / ${(gHalf * 1e3).toFixed(2)} / ${(g1 * 1e3).toFixed(2)} ms`);
    }
    console.log(`[spring] high-minus-low arrival at dispersion 0 / 0.5 / 1: ${gaps.join(', ')}`);
  });

  it('gives two different springs for L and R', () => {
    const ir = impulseResponse(2, 4000, 0.5, SR);
    let ll = 0;
    let rr = 0;
    let lr = 0;
    for (let i = 0; i < ir.l.length; i++) {
      ll += ir.l[i] * ir.l[i];
      rr += ir.r[i] * ir.r[i];
      lr += ir.l[i] * ir.r[i];
    }
    expect(Math.abs(lr) / Math.sqrt(ll * rr)).toBeLessThan(0.3);
    // ...with similar loudness.
    expect(Math.abs(10 * Math.log10(ll / rr))).toBeLessThan(1.5);
  });

  it('reset silences it (to the anti-denormal floor, below -300 dBFS)', () => {
    const rev = new SpringReverb(SR);
    run(rev, () => 1, 1000);
    rev.reset();
    const out = run(rev, () => 0, 5000);
    expect(Math.max(maxAbs(out.l), maxAbs(out.r))).toBeLessThan(1e-15);
  });
});
