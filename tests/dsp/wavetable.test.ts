import { describe, expect, it } from 'vitest';
import {
  MorphOsc,
  SHAPE_SAW,
  SHAPE_SINE,
  SHAPE_SQUARE,
  SHAPE_TRIANGLE,
  WavetableBank,
} from '../../src/worker/dsp/wavetable';
import { fitSine, toDb, worstNonHarmonic } from './measure';

const bank = WavetableBank.shared();

/** Ideal Fourier-series sine coefficients (phase 0 = rising zero crossing of the fundamental). */
function ideal(shape: number, h: number): number {
  const odd = h % 2 === 1;
  switch (shape) {
    case SHAPE_SINE:
      return h === 1 ? 1 : 0;
    case SHAPE_TRIANGLE:
      return odd ? ((((h - 1) / 2) % 2 === 0 ? 1 : -1) * 8) / (Math.PI ** 2 * h * h) : 0;
    case SHAPE_SAW:
      return ((odd ? 1 : -1) * 2) / (Math.PI * h);
    case SHAPE_SQUARE:
      return odd ? 4 / (Math.PI * h) : 0;
    default:
      throw new Error('shape');
  }
}

/** Coefficient at `morph` (crossfade of neighbours). */
function idealMorph(morph: number, h: number): number {
  const i = Math.min(2, Math.floor(morph));
  const f = morph - i;
  return (1 - f) * ideal(i, h) + f * ideal(i + 1, h);
}

/**
 * Designed band-limit weight of harmonic h at f: with l = log2(Nyquist / f), harmonics up to
 * 2^(floor(l)-1) are full and those up to 2^floor(l) are faded in by frac(l).
 */
function bandWeight(h: number, f: number, sampleRate: number): number {
  const l = Math.log2(sampleRate / 2 / f);
  const top = WavetableBank.MAX_LEVEL;
  if (l >= top + 1) return h <= 2 ** top ? 1 : 0;
  const L = Math.floor(l);
  if (L < 1) return h === 1 ? 1 : 0;
  if (h <= 2 ** (L - 1)) return 1;
  if (h <= 2 ** L) return l - L;
  return 0;
}

function render(freq: number, morph: number, sampleRate: number, length: number): Float64Array {
  const osc = new MorphOsc(bank, sampleRate);
  const y = new Float64Array(length);
  for (let n = 0; n < length; n++) y[n] = osc.process(freq, morph);
  return y;
}

const MORPHS = [1, 2, 3, 0.5, 1.5, 2.5, 2.25];

describe('WavetableBank', () => {
  it('is built once and shared', () => {
    expect(WavetableBank.shared()).toBe(bank);
  });
});

