import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { axonError } from '../../shared/errors';
import type { Hertz } from '../../shared/units';
import type { GrainInfo, ReservoirHyper, ReservoirModel } from '../../worker/reservoir/reservoir-model';
import { ReservoirPlayer } from '../../worker/reservoir/reservoir-player';
import { conceptionWeight } from './conceptor-math';
import { eigenSymmetricFast } from './eigen';
import { gram } from './gram';
import { buildReservoir, sparseMul } from './reservoir-build';

export const MIN_GRAIN = 8;
/** Samples a loaded pattern runs on its own before its re-synthesis is judged (50 ms at 48 kHz). */
export const SETTLE = 2400;

/**
 * Kiefer 2019's bias, ridge, washout and repeats. Spectral radius, input scaling and leak from
 * searches (`axon conceptor search`) on one-period grains (80-330 samples) of plucked and
 * additive tones at 48 kHz, checked over two reservoir seeds: Kiefer's 1.5 / 1.2 / 0.5, chosen
 * at 22 kHz, left most grains of those sounds unable to sustain (median NRMSE 0.2-1.0); these
 * reach 0.01-0.09. Results still vary with the sound and the seed: search for a new sound.
 */
export const DEFAULT_HYPER: ReservoirHyper = {
  neurons: 128,
  connections: 10,
  spectralRadius: 1.7,
  inputScaling: 0.8,
  biasScaling: 0.3,
  leak: 0.25,
  kind: 'full',
  apertureMin: 1,
  apertureMax: 1000,
  washout: 50,
  repeats: 4,
  ridgeInput: 1e-4,
  ridgeReadout: 1e-4,
  seed: 1,
};

export type TrainStage = 'driving' | 'loading' | 'conceptors';

export interface TrainProgress {
  stage: TrainStage;
  /** 0..1 over the whole training. */
  fraction: number;
}

export interface TrainOptions {
  sampleRate: Hertz;
  onProgress?: (p: TrainProgress) => void;
  /** Polled between grains; training stops with `training_cancelled` when it returns true. */
  isCancelled?: () => boolean;
  /** Keep each grain's autonomous re-synthesis, at least this many samples (for MFCC scoring). */
  keepResynthesis?: number;
}

export interface TrainReport {
  grains: { nrmse: number; aperture: number }[];
  trainSeconds: number;
  warnings: string[];
  /** Per grain, when asked for: the autonomous run after one grain length of settling. */
  resynthesis?: Float64Array[];
}

/** What driving one grain through the reservoir left behind. */
interface Driven {
  /** States after washout, column by column (m x N). */
  states: Float64Array;
  /** The state before each of those (the input simulation's regressors). */
  previous: Float64Array;
  /** The input at each of those steps. */
  inputs: Float64Array;
  m: number;
  /** Steps driven in all. */
  steps: number;
  last: Float64Array;
}

function drive(res: ReturnType<typeof buildReservoir>, h: ReservoirHyper, grain: Float32Array): Driven {
  const n = res.n;
  const L = grain.length;
  const washout = Math.min(h.washout, 2 * L);
  // The grain repeated `repeats` times, and at least enough for washout plus 64 samples to learn.
  const steps = Math.max(h.repeats * L, Math.ceil((washout + 64) / L) * L);
  const m = steps - washout;
  const states = new Float64Array(m * n);
  const previous = new Float64Array(m * n);
  const inputs = new Float64Array(m);
  let x = new Float64Array(n);
  let next = new Float64Array(n);
  const u = new Float64Array(n);
  const a = h.leak;
  for (let t = 0; t < steps; t++) {
    const p = grain[t % L];
    sparseMul(n, res.rowPtr, res.colIdx, res.values, x, u);
    for (let i = 0; i < n; i++) next[i] = (1 - a) * x[i] + a * Math.tanh(u[i] + res.win[i] * p + res.bias[i]);
    if (t >= washout) {
      const c = t - washout;
      previous.set(x, c * n);
      states.set(next, c * n);
      inputs[c] = p;
    }
    [x, next] = [next, x];
  }
  return { states, previous, inputs, m, steps, last: x };
}

