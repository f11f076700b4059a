// Shared measuring helpers for the DSP tests: deterministic noise, sine fitting, spectra, RT60.
import FFT from 'fft.js';

/** Seeded PRNG, uniform in [0, 1): the project's own. */
export { mulberry32 } from '../../src/worker/random';

export const toDb = (x: number): number => 20 * Math.log10(x);

export interface SineFit {
  amplitude: number;
  /** Coefficients of sin and cos: x ~ s*sin(wt) + c*cos(wt), t counted from `start`. */
  s: number;
  c: number;
}

/**
 * Amplitude of the `freq` component of x[start .. start+length) by correlation with sin/cos.
 * Exact when the segment spans a whole number of periods.
 */
export function fitSine(x: ArrayLike<number>, freq: number, sampleRate: number, start: number, length: number): SineFit {
  const w = (2 * Math.PI * freq) / sampleRate;
  let s = 0;
  let c = 0;
  for (let n = 0; n < length; n++) {
    const v = x[start + n];
    s += v * Math.sin(w * n);
    c += v * Math.cos(w * n);
  }
  s *= 2 / length;
  c *= 2 / length;
  return { amplitude: Math.hypot(s, c), s, c };
}

/** 4-term Blackman-Harris window (sidelobes below -92 dB). */
export function blackmanHarris(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = (2 * Math.PI * i) / n;
    w[i] = 0.35875 - 0.48829 * Math.cos(p) + 0.14128 * Math.cos(2 * p) - 0.01168 * Math.cos(3 * p);
  }
  return w;
}

/**
 * Windowed magnitude spectrum of x[start .. start+size), bins 0..size/2, scaled so a sine of
 * amplitude A centred on a bin reads A.
 */
export function magnitudeSpectrum(x: ArrayLike<number>, start: number, size: number): Float64Array {
  const win = blackmanHarris(size);
  let wsum = 0;
  for (let i = 0; i < size; i++) wsum += win[i];
  const input = new Float64Array(size);
  for (let i = 0; i < size; i++) input[i] = x[start + i] * win[i];
  const fft = new FFT(size);
  const out = fft.createComplexArray() as number[];
  fft.realTransform(out, input);
  const mag = new Float64Array(size / 2 + 1);
  for (let k = 0; k <= size / 2; k++) mag[k] = (2 * Math.hypot(out[2 * k], out[2 * k + 1])) / wsum;
  return mag;
}

export interface SpurReport {
  fundamental: number; // linear amplitude of the fundamental peak
  worstDb: number; // largest component outside every harmonic, dB re fundamental
  worstHz: number;
}

/**
 * Largest spectral component that is not a harmonic of f0 (and not DC): with a
 * Blackman-Harris window, bins more than `guard` bins from every k*f0 can only hold aliases
 * or noise.
 */
export function worstNonHarmonic(x: ArrayLike<number>, f0: number, sampleRate: number, start: number, size: number, guard = 6): SpurReport {
  const mag = magnitudeSpectrum(x, start, size);
  const binHz = sampleRate / size;
  const excluded = new Uint8Array(mag.length);
  for (let k = 0; k <= guard; k++) excluded[k] = 1;
  for (let h = 1; h * f0 < sampleRate / 2 + guard * binHz; h++) {
    const centre = Math.round((h * f0) / binHz);
    for (let k = centre - guard; k <= centre + guard; k++) if (k >= 0 && k < mag.length) excluded[k] = 1;
  }
  const c1 = Math.round(f0 / binHz);
  let fundamental = 0;
  for (let k = c1 - 2; k <= c1 + 2; k++) fundamental = Math.max(fundamental, mag[k]);
  let worst = 0;
  let worstBin = 0;
  for (let k = 0; k < mag.length; k++) {
    if (!excluded[k] && mag[k] > worst) {
      worst = mag[k];
      worstBin = k;
    }
  }
  return { fundamental, worstDb: toDb(worst / fundamental), worstHz: worstBin * binHz };
}

/**
 * RT60 by Schroeder backward integration of the energy, with a least-squares line through the
 * decay curve between `fromDb` and `toDb`.
 */
export function schroederRt60(ir: ArrayLike<number>, sampleRate: number, fromDb = -5, toDb_ = -35): number {
  const n = ir.length;
  const edc = new Float64Array(n);
  let acc = 0;
  for (let i = n - 1; i >= 0; i--) {
    acc += ir[i] * ir[i];
    edc[i] = acc;
  }
  const total = edc[0];
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const db = 10 * Math.log10(edc[i] / total);
    if (db > fromDb) continue;
    if (db < toDb_) break;
    const t = i / sampleRate;
    sx += t;
    sy += db;
    sxx += t * t;
    sxy += t * db;
    count++;
  }
  const slope = (count * sxy - sx * sy) / (count * sxx - sx * sx); // dB per second
  return -60 / slope;
}

/**
 * x[start .. start+size) band-passed between lo and hi Hz via FFT, with a Hann-shaped passband
 * (a brick wall would ring for the whole buffer and smear time measurements).
 */
export function bandPass(x: ArrayLike<number>, start: number, size: number, sampleRate: number, lo: number, hi: number): Float64Array {
  const fft = new FFT(size);
  const input = new Float64Array(size);
  for (let i = 0; i < size; i++) input[i] = start + i < x.length ? x[start + i] : 0;
  const spec = fft.createComplexArray() as number[];
  fft.realTransform(spec, input);
  fft.completeSpectrum(spec);
  const binHz = sampleRate / size;
  for (let k = 0; k < size; k++) {
    const f = (k <= size / 2 ? k : size - k) * binHz;
    const w = f <= lo || f >= hi ? 0 : 0.5 - 0.5 * Math.cos((2 * Math.PI * (f - lo)) / (hi - lo));
    spec[2 * k] *= w;
    spec[2 * k + 1] *= w;
  }
  const out = fft.createComplexArray() as number[];
  fft.inverseTransform(out, spec);
  const y = new Float64Array(size);
  for (let i = 0; i < size; i++) y[i] = out[2 * i];
  return y;
}

/** Energy-weighted mean time (seconds) of x[from .. to). */
export function energyCentroid(x: ArrayLike<number>, sampleRate: number, from: number, to: number): number {
  let e = 0;
  let et = 0;
  for (let i = from; i < to; i++) {
    const p = x[i] * x[i];
    e += p;
    et += p * i;
  }
  return et / e / sampleRate;
}
