import { instantiateKernel } from '../../worker/kernels/load-kernel';

const BASE = 65536;

/**
 * sum over columns of v v^T for `cols` vectors of length m stored one after another (a state
 * matrix column by column), as a full symmetric m x m row-major matrix. The kernel does the
 * O(cols m^2) work with SIMD; a fresh instance per call keeps memory use to this call.
 */
export function gram(vectors: Float64Array, cols: number, m: number): Float64Array {
  const rBytes = m * m * 8;
  const k = instantiateKernel('reservoir-kernel', BASE + rBytes + cols * m * 8);
  const mem = k.memory;
  const r = new Float64Array(mem, BASE, m * m);
  new Float64Array(mem, BASE + rBytes, cols * m).set(vectors.subarray(0, cols * m));
  (k.exports.gram as (r: number, states: number, cols: number, m: number) => void)(BASE, BASE + rBytes, cols, m);
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      const v = r[i * m + j];
      out[i * m + j] = v;
      out[j * m + i] = v;
    }
  }
  return out;
}
