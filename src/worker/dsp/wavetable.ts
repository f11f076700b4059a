import type { Hertz, NormalRange } from '../../shared/units';

export const SHAPE_SINE = 0,
  SHAPE_TRIANGLE = 1,
  SHAPE_SAW = 2,
  SHAPE_SQUARE = 3;

const SHAPES = 4;
const SIZE = 4096; // power of two: harmonic phases index the sine table with a mask
const MAX_LEVEL = 10; // level L holds harmonics 1..2^L; 2^10 covers 20 kHz down to ~20 Hz
const LEVELS = MAX_LEVEL + 1;

/**
 * Sine-series coefficient of harmonic h (for sin(2*pi*h*phase)) of each shape's ideal
 * Fourier series. All shapes share the sine's phase: 0 at phase 0, rising, so morphing never
 * cancels the fundamental. Saw: 2*phase on (-0.5, 0.5), jump at phase 0.5.
 * Square: +1 on (0, 0.5). Triangle: peak +1 at phase 0.25.
 */
function coefficient(shape: number, h: number): number {
  switch (shape) {
    case SHAPE_SINE:
      return h === 1 ? 1 : 0;
    case SHAPE_TRIANGLE:
      return h % 2 === 1 ? ((((h - 1) / 2) % 2 === 0 ? 1 : -1) * 8) / (Math.PI * Math.PI * h * h) : 0;
    case SHAPE_SAW:
      return ((h % 2 === 1 ? 1 : -1) * 2) / (Math.PI * h);
    default:
      return h % 2 === 1 ? 4 / (Math.PI * h) : 0;
  }
}

/**
 * Band-limited single-cycle tables for every shape, one per mip level. Levels are defined by
 * harmonic count, not frequency, so one bank serves every sample rate.
 */
export class WavetableBank {
  static readonly SIZE = SIZE;
  static readonly MAX_LEVEL = MAX_LEVEL;
  private static instance: WavetableBank | null = null;

  /** tables[shape * LEVELS + level], each SIZE + 1 long (guard point = first sample). */
  readonly tables: Float32Array[];

  static shared(): WavetableBank {
    if (WavetableBank.instance === null) WavetableBank.instance = new WavetableBank();
    return WavetableBank.instance;
  }

  private constructor() {
    const sin = new Float64Array(SIZE);
    for (let k = 0; k < SIZE; k++) sin[k] = Math.sin((2 * Math.PI * k) / SIZE);
    this.tables = new Array<Float32Array>(SHAPES * LEVELS);

    // Every sine level is the same single partial: share one table.
    const sineTable = new Float32Array(SIZE + 1);
    for (let k = 0; k < SIZE; k++) sineTable[k] = sin[k];
    sineTable[SIZE] = sineTable[0];
    for (let level = 0; level < LEVELS; level++) this.tables[SHAPE_SINE * LEVELS + level] = sineTable;

    // Additive synthesis, accumulating each level on top of the previous one.
    const acc = new Float64Array(SIZE);
    for (let shape = 1; shape < SHAPES; shape++) {
      acc.fill(0);
      let built = 0;
      for (let level = 0; level < LEVELS; level++) {
        const top = 1 << level;
        for (let h = built + 1; h <= top; h++) {
          const c = coefficient(shape, h);
          if (c === 0) continue;
          // (h * k) mod SIZE is exact integer phase: no accumulated rounding.
          for (let k = 0; k < SIZE; k++) acc[k] += c * sin[(h * k) & (SIZE - 1)];
        }
        built = top;
        const t = new Float32Array(SIZE + 1);
        for (let k = 0; k < SIZE; k++) t[k] = acc[k];
        t[SIZE] = t[0];
        this.tables[shape * LEVELS + level] = t;
      }
    }
  }
}

/**
 * Band-limited oscillator with a continuous sine -> triangle -> saw -> square morph.
 *
 * With Hmax = Nyquist / |freq| and l = log2(Hmax), tables floor(l)-1 and floor(l) are blended
 * by frac(l): the newest octave of harmonics fades in as the pitch falls, so the timbre moves
 * continuously and no partial ever passes Nyquist. Negative frequency runs the phase backwards
 * (through-zero FM) with the band limit of |freq|; 0 Hz holds the phase.
 */
