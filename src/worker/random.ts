// Seeded randomness. Every random stream in the engine derives from (seed, stream id), so a
// patch, a seed and an event log reproduce the same output bit for bit.

/** splitmix32-style avalanche of a 32-bit value. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A non-zero xorshift32 state (as a signed int32) for stream `stream` of `seed`. */
export function streamSeed(seed: number, stream: number): number {
  const s = mix32(mix32(seed >>> 0) ^ Math.imul(stream + 1, 0x27d4eb2d)) | 0;
  return s === 0 ? 0x6d2b79f5 : s;
}

/**
 * Uniform in [-1, 1) from xorshift32 state slot i. States live in an Int32Array kept by the
 * caller and every step stays in int32 arithmetic, so nothing allocates.
 */
export function bipolar(state: Int32Array, i: number): number {
  let x = state[i];
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  state[i] = x;
  return x * (1 / 2147483648);
}

/**
 * A seeded generator uniform in [0, 1) (mulberry32), for drivers outside the render loop (a soak's
 * gestures, tests' noise): it keeps its state in a closure, so it is not for the engine itself.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
