/** Options for cutting a sound into grains. */
export interface SliceOptions {
  /** Shortest grain in samples; shorter pieces join the next one. */
  minLength: number;
  /** At most this many grains (from the start). */
  maxCount: number;
}

export const DEFAULT_SLICE: SliceOptions = { minLength: 9, maxCount: 150 };

/**
 * Cuts a sound into grains at its negative-going zero crossings (Kiefer 2019), so every grain
 * starts where the wave crosses zero downwards and grains join without a step.
 */
export function sliceGrains(signal: Float32Array, opts: SliceOptions = DEFAULT_SLICE): Float32Array[] {
  return grainBounds(signal, opts).map(([start, end]) => signal.slice(start, end));
}

/** Where sliceGrains cuts: [start, end) sample indices of each grain (what a UI draws). */
export function grainBounds(signal: ArrayLike<number>, opts: SliceOptions = DEFAULT_SLICE): [number, number][] {
  const cuts: number[] = [];
  for (let i = 1; i < signal.length; i++) if (signal[i - 1] >= 0 && signal[i] < 0) cuts.push(i);
  const bounds: [number, number][] = [];
  let start = cuts.length > 0 ? cuts[0] : 0;
  for (let k = 1; k < cuts.length && bounds.length < opts.maxCount; k++) {
    if (cuts[k] - start < opts.minLength) continue;
    bounds.push([start, cuts[k]]);
    start = cuts[k];
  }
  return bounds;
}

/** Scales a set of grains together so the loudest sample is `peak` (Kiefer used 0.5). */
export function normalizeGrains(grains: Float32Array[], peak = 0.5): Float32Array[] {
  let max = 0;
  for (const g of grains) for (const v of g) max = Math.max(max, Math.abs(v));
  if (max === 0) return grains.map((g) => g.slice());
  const k = peak / max;
  return grains.map((g) => g.map((v) => v * k));
}
