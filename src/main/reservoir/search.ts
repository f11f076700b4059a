import { axonError } from '../../shared/errors';
import type { Hertz } from '../../shared/units';
import type { ConceptorKind, ReservoirHyper, ReservoirModel } from '../../worker/reservoir/reservoir-model';
import { mfcc } from './mfcc';
import { SeededRandom } from './reservoir-build';
import { DEFAULT_HYPER, trainReservoir } from './train';

export type SearchMethod = 'random' | 'ga';

/** The searched genes, each as a 0..1 value mapped onto its range. */
const GENES = {
  spectralRadius: { min: 0.5, max: 2.5, log: false },
  leak: { min: 0.1, max: 1, log: false },
  inputScaling: { min: 0.2, max: 3, log: true },
  neurons: { min: 0, max: 1, log: false },
  apertureMax: { min: 10, max: 1000, log: true },
} as const;
type Gene = keyof typeof GENES;
const GENE_NAMES = Object.keys(GENES) as Gene[];
/** Sizes N may take: each doubles the cost of the last but one. */
const SEARCH_NEURONS = [32, 48, 64, 96, 128, 192, 256] as const;

type Genome = Record<Gene, number>;

export interface SearchedHyper {
  neurons: number;
  spectralRadius: number;
  leak: number;
  inputScaling: number;
  apertureMax: number;
}

export interface SearchTrial {
  index: number;
  hyper: SearchedHyper;
  /** Lower is better: mean NRMSE, or its mean with the relative MFCC distance. */
  score: number;
  nrmse: number;
  mfcc: number | null;
}

export interface SearchOptions {
  trials: number;
  method: SearchMethod;
  sampleRate: Hertz;
  seed: number;
  kind?: ConceptorKind;
  useMfcc: boolean;
  onTrial?: (t: SearchTrial) => void;
  /** Within trial `index` (0-based): how far its training is, 0..1. */
  onProgress?: (index: number, fraction: number) => void;
  isCancelled?: () => boolean;
}

export interface SearchResult {
  best: SearchTrial;
  bestModel: ReservoirModel;
  trials: SearchTrial[];
  seconds: number;
}

/** A failed re-synthesis counts as this NRMSE, so it ranks last without poisoning the mean. */
const FAILED_NRMSE = 2;
/** Enough samples for a few MFCC frames of even the shortest grain. */
const MFCC_LENGTH = 4096;
const POPULATION = 8;
/** Microbial GA: chance each gene is copied from the winner, and the mutation's spread. */
const INFECTION = 0.5;
const MUTATION = 0.1;

function express(g: Genome): SearchedHyper {
  const value = (name: Gene) => {
    const r = GENES[name];
    return r.log ? r.min * (r.max / r.min) ** g[name] : r.min + (r.max - r.min) * g[name];
  };
  return {
    neurons: SEARCH_NEURONS[Math.min(SEARCH_NEURONS.length - 1, Math.floor(g.neurons * SEARCH_NEURONS.length))],
    spectralRadius: value('spectralRadius'),
    leak: value('leak'),
    inputScaling: value('inputScaling'),
    apertureMax: value('apertureMax'),
  };
}

/** The grain repeated to `length` samples. */
function tile(grain: Float32Array, length: number): Float64Array {
  return Float64Array.from({ length }, (_, i) => grain[i % grain.length]);
}

/** Mean frame distance between two MFCC sequences over the mean norm of the reference's frames. */
function relativeMfcc(reference: Float64Array[], candidate: Float64Array[]): number {
  const n = Math.min(reference.length, candidate.length);
  let distance = 0;
  let norm = 0;
  for (let f = 0; f < n; f++) {
    let d = 0;
    let r = 0;
    for (let q = 0; q < reference[f].length; q++) {
      d += (reference[f][q] - candidate[f][q]) ** 2;
      r += reference[f][q] ** 2;
    }
    distance += Math.sqrt(d);
    norm += Math.sqrt(r);
  }
  return norm > 0 ? distance / norm : FAILED_NRMSE;
}

