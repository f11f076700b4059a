import { Matrix, EigenvalueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { eigenSymmetricFast } from '../../src/main/reservoir/eigen';
import { SeededRandom } from '../../src/main/reservoir/reservoir-build';

function randomSymmetric(n: number, seed: number, rank = n): Float64Array {
  const r = new SeededRandom(seed, 0);
  const a = Array.from({ length: n }, () => Array.from({ length: rank }, () => r.gaussian()));
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = a[i].reduce((s, v, k) => s + v * a[j][k], 0) / rank;
  return m;
}

describe('symmetric eigen decomposition (WebAssembly)', () => {
  for (const [n, rank] of [
    [1, 1],
    [7, 7],
    [64, 64],
    [101, 30],
    [256, 256],
  ]) {
    it(`n = ${n}, rank ${rank}: A v = lambda v, orthonormal, same spectrum as ml-matrix`, () => {
      const m = randomSymmetric(n, n + rank, rank);
      const { values, vectors } = eigenSymmetricFast(m, n);
      let residual = 0;
      let ortho = 0;
      for (let k = 0; k < n; k++) {
        for (let i = 0; i < n; i++) {
          let av = 0;
          for (let j = 0; j < n; j++) av += m[i * n + j] * vectors[k * n + j];
          residual = Math.max(residual, Math.abs(av - values[k] * vectors[k * n + i]));
        }
        for (let l = k; l < Math.min(n, k + 3); l++) {
          let dot = 0;
          for (let i = 0; i < n; i++) dot += vectors[k * n + i] * vectors[l * n + i];
          ortho = Math.max(ortho, Math.abs(dot - (k === l ? 1 : 0)));
        }
      }
      expect(residual).toBeLessThan(1e-9);
      expect(ortho).toBeLessThan(1e-9);
      const ref = new EigenvalueDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(m.subarray(i * n, (i + 1) * n)))), { assumeSymmetric: true }).realEigenvalues.sort((a, b) => a - b);
      const ours = Array.from(values).sort((a, b) => a - b);
      for (let k = 0; k < n; k++) expect(Math.abs(ours[k] - ref[k])).toBeLessThan(1e-9);
    });
  }

  it('reports non-convergence on non-finite input instead of hanging', () => {
    const m = randomSymmetric(8, 3);
    m[9] = NaN;
    expect(() => eigenSymmetricFast(m, 8)).toThrow(/did not converge/);
  });
});
