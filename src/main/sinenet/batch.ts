// Batch generation: draws designs from a seeded design space, renders each one offline with the
// same SineNetwork class the engine plays, and judges it.

import { CHUNK } from '../../shared/chunk';
import type { Hertz, Seconds } from '../../shared/units';
import { bipolar, mix32, streamSeed } from '../../worker/random';
import type { SineNetDesign } from '../../shared/sinenet-design';
import { SineNetwork } from '../../worker/sinenet/sine-network';
import { analyse, verdict, type SineNetMetrics, type SineNetVerdict } from './analyse';

/** Rendered before what is analysed and written: the seeded start noise and the gain settling. */
export const SINENET_WARMUP: Seconds = 0.25;

/**
 * The design space of a batch (seed 002 used length 1..10 and weights/biases in [0, 1]):
 * length 1..10, gap 0..8 (longest lag 2^17), 0..3 hidden layers of 2..24 nodes, weight and bias
 * ranges either one-sided like the seed's [0, s] or symmetric [-s, s], s from SCALES.
 */
export const SINENET_SPACE = {
  length: { min: 1, max: 10 },
  gap: { min: 0, max: 8 },
  layers: { min: 0, max: 3 },
  width: { min: 2, max: 24 },
  scales: [0.5, 1, 1.5, 2] as readonly number[],
} as const;

export interface RenderOptions {
  sampleRate: Hertz;
  seconds: Seconds;
  /** Rendered and dropped first (default SINENET_WARMUP). */
  warmupSeconds?: Seconds;
  /** Weight/bias drift, fractions of the range per second (default 0). */
  drift?: number;
}

export interface SineNetRender {
  /** The emitted signal (DC removed, level normalised), after the warm-up. */
  audio: Float64Array;
  /** The raw network output (its own history), same span. */
  raw: Float64Array;
}

/** Renders a design offline in engine-sized chunks; the same design and options give the same samples. */
export function renderSineNet(design: SineNetDesign, o: RenderOptions): SineNetRender {
  const net = new SineNetwork(design, o.sampleRate);
  const skip = Math.round((o.warmupSeconds ?? SINENET_WARMUP) * o.sampleRate);
  const frames = Math.round(o.seconds * o.sampleRate);
  const total = skip + frames;
  const audio = new Float64Array(total);
  const raw = new Float64Array(total);
  for (let at = 0; at < total; at += CHUNK) {
    const len = Math.min(CHUNK, total - at);
    net.process(audio.subarray(at, at + len), len, o.drift ?? 0, raw.subarray(at, at + len));
  }
  return { audio: audio.subarray(skip), raw: raw.subarray(skip) };
}

/** Uniform whole number in [lo, hi] from an xorshift state. */
function intIn(st: Int32Array, lo: number, hi: number): number {
  const u = 0.5 * (bipolar(st, 0) + 1); // [0, 1)
  return lo + Math.min(hi - lo, Math.floor(u * (hi - lo + 1)));
}

/** Design `index` (0-based) of the batch drawn from `batchSeed`. */
export function drawDesign(batchSeed: number, index: number): SineNetDesign {
  const st = new Int32Array([streamSeed(batchSeed, index)]);
  const S = SINENET_SPACE;
  const length = intIn(st, S.length.min, S.length.max);
  const gap = intIn(st, S.gap.min, S.gap.max);
  const layers = intIn(st, S.layers.min, S.layers.max);
  const hidden = Array.from({ length: layers }, () => intIn(st, S.width.min, S.width.max));
  const range = () => {
    const s = S.scales[intIn(st, 0, S.scales.length - 1)];
    return intIn(st, 0, 1) === 0 ? [0, s] : [-s, s];
  };
  const [weightMin, weightMax] = range();
  const [biasMin, biasMax] = range();
  // Each design gets its own seed, so it can be re-created (and played) without the batch.
  const seed = mix32((batchSeed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  return { seed, length, gap, hidden, weightMin, weightMax, biasMin, biasMax };
}

export interface BatchOptions {
  count: number;
  seed: number;
  seconds: Seconds;
  sampleRate: Hertz;
  drift?: number;
  warmupSeconds?: Seconds;
}

export interface SineNetResult {
  /** 1-based position in the batch (names the file: sinenet-<nnn>.wav). */
  index: number;
  design: SineNetDesign;
  /** Measured on the raw network output: it tells what the net itself does. */
  metrics: SineNetMetrics;
  verdict: SineNetVerdict;
  /** The emitted signal as written to the WAV (float32), for kept sounds only. */
  audio?: Float32Array;
}

export interface SineNetBatch {
  options: Required<BatchOptions>;
  results: SineNetResult[];
}

export function batchDefaults(o: BatchOptions): Required<BatchOptions> {
  return { drift: 0, warmupSeconds: SINENET_WARMUP, ...o };
}

/** Renders, measures and judges design `index` (0-based) of a batch. */
export function judgeDesign(o: Required<BatchOptions>, index: number): SineNetResult {
  const design = drawDesign(o.seed, index);
  const r = renderSineNet(design, o);
  const metrics = analyse(r.raw, o.sampleRate);
  const v = verdict(metrics);
  return { index: index + 1, design, metrics, verdict: v, ...(v === 'keep' ? { audio: Float32Array.from(r.audio) } : {}) };
}

/** One result at a time, so a caller can write each sound and let its samples go. */
export function* sineNetResults(options: BatchOptions): Generator<SineNetResult> {
  const o = batchDefaults(options);
  for (let i = 0; i < o.count; i++) yield judgeDesign(o, i);
}

export function generateBatch(options: BatchOptions): SineNetBatch {
  return { options: batchDefaults(options), results: [...sineNetResults(options)] };
}