/**
 * Ridge regression w = argmin |w X - y|^2 + ridge |w|^2 given G = X X^T and b = X y^T. The ridge
 * grows tenfold (with a warning) while the system is not positive definite.
 */
function ridge(g: Float64Array, b: Float64Array, n: number, ridgeValue: number, what: string, warnings: string[]): Float64Array {
  let r = ridgeValue;
  for (let attempt = 0; attempt < 8; attempt++) {
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, g[i * n + j] + (i === j ? r : 0));
    const chol = new CholeskyDecomposition(m);
    if (chol.isPositiveDefinite()) {
      const w = chol.solve(Matrix.columnVector(Array.from(b))).getColumn(0);
      if (w.every(Number.isFinite)) {
        if (r !== ridgeValue) warnings.push(`${what}: the regression was ill-conditioned; ridge raised from ${ridgeValue} to ${r}`);
        return Float64Array.from(w);
      }
    }
    r = r > 0 ? r * 10 : 1e-8;
  }
  throw axonError('training_failed', `${what}: the regression has no stable solution even with ridge ${r}`);
}

/** A grain's pattern continued cyclically from step `from`. */
const patternAt = (grain: Float32Array, from: number, s: number) => grain[(from + s) % grain.length];

function rmsOf(y: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += y[i] * y[i];
  return Math.sqrt(s / Math.max(1, to - from));
}

/**
 * NRMSE of y against the grain, after the best cyclic alignment (the autonomous run may drift in
 * phase): sqrt(mean((y - p)^2) / var(p)).
 */
export function alignedNrmse(y: Float64Array, grain: Float32Array, from: number): number {
  const L = grain.length;
  let mean = 0;
  for (const v of grain) mean += v;
  mean /= L;
  let variance = 0;
  for (const v of grain) variance += (v - mean) ** 2;
  variance /= L;
  if (!(variance > 0)) return Infinity;
  let best = Infinity;
  for (let shift = 0; shift < L; shift++) {
    let e = 0;
    for (let s = 0; s < y.length; s++) e += (y[s] - patternAt(grain, from + shift, s)) ** 2;
    best = Math.min(best, e / y.length);
  }
  return Math.sqrt(best / variance);
}

/**
 * Loads grains into a conceptor-controlled reservoir (Jaeger 2014 as used by Kiefer 2019):
 * drives a random reservoir with each grain, learns an input simulation d (so the reservoir runs
 * without input: W = W* + win d^T) and a readout by ridge regression, computes one conceptor
 * per grain from its state correlations (full: C = R (R + alpha^-2 I)^-1; diagonal: the same
 * per neuron), picks each grain's aperture by how well the grain's pattern holds when the
 * reservoir runs on its own (recall error plus level drift; Kiefer minimised attenuation, which
 * on 48 kHz grains also favours apertures under which the pattern fades), and reports each
 * grain's NRMSE against its autonomous re-synthesis after SETTLE samples.
 */
