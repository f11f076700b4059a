import FFT from 'fft.js';
import type { Hertz } from '../../shared/units';

const FRAME = 512;
const HOP = 256;
const BANDS = 26;
const COEFFS = 13;

const melOf = (f: number) => 2595 * Math.log10(1 + f / 700);
const hzOf = (m: number) => 700 * (10 ** (m / 2595) - 1);

/** MFCC frames (13 coefficients, 26 mel bands, 512-sample Hann frames, hop 256). */
export function mfcc(x: Float32Array | Float64Array, sampleRate: Hertz): Float64Array[] {
  const fft = new FFT(FRAME);
  const input = new Array<number>(FRAME).fill(0);
  const spectrum = fft.createComplexArray() as number[];
  const window = Float64Array.from({ length: FRAME }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / FRAME));
  // Triangular mel filters over the FFT bins, 20 Hz .. Nyquist.
  const edges = Array.from({ length: BANDS + 2 }, (_, i) => hzOf(melOf(20) + ((melOf(sampleRate / 2) - melOf(20)) * i) / (BANDS + 1)));
  const bins = edges.map((f) => (f / sampleRate) * FRAME);
  const frames: Float64Array[] = [];
  for (let start = 0; start + FRAME <= x.length; start += HOP) {
    for (let i = 0; i < FRAME; i++) input[i] = x[start + i] * window[i];
    fft.realTransform(spectrum, input);
    const power = new Float64Array(FRAME / 2 + 1);
    for (let k = 0; k <= FRAME / 2; k++) power[k] = spectrum[2 * k] ** 2 + spectrum[2 * k + 1] ** 2;
    const logMel = new Float64Array(BANDS);
    for (let b = 0; b < BANDS; b++) {
      let e = 0;
      for (let k = Math.floor(bins[b]); k <= Math.ceil(bins[b + 2]) && k <= FRAME / 2; k++) {
        const w = k < bins[b + 1] ? (k - bins[b]) / (bins[b + 1] - bins[b]) : (bins[b + 2] - k) / (bins[b + 2] - bins[b + 1]);
        if (w > 0) e += w * power[k];
      }
      logMel[b] = Math.log(e + 1e-10);
    }
    const c = new Float64Array(COEFFS);
    for (let q = 0; q < COEFFS; q++) for (let b = 0; b < BANDS; b++) c[q] += logMel[b] * Math.cos((Math.PI * q * (b + 0.5)) / BANDS);
    frames.push(c);
  }
  return frames;
}

/** Mean Euclidean distance between MFCC frames of two sounds (over the shorter one). */
export function mfccDistance(a: Float32Array | Float64Array, b: Float32Array | Float64Array, sampleRate: Hertz): number {
  const fa = mfcc(a, sampleRate);
  const fb = mfcc(b, sampleRate);
  const n = Math.min(fa.length, fb.length);
  if (n === 0) return Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.sqrt(fa[i].reduce((s, v, q) => s + (v - fb[i][q]) ** 2, 0));
  return sum / n;
}
