import FFT from 'fft.js';
import type { Decibels, Frames, Hertz, NormalRange, Seconds } from '../../shared/units';
import { DEFAULT_ONSETS } from '../drums/calibration/onsets';

// Streaming analysis of a live mono input (a microphone or line in) into control values for the
// synth: a level envelope, a pitch with its confidence, and percussive onsets. Everything is
// preallocated in the constructor and push() runs sample by sample on fixed state, so the results
// are the same however the input is cut into chunks, and the audio thread never allocates.

/** Percussive onset detection: the same options, meaning and defaults as the offline detectOnsets. */
export interface OnsetDetectorOptions {
  /** Envelope follower release: long enough that a low drum's ringing does not ripple. */
  release: Seconds;
  /** An onset needs the envelope this many times above the noise floor. */
  ratio: number;
  /** Quieter than this (linear) is never an onset, whatever the floor. */
  floor: number;
  /** The onset's start is where the envelope first covers this fraction of its rise. */
  edge: NormalRange;
  /** Two onsets at least this far apart. */
  minGap: Seconds;
}

export interface AnalyserOptions {
  sampleRate: Hertz;
  /** Time constant of the envelope while the level rises (on the dB scale, see InputAnalyser). */
  attack: Seconds;
  /** Time constant of the envelope while the level falls. */
  release: Seconds;
  /** Pitch search range. */
  minPitch: Hertz;
  maxPitch: Hertz;
  /** Voiced when the pitch confidence is at least this... */
  voicedThreshold: NormalRange;
  /** ...and the level (dBFS) at least this. */
  gateDb: Decibels;
  onset: OnsetDetectorOptions;
}

export const DEFAULT_ANALYSER: Omit<AnalyserOptions, 'sampleRate'> = {
  attack: 0.005,
  release: 0.12,
  minPitch: 50,
  maxPitch: 1500,
  voicedThreshold: 0.8,
  gateDb: -50,
  onset: { ...DEFAULT_ONSETS },
};

export interface AnalyserReading {
  /** Level on a dB scale: -60 dBFS (and below) is 0, 0 dBFS (and above) is 1. Updated every sample. */
  envelope: NormalRange;
  /** The follower's level in dBFS (peak: a sine of amplitude 0.5 reads about -6); never below -90. */
  levelDb: Decibels;
  /** Fundamental of the last voiced analysis (held while unvoiced; 0 before anything was voiced). */
  pitch: Hertz;
  /** 1 - YIN aperiodicity at the latest analysis's chosen lag (0 for silence). */
  confidence: NormalRange;
  /** The latest analysis found a pitch: confidence >= voicedThreshold and level >= gateDb. */
  voiced: boolean;
}

export interface DetectedOnset {
  /** Absolute index of the onset's start (samples since the analyser began or was reset). */
  sample: number;
  /** Peak of the high-passed envelope within the hit (linear, full scale 1). */
  strength: number;
}

/** Input beyond this (and NaN) counts as 0. */
const SAMPLE_LIMIT = 1e6;
/** dBFS mapped to envelope 0 and 1. */
const ENVELOPE_BOTTOM_DB = -60;
const ENVELOPE_TOP_DB = 0;
/**
 * The follower's own floor, below the envelope's: in silence it falls toward this, so the
 * envelope reaches exactly 0 (in about one release time from a normal level) instead of creeping.
 */
const LEVEL_FLOOR_DB = -90;
const LEVEL_FLOOR_GAIN = Math.pow(10, LEVEL_FLOOR_DB / 20);
const DB_PER_LN = 20 / Math.LN10;
/**
 * The follower tracks the peak of the last this long: half a period of 50 Hz, so a steady tone
 * reads its peak level without ripple and the attack and release are plain one-pole curves.
 */
const PEAK_WINDOW: Seconds = 0.01;

