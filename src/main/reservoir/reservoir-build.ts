import { bipolar, streamSeed } from '../../worker/random';
import type { ReservoirHyper } from '../../worker/reservoir/reservoir-model';

/** A freshly generated echo state reservoir (float64, before loading). */
export interface BuiltReservoir {
  n: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
  win: Float64Array;
  bias: Float64Array;
  /** Spectral radius of the raw random matrix, before scaling. */
  rawRadius: number;
}

/** Seeded uniform and Gaussian numbers for one named stream. */
export class SeededRandom {
  private readonly state: Int32Array;
  private spare: number | null = null;
  constructor(seed: number, stream: number) {
    this.state = new Int32Array([streamSeed(seed, stream)]);
  }
  /** Uniform in [0, 1). */
  uniform(): number {
    return 0.5 * (bipolar(this.state, 0) + 1);
  }
  /** Standard normal (Box-Muller). */
  gaussian(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = this.uniform();
    while (u <= 1e-12) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/** y = W x for a CSR matrix. */
export function sparseMul(n: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) acc += values[k] * x[colIdx[k]];
    y[i] = acc;
  }
}

/**
 * Spectral radius of a sparse matrix by power iteration on the growth rate: |lambda_max| is the
 * limit of ||W^t x||^(1/t). Unlike the Rayleigh quotient this converges when the dominant
 * eigenvalues are a complex pair, as they typically are for random nonsymmetric matrices. Costs
 * O(iterations x nonzeros), never a dense eigen decomposition.
 */
export function spectralRadius(n: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, seed = 1, iterations = 3000): number {
  const rnd = new SeededRandom(seed, 99);
  let x = Float64Array.from({ length: n }, () => rnd.gaussian());
  let y = new Float64Array(n);
  const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, a) => s + a * a, 0));
  const n0 = norm(x);
  for (let i = 0; i < n; i++) x[i] /= n0;
  const burn = Math.floor(iterations / 3);
  let logSum = 0;
  for (let t = 0; t < iterations; t++) {
    sparseMul(n, rowPtr, colIdx, values, x, y);
    const g = norm(y);
    if (g === 0) return 0; // nilpotent: every product dies
    if (t >= burn) logSum += Math.log(g);
    for (let i = 0; i < n; i++) y[i] /= g;
    [x, y] = [y, x];
  }
  return Math.exp(logSum / (iterations - burn));
}

/**
 * A sparse random reservoir (each neuron `connections` distinct random inputs with Gaussian
 * weights), scaled to the spectral radius asked for; Gaussian input weights and biases scaled
 * by their settings. Deterministic in the seed.
 */
export function buildReservoir(h: ReservoirHyper): BuiltReservoir {
  const n = h.neurons;
  const k = Math.max(1, Math.min(n, Math.round(h.connections)));
  const rnd = new SeededRandom(h.seed, 1);
  const rowPtr = new Int32Array(n + 1);
  const colIdx = new Int32Array(n * k);
  const values = new Float64Array(n * k);
  const chosen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    rowPtr[i] = i * k;
    const cols: number[] = [];
    while (cols.length < k) {
      const c = Math.floor(rnd.uniform() * n);
      if (!chosen[c]) {
        chosen[c] = 1;
        cols.push(c);
      }
    }
    cols.sort((a, b) => a - b);
    cols.forEach((c, j) => {
      chosen[c] = 0;
      colIdx[i * k + j] = c;
      values[i * k + j] = rnd.gaussian();
    });
  }
  rowPtr[n] = n * k;
  const rawRadius = spectralRadius(n, rowPtr, colIdx, values, h.seed);
  const scale = rawRadius > 0 ? h.spectralRadius / rawRadius : 0;
  for (let i = 0; i < values.length; i++) values[i] *= scale;
  const inputs = new SeededRandom(h.seed, 2);
  const win = Float64Array.from({ length: n }, () => inputs.gaussian() * h.inputScaling);
  const biases = new SeededRandom(h.seed, 3);
  const bias = Float64Array.from({ length: n }, () => biases.gaussian() * h.biasScaling);
  return { n, rowPtr, colIdx, values, win, bias, rawRadius };
}
