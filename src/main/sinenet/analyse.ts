// Measures a rendered sine-network sound and judges it: most random nets are silent, sit on an
// offset, settle to a fixed point or hiss, and a pack should only keep the rest.

import FFT from 'fft.js';
import type { SineNetMetrics, SineNetVerdict } from '../../shared/sinenet-design';
import type { Hertz } from '../../shared/units';

// What is measured and the verdicts are declared with the design, so a UI can show them.
export { SINENET_VERDICTS, type SineNetMetrics, type SineNetVerdict } from '../../shared/sinenet-design';

/**
 * Thresholds of `verdict`, checked in this order (the first that applies wins). The batch judges
 * the raw network output (before DC removal and gain), so they describe what the net does.
 * Placed in gaps of the measured figures (2 x 300 random designs, batch seeds 7 and 11, 1 s):
 * - silent: rms < silentRms (-60 dBFS). No random net came near (lowest rms 0.015); it catches
 *   an all-zero net and a silent constructed signal.
 * - dc: |dc| >= dcMin and acRms < dcAcRatio * |dc|: an offset with at most a ripple 26 dB under
 *   it. Measured acRms/|dc| clusters below 0.015 (seed 7) / 0.047 (seed 11), next values 0.057 / 0.11.
 * - stuck: lateRms < stuckRms (-60 dBFS): whatever it did at first, the second half sits still.
 *   Nets that settle read 1e-15..4.6e-4, the quietest moving ones 3.7e-3 and up.
 * - noise: flatness >= noiseFlatness and zcrVariation < noiseZcrVariation: a steady hiss.
 *   White noise reads flatness 0.56 (e^-gamma for a periodogram) and zcrVariation 0.02; steady
 *   chaotic nets pile up at 0.45-0.57, tonal ones below 0.05. Flat nets whose zero-crossing rate
 *   varies 0.25-0.51 from frame to frame (bursts, rhythms) are kept; steady hiss stays <= 0.085.
 */
export const SINENET_THRESHOLDS = {
  silentRms: 1e-3,
  dcMin: 0.05,
  dcAcRatio: 0.05,
  stuckRms: 1e-3,
  noiseFlatness: 0.4,
  noiseZcrVariation: 0.15,
} as const;

/** Frame length for the spectral and zero-crossing measures: ~43 ms at any rate. */
function frameSize(sampleRate: Hertz): number {
  return 2 ** Math.round(Math.log2(sampleRate * (2048 / 48000)));
}

/** A frame this much quieter than -120 dBFS (mean square) has no timbre to measure. */
const FRAME_FLOOR = 1e-12;

export function analyse(samples: ArrayLike<number>, sampleRate: Hertz): SineNetMetrics {
  const n = samples.length;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    sum += samples[i];
    sq += samples[i] * samples[i];
  }
  const dc = n ? sum / n : 0;
  const rms = n ? Math.sqrt(sq / n) : 0;
  const acRms = acRmsOf(samples, 0, n);
  const lateRms = acRmsOf(samples, n >> 1, n);

  const size = frameSize(sampleRate);
  const hop = size >> 1;
  const fft = new FFT(size);
  const spectrum = fft.createComplexArray() as number[];
  const frame = new Float64Array(size);
  const window = new Float64Array(size);
  for (let i = 0; i < size; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
  let flatSum = 0;
  const zcrs: number[] = [];
  for (let start = 0; start + size <= n; start += hop) {
    let m = 0;
    for (let i = 0; i < size; i++) m += samples[start + i];
    m /= size;
    let energy = 0;
    let crossings = 0;
    let prev = samples[start] - m;
    for (let i = 0; i < size; i++) {
      const v = samples[start + i] - m;
      energy += v * v;
      if ((v < 0) !== (prev < 0)) crossings++;
      prev = v;
      frame[i] = v * window[i];
    }
    if (energy / size < FRAME_FLOOR) continue;
    fft.realTransform(spectrum, frame);
    // Bins 1..size/2-1: DC and Nyquist are real-only and would bias the means.
    let logSum = 0;
    let powSum = 0;
    const bins = size / 2 - 1;
    const floor = (energy / size) * 1e-20; // keeps log() finite for exact zeros without moving real figures
    for (let k = 1; k <= bins; k++) {
      const p = spectrum[2 * k] * spectrum[2 * k] + spectrum[2 * k + 1] * spectrum[2 * k + 1] + floor;
      logSum += Math.log(p);
      powSum += p;
    }
    flatSum += Math.exp(logSum / bins) / (powSum / bins);
    zcrs.push(crossings / (size - 1));
  }
  const flatness = zcrs.length ? flatSum / zcrs.length : 0;
  let zcrVariation = 0;
  if (zcrs.length > 1) {
    const mean = zcrs.reduce((a, b) => a + b, 0) / zcrs.length;
    const variance = zcrs.reduce((a, z) => a + (z - mean) * (z - mean), 0) / zcrs.length;
    zcrVariation = mean > 0 ? Math.sqrt(variance) / mean : 0;
  }
  return { rms, dc, acRms, flatness, zcrVariation, lateRms };
}

function acRmsOf(x: ArrayLike<number>, from: number, to: number): number {
  const n = to - from;
  if (n <= 0) return 0;
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i];
  const m = sum / n;
  let sq = 0;
  for (let i = from; i < to; i++) sq += (x[i] - m) * (x[i] - m);
  return Math.sqrt(sq / n);
}

export function verdict(m: SineNetMetrics): SineNetVerdict {
  const t = SINENET_THRESHOLDS;
  if (m.rms < t.silentRms) return 'silent';
  if (Math.abs(m.dc) >= t.dcMin && m.acRms < t.dcAcRatio * Math.abs(m.dc)) return 'dc';
  if (m.lateRms < t.stuckRms) return 'stuck';
  if (m.flatness >= t.noiseFlatness && m.zcrVariation < t.noiseZcrVariation) return 'noise';
  return 'keep';
}
