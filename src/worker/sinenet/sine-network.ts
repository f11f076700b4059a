// A sine network playing on its own history (seed 002): a small fully connected feed-forward net
// with sine activations whose inputs are its own past raw outputs at lags 2^gap, 2^(gap+1), ...
// It runs in the engine worker, so process() never allocates: every array is made up front.

import { axonError } from '../../shared/errors';
import type { Hertz } from '../../shared/units';
import { bipolar, streamSeed } from '../random';
import { SINENET_LIMITS, sineNetDesignProblems, sineNetLags, sineNetParamCount, type SineNetDesign } from '../../shared/sinenet-design';

/** Level the emitted signal is steered to (RMS, -14 dBFS). */
export const SINENET_TARGET_RMS = 0.2;
/** Most the automatic gain amplifies (+20 dB), so a nearly still net stays nearly silent. */
export const SINENET_MAX_GAIN = 10;
/** Peak ceiling of the emitted signal. */
export const SINENET_CEILING = 0.98;
/** Corner of the DC-removing high-pass (2nd-order Butterworth). */
export const SINENET_HIGHPASS_HZ = 15;
/** Drift steps happen on this sample grid, so output does not depend on how calls are chunked. */
export const SINENET_DRIFT_INTERVAL = 32;
/** Amplitude of the seeded noise the history starts from (a zero history may sit still). */
export const SINENET_START_NOISE = 0.1;
/** Per-sample part of the start, independent for every chain (see fillStartHistory). */
export const SINENET_START_JITTER = 1e-4;

/** Time constant of the level follower (mean square) and of the gain glide. */
const LEVEL_TAU = 0.3;
const GAIN_TAU = 0.1;

const STREAM_WEIGHTS = 0;
const STREAM_HISTORY = 1;
const STREAM_DRIFT = 2;

export class SineNetwork {
  readonly design: Readonly<SineNetDesign>;
  readonly sampleRate: Hertz;
  /** Input lags in samples, input k reads the raw output lags[k] samples ago. */
  readonly lags: Int32Array;

  /** Layer sizes: inputs, hidden..., 1 output. */
  private readonly sizes: Int32Array;
  /** Weights layer by layer, node by node, input by input (row-major per layer). */
  private readonly w: Float64Array;
  private readonly b: Float64Array;
  private readonly w0: Float64Array;
  private readonly b0: Float64Array;
  private readonly actA: Float64Array;
  private readonly actB: Float64Array;
  /** Raw outputs: ring[pos] is the oldest one (lag = ring length), read before it is overwritten. */
  private readonly ring: Float64Array;
  private readonly mask: number;
  private pos = 0;
  private readonly rng = new Int32Array(1);
  private driftCountdown = SINENET_DRIFT_INTERVAL;
  /** Drift step scale: one step's standard deviation is drift * range * sqrt(interval / rate). */
  private readonly driftStep: number;

  // High-pass (transposed direct form II) coefficients and state.
  private readonly hb0: number;
  private readonly hb1: number;
  private readonly hb2: number;
  private readonly ha1: number;
  private readonly ha2: number;
  private hs1 = 0;
  private hs2 = 0;
  private primed = false;

  // Automatic gain.
  private readonly levelCoef: number;
  private readonly gainCoef: number;
  private meanSquare = 0;
  /** Samples the level has seen, up to levelCountEnd (where 1/n falls below levelCoef). */
  private levelCount = 0;
  private readonly levelCountEnd: number;
  private gainValue = 1;
  private lastRaw = 0;

  constructor(design: SineNetDesign, sampleRate: Hertz) {
    const problems = sineNetDesignProblems(design);
    if (problems.length > 0) throw axonError('sinenet_design', problems.join('; '));
    if (!(sampleRate > 0 && Number.isFinite(sampleRate))) throw axonError('sinenet_design', `sample rate must be positive, got ${sampleRate}`);
    this.design = Object.freeze({ ...design, hidden: [...design.hidden] });
    this.sampleRate = sampleRate;
    this.lags = Int32Array.from(sineNetLags(design));
    this.sizes = Int32Array.from([design.length, ...design.hidden, 1]);
    const { weights, biases } = sineNetParamCount(design);
    this.w0 = new Float64Array(weights);
    this.b0 = new Float64Array(biases);
    this.w = new Float64Array(weights);
    this.b = new Float64Array(biases);
    const widest = Math.max(...this.sizes);
    this.actA = new Float64Array(widest);
    this.actB = new Float64Array(widest);
    const ringLength = 2 ** (design.gap + design.length - 1);
    this.ring = new Float64Array(ringLength);
    this.mask = ringLength - 1;

    // Weights then biases from one stream; the starting history (reset()) from another.
    const st = new Int32Array([streamSeed(design.seed, STREAM_WEIGHTS)]);
    const uniform = (lo: number, hi: number) => lo + (hi - lo) * 0.5 * (bipolar(st, 0) + 1);
    for (let i = 0; i < weights; i++) this.w0[i] = uniform(design.weightMin, design.weightMax);
    for (let i = 0; i < biases; i++) this.b0[i] = uniform(design.biasMin, design.biasMax);

    this.driftStep = Math.sqrt(3) * Math.sqrt(SINENET_DRIFT_INTERVAL / sampleRate); // sqrt(3): a bipolar uniform has std 1/sqrt(3)

    const w0 = (2 * Math.PI * SINENET_HIGHPASS_HZ) / sampleRate;
    const cos = Math.cos(w0);
    const alpha = Math.sin(w0) / (2 * Math.SQRT1_2);
    const a0 = 1 + alpha;
    this.hb0 = (1 + cos) / 2 / a0;
    this.hb1 = -(1 + cos) / a0;
    this.hb2 = this.hb0;
    this.ha1 = (-2 * cos) / a0;
    this.ha2 = (1 - alpha) / a0;
    this.levelCoef = 1 - Math.exp(-1 / (LEVEL_TAU * sampleRate));
    this.levelCountEnd = Math.floor(1 / this.levelCoef);
    this.gainCoef = 1 - Math.exp(-1 / (GAIN_TAU * sampleRate));
    this.reset();
  }

