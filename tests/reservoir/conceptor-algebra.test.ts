import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { adaptAperture, and, conceptorFromCorrelation, diag, eigenSymmetric, not, or } from '../../src/main/reservoir/conceptor-math';
import { SeededRandom } from '../../src/main/reservoir/reservoir-build';

const N = 20;

/** A random correlation matrix R = A A^T / k of rank `rank`, and its conceptor at `aperture`. */
function randomConceptor(seed: number, rank = N, aperture = 3): Matrix {
  const r = new SeededRandom(seed, 0);
  const a = new Matrix(N, rank);
  for (let i = 0; i < N; i++) for (let j = 0; j < rank; j++) a.set(i, j, r.gaussian());
  const corr = a.mmul(a.transpose()).div(rank);
  return conceptorFromCorrelation(eigenSymmetric(corr), aperture);
}

const maxDiff = (a: Matrix, b: Matrix) => Math.max(...a.sub(b).abs().to1DArray());

describe('conceptor algebra (full), on random conceptors, to 1e-6', () => {
  const cases = [
    [randomConceptor(1), randomConceptor(2)],
    [randomConceptor(3, 8), randomConceptor(4, 12)], // rank-deficient: null spaces involved
    [randomConceptor(5, 6, 0.5), randomConceptor(6, N, 30)],
  ];

  it('NOT NOT C = C', () => {
    for (const [c] of cases) expect(maxDiff(not(not(c)), c)).toBeLessThan(1e-12);
  });

  it("De Morgan's laws hold", () => {
    for (const [c, b] of cases) {
      expect(maxDiff(not(or(c, b)), and(not(c), not(b)))).toBeLessThan(1e-6);
      expect(maxDiff(not(and(c, b)), or(not(c), not(b)))).toBeLessThan(1e-6);
    }
  });

  it('AND with I is the identity, with 0 is 0, and AND commutes', () => {
    const eye = Matrix.eye(N);
    const zero = Matrix.zeros(N, N);
    for (const [c, b] of cases) {
      expect(maxDiff(and(c, eye), c)).toBeLessThan(1e-6);
      expect(maxDiff(and(eye, c), c)).toBeLessThan(1e-6);
      expect(maxDiff(and(c, zero), zero)).toBeLessThan(1e-6);
      expect(maxDiff(or(c, zero), c)).toBeLessThan(1e-6);
      expect(maxDiff(and(c, b), and(b, c))).toBeLessThan(1e-6);
    }
  });

  it('AND of a conceptor with itself stays inside it (eigenvalues c/(2-c))', () => {
    const [c] = cases[0];
    const e = eigenSymmetric(c);
    const ref = e.vectors.mmul(Matrix.diag(Array.from(e.values, (v) => v / (2 - v)))).mmul(e.vectors.transpose());
    expect(maxDiff(and(c, c), ref)).toBeLessThan(1e-6);
  });

  it('aperture adaptation composes: phi(C(a), g) = C(a g)', () => {
    const r = new SeededRandom(9, 0);
    const a = new Matrix(N, N);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) a.set(i, j, r.gaussian());
    const corr = eigenSymmetric(a.mmul(a.transpose()).div(N));
    for (const [alpha, gamma] of [
      [2, 3],
      [10, 0.5],
    ]) {
      expect(maxDiff(adaptAperture(conceptorFromCorrelation(corr, alpha), gamma), conceptorFromCorrelation(corr, alpha * gamma))).toBeLessThan(1e-6);
    }
  });
});

describe('diagonal conceptors (conception weights)', () => {
  const r = new SeededRandom(11, 0);
  const c = Float64Array.from({ length: 64 }, () => r.uniform());
  const b = Float64Array.from({ length: 64 }, () => r.uniform());
  const close = (x: Float64Array, y: Float64Array) => Math.max(...x.map((v, i) => Math.abs(v - y[i])));

  it('satisfy the same algebra elementwise', () => {
    expect(close(diag.not(diag.not(c)), c)).toBeLessThan(1e-12);
    expect(close(diag.not(diag.or(c, b)), diag.and(diag.not(c), diag.not(b)))).toBeLessThan(1e-9);
    expect(close(diag.and(c, new Float64Array(64).fill(1)), c)).toBeLessThan(1e-9);
  });

  it('agree with the full operations on diagonal matrices', () => {
    const full = (v: Float64Array) => Matrix.diag(Array.from(v));
    const back = (m: Matrix) => Float64Array.from({ length: 64 }, (_, i) => m.get(i, i));
    expect(close(diag.and(c, b), back(and(full(c), full(b))))).toBeLessThan(1e-9);
    expect(close(diag.or(c, b), back(or(full(c), full(b))))).toBeLessThan(1e-9);
    expect(close(diag.adapt(c, 2), back(adaptAperture(full(c), 2)))).toBeLessThan(1e-9);
  });
});