export function trainReservoir(grains: Float32Array[], hyper: ReservoirHyper, opts: TrainOptions): { model: ReservoirModel; report: TrainReport } {
  const t0 = performance.now();
  const warnings: string[] = [];
  if (grains.length === 0) throw axonError('training_input', 'no grains to train on');
  grains.forEach((g, i) => {
    if (g.length < MIN_GRAIN) throw axonError('training_input', `grain ${i} has ${g.length} samples; the shortest grain is ${MIN_GRAIN}`);
    if (!g.some((v) => Math.abs(v) > 1e-6)) throw axonError('training_input', `grain ${i} is silent`);
    if (!g.every(Number.isFinite)) throw axonError('training_input', `grain ${i} holds a non-finite sample`);
  });
  const progress = (stage: TrainStage, fraction: number) => opts.onProgress?.({ stage, fraction });
  const checkCancel = () => {
    if (opts.isCancelled?.()) throw axonError('training_cancelled');
  };

  const h = hyper;
  const res = buildReservoir(h);
  const n = res.n;
  const G = grains.length;

  // 1. Drive every grain and gather state statistics.
  const driven: Driven[] = [];
  const total = new Float64Array(n * n);
  const totalPrev = new Float64Array(n * n);
  const xp = new Float64Array(n);
  const xpPrev = new Float64Array(n);
  const correlations: Float64Array[] = [];
  for (let j = 0; j < G; j++) {
    checkCancel();
    const d = drive(res, h, grains[j]);
    driven.push(d);
    const gj = gram(d.states, d.m, n);
    // The previous states are the same columns shifted by one: the state before the first
    // replaces the last, a rank-two change instead of a second Gram matrix.
    const first = d.previous.subarray(0, n);
    const last = d.states.subarray((d.m - 1) * n, d.m * n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) {
        const g = gj[i * n + k];
        total[i * n + k] += g;
        totalPrev[i * n + k] += g + first[i] * first[k] - last[i] * last[k];
      }
    }
    for (let c = 0; c < d.m; c++) {
      for (let i = 0; i < n; i++) {
        xp[i] += d.states[c * n + i] * d.inputs[c];
        xpPrev[i] += d.previous[c * n + i] * d.inputs[c];
      }
    }
    for (let k = 0; k < n * n; k++) gj[k] /= d.m;
    correlations.push(gj);
    progress('driving', (0.3 * (j + 1)) / G);
  }

  // 2. Input simulation and readout by ridge regression over all grains.
  checkCancel();
  const dvec = ridge(totalPrev, xpPrev, n, h.ridgeInput, 'input simulation', warnings);
  const wout = ridge(total, xp, n, h.ridgeReadout, 'readout', warnings);
  progress('loading', 0.35);

  // 3. Conceptors: eigen decompositions (full) or diagonals, apertures, NRMSE.
  const csize = h.kind === 'full' ? n * n : n;
  const conceptors = new Float32Array(G * csize);
  const infos: GrainInfo[] = grains.map((g) => ({ length: g.length, aperture: h.apertureMin, nrmse: Infinity }));
  const model: ReservoirModel = {
    hyper: { ...h },
    sampleRate: opts.sampleRate,
    rowPtr: res.rowPtr,
    colIdx: res.colIdx,
    values: Float32Array.from(res.values),
    win: Float32Array.from(res.win),
    bias: Float32Array.from(res.bias),
    d: Float32Array.from(dvec),
    wout: Float32Array.from(wout),
    grains: infos,
    conceptors,
    starts: Float32Array.from(driven.flatMap((d) => Array.from(d.last))),
  };
  // One player evaluates every candidate: its bank holds the grains' conceptors as they are made.
  const player = new ReservoirPlayer(model, opts.sampleRate);
  const scratch = new Float32Array(csize);
  const resynthesis: Float64Array[] = [];
  for (let j = 0; j < G; j++) {
    checkCancel();
    const L = grains[j].length;
    const eig = h.kind === 'full' ? eigenSymmetricFast(correlations[j], n) : null;
    const fill = (aperture: number) => {
      if (eig) conceptorFromEigen(eig, aperture, scratch, n);
      else for (let i = 0; i < n; i++) scratch[i] = conceptionWeight(correlations[j][i * n + i], aperture);
      return scratch;
    };
    // Each candidate aperture runs a few grain lengths from the driven state (on the pattern's
    // orbit): the error of the second and third, plus how fast the level drifts from the second
    // to the last, extrapolated over SETTLE samples, since an orbit the conceptor holds weakly
    // starts out right and then fades (or grows) away.
    const window = 2 * L;
    const span = Math.max(4 * L, 256);
    const score = (aperture: number) => {
      player.replaceConceptor(j, fill(aperture));
      const run = player.evaluate(j, driven[j].last, span);
      if (!run.healthy) return Infinity;
      const error = alignedNrmse(run.y.subarray(L, L + window), grains[j], driven[j].steps + L);
      const drift = Math.log((rmsOf(run.y, span - L, span) + 1e-9) / (rmsOf(run.y, L, 2 * L) + 1e-9));
      return error + (Math.abs(drift) * SETTLE) / (span - 2 * L);
    };
    const aperture = chooseAperture(score, h.apertureMin, h.apertureMax);
    conceptors.set(fill(aperture), j * csize);
    player.replaceConceptor(j, conceptors.subarray(j * csize, (j + 1) * csize));
    // The reported error: after SETTLE samples on its own, as a player would sound.
    const run = player.evaluate(j, driven[j].last, SETTLE + Math.max(window, opts.keepResynthesis ?? 0));
    const tail = run.y.subarray(SETTLE);
    const nrmse = run.healthy ? alignedNrmse(tail.subarray(0, window), grains[j], driven[j].steps + SETTLE) : Infinity;
    if (opts.keepResynthesis !== undefined) resynthesis.push(tail);
    infos[j] = { length: L, aperture, nrmse };
    if (!Number.isFinite(nrmse)) warnings.push(`grain ${j}: the autonomous re-synthesis did not stay finite`);
    progress('conceptors', 0.35 + (0.65 * (j + 1)) / G);
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  return { model, report: { grains: infos.map((g) => ({ nrmse: g.nrmse, aperture: g.aperture })), trainSeconds, warnings, ...(opts.keepResynthesis !== undefined ? { resynthesis } : {}) } };
}