/**
 * Hyperparameter search over spectral radius, leak, input scaling, N and the aperture's upper
 * bound. `random` samples uniformly; `ga` is Harvey's microbial GA: two random members of a
 * small population compete, the loser takes each gene from the winner with probability 0.5,
 * mutates, and is trained again. Each training counts as one trial. Runs synchronously: call it
 * off the audio thread (the CLI, or the training worker).
 */
export function searchHyper(grains: Float32Array[], o: SearchOptions): SearchResult {
  if (!(Number.isInteger(o.trials) && o.trials >= 1)) throw axonError('training_input', `trials must be a whole number of at least 1, got ${o.trials}`);
  const t0 = performance.now();
  const rng = new SeededRandom(o.seed, 0x5ea7c4);
  const randomGenome = (): Genome => Object.fromEntries(GENE_NAMES.map((g) => [g, rng.uniform()])) as Genome;
  const references = o.useMfcc ? grains.map((g) => mfcc(tile(g, MFCC_LENGTH), o.sampleRate)) : [];

  const trials: SearchTrial[] = [];
  let best: { trial: SearchTrial; model: ReservoirModel } | null = null;
  const evaluate = (g: Genome): number => {
    if (o.isCancelled?.()) throw axonError('training_cancelled');
    const searched = express(g);
    const hyper: ReservoirHyper = { ...DEFAULT_HYPER, ...searched, kind: o.kind ?? 'full', seed: o.seed };
    const index = trials.length;
    const onProgress = o.onProgress ? (p: { fraction: number }) => o.onProgress?.(index, p.fraction) : undefined;
    const { model, report } = trainReservoir(grains, hyper, { sampleRate: o.sampleRate, isCancelled: o.isCancelled, onProgress, keepResynthesis: o.useMfcc ? MFCC_LENGTH : undefined });
    const nrmse = report.grains.reduce((s, r) => s + (Number.isFinite(r.nrmse) ? Math.min(r.nrmse, FAILED_NRMSE) : FAILED_NRMSE), 0) / grains.length;
    let mfccScore: number | null = null;
    if (o.useMfcc && report.resynthesis) {
      mfccScore = report.resynthesis.reduce((s, y, j) => s + (y.every(Number.isFinite) ? Math.min(relativeMfcc(references[j], mfcc(y, o.sampleRate)), FAILED_NRMSE) : FAILED_NRMSE), 0) / grains.length;
    }
    const score = mfccScore === null ? nrmse : (nrmse + mfccScore) / 2;
    const trial: SearchTrial = { index, hyper: searched, score, nrmse, mfcc: mfccScore };
    trials.push(trial);
    if (best === null || score < best.trial.score) best = { trial, model };
    o.onTrial?.(trial);
    return score;
  };

  if (o.method === 'random') {
    for (let t = 0; t < o.trials; t++) evaluate(randomGenome());
  } else {
    const population = Array.from({ length: Math.min(POPULATION, o.trials) }, randomGenome);
    const fitness = population.map(evaluate);
    while (trials.length < o.trials) {
      const a = Math.floor(rng.uniform() * population.length);
      let b = Math.floor(rng.uniform() * (population.length - 1));
      if (b >= a) b++;
      const [winner, loser] = fitness[a] <= fitness[b] ? [a, b] : [b, a];
      for (const gene of GENE_NAMES) {
        if (rng.uniform() < INFECTION) population[loser][gene] = population[winner][gene];
        population[loser][gene] = Math.min(1, Math.max(0, population[loser][gene] + MUTATION * rng.gaussian()));
      }
      fitness[loser] = evaluate(population[loser]);
    }
  }
  const found = best as { trial: SearchTrial; model: ReservoirModel } | null;
  if (found === null) throw axonError('training_failed', 'the search ran no trials');
  return { best: found.trial, bestModel: found.model, trials, seconds: (performance.now() - t0) / 1000 };
}
