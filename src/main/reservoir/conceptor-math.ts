import { Matrix } from 'ml-matrix';
import { eigenSymmetricFast } from './eigen';

// Conceptor algebra (Jaeger 2014, "Controlling recurrent neural networks by conceptors"), on
// symmetric matrices through their eigen decomposition, and elementwise for diagonal conceptors
// (de Jong 2021). Runs off the audio thread: training, search, and conceptors made on request.

/** Eigenvalues below this are treated as zero (null space) in inverses and projections. */
const TOL = 1e-9;

export interface Eigen {
  /** Eigenvalues, one per column of `vectors`. */
  values: Float64Array;
  /** Orthonormal eigenvectors as the columns of an n x n matrix. */
  vectors: Matrix;
}

export function eigenSymmetric(m: Matrix): Eigen {
  const n = m.rows;
  const e = eigenSymmetricFast(Float64Array.from(m.to1DArray()), n);
  // The fast decomposition returns eigenvectors as rows; Eigen keeps them as columns.
  const vectors = new Matrix(n, n);
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) vectors.set(i, k, e.vectors[k * n + i]);
  return { values: e.values, vectors };
}

/** U diag(f(lambda)) U^T. */
export function fromEigen(e: Eigen, f: (lambda: number) => number): Matrix {
  const n = e.vectors.rows;
  const scaled = e.vectors.clone();
  for (let k = 0; k < e.values.length; k++) {
    const s = f(e.values[k]);
    for (let i = 0; i < n; i++) scaled.set(i, k, scaled.get(i, k) * s);
  }
  return scaled.mmul(e.vectors.transpose());
}

/** Conception weight of a correlation eigenvalue r at aperture alpha: r / (r + alpha^-2). */
export const conceptionWeight = (r: number, aperture: number) => (r > 0 ? r / (r + 1 / (aperture * aperture)) : 0);

/** C = R (R + alpha^-2 I)^-1 from the eigen decomposition of R. */
export function conceptorFromCorrelation(r: Eigen, aperture: number): Matrix {
  return fromEigen(r, (s) => conceptionWeight(s, aperture));
}

/** Aperture adaptation phi(C, gamma) = C (C + gamma^-2 (I - C))^-1, per eigenvalue c. */
export const adaptWeight = (c: number, gamma: number) => {
  const g2 = 1 / (gamma * gamma);
  const den = c + g2 * (1 - c);
  return den > 0 ? c / den : 0;
};

export function adaptAperture(c: Matrix, gamma: number): Matrix {
  return fromEigen(eigenSymmetric(c), (v) => adaptWeight(v, gamma));
}

export function not(c: Matrix): Matrix {
  return Matrix.eye(c.rows).sub(c);
}

/** Projector onto the null space of a symmetric matrix. */
function nullProjector(e: Eigen): Matrix {
  return fromEigen(e, (v) => (Math.abs(v) <= TOL ? 1 : 0));
}

/** Pseudo-inverse of a symmetric matrix, from its eigen decomposition. */
function pinvSymmetric(e: Eigen): Matrix {
  return fromEigen(e, (v) => (Math.abs(v) > TOL ? 1 / v : 0));
}

/**
 * C AND B = (C^-1 + B^-1 - I)^-1, computed robustly where C or B is singular: restricted to the
 * intersection of their ranges with pseudo-inverses (Jaeger 2014, Definition 4):
 * P (P (C+ + B+ - I) P)+ P, P the projector onto R(C) intersected with R(B).
 */
export function and(c: Matrix, b: Matrix): Matrix {
  const n = c.rows;
  // Each decomposed once: null spaces and pseudo-inverses come from the same one.
  const ec = eigenSymmetric(c);
  const eb = eigenSymmetric(b);
  // R(C) and R(B) are the complements of the null spaces; their intersection is the complement
  // of the span of both null spaces.
  const nulls = nullProjector(ec).add(nullProjector(eb));
  const p = fromEigen(eigenSymmetric(nulls), (v) => (v > TOL ? 0 : 1));
  const inner = pinvSymmetric(ec).add(pinvSymmetric(eb)).sub(Matrix.eye(n));
  const restricted = p.mmul(inner).mmul(p);
  return p.mmul(pinvSymmetric(eigenSymmetric(symmetrize(restricted)))).mmul(p);
}

export function or(c: Matrix, b: Matrix): Matrix {
  return not(and(not(c), not(b)));
}

/** Averages a matrix with its transpose: rounding leaves products slightly asymmetric. */
export function symmetrize(m: Matrix): Matrix {
  return m.add(m.transpose()).div(2);
}

// Diagonal conceptors: the same operations on conception weights, elementwise.
export const diag = {
  not: (c: Float64Array) => c.map((v) => 1 - v),
  and: (c: Float64Array, b: Float64Array) =>
    c.map((v, i) => {
      const w = b[i];
      if (v <= TOL || w <= TOL) return 0;
      const den = 1 / v + 1 / w - 1;
      return den > TOL ? 1 / den : 1;
    }),
  or: (c: Float64Array, b: Float64Array) => diag.not(diag.and(diag.not(c), diag.not(b))),
  adapt: (c: Float64Array, gamma: number) => c.map((v) => adaptWeight(v, gamma)),
};
