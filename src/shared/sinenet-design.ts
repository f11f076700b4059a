// The design of a sine network playing on its own history (seed 002): what a patch, a sample
// pack and the engine share. The network itself is src/worker/sinenet/sine-network.ts.

export interface SineNetDesign {
  /** Seeds the weights, the biases, the starting history and the drift (0..2^32-1). */
  seed: number;
  /** Number of inputs, 1..16: lags 2^gap, 2^(gap+1), ..., 2^(gap+length-1). */
  length: number;
  /** 0..12: the first lag is 2^gap samples (0 = the previous sample). */
  gap: number;
  /** Widths of the hidden layers (0..4 layers, each 1..64 nodes). */
  hidden: number[];
  weightMin: number;
  weightMax: number;
  biasMin: number;
  biasMax: number;
}

export const SINENET_LIMITS = {
  length: { min: 1, max: 16 },
  gap: { min: 0, max: 12 },
  layers: { max: 4 },
  width: { min: 1, max: 64 },
  /** |weight| and |bias| bounds: keeps every sum finite, so sin() never sees Infinity. */
  magnitude: 1000,
  /**
   * The longest lag is 2^(gap+length-1) and the history ring holds that many samples. 2^20
   * (8 MiB of float64, 21.8 s at 48 kHz) is the most a source may preallocate; gap 12 with
   * length 16 (2^27, 1 GiB) would not fit, so gap + length - 1 must stay <= 20.
   */
  maxLagExponent: 20,
  /** Fastest drift: one step (every 32 samples) then moves a weight up to 0.19 of its range at 44.1 kHz. */
  maxDrift: 4,
} as const;

/**
 * Sounds for seed 1 (a harmonic buzz at about 215 Hz) and is kept by the judge for seeds 1..8. Weights within +-0.75 rather
 * than +-1: at +-1 this shape is chaotic (white noise) for all of seeds 1..8; gap 4 (lags 16..2048)
 * brings the pitch down from the 7-30 kHz hash of gap 0 into a playable range.
 */
export const SINENET_DEFAULT: Readonly<SineNetDesign> = Object.freeze({
  seed: 1,
  length: 8,
  gap: 4,
  hidden: Object.freeze([16, 16]) as number[],
  weightMin: -0.75,
  weightMax: 0.75,
  biasMin: -1,
  biasMax: 1,
});

const isInt = (v: unknown, min: number, max: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isBound = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= SINENET_LIMITS.magnitude;

/** Problems with a design, one sentence each (empty when it is valid). */
export function sineNetDesignProblems(d: SineNetDesign): string[] {
  const p = sineNetFieldProblems(d);
  return p.length > 0 ? p : sineNetSpanProblems(d);
}

/** Problems of single fields: types and ranges. */
export function sineNetFieldProblems(d: SineNetDesign): string[] {
  const p: string[] = [];
  const L = SINENET_LIMITS;
  if (!isInt(d.seed, 0, 0xffffffff)) p.push(`seed must be a whole number 0..4294967295, got ${String(d.seed)}`);
  if (!isInt(d.length, L.length.min, L.length.max)) p.push(`length must be a whole number ${L.length.min}..${L.length.max}, got ${String(d.length)}`);
  if (!isInt(d.gap, L.gap.min, L.gap.max)) p.push(`gap must be a whole number ${L.gap.min}..${L.gap.max}, got ${String(d.gap)}`);
  if (!Array.isArray(d.hidden) || d.hidden.length > L.layers.max) p.push(`hidden must list at most ${L.layers.max} layer widths`);
  else
    d.hidden.forEach((w, i) => {
      if (!isInt(w, L.width.min, L.width.max)) p.push(`hidden[${i}] must be a whole number ${L.width.min}..${L.width.max}, got ${String(w)}`);
    });
  for (const key of ['weightMin', 'weightMax', 'biasMin', 'biasMax'] as const) {
    if (!isBound(d[key])) p.push(`${key} must be a finite number within +-${L.magnitude}, got ${String(d[key])}`);
  }
  return p;
}

/** Problems that span fields of a design whose fields are each valid. */
export function sineNetSpanProblems(d: SineNetDesign): string[] {
  const p: string[] = [];
  const L = SINENET_LIMITS;
  if (d.gap + d.length - 1 > L.maxLagExponent)
    p.push(`gap + length - 1 must be at most ${L.maxLagExponent} (longest lag 2^${L.maxLagExponent} samples), got ${d.gap + d.length - 1}`);
  if (d.weightMin > d.weightMax) p.push(`weight range is empty: weightMin ${d.weightMin} > weightMax ${d.weightMax}`);
  if (d.biasMin > d.biasMax) p.push(`bias range is empty: biasMin ${d.biasMin} > biasMax ${d.biasMax}`);
  return p;
}

/** The input lags of a design, in samples (1 = the previous sample). */
export function sineNetLags(d: Pick<SineNetDesign, 'length' | 'gap'>): number[] {
  return Array.from({ length: d.length }, (_, k) => 2 ** (d.gap + k));
}

/** Number of weights and biases of a design's network. */
export function sineNetParamCount(d: Pick<SineNetDesign, 'length' | 'hidden'>): { weights: number; biases: number } {
  const sizes = [d.length, ...d.hidden, 1];
  let weights = 0;
  let biases = 0;
  for (let l = 1; l < sizes.length; l++) {
    weights += sizes[l - 1] * sizes[l];
    biases += sizes[l];
  }
  return { weights, biases };
}

/** A full design from the fields given (a patch source, a pack entry), SINENET_DEFAULT for the rest. */
export function sineNetDesignOf(fields: Partial<SineNetDesign>): SineNetDesign {
  const d = SINENET_DEFAULT;
  return {
    seed: fields.seed ?? d.seed,
    length: fields.length ?? d.length,
    gap: fields.gap ?? d.gap,
    hidden: [...(fields.hidden ?? d.hidden)],
    weightMin: fields.weightMin ?? d.weightMin,
    weightMax: fields.weightMax ?? d.weightMax,
    biasMin: fields.biasMin ?? d.biasMin,
    biasMax: fields.biasMax ?? d.biasMax,
  };
}

/** What a batch measures of a rendered sound (src/main/sinenet/analyse.ts). */
export interface SineNetMetrics {
  /** RMS of the whole signal (offset included). */
  rms: number;
  /** Mean (DC offset). */
  dc: number;
  /** RMS around the mean (the part that moves). */
  acRms: number;
  /** Spectral flatness (geometric over arithmetic mean of the power spectrum), mean over frames, 0..1. */
  flatness: number;
  /** Standard deviation over mean of the per-frame zero-crossing rate (0 = steady timbre). */
  zcrVariation: number;
  /** RMS around the mean of the second half. */
  lateRms: number;
}

export type SineNetVerdict = 'keep' | 'silent' | 'dc' | 'stuck' | 'noise';
export const SINENET_VERDICTS: readonly SineNetVerdict[] = ['keep', 'silent', 'dc', 'stuck', 'noise'];
