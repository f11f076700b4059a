import type { Hertz } from '../../shared/units';

// Band-limited resampling by direct windowed-sinc interpolation: every output sample is the
// input convolved with a Kaiser-windowed sinc low-pass centred on the output's time. One kernel
// shape serves every rate pair; only its time scale changes with min(from, to).

/** Stopband attenuation the kernel is designed for (the tests ask for 80 dB; keep a margin). */
const STOPBAND_DB = 90;
/**
 * Transition band as a fraction of the lower Nyquist frequency: the passband ends at 90 % of it
 * and the stopband starts exactly at it, so nothing above the lower Nyquist folds back (down)
 * or shows up as an image (up).
 */
const TRANSITION = 0.1;
/** -6 dB point of the low-pass, as a fraction of the lower Nyquist: the middle of the transition. */
const CUTOFF = 1 - TRANSITION / 2;
/** Kernel table entries per zero crossing of the sinc; linear interpolation between them errs < -120 dB. */
const TABLE_STEPS = 1024;

// Kaiser's design rules (Oppenheim & Schafer): beta for the attenuation, and the length in
// zero crossings, which depends only on cutoff / transition width, not on the sample rates.
const BETA = 0.1102 * (STOPBAND_DB - 8.7);
const HALF_ZERO_CROSSINGS = Math.ceil(((STOPBAND_DB - 7.95) / 14.36) * (CUTOFF / TRANSITION));

let kernelTable: Float64Array | undefined;

/**
 * Resample `input` from `from` Hz to `to` Hz. Output length is round(input.length * to / from);
 * samples before the start and after the end count as silence. Returns a copy when from === to.
 */
export function resample(input: Float32Array, from: Hertz, to: Hertz): Float32Array {
  if (!(from > 0 && to > 0 && Number.isFinite(from) && Number.isFinite(to))) {
    throw new RangeError(`resample needs positive finite sample rates, got ${from} Hz -> ${to} Hz`);
  }
  if (from === to) return input.slice();

  const table = (kernelTable ??= buildKernelTable());
  const outLength = Math.round((input.length * to) / from);
  const out = new Float32Array(outLength);
  // Cutoff in cycles per input sample; the kernel's zero crossings are 1 / (2 fc) input samples apart.
  const fc = (CUTOFF * Math.min(from, to)) / 2 / from;
  const crossingsPerSample = 2 * fc;
  const halfWidth = HALF_ZERO_CROSSINGS / crossingsPerSample; // in input samples
  const step = from / to; // input samples per output sample

  for (let n = 0; n < outLength; n++) {
    const t = n * step; // this output sample's time, in input samples
    const first = Math.max(0, Math.ceil(t - halfWidth));
    const last = Math.min(input.length - 1, Math.floor(t + halfWidth));
    let acc = 0;
    for (let k = first; k <= last; k++) {
      // Position on the table: |t - k| in zero crossings, times the table's resolution.
      const x = Math.abs(t - k) * crossingsPerSample * TABLE_STEPS;
      const i = Math.floor(x);
      const frac = x - i;
      acc += input[k] * (table[i] + frac * (table[i + 1] - table[i]));
    }
    // The continuous kernel integrates to 1/(2 fc) input samples; scale for unity gain at DC.
    out[n] = acc * crossingsPerSample;
  }
  return out;
}

/** sinc(u) * kaiser(u) for u = 0 .. HALF_ZERO_CROSSINGS in 1/TABLE_STEPS steps, plus a zero guard entry. */
function buildKernelTable(): Float64Array {
  const size = HALF_ZERO_CROSSINGS * TABLE_STEPS;
  const table = new Float64Array(size + 2); // [size] is the window's zero end, [size + 1] guards i + 1
  const i0Beta = besselI0(BETA);
  for (let i = 0; i <= size; i++) {
    const u = i / TABLE_STEPS;
    const sinc = i === 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
    const r = u / HALF_ZERO_CROSSINGS;
    const window = besselI0(BETA * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
    table[i] = sinc * window;
  }
  return table;
}

/** Zeroth-order modified Bessel function of the first kind, by its power series. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200 && term > sum * 1e-17; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}