describe('MorphOsc', () => {
  it('matches the band-limited Fourier series at exactly 1 kHz / 48 kHz (error energy < -60 dB)', () => {
    // Here every alias folds onto a harmonic, so compare each harmonic (and DC) with its ideal value.
    const sampleRate = 48000;
    const f = 1000;
    const len = 4800; // 100 whole periods
    let worst = -Infinity;
    for (const morph of [...MORPHS, 0]) {
      const y = render(f, morph, sampleRate, len);
      const fund = Math.abs(idealMorph(morph, 1));
      let mean = 0;
      for (let n = 0; n < len; n++) mean += y[n];
      mean /= len;
      let err = mean * mean;
      for (let h = 1; h <= 24; h++) {
        const fit = fitSine(y, h * f, sampleRate, 0, len);
        const want = h < 24 ? bandWeight(h, f, sampleRate) * idealMorph(morph, h) : 0;
        err += (fit.s - want) ** 2 + fit.c ** 2;
      }
      const db = 10 * Math.log10(err / (fund * fund));
      worst = Math.max(worst, db);
      expect(db, `morph ${morph}`).toBeLessThan(-60);
    }
    console.log(`[osc] 1 kHz/48 kHz harmonic error energy, worst ${worst.toFixed(1)} dB re fundamental`);
  });

  it('keeps every non-harmonic component below -60 dB at non-integer ratios', () => {
    let worst = -Infinity;
    let worstAt = '';
    for (const [f, sampleRate] of [
      [997.3, 48000],
      [1013.7, 48000],
      [1000, 44100],
    ]) {
      for (const morph of MORPHS) {
        const y = render(f, morph, sampleRate, 65536);
        const r = worstNonHarmonic(y, f, sampleRate, 0, 65536);
        if (r.worstDb > worst) {
          worst = r.worstDb;
          worstAt = `morph ${morph} at ${f} Hz / ${sampleRate} (${r.worstHz.toFixed(0)} Hz)`;
        }
        expect(r.worstDb, `morph ${morph} at ${f} Hz / ${sampleRate}`).toBeLessThan(-60);
      }
    }
    console.log(`[osc] worst non-harmonic component ${worst.toFixed(1)} dB re fundamental, ${worstAt}`);
  });

  it('never puts a harmonic above Nyquist across the whole range (incl. both sides of every mip boundary)', () => {
    const sampleRate = 48000;
    const freqs: number[] = [];
    for (let i = 0; i < 24; i++) freqs.push(100 * Math.pow(150, i / 23)); // 100 Hz .. 15 kHz
    for (let L = 1; L <= 7; L++) {
      const edge = sampleRate / 2 / 2 ** L;
      freqs.push(edge * 0.999, edge * 1.001);
    }
    let worst = -Infinity;
    for (const f of freqs) {
      for (const morph of [2, 3]) {
        const y = render(f, morph, sampleRate, 16384);
        const r = worstNonHarmonic(y, f, sampleRate, 0, 16384);
        worst = Math.max(worst, r.worstDb);
        expect(r.worstDb, `morph ${morph} at ${f.toFixed(1)} Hz`).toBeLessThan(-60);
      }
    }
    console.log(`[osc] sweep 100 Hz..15 kHz: worst non-harmonic ${worst.toFixed(1)} dB`);
  });

  it('changes timbre continuously across mip boundaries (same phase, frequency nudged across)', () => {
    const sampleRate = 48000;
    const osc = new MorphOsc(bank, sampleRate);
    let worst = 0;
    for (let L = 1; L <= 10; L++) {
      const edge = sampleRate / 2 / 2 ** L;
      for (const morph of [1, 2, 3, 1.5]) {
        for (let k = 0; k < 64; k++) {
          const p = (k + 0.37) / 64;
          osc.reset(p);
          const below = osc.process(edge * (1 - 1e-7), morph);
          osc.reset(p);
          const above = osc.process(edge * (1 + 1e-7), morph);
          worst = Math.max(worst, Math.abs(above - below));
        }
      }
    }
    // A switch between non-adjacent tables would jump by a whole octave of partials (>1e-2).
    expect(worst).toBeLessThan(1e-5);
  });

  it('has no jumps larger than the waveform slope allows during a 20 Hz..20 kHz sweep', () => {
    const sampleRate = 48000;
    const len = 2 * sampleRate;
    const block = 16;
    const freqAt = (n: number): number => 20 * Math.pow(1000, n / len);
    let worstExcess = -Infinity;
    for (const morph of [0, 1, 2, 3, 1.7]) {
      const i = Math.min(2, Math.floor(morph));
      const fr = morph - i;
      // Largest possible one-sample change of the band-limited series at f:
      // sum over partials of |coefficient| * |e^(j 2 pi h f / fs) - 1|.
      const slopeBound = (f: number): number => {
        let bound = 0;
        const hMax = Math.min(1024, Math.floor(sampleRate / 2 / f));
        for (let h = 1; h <= hMax; h++) {
          const c = (1 - fr) * Math.abs(ideal(i, h)) + fr * Math.abs(ideal(i + 1, h));
          bound += c * 2 * Math.abs(Math.sin((Math.PI * h * f) / sampleRate));
        }
        return bound;
      };
      const osc = new MorphOsc(bank, sampleRate);
      let prev = osc.process(freqAt(0), morph);
      let bound = 0;
      for (let n = 1; n < len; n++) {
        // f moves by 0.7 % per block: take the larger end and 1 % headroom.
        if ((n - 1) % block === 0) bound = 1.01 * Math.max(slopeBound(freqAt(n - 1)), slopeBound(freqAt(n - 1 + block)));
        const y = osc.process(freqAt(n), morph);
        const excess = Math.abs(y - prev) - bound;
        if (excess > worstExcess) worstExcess = excess;
        if (excess > 1e-4) expect.fail(`step ${Math.abs(y - prev)} > ${bound} (morph ${morph} at ${freqAt(n).toFixed(1)} Hz)`);
        prev = y;
      }
    }
    console.log(`[osc] sweep continuity: largest step minus allowed slope ${worstExcess.toExponential(2)}`);
  });

  it('makes pulses with zero mean and the requested duty', () => {
    const sampleRate = 48000;
    const f = 100; // 480 samples per period
    const period = 480;
    for (const width of [0.1, 0.25, 0.5, 0.8]) {
      const osc = new MorphOsc(bank, sampleRate);
      const y = new Float64Array(10 * period);
      for (let n = 0; n < y.length; n++) y[n] = osc.processPulse(f, width);
      let mean = 0;
      let above = 0;
      const mid = 1 - 2 * width; // halfway between the levels 2 - 2w and -2w
      for (let n = 0; n < y.length; n++) {
        mean += y[n];
        if (y[n] > mid) above++;
      }
      mean /= y.length;
      expect(Math.abs(mean), `width ${width}`).toBeLessThan(1e-3);
      expect(Math.abs(above / y.length - width), `width ${width}`).toBeLessThan(0.005);
      // Plateaus at the DC-free levels (middle half of each plateau, past the ringing).
      let hi = 0;
      let lo = 0;
      const hiFrom = Math.round(period * width * 0.25);
      const hiTo = Math.round(period * width * 0.75);
      const loFrom = Math.round(period * (width + (1 - width) * 0.25));
      const loTo = Math.round(period * (width + (1 - width) * 0.75));
      for (let n = hiFrom; n < hiTo; n++) hi += y[period + n];
      for (let n = loFrom; n < loTo; n++) lo += y[period + n];
      expect(hi / (hiTo - hiFrom)).toBeCloseTo(2 - 2 * width, 1);
      expect(lo / (loTo - loFrom)).toBeCloseTo(-2 * width, 1);
    }
  });

  it('keeps the pulse alias-free too', () => {
    const y = new Float64Array(65536);
    const osc = new MorphOsc(bank, 48000);
    for (let n = 0; n < y.length; n++) y[n] = osc.processPulse(997.3, 0.3);
    expect(worstNonHarmonic(y, 997.3, 48000, 0, 65536).worstDb).toBeLessThan(-60);
  });

  it('has the ideal shapes: peaks near +-1, in phase with the sine', () => {
    const y = render(50, 1, 48000, 960); // triangle: peak +1 at a quarter period
    expect(y[240]).toBeCloseTo(1, 2);
    expect(y[720]).toBeCloseTo(-1, 2);
    const saw = render(50, 2, 48000, 960);
    expect(saw[240]).toBeCloseTo(0.5, 2);
    const sq = render(50, 3, 48000, 960);
    expect(sq[240]).toBeCloseTo(1, 2);
    expect(sq[720]).toBeCloseTo(-1, 2);
    let peak = 0;
    for (const v of saw) peak = Math.max(peak, Math.abs(v));
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThan(1.2); // Gibbs overshoot only
  });

  it('holds at 0 Hz, runs backwards at negative frequency and survives NaN', () => {
    const osc = new MorphOsc(bank, 48000);
    osc.reset(0.3);
    const a = osc.process(0, 2);
    const b = osc.process(0, 2);
    expect(a).toBe(b);
    expect(osc.phase).toBe(0.3);

    const fwd = render(997.3, 2, 48000, 65536);
    const rev = render(-997.3, 2, 48000, 65536);
    const rf = worstNonHarmonic(fwd, 997.3, 48000, 0, 65536);
    const rr = worstNonHarmonic(rev, 997.3, 48000, 0, 65536);
    expect(rr.worstDb).toBeLessThan(-60);
    expect(Math.abs(toDb(rr.fundamental / rf.fundamental))).toBeLessThan(0.01);

    osc.process(Number.NaN, Number.NaN);
    osc.processPulse(Number.POSITIVE_INFINITY, Number.NaN);
    expect(Number.isFinite(osc.process(440, 2))).toBe(true);
    expect(osc.phase).toBeGreaterThanOrEqual(0);
    expect(osc.phase).toBeLessThan(1);
  });
});