/** The pitch path runs at no less than this rate, and with at least this many samples per period at maxPitch. */
const PITCH_RATE_MIN: Hertz = 11000;
const PITCH_PERIOD_MIN = 7;
/** Analysis hop at 48 kHz; scaled with the rate. */
const HOP_AT_48K: Frames = 256;
/** Anti-aliasing low-pass: stopband attenuation, and the transition band (fractions of the decimated rate) around its Nyquist. */
const DECIMATION_STOPBAND_DB = 60;
const DECIMATION_PASS = 0.375;
const DECIMATION_STOP = 0.625;
/** YIN's absolute threshold: the first dip of the normalised difference below this is the period. */
const YIN_THRESHOLD = 0.1;

/** Same as the offline detector (onsets.ts): how quickly an onset must double, and the high-pass ahead of the envelope. */
const RISE_WINDOW: Seconds = 0.01;
const ONSET_HIGH_PASS: Hertz = 40;
/** The streaming noise floor follows the envelope down at once and may rise by a factor of 2 per this long. */
const NOISE_DOUBLING: Seconds = 0.5;

/**
 * Live input analysis.
 *
 * - Envelope: the peak of the last 10 ms, in dB, through a one-pole follower (attack and release
 *   are time constants of the dB level, so of the reported envelope: the same release from any
 *   level). A steady sine of amplitude A reads 20 log10(A) dBFS.
 * - Pitch: YIN (cumulative-mean-normalised difference, parabolic interpolation) every `hop`
 *   samples on a copy low-passed and decimated to about 12 kHz, over a window of two periods of
 *   minPitch. The estimate describes the middle of the compared stretches, so it lags the input
 *   by about 1.5 periods of minPitch (30 ms with defaults).
 * - Onsets: the offline detector (drums/calibration/onsets.ts) run with a fixed delay of one rise
 *   window (10 ms), with a running noise floor (a minimum follower that rises slowly) in place of
 *   the recording's 20th percentile. An onset is reported 10 ms after the point where it was
 *   found (where the envelope doubled), which is within a millisecond of its start.
 */
export class InputAnalyser {
  /** The latest values. The same object every time: read it, do not keep or write it. */
  readonly reading: AnalyserReading = { envelope: 0, levelDb: LEVEL_FLOOR_DB, pitch: 0, confidence: 0, voiced: false };
  /** Input samples between pitch analyses. */
  readonly hop: Frames;
  /** Sample rate of the pitch path (after decimation). */
  readonly pitchRate: Hertz;

  private readonly o: AnalyserOptions;
  private consumed = 0;

  // Envelope.
  private readonly attackCoef: number;
  private readonly releaseCoef: number;
  private levelDb = LEVEL_FLOOR_DB;
  /** Sliding maximum of |x|: a monotonic deque (values falling from head to tail) in a ring. */
  private readonly peakWindow: number;
  private readonly peakValues: Float64Array;
  private readonly peakTimes: Float64Array;
  private peakHead = 0;
  private peakCount = 0;

  // Decimation: a doubled ring of the last `taps` inputs, so the FIR reads one contiguous run.
  private readonly decimation: number;
  private readonly fir: Float64Array;
  private readonly firRing: Float64Array;
  private firPos = 0;
  private phase = 0;

  // Pitch: a doubled ring of the last `frame` decimated samples, and YIN's work arrays.
  private readonly tauMin: number;
  private readonly tauMax: number;
  private readonly frame: number;
  /** Mean square of a sine peaking at the gate level: a stretch quieter than this holds no pitch. */
  private readonly gateMeanSquare: number;
  private readonly pitchRing: Float64Array;
  private pitchPos = 0;
  private readonly diff: Float64Array;
  private readonly norm: Float64Array;
  private readonly fft: FFT;
  private readonly fftSize: number;
  private readonly fftIn: Float64Array;
  private readonly fftOut: Float64Array;
  /** Running sums of the frame's squares: energy[j] = sum of x_i^2 for i < j. */
  private readonly energy: Float64Array;
  private sinceHop = 0;