  /** Back to the state right after construction: starting weights, history, filters and gain. */
  reset(): void {
    this.w.set(this.w0);
    this.b.set(this.b0);
    this.fillStartHistory();
    this.pos = 0;
    this.rng[0] = streamSeed(this.design.seed, STREAM_DRIFT);
    this.driftCountdown = SINENET_DRIFT_INTERVAL;
    this.hs1 = 0;
    this.hs2 = 0;
    this.primed = false;
    this.meanSquare = 0;
    this.levelCount = 0;
    this.gainValue = 1;
    this.lastRaw = 0;
  }

  /**
   * Seeded noise as the history before the first sample (a zero history may sit still). Inputs
   * sit 2^gap apart, so the samples split into 2^gap interleaved chains that never read each
   * other. Each noise value is held for 2^gap samples, so every chain starts nearly alike: a net
   * that settles into a cycle brings them into step and gap lowers the pitch (as in the seed);
   * the tiny per-sample jitter lets chaotic chains part, so chaos stays audible as such.
   * Regenerated rather than copied from a saved start: the ring can be 8 MiB.
   */
  private fillStartHistory(): void {
    const ring = this.ring;
    const st = this.rng;
    st[0] = streamSeed(this.design.seed, STREAM_HISTORY);
    const hold = 2 ** this.design.gap;
    for (let i = 0; i < ring.length; i += hold) ring.fill(SINENET_START_NOISE * bipolar(st, 0), i, i + hold);
    for (let i = 0; i < ring.length; i++) ring[i] += SINENET_START_JITTER * bipolar(st, 0);
  }

  /** Current weights (live view, for tests and displays; do not write). */
  get weights(): Float64Array {
    return this.w;
  }

  /** Current biases (live view). */
  get biases(): Float64Array {
    return this.b;
  }

  /** The raw (un-normalised) output `lag` samples ago, 1..longest lag; before any output, the seeded start. */
  history(lag: number): number {
    return this.ring[(this.pos - lag) & this.mask];
  }

  /** The last raw network output. */
  get raw(): number {
    return this.lastRaw;
  }

  /** Gain the level normaliser applies now. */
  get gain(): number {
    return this.gainValue;
  }

  /**
   * Fills out[0, len) with the emitted signal (DC removed, level normalised, |x| <= ceiling);
   * `rawOut`, when given, receives the raw network outputs (what goes into the history).
   * drift: random-walk rate of weights and biases, in fractions of their range per second
   * (RMS displacement after one second; 0 = frozen).
   */
  process(out: Float64Array, len: number, drift: number, rawOut?: Float64Array): void {
    const d = drift > 0 ? Math.min(drift, SINENET_LIMITS.maxDrift) : 0;
    // Runs of samples between drift steps, so the per-sample loop carries no drift bookkeeping
    // and the steps fall on the same sample grid however the calls are chunked.
    for (let s = 0; s < len; ) {
      const n = Math.min(len - s, this.driftCountdown);
      this.render(out, rawOut, s, s + n);
      s += n;
      this.driftCountdown -= n;
      if (this.driftCountdown === 0) {
        this.driftCountdown = SINENET_DRIFT_INTERVAL;
        if (d > 0) this.driftStepAll(d);
      }
    }
  }