export class MorphOsc {
  phase = 0;

  private readonly tables: Float32Array[];
  private readonly invSampleRate: number;
  private readonly nyquist: Hertz;
  // Mip selection cached for the last |freq|.
  private lastAbsFreq = -1;
  private loLevel = MAX_LEVEL;
  private hiLevel = MAX_LEVEL;
  private hiWeight = 1;
  private audible = 1;

  constructor(bank: WavetableBank, sampleRate: Hertz) {
    this.tables = bank.tables;
    this.invSampleRate = 1 / sampleRate;
    this.nyquist = 0.5 * sampleRate;
  }

  process(freq: Hertz, morph: number): number {
    const inc = this.select(freq);
    let m = morph;
    if (!(m > 0)) m = 0;
    else if (m > 3) m = 3;
    let shape = Math.floor(m);
    if (shape > 2) shape = 2;
    const f = m - shape;
    const p = this.phase;
    let y = this.read(shape, p);
    if (f > 0) y += f * (this.read(shape + 1, p) - y);
    this.advance(inc);
    return y * this.audible;
  }

  processPulse(freq: Hertz, width: NormalRange): number {
    const inc = this.select(freq);
    let w = width;
    if (!(w >= 0.01)) w = 0.01;
    else if (w > 0.99) w = 0.99;
    // saw(phase - w + 0.5) - saw(phase + 0.5): high (2 - 2w) on (0, w), low (-2w) elsewhere,
    // i.e. the +-1 pulse minus its DC (2w - 1).
    let a = this.phase - w + 0.5;
    if (a < 0) a += 1;
    else if (a >= 1) a -= 1;
    let b = this.phase + 0.5;
    if (b >= 1) b -= 1;
    const y = this.read(SHAPE_SAW, a) - this.read(SHAPE_SAW, b);
    this.advance(inc);
    return y * this.audible;
  }

  reset(phase = 0): void {
    let p = phase - Math.floor(phase);
    if (!(p >= 0 && p < 1)) p = 0;
    this.phase = p;
  }

  /** Updates the mip selection for `freq` and returns the phase increment. */
  private select(freq: Hertz): number {
    let inc = freq * this.invSampleRate;
    if (!(inc > -1e6 && inc < 1e6)) inc = 0; // NaN / Inf hold the phase
    const af = inc < 0 ? -freq : inc === 0 ? 0 : freq;
    if (af !== this.lastAbsFreq) {
      this.lastAbsFreq = af;
      const l = Math.log2(this.nyquist / af); // +Infinity at 0 Hz
      this.audible = 1;
      if (l >= MAX_LEVEL + 1) {
        this.loLevel = MAX_LEVEL;
        this.hiLevel = MAX_LEVEL;
        this.hiWeight = 1;
      } else if (l >= 1) {
        const L = Math.floor(l);
        this.loLevel = L - 1;
        this.hiLevel = L;
        this.hiWeight = l - L;
      } else {
        // Only the fundamental fits; above Nyquist even that would alias, so go silent.
        this.loLevel = 0;
        this.hiLevel = 0;
        this.hiWeight = 1;
        if (!(l >= 0)) this.audible = 0;
      }
    }
    return inc;
  }

  /** Mip-blended, linearly interpolated table read of `shape` at phase p in [0, 1). */
  private read(shape: number, p: number): number {
    const pos = p * SIZE;
    const i = pos | 0;
    const fr = pos - i;
    const base = shape * LEVELS;
    const lo = this.tables[base + this.loLevel];
    const vLo = lo[i] + fr * (lo[i + 1] - lo[i]);
    if (this.hiLevel === this.loLevel) return vLo;
    const hi = this.tables[base + this.hiLevel];
    const vHi = hi[i] + fr * (hi[i + 1] - hi[i]);
    return vLo + this.hiWeight * (vHi - vLo);
  }

  private advance(inc: number): void {
    let p = this.phase + inc;
    if (p >= 1 || p < 0) {
      p -= Math.floor(p);
      if (p >= 1) p = 0; // rounding of tiny negative phases
    }
    this.phase = p;
  }
}