/** Conception weights below this (or this close to 1) are rounded off when forming C. */
const WEIGHT_EPS = 1e-7;

/**
 * C = U diag(w) U^T into out (n x n float32), w = r / (r + alpha^-2), eigenvectors the rows of
 * e.vectors. Formed as a Gram matrix of scaled eigenvectors over whichever side has fewer terms:
 * sum of w_k u_k u_k^T, or I - sum of (1 - w_k) u_k u_k^T.
 */
function conceptorFromEigen(e: { values: Float64Array; vectors: Float64Array }, aperture: number, out: Float32Array, n: number): void {
  const w = Float64Array.from(e.values, (r) => conceptionWeight(r, aperture));
  const direct = w.reduce((c, v) => c + (v > WEIGHT_EPS ? 1 : 0), 0);
  const complement = w.reduce((c, v) => c + (1 - v > WEIGHT_EPS ? 1 : 0), 0);
  const useComplement = complement < direct;
  const v = new Float64Array(n * n);
  let cols = 0;
  for (let k = 0; k < n; k++) {
    const weight = useComplement ? 1 - w[k] : w[k];
    if (weight <= WEIGHT_EPS) continue;
    const s = Math.sqrt(weight);
    for (let i = 0; i < n; i++) v[cols * n + i] = e.vectors[k * n + i] * s;
    cols++;
  }
  const c = cols > 0 ? gram(v, cols, n) : new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) out[i] = useComplement ? (i % (n + 1) === 0 ? 1 : 0) - c[i] : c[i];
}

/**
 * The aperture (log scale, within bounds) with the least cost: a coarse grid, then a
 * golden-section refinement around the best grid point.
 */
export function chooseAperture(cost: (aperture: number) => number, lo: number, hi: number): number {
  if (lo >= hi) return lo;
  const a = Math.log(lo);
  const b = Math.log(hi);
  const steps = 4;
  let best = 0;
  let bestValue = Infinity;
  const grid = Array.from({ length: steps + 1 }, (_, i) => a + ((b - a) * i) / steps);
  grid.forEach((g, i) => {
    const v = cost(Math.exp(g));
    if (v < bestValue) {
      bestValue = v;
      best = i;
    }
  });
  let left = grid[Math.max(0, best - 1)];
  let right = grid[Math.min(steps, best + 1)];
  const phi = (Math.sqrt(5) - 1) / 2;
  let c = right - phi * (right - left);
  let d = left + phi * (right - left);
  let fc = cost(Math.exp(c));
  let fd = cost(Math.exp(d));
  for (let k = 0; k < 3; k++) {
    if (fc < fd) {
      right = d;
      d = c;
      fd = fc;
      c = right - phi * (right - left);
      fc = cost(Math.exp(c));
    } else {
      left = c;
      c = d;
      fc = fd;
      d = left + phi * (right - left);
      fd = cost(Math.exp(d));
    }
  }
  const candidates: [number, number][] = [
    [grid[best], bestValue],
    [c, fc],
    [d, fd],
  ];
  candidates.sort((p, q) => p[1] - q[1]);
  return Math.exp(candidates[0][0]);
}