  // Onsets.
  private readonly hpCoef: number;
  private readonly onsetRelease: number;
  private readonly back: number;
  private readonly gap: number;
  private readonly noiseRise: number;
  private readonly noiseMin: number;
  /** The onset envelope's last 2 * back values: position j's past and its next rise window. */
  private readonly envRing: Float64Array;
  private envPos = 0;
  private hpState = 0;
  private onsetEnv = 0;
  private noise = 0;
  private nextScan = 0;
  /** Reused for every callback: copy its fields to keep them. */
  private readonly onset: DetectedOnset = { sample: 0, strength: 0 };

  constructor(options: Partial<AnalyserOptions> & { sampleRate: Hertz }) {
    const o: AnalyserOptions = { ...DEFAULT_ANALYSER, ...options, onset: { ...DEFAULT_ANALYSER.onset, ...options.onset } };
    validate(o);
    this.o = o;
    const fs = o.sampleRate;

    this.attackCoef = 1 - Math.exp(-1 / (o.attack * fs));
    this.releaseCoef = 1 - Math.exp(-1 / (o.release * fs));
    this.peakWindow = Math.max(1, Math.round(PEAK_WINDOW * fs));
    this.peakValues = new Float64Array(this.peakWindow);
    this.peakTimes = new Float64Array(this.peakWindow);

    const decimation = Math.max(1, Math.floor(fs / Math.max(PITCH_RATE_MIN, PITCH_PERIOD_MIN * o.maxPitch)));
    this.decimation = decimation;
    this.pitchRate = fs / decimation;
    // A whole number of decimated samples per hop keeps every hop on a decimated sample.
    this.hop = decimation * Math.max(1, Math.round((HOP_AT_48K * fs) / 48000 / decimation));
    this.fir = decimationFilter(decimation);
    this.firRing = new Float64Array(2 * this.fir.length);

    // Lags up to one period of minPitch, integrated over one such period: two periods in all.
    this.tauMax = Math.ceil(this.pitchRate / o.minPitch);
    this.gateMeanSquare = Math.pow(10, o.gateDb / 10) / 2;
    this.tauMin = Math.max(2, Math.floor(this.pitchRate / o.maxPitch));
    this.frame = 2 * this.tauMax + 1;
    this.pitchRing = new Float64Array(2 * this.frame);
    this.diff = new Float64Array(this.tauMax + 2);
    this.norm = new Float64Array(this.tauMax + 2);
    // Lags reach the frame's end and no further, so a circular correlation of the frame's length
    // (rounded up to a power of two) never wraps.
    this.fftSize = 1 << Math.ceil(Math.log2(this.frame));
    this.fft = new FFT(this.fftSize);
    this.fftIn = new Float64Array(2 * this.fftSize);
    this.fftOut = new Float64Array(2 * this.fftSize);
    this.energy = new Float64Array(this.frame + 1);

    this.hpCoef = Math.exp((-2 * Math.PI * ONSET_HIGH_PASS) / fs);
    this.onsetRelease = Math.exp(-1 / (o.onset.release * fs));
    this.back = Math.max(1, Math.round(RISE_WINDOW * fs));
    this.gap = Math.round(o.onset.minGap * fs);
    this.noiseRise = Math.pow(2, 1 / (NOISE_DOUBLING * fs));
    // A floor below floor / ratio changes no threshold; keeping it above 0 lets it rise after digital silence.
    this.noiseMin = Math.max(o.onset.floor / o.onset.ratio, 1e-6);
    this.envRing = new Float64Array(2 * this.back);
    this.reset();
  }

  /** Samples consumed since construction or reset(). */
  get samples(): number {
    return this.consumed;
  }

