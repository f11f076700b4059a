import { TABLE_LEVELS, TABLE_SHAPES, TABLE_SIZE } from '../kernels/synth-layout';

export const SHAPE_SINE = 0,
  SHAPE_TRIANGLE = 1,
  SHAPE_SAW = 2,
  SHAPE_SQUARE = 3;

const SHAPES = TABLE_SHAPES;
const SIZE = TABLE_SIZE; // power of two: harmonic phases index the sine table with a mask
const LEVELS = TABLE_LEVELS; // level L holds harmonics 1..2^L; 2^10 covers 20 kHz down to ~20 Hz
const MAX_LEVEL = LEVELS - 1;

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
