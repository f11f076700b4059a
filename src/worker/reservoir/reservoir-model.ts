import type { Hertz } from '../../shared/units';

export type ConceptorKind = 'full' | 'diagonal';

/** How a reservoir was built and loaded: everything needed to rebuild or describe it. */
export interface ReservoirHyper {
  neurons: number;
  /** Expected nonzero recurrent weights per neuron (connectivity = this / neurons). */
  connections: number;
  spectralRadius: number;
  inputScaling: number;
  biasScaling: number;
  /** Leak rate a of x <- (1 - a) x + a f(...), 0..1. */
  leak: number;
  kind: ConceptorKind;
  /** Aperture bounds the per-grain search stays within. */
  apertureMin: number;
  apertureMax: number;
  washout: number;
  repeats: number;
  ridgeInput: number;
  ridgeReadout: number;
  seed: number;
}

export interface GrainInfo {
  /** Samples at the model's rate. */
  length: number;
  aperture: number;
  /** Autonomous re-synthesis against the original grain, normalised RMS error. */
  nrmse: number;
}

/**
 * A trained conceptor-controlled reservoir (float32, rows of length `neurons`). The recurrent
 * matrix W* is sparse (CSR); the loaded patterns' input is simulated from the state by `d`
 * (W = W* + win d^T, Jaeger's input simulation), so W never has to be stored dense.
 */
export interface ReservoirModel {
  hyper: ReservoirHyper;
  sampleRate: Hertz;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float32Array;
  win: Float32Array;
  bias: Float32Array;
  d: Float32Array;
  wout: Float32Array;
  grains: GrainInfo[];
  /** One conceptor per grain: neurons x neurons (full) or neurons (diagonal), row-major. */
  conceptors: Float32Array;
  /**
   * Per grain, a state on its attractor (where driving with the grain left the reservoir): a
   * player starts there, since from an arbitrary state the conceptor may pull it to rest.
   */
  starts: Float32Array;
}

export const conceptorSize = (m: Pick<ReservoirModel, 'hyper'>) => (m.hyper.kind === 'full' ? m.hyper.neurons * m.hyper.neurons : m.hyper.neurons);

/** Structural consistency of a model's arrays; returns the problems found (empty when sound). */
export function modelProblems(m: ReservoirModel): string[] {
  const n = m.hyper.neurons;
  const problems: string[] = [];
  const need = (name: string, got: number, want: number) => {
    if (got !== want) problems.push(`${name} has ${got} values, expected ${want}`);
  };
  if (!(Number.isInteger(n) && n >= 1)) problems.push(`neurons must be a positive whole number, got ${n}`);
  need('rowPtr', m.rowPtr.length, n + 1);
  need('win', m.win.length, n);
  need('bias', m.bias.length, n);
  need('d', m.d.length, n);
  need('wout', m.wout.length, n);
  need('colIdx', m.colIdx.length, m.values.length);
  need('conceptors', m.conceptors.length, m.grains.length * conceptorSize(m));
  need('starts', m.starts.length, m.grains.length * n);
  // Rows index colIdx and values from rowPtr[0]: anything but 0 reads outside them.
  if (m.rowPtr.length === n + 1 && m.rowPtr[0] !== 0) problems.push(`rowPtr starts at ${m.rowPtr[0]}, expected 0`);
  if (m.rowPtr.length === n + 1 && m.rowPtr[n] !== m.values.length) problems.push(`rowPtr ends at ${m.rowPtr[n]}, expected ${m.values.length}`);
  for (let i = 0; i < m.rowPtr.length - 1; i++) {
    if (m.rowPtr[i] > m.rowPtr[i + 1]) {
      problems.push(`rowPtr decreases at row ${i}`);
      break;
    }
  }
  for (const c of m.colIdx) {
    if (!(c >= 0 && c < n)) {
      problems.push(`colIdx holds ${c}, outside 0..${n - 1}`);
      break;
    }
  }
  for (const [name, arr] of [['values', m.values], ['win', m.win], ['bias', m.bias], ['d', m.d], ['wout', m.wout], ['conceptors', m.conceptors], ['starts', m.starts]] as const) {
    if (arr.some((v) => !Number.isFinite(v))) problems.push(`${name} holds a non-finite number`);
  }
  if (m.grains.length === 0) problems.push('the model has no grains');
  return problems;
}