  reset(): void {
    this.consumed = 0;
    this.levelDb = LEVEL_FLOOR_DB;
    this.peakHead = 0;
    this.peakCount = 0;
    this.firRing.fill(0);
    this.firPos = 0;
    this.phase = 0;
    this.pitchRing.fill(0);
    this.pitchPos = 0;
    this.sinceHop = 0;
    this.envRing.fill(0);
    this.envPos = 0;
    this.hpState = 0;
    this.onsetEnv = 0;
    this.noise = this.noiseMin;
    this.nextScan = 0;
    const r = this.reading;
    r.envelope = 0;
    r.levelDb = LEVEL_FLOOR_DB;
    r.pitch = 0;
    r.confidence = 0;
    r.voiced = false;
  }

  /**
   * Feeds samples (any length); calls onOnset for each confirmed onset, during this call, with a
   * reused object (copy its fields to keep them).
   */
  push(samples: Float32Array, onOnset?: (o: DetectedOnset) => void): void {
    const n = samples.length;
    if (n === 0) return;
    // Hot state in locals, written back at the end.
    const attack = this.attackCoef;
    const release = this.releaseCoef;
    let level = this.levelDb;
    const peakWindow = this.peakWindow;
    const peakValues = this.peakValues;
    const peakTimes = this.peakTimes;
    let peakHead = this.peakHead;
    let peakCount = this.peakCount;
    const fir = this.fir;
    const taps = fir.length;
    const half = (taps - 1) >> 1;
    const firRing = this.firRing;
    let firPos = this.firPos;
    let phase = this.phase;
    const decimation = this.decimation;
    const pitchRing = this.pitchRing;
    const frame = this.frame;
    let pitchPos = this.pitchPos;
    let sinceHop = this.sinceHop;
    const hop = this.hop;
    const hp = this.hpCoef;
    const onsetRelease = this.onsetRelease;
    const envRing = this.envRing;
    const ringSize = envRing.length;
    const back = this.back;
    let envPos = this.envPos;
    let lp = this.hpState;
    let env = this.onsetEnv;

    for (let s = 0; s < n; s++) {
      // A NaN or infinity (a broken driver) would stay in the filters' state for good: hear silence.
      const v = samples[s];
      const x = v < SAMPLE_LIMIT && v > -SAMPLE_LIMIT ? v : 0;
      const a = x < 0 ? -x : x;
      const i = this.consumed + s;

      // Envelope: the window's peak (drop what has left the window from the head, what is no
      // louder than the new sample from the tail), then a one-pole on its dB level.
      if (peakCount > 0 && peakTimes[peakHead] <= i - peakWindow) {
        peakHead = peakHead + 1 === peakWindow ? 0 : peakHead + 1;
        peakCount--;
      }
      while (peakCount > 0) {
        let tail = peakHead + peakCount - 1;
        if (tail >= peakWindow) tail -= peakWindow;
        if (peakValues[tail] > a) break;
        peakCount--;
      }
      let slot = peakHead + peakCount;
      if (slot >= peakWindow) slot -= peakWindow;
      peakValues[slot] = a;
      peakTimes[slot] = i;
      peakCount++;
      const peak = peakValues[peakHead];
      const db = peak > LEVEL_FLOOR_GAIN ? DB_PER_LN * Math.log(peak) : LEVEL_FLOOR_DB;
      level += (db > level ? attack : release) * (db - level);

      // Onset envelope, as in detectOnsets: one-pole high-pass, rectified, instant attack, exponential release.
      lp = x + hp * (lp - x);
      const h = x - lp;
      const ha = h < 0 ? -h : h;
      env = ha > env ? ha : env * onsetRelease;
      envRing[envPos] = env;
      envPos = envPos + 1 === ringSize ? 0 : envPos + 1;
      // Position j = i - back + 1 now has its next rise window (j .. i) in the ring.
      if (i >= back - 1) this.scanOnset(i - back + 1, envPos, onOnset);

      // Decimation: every input into the FIR's ring, a filtered sample every `decimation` inputs.
      firRing[firPos] = x;
      firRing[firPos + taps] = x;
      firPos = firPos + 1 === taps ? 0 : firPos + 1;
      if (++phase === decimation) {
        phase = 0;
        // The filter is symmetric: fold its halves, and keep two sums so the adds overlap.
        const mid = firPos + half;
        let y0 = fir[half] * firRing[mid];
        let y1 = 0;
        let k = 0;
        for (; k + 1 < half; k += 2) {
          y0 += fir[k] * (firRing[firPos + k] + firRing[firPos + taps - 1 - k]);
          y1 += fir[k + 1] * (firRing[firPos + k + 1] + firRing[firPos + taps - 2 - k]);
        }
        if (k < half) y0 += fir[k] * (firRing[firPos + k] + firRing[firPos + taps - 1 - k]);
        const y = y0 + y1;
        pitchRing[pitchPos] = y;
        pitchRing[pitchPos + frame] = y;
        pitchPos = pitchPos + 1 === frame ? 0 : pitchPos + 1;
      }

      if (++sinceHop === hop) {
        sinceHop = 0;
        this.pitchPos = pitchPos;
        this.levelDb = level;
        this.analyse();
      }
    }

    this.levelDb = level;
    this.peakHead = peakHead;
    this.peakCount = peakCount;
    this.firPos = firPos;
    this.phase = phase;
    this.pitchPos = pitchPos;
    this.sinceHop = sinceHop;
    this.envPos = envPos;
    this.hpState = lp;
    this.onsetEnv = env;
    this.consumed += n;
    this.reading.levelDb = level;
    this.reading.envelope = envelopeOf(level);
  }