  /** The network, high-pass and gain for samples [from, to). */
  private render(out: Float64Array, rawOut: Float64Array | undefined, from: number, to: number): void {
    const ring = this.ring;
    const mask = this.mask;
    const lags = this.lags;
    const sizes = this.sizes;
    const layers = sizes.length - 1;
    const nIn0 = sizes[0];
    const w = this.w;
    const b = this.b;
    const hb0 = this.hb0;
    const hb1 = this.hb1;
    const hb2 = this.hb2;
    const ha1 = this.ha1;
    const ha2 = this.ha2;
    const levelCoef = this.levelCoef;
    const gainCoef = this.gainCoef;
    const target2 = SINENET_TARGET_RMS * SINENET_TARGET_RMS;
    const quietest = target2 / (SINENET_MAX_GAIN * SINENET_MAX_GAIN);
    let pos = this.pos;
    let hs1 = this.hs1;
    let hs2 = this.hs2;
    let ms = this.meanSquare;
    let g = this.gainValue;
    let y = this.lastRaw;
    for (let s = from; s < to; s++) {
      let xin = this.actA;
      let xout = this.actB;
      for (let k = 0; k < nIn0; k++) xin[k] = ring[(pos - lags[k]) & mask];
      let wi = 0;
      let bi = 0;
      for (let l = 0; l < layers; l++) {
        const nIn = sizes[l];
        const nOut = sizes[l + 1];
        // Four nodes at a time: four independent sums keep the FPU busy where one sum would wait
        // on each add (2.5x faster); each node still adds its terms in order, bias first.
        let j = 0;
        for (; j + 3 < nOut; j += 4) {
          let a0 = b[bi];
          let a1 = b[bi + 1];
          let a2 = b[bi + 2];
          let a3 = b[bi + 3];
          const r1 = wi + nIn;
          const r2 = r1 + nIn;
          const r3 = r2 + nIn;
          for (let i = 0; i < nIn; i++) {
            const v = xin[i];
            a0 += w[wi + i] * v;
            a1 += w[r1 + i] * v;
            a2 += w[r2 + i] * v;
            a3 += w[r3 + i] * v;
          }
          xout[j] = Math.sin(a0);
          xout[j + 1] = Math.sin(a1);
          xout[j + 2] = Math.sin(a2);
          xout[j + 3] = Math.sin(a3);
          bi += 4;
          wi = r3 + nIn;
        }
        for (; j < nOut; j++) {
          let acc = b[bi++];
          for (let i = 0; i < nIn; i++) acc += w[wi + i] * xin[i];
          wi += nIn;
          xout[j] = Math.sin(acc);
        }
        const t = xin;
        xin = xout;
        xout = t;
      }
      y = xin[0];
      ring[pos] = y;
      pos = (pos + 1) & mask;
      if (rawOut !== undefined) rawOut[s] = y;

      // High-pass; primed on the first sample as if the net had always sat there, so an offset
      // start does not thump.
      if (!this.primed) {
        this.primed = true;
        hs1 = (hb1 + hb2) * y;
        hs2 = hb2 * y;
      }
      const h = hb0 * y + hs1;
      hs1 = hb1 * y - ha1 * h + hs2;
      hs2 = hb2 * y - ha2 * h;

      // Slow gain toward the target RMS, capped; instant reduction when a peak would pass the
      // ceiling. The level is a plain running mean until the exponential one has enough
      // history, so it is right within milliseconds of a start instead of a few time constants.
      const k = this.levelCount < this.levelCountEnd ? 1 / ++this.levelCount : levelCoef;
      ms += k * (h * h - ms);
      const want = ms > quietest ? SINENET_TARGET_RMS / Math.sqrt(ms) : SINENET_MAX_GAIN;
      g += gainCoef * (want - g);
      const a = Math.abs(h);
      if (a * g > SINENET_CEILING) {
        g = SINENET_CEILING / a;
        out[s] = h > 0 ? SINENET_CEILING : -SINENET_CEILING; // h * g could round one ulp above
      } else out[s] = h * g;
    }
    this.pos = pos;
    this.hs1 = hs1;
    this.hs2 = hs2;
    this.meanSquare = ms;
    this.gainValue = g;
    this.lastRaw = y;
  }

  /** One random-walk step of every weight and bias, reflected at the ends of its range. */
  private driftStepAll(drift: number): void {
    const dz = this.design;
    walk(this.w, dz.weightMin, dz.weightMax, drift * this.driftStep, this.rng);
    walk(this.b, dz.biasMin, dz.biasMax, drift * this.driftStep, this.rng);
  }
}

function walk(v: Float64Array, lo: number, hi: number, scale: number, rng: Int32Array): void {
  // The xorshift32 step of bipolar() (random.ts), inlined: the state stays in a register.
  const step = (scale * (hi - lo)) / 2147483648;
  if (step === 0) return;
  let r = rng[0];
  for (let i = 0; i < v.length; i++) {
    r ^= r << 13;
    r ^= r >>> 17;
    r ^= r << 5;
    let x = v[i] + step * r;
    if (x > hi) x = 2 * hi - x;
    if (x < lo) x = 2 * lo - x;
    // One reflection folds back any step below the range (0.19 of it at maxDrift and 44.1 kHz); the clamp is a backstop.
    v[i] = x > hi ? hi : x < lo ? lo : x;
  }
  rng[0] = r;
}
