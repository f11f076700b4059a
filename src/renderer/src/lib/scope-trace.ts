// Scope geometry, apart from the canvas: where each sample of a window goes.

/** The largest |sample| of a window, never below `floor` (a quiet signal still draws at a readable size). */
export function scopeRange(samples: readonly number[], floor: number): number {
  let m = floor;
  for (const v of samples) if (Math.abs(v) > m) m = Math.abs(v);
  return m;
}

/**
 * Screen points (x, y interleaved) of `samples` across `width`, centred on `mid`, ±`range` filling
 * ±`half` pixels. Writes into `out` (reused every frame) and returns how many numbers it wrote.
 */
export function tracePoints(samples: readonly number[], width: number, mid: number, half: number, range: number, out: Float32Array): number {
  const n = Math.min(samples.length, out.length >> 1);
  const dx = n > 1 ? width / (n - 1) : 0;
  for (let i = 0; i < n; i++) {
    const v = Math.max(-range, Math.min(range, samples[i]));
    out[2 * i] = i * dx;
    out[2 * i + 1] = mid - (v / range) * half;
  }
  return 2 * n;
}