  /**
   * One step of detectOnsets' scan at position j. `oldest` is the ring slot of sample j - back
   * (the slot the next sample will overwrite); slot oldest + back is j itself, and the ring holds
   * j - back .. j + back - 1.
   */
  private scanOnset(j: number, oldest: number, onOnset: ((o: DetectedOnset) => void) | undefined): void {
    const ring = this.envRing;
    const back = this.back;
    const size = ring.length;
    let at = oldest + back;
    if (at >= size) at -= size;
    const e = ring[at];
    const noise = this.noise;
    if (j < back) {
      // Warm-up: no rise window behind j yet; the floor starts from what is heard.
      this.noise = Math.max(e, this.noiseMin);
      return;
    }
    this.noise = Math.max(this.noiseMin, Math.min(e, noise * this.noiseRise));
    if (j < this.nextScan) return;
    const before = ring[oldest];
    const o = this.o.onset;
    if (e < o.floor || e < o.ratio * noise || e < 2 * before) return;
    // A hit: its peak within the rise window after j, its start where the envelope first covered
    // `edge` of the rise above what was there before (as detectOnsets).
    let peak = e;
    for (let k = 1, p = at + 1; k < back; k++, p++) {
      if (p === size) p = 0;
      if (ring[p] > peak) peak = ring[p];
    }
    const level = before + o.edge * (peak - before);
    let first = j;
    for (let k = 0, p = oldest; k <= back; k++, p++) {
      if (p === size) p = 0;
      if (ring[p] >= level) {
        first = j - back + k;
        break;
      }
    }
    this.nextScan = first + this.gap;
    if (onOnset) {
      this.onset.sample = first;
      this.onset.strength = peak;
      onOnset(this.onset);
    }
  }

