import { describe, expect, it } from 'vitest';
import type { Synth } from '../../src/worker/dsp/synth';
import { MAX_SOURCE_OSCILLATORS } from '../../src/worker/dsp/synth';
import { SHAPE_SAW, SHAPE_SINE, SHAPE_SQUARE, SHAPE_TRIANGLE, WavetableBank } from '../../src/worker/dsp/wavetable';
import { TABLE_LEVELS, TABLE_SIZE } from '../../src/worker/kernels/synth-layout';
import { fitSine, toDb, worstNonHarmonic } from './measure';
import { sharedSynth, renderOsc } from './synth-harness';

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

/** Source oscillator under test (0 is the voice's). */
const OSC = 1;

/** One synth per sample rate, shared by the tests; every render starts from a reset oscillator. */
function synthAt(sampleRate: number): Synth {
  return sharedSynth(sampleRate);
}

/** A fresh oscillator (phase 0, mip selection recomputed) rendering `length` samples. */
function render(freq: number, morph: number, sampleRate: number, length: number): Float64Array {
  const synth = synthAt(sampleRate);
  synth.resetOscillator(OSC, 0);
  return renderOsc(synth, OSC, freq, morph, length);
}

function renderPulse(freq: number, width: number, sampleRate: number, length: number): Float64Array {
  const synth = synthAt(sampleRate);
  synth.resetOscillator(OSC, 0);
  return renderOsc(synth, OSC, freq, width, length, true);
}

/** One sample of oscillator OSC from phase p. */
function sampleAt(synth: Synth, p: number, freq: number, shape: number, pulse = false): number {
  synth.resetOscillator(OSC, p);
  synth.freq[0] = freq;
  synth.shape[0] = shape;
  synth.oscillator(OSC, 1, pulse);
  return synth.oscOut[0];
}

const MORPHS = [1, 2, 3, 0.5, 1.5, 2.5, 2.25];

describe('WavetableBank', () => {
  it('is built once and shared', () => {
    expect(WavetableBank.shared()).toBe(bank);
    expect(bank.tables.length).toBe(4 * TABLE_LEVELS);
    for (const t of bank.tables) expect(t.length).toBe(TABLE_SIZE + 1);
  });

  it('is what the kernel reads: every shape and mip level, copied at the right stride', () => {
    // At l = log2(Nyquist / f) = L exactly the kernel reads level L-1 alone (the upper level's
    // weight is 0); at 0 Hz it reads the top level; at a phase k / SIZE it reads sample k exactly.
    const sampleRate = 48000;
    const synth = synthAt(sampleRate);
    let worst = 0;
    for (let shape = 0; shape < 4; shape++) {
      for (let level = 0; level < TABLE_LEVELS; level++) {
        const table = bank.tables[shape * TABLE_LEVELS + level];
        const f = level === TABLE_LEVELS - 1 ? 0 : sampleRate / 2 / 2 ** (level + 1);
        for (const k of [0, 1, 17, 511, 1024, 2047, 2900, TABLE_SIZE - 1]) {
          const got = sampleAt(synth, k / TABLE_SIZE, f, shape);
          worst = Math.max(worst, Math.abs(got - table[k]));
        }
      }
    }
    expect(worst).toBe(0);
  });
});