  /** YIN on the last `frame` decimated samples; updates the reading. */
  private analyse(): void {
    const buf = this.pitchRing;
    const base = this.pitchPos; // oldest sample of the doubled ring
    const d = this.diff;
    const dn = this.norm;
    const w = this.tauMax;
    const last = this.tauMax + 1;
    // Difference function over lags 1 .. tauMax + 1 (the extra lag serves the interpolation),
    // d(tau) = sum_j (x_j - x_{j+tau})^2 over j < w, as energies minus twice the correlation of
    // the first w samples with the frame. One complex FFT carries both (the frame as real part,
    // its first w samples as imaginary part): a third of the direct sum's time.
    const size = this.fftSize;
    const z = this.fftIn;
    const frame = this.frame;
    const energy = this.energy;
    energy[0] = 0;
    for (let j = 0; j < frame; j++) {
      const v = buf[base + j];
      z[2 * j] = v;
      z[2 * j + 1] = j < w ? v : 0;
      energy[j + 1] = energy[j] + v * v;
    }
    z.fill(0, 2 * frame);
    const spectrum = this.fftOut;
    this.fft.transform(spectrum, z);
    // Split the two spectra (X of the frame from Z's conjugate-symmetric part, A of its start
    // from the antisymmetric part) and form conj(A) X, the spectrum of their correlation.
    const product = this.fftIn;
    for (let k = 0; k < size; k++) {
      const m = k === 0 ? 0 : size - k;
      const zr = spectrum[2 * k];
      const zi = spectrum[2 * k + 1];
      const wr = spectrum[2 * m];
      const wi = spectrum[2 * m + 1];
      product[2 * k] = 0.25 * ((zi + wi) * (zr + wr) - (zr - wr) * (zi - wi));
      product[2 * k + 1] = 0.25 * ((zi + wi) * (zi - wi) + (zr - wr) * (zr + wr));
    }
    const corr = this.fftOut;
    this.fft.inverseTransform(corr, product);
    const e0 = energy[w];
    for (let tau = 1; tau <= last; tau++) {
      const v = e0 + (energy[tau + w] - energy[tau]) - 2 * corr[2 * tau];
      d[tau] = v > 0 ? v : 0;
    }
    // Cumulative-mean normalisation: 1 where there is nothing to compare (silence).
    let run = 0;
    for (let tau = 1; tau <= last; tau++) {
      run += d[tau];
      dn[tau] = run > 0 ? (d[tau] * tau) / run : 1;
    }
    // The first dip below the threshold, else the deepest one.
    let best = -1;
    for (let tau = this.tauMin; tau <= this.tauMax; tau++) {
      if (dn[tau] < YIN_THRESHOLD) {
        while (tau < this.tauMax && dn[tau + 1] < dn[tau]) tau++;
        best = tau;
        break;
      }
    }
    if (best < 0) {
      best = this.tauMin;
      for (let tau = this.tauMin + 1; tau <= this.tauMax; tau++) if (dn[tau] < dn[best]) best = tau;
    }
    // Parabolic refinement of the lag on the raw difference (a sine's is a raised cosine, nearly
    // a parabola at its minimum); the aperiodicity from the normalised one's vertex.
    const shift = vertex(d[best - 1], d[best], d[best + 1]);
    const a = dn[best - 1];
    const b = dn[best];
    const c = dn[best + 1];
    const curve = a - 2 * b + c;
    const aperiodicity = curve > 0 ? b - ((a - c) * (a - c)) / (8 * curve) : b;
    const confidence = Math.min(1, Math.max(0, 1 - aperiodicity));
    const r = this.reading;
    r.levelDb = this.levelDb;
    r.envelope = envelopeOf(this.levelDb);
    r.confidence = confidence;
    // Both the compared stretch and the newest one must hold sound: a window half filled with the
    // tail of a note and half with silence has deep, meaningless dips (a "confident" wrong pitch).
    const gate = this.gateMeanSquare * w;
    const filled = e0 >= gate && energy[frame] - energy[frame - w] >= gate;
    r.voiced = filled && confidence >= this.o.voicedThreshold && this.levelDb >= this.o.gateDb;
    if (r.voiced) r.pitch = this.pitchRate / (best + shift);
  }
}

function envelopeOf(levelDb: number): NormalRange {
  const e = (levelDb - ENVELOPE_BOTTOM_DB) / (ENVELOPE_TOP_DB - ENVELOPE_BOTTOM_DB);
  return e <= 0 ? 0 : e >= 1 ? 1 : e;
}

/** Offset (-1..1) of the minimum of the parabola through (-1, a), (0, b), (1, c); 0 when it has none. */
function vertex(a: number, b: number, c: number): number {
  const curve = a - 2 * b + c;
  if (!(curve > 0)) return 0;
  const t = (a - c) / (2 * curve);
  return t < -1 ? -1 : t > 1 ? 1 : t;
}

/**
 * Kaiser-windowed sinc low-pass for decimation by `factor`: -6 dB at the decimated Nyquist, the
 * transition band symmetric around it, so what folds into the band below 0.375 of the decimated
 * rate is attenuated by the full stopband. Odd length, unity gain at DC.
 */
function decimationFilter(factor: number): Float64Array {
  if (factor === 1) return Float64Array.of(1);
  const cutoff = 0.5 / factor; // cycles per input sample
  const width = (2 * Math.PI * (DECIMATION_STOP - DECIMATION_PASS)) / factor; // radians per sample
  const beta = 0.1102 * (DECIMATION_STOPBAND_DB - 8.7);
  let length = Math.ceil((DECIMATION_STOPBAND_DB - 8) / (2.285 * width)) + 1;
  if (length % 2 === 0) length++;
  const h = new Float64Array(length);
  const mid = (length - 1) / 2;
  const i0Beta = besselI0(beta);
  let sum = 0;
  for (let k = 0; k < length; k++) {
    const t = k - mid;
    const sinc = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    const r = t / mid;
    h[k] = (sinc * besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r)))) / i0Beta;
    sum += h[k];
  }
  for (let k = 0; k < length; k++) h[k] /= sum;
  return h;
}

/** Zeroth-order modified Bessel function of the first kind, by its power series. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

function validate(o: AnalyserOptions): void {
  const need = (ok: boolean, name: string, rule: string, value: unknown): void => {
    if (!ok) throw new RangeError(`InputAnalyser: option ${name} must be ${rule}, got ${String(value)}`);
  };
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  need(finite(o.sampleRate) && o.sampleRate >= 8000 && o.sampleRate <= 384000, 'sampleRate', 'a rate in Hz between 8000 and 384000', o.sampleRate);
  need(finite(o.attack) && o.attack > 0, 'attack', 'a positive time in seconds', o.attack);
  need(finite(o.release) && o.release > 0, 'release', 'a positive time in seconds', o.release);
  need(finite(o.minPitch) && o.minPitch >= 20, 'minPitch', 'at least 20 Hz', o.minPitch);
  need(finite(o.maxPitch) && o.maxPitch > o.minPitch && o.maxPitch <= o.sampleRate / (2 * PITCH_PERIOD_MIN), 'maxPitch', `above minPitch and at most sampleRate / ${2 * PITCH_PERIOD_MIN} Hz`, o.maxPitch);
  need(finite(o.voicedThreshold) && o.voicedThreshold >= 0 && o.voicedThreshold <= 1, 'voicedThreshold', 'between 0 and 1', o.voicedThreshold);
  need(finite(o.gateDb), 'gateDb', 'a level in dBFS', o.gateDb);
  const t = o.onset;
  need(finite(t.release) && t.release > 0, 'onset.release', 'a positive time in seconds', t.release);
  need(finite(t.ratio) && t.ratio >= 1, 'onset.ratio', 'at least 1', t.ratio);
  need(finite(t.floor) && t.floor >= 0, 'onset.floor', 'a level of 0 or more', t.floor);
  need(finite(t.edge) && t.edge > 0 && t.edge <= 1, 'onset.edge', 'above 0 and at most 1', t.edge);
  need(finite(t.minGap) && t.minGap >= 0, 'onset.minGap', 'a time in seconds of 0 or more', t.minGap);
}