describe('Synth oscillators', () => {
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
    const synth = synthAt(sampleRate);
    let worst = 0;
    // L = 11 is the edge below which every table harmonic fits (top level alone).
    for (let L = 1; L <= TABLE_LEVELS; L++) {
      const edge = sampleRate / 2 / 2 ** L;
      for (const morph of [1, 2, 3, 1.5]) {
        for (let k = 0; k < 64; k++) {
          const p = (k + 0.37) / 64;
          const below = sampleAt(synth, p, edge * (1 - 1e-7), morph);
          const above = sampleAt(synth, p, edge * (1 + 1e-7), morph);
          worst = Math.max(worst, Math.abs(above - below));
        }
      }
      for (const width of [0.3, 0.5]) {
        for (let k = 0; k < 64; k++) {
          const p = (k + 0.37) / 64;
          const below = sampleAt(synth, p, edge * (1 - 1e-7), width, true);
          const above = sampleAt(synth, p, edge * (1 + 1e-7), width, true);
          worst = Math.max(worst, Math.abs(above - below));
        }
      }
    }
    // A switch between non-adjacent tables would jump by a whole octave of partials (>1e-2).
    expect(worst).toBeLessThan(1e-5);
    console.log(`[osc] largest step across a mip boundary ${worst.toExponential(2)}`);
  });

  it('has no jumps larger than the waveform slope allows during a 20 Hz..20 kHz sweep', () => {
    const sampleRate = 48000;
    const synth = synthAt(sampleRate);
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
      // The frequency changes every sample, inside the kernel's blocks.
      synth.resetOscillator(OSC, 0);
      const y = renderOsc(synth, OSC, freqAt, morph, len);
      let bound = 0;
      for (let n = 1; n < len; n++) {
        // f moves by 0.7 % per block: take the larger end and 1 % headroom.
        if ((n - 1) % block === 0) bound = 1.01 * Math.max(slopeBound(freqAt(n - 1)), slopeBound(freqAt(n - 1 + block)));
        const step = Math.abs(y[n] - y[n - 1]);
        const excess = step - bound;
        if (excess > worstExcess) worstExcess = excess;
        if (!(excess <= 1e-4)) expect.fail(`step ${step} > ${bound} (morph ${morph} at ${freqAt(n).toFixed(1)} Hz)`);
      }
    }
    console.log(`[osc] sweep continuity: largest step minus allowed slope ${worstExcess.toExponential(2)}`);
  });

  it('makes pulses with zero mean and the requested duty', () => {
    const sampleRate = 48000;
    const f = 100; // 480 samples per period
    const period = 480;
    let worstMean = 0;
    let worstDuty = 0;
    for (const width of [0.1, 0.25, 0.5, 0.8]) {
      const y = renderPulse(f, width, sampleRate, 10 * period);
      let mean = 0;
      let above = 0;
      const mid = 1 - 2 * width; // halfway between the levels 2 - 2w and -2w
      for (let n = 0; n < y.length; n++) {
        mean += y[n];
        if (y[n] > mid) above++;
      }
      mean /= y.length;
      worstMean = Math.max(worstMean, Math.abs(mean));
      worstDuty = Math.max(worstDuty, Math.abs(above / y.length - width));
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
    console.log(`[osc] pulse: worst |mean| ${worstMean.toExponential(2)}, worst duty error ${worstDuty.toFixed(4)}`);
  });

  it('keeps the pulse alias-free too', () => {
    const y = renderPulse(997.3, 0.3, 48000, 65536);
    const r = worstNonHarmonic(y, 997.3, 48000, 0, 65536);
    expect(r.worstDb).toBeLessThan(-60);
    console.log(`[osc] pulse 997.3 Hz width 0.3: worst non-harmonic ${r.worstDb.toFixed(1)} dB`);
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
    const sine = render(50, 0, 48000, 960);
    expect(sine[0]).toBe(0);
    expect(sine[240]).toBeCloseTo(1, 6);
  });

  it('holds at 0 Hz, runs backwards at negative frequency and survives NaN', () => {
    const synth = synthAt(48000);
    // 0 Hz: the output holds the value at phase 0.3, and the phase is exactly where it was.
    synth.resetOscillator(OSC, 0.3);
    const held = renderOsc(synth, OSC, 0, 2, 100);
    for (let n = 1; n < held.length; n++) expect(held[n]).toBe(held[0]);
    const after = renderOsc(synth, OSC, 440, 2, 256);
    synth.resetOscillator(OSC, 0.3);
    const fresh = renderOsc(synth, OSC, 440, 2, 256);
    expect(Array.from(after)).toEqual(Array.from(fresh));

    const fwd = render(997.3, 2, 48000, 65536);
    const rev = render(-997.3, 2, 48000, 65536);
    const rf = worstNonHarmonic(fwd, 997.3, 48000, 0, 65536);
    const rr = worstNonHarmonic(rev, 997.3, 48000, 0, 65536);
    expect(rr.worstDb).toBeLessThan(-60);
    expect(Math.abs(toDb(rr.fundamental / rf.fundamental))).toBeLessThan(0.01);
    // Backwards from phase 0 through an odd waveform: the forward signal negated.
    let mirror = 0;
    for (let n = 0; n < fwd.length; n++) mirror = Math.max(mirror, Math.abs(fwd[n] + rev[n]));
    expect(mirror).toBeLessThan(1e-9);

    // NaN / Inf frequency and NaN shape: finite output, phase held (valid and unchanged).
    synth.resetOscillator(OSC, 0.3);
    const bad = [
      ...renderOsc(synth, OSC, Number.NaN, Number.NaN, 8),
      ...renderOsc(synth, OSC, Number.POSITIVE_INFINITY, Number.NaN, 8, true),
      ...renderOsc(synth, OSC, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 8),
    ];
    for (const v of bad) expect(Number.isFinite(v)).toBe(true);
    const recovered = renderOsc(synth, OSC, 440, 2, 256);
    expect(Array.from(recovered)).toEqual(Array.from(fresh));
    console.log(`[osc] reverse run: fundamental ${toDb(rr.fundamental / rf.fundamental).toFixed(4)} dB re forward, |fwd + rev| <= ${mirror.toExponential(2)}`);
  });

  it('is silent above Nyquist', () => {
    const y = render(30000, 2, 48000, 512);
    for (const v of y) expect(Math.abs(v)).toBe(0);
    const p = renderPulse(-25000, 0.5, 48000, 512);
    for (const v of p) expect(Math.abs(v)).toBe(0);
  });

  it('keeps every oscillator independent (and the voice oscillator apart)', () => {
    const synth = synthAt(48000);
    const solo = (o: number, f: number, m: number): Float64Array => {
      synth.resetOscillator(o, 0);
      return renderOsc(synth, o, f, m, 4096);
    };
    const a = solo(1, 311.1, 2);
    const b = solo(2, 1777, 0.8);
    const c = solo(MAX_SOURCE_OSCILLATORS, 5003, 3);
    // Interleaved block by block, sharing the freq / shape / out scratch.
    for (const o of [0, 1, 2, MAX_SOURCE_OSCILLATORS]) synth.resetOscillator(o, 0);
    const ya = new Float64Array(4096);
    const yb = new Float64Array(4096);
    const yc = new Float64Array(4096);
    for (let i = 0; i < 4096; i += 64) {
      ya.set(renderOsc(synth, 1, 311.1, 2, 64), i);
      renderOsc(synth, 0, 9000, 1, 64); // the voice's oscillator, not to disturb the others
      yb.set(renderOsc(synth, 2, 1777, 0.8, 64), i);
      yc.set(renderOsc(synth, MAX_SOURCE_OSCILLATORS, 5003, 3, 64), i);
    }
    expect(Array.from(ya)).toEqual(Array.from(a));
    expect(Array.from(yb)).toEqual(Array.from(b));
    expect(Array.from(yc)).toEqual(Array.from(c));
  });
});
