import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CHANNELS } from '../../shared/engine-memory';
import { DEFAULT_BLOCK, START_WITH_VIRTUAL_DRUMS } from '../../shared/engine-config';
import { encodeEvent, EVENT_WORDS, type LoggedEvent } from '../../shared/events';
import { layoutPatch, type PatchLayout } from '../../shared/patch/layout';
import type { Frames, Hertz } from '../../shared/units';
import { Engine } from '../../worker/engine';
import type { PatchAssets } from '../../worker/patch-assets';
import { ArrayEventSource } from '../../worker/rings/array-event-source';
import { mulberry32 } from '../../worker/random';
import { readPlayablePatch } from '../patches/patch-assets';
import { SoakPerformer, type DraggableParam } from './performer';

// `axon soak`: a seeded, randomised performance rendered offline, faster than real time, by the
// engine as the worker runs it: joystick random walks, weights and knobs dragged, reservoir
// morphs, phrases played on MIDI notes and on the virtual drums and answered by call-and-response
// (its drum answers strike the kit, its notes go out as MIDI), and a scene change every few
// minutes through the example patches. It reports what would hurt on stage: non-finite values, peaks above the limiter's
// ceiling, DC, memory that keeps growing, and the slowest block.

/** The scenes a soak goes through, in a seeded order. */
export const SOAK_SCENES = ['dual-neuron', 'neural-midi', 'reservoir-pluck', 'learning-neuron', 'sinenet-drift', 'neuron-mixer'];
/** Heap growth is measured from here on (the JIT and every scene's first load settle first). */
const WARMUP_S = 60;

export interface SoakResult {
  minutes: number;
  seed: number;
  sampleRate: Hertz;
  blockSize: Frames;
  scenes: number;
  events: number;
  /** Phrases played to call-and-response, the answers it gave, and what they held. */
  calls: number;
  answers: number;
  answerNotes: number;
  answerStrikes: number;
  /** The engine's NaN/Inf recoveries, and samples out of it that were not finite (target 0 both). */
  nanEvents: number;
  nonFiniteSamples: number;
  /** The loudest sample, and the limiter's ceiling it must stay under. */
  peakDbfs: number;
  ceilingDbfs: number;
  /** The largest mean of any channel over one second. */
  dcMax: number;
  /** Heap after warm-up and at the end, each after a full collection; growth between (target under 5 %). */
  heapStartMb: number;
  heapEndMb: number;
  heapGrowthPct: number;
  worstBlockMs: number;
  p99BlockMs: number;
  /** How much faster than real time it ran. */
  realtimeFactor: number;
}

/** A full collection, where this process allows one (node's flag is set at run time). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return typeof gc === 'function' ? gc : () => undefined;
}

export interface Scene {
  name: string;
  layout: PatchLayout;
  assets: PatchAssets;
  /** Parameters a hand may drag: weights, biases, morphs (not a mapping's destination). */
  params: DraggableParam[];
}

export function soakScene(name: string): Scene {
  const { patch, assets } = readPlayablePatch(name, false);
  const layout = layoutPatch(patch);
  const mapped = new Set((patch.mappings ?? []).map((m) => m.to));
  const params = layout.params
    .filter((p) => !mapped.has(p.id) && !p.spec.integer && /\.(w\.[^.]+|bias|morph|position|speed)$/.test(p.id))
    .map((p) => ({ id: p.id, min: p.spec.min, max: p.spec.max }));
  return { name, layout, assets, params };
}

/** The upper edge of the bin holding fraction `q` of `count` counted values. */
function binPercentile(bins: Int32Array, count: number, q: number): number {
  let seen = 0;
  for (let i = 0; i < bins.length; i++) {
    seen += bins[i];
    if (seen >= q * count) return i + 1;
  }
  return bins.length;
}

export function soak(o: { minutes: number; seed?: number; sampleRate?: Hertz; onProgress?: (done: number) => void }): SoakResult {
  const seed = o.seed ?? 1;
  const sampleRate = o.sampleRate ?? 48000;
  const block = DEFAULT_BLOCK;
  // The same seed, the same hour.
  const rand = mulberry32(seed);
  const gc = collector();
  const scenes = SOAK_SCENES.map(soakScene);
  const engine = new Engine({ sampleRate, out: { emit: () => undefined }, virtualDrums: START_WITH_VIRTUAL_DRUMS });
  const total = Math.round(o.minutes * 60 * sampleRate);
  const buf = new Float32Array(block * CHANNELS);
  const words = new Float64Array(16 * EVENT_WORDS);
  const performer = new SoakPerformer(rand, seed);
  let current = scenes[0];
  let gen = 0;
  let nextScene = 0;
  let events = 0;
  let sceneCount = 0;
  let peak = 0;
  let nonFinite = 0;
  let dcMax = 0;
  const dc = [0, 0];
  let dcFrames = 0;
  // Block times in 10 µs bins up to 100 ms (the hour's 1.35 million blocks are not kept).
  const bins = new Int32Array(10_000);
  let worst = 0;
  let blocks = 0;
  let heapStart = 0;
  const t0 = performance.now();

  for (let frame = 0; frame < total; frame += block) {
    if (frame >= nextScene) {
      current = scenes[Math.floor(rand() * scenes.length)];
      engine.load(current.layout, current.layout.patch.seed ?? 1, ++gen, current.assets);
      sceneCount++;
      nextScene = frame + Math.round((120 + rand() * 180) * sampleRate);
    }
    let n = 0;
    for (const { time, gesture: g } of performer.step(frame / sampleRate, (frame + block) / sampleRate, current.params)) {
      // Answer notes go out on MIDI, not into the engine.
      if (g.type === 'answerNote' || n === 16) continue;
      const e: LoggedEvent = g.type === 'answerDrum' ? { type: 'drum', drum: g.drum, velocity: g.velocity } : g;
      encodeEvent(e, current.layout, Math.min(frame + block - 1, Math.max(frame, Math.round(time * sampleRate))), words, n++ * EVENT_WORDS, gen);
    }
    // Sorted by frame, as the engine takes them.
    const list = Array.from({ length: n }, (_, k) => words.subarray(k * EVENT_WORDS, (k + 1) * EVENT_WORDS)).sort((a, b) => a[0] - b[0]);
    const sorted = new Float64Array(n * EVENT_WORDS);
    list.forEach((w, k) => sorted.set(w, k * EVENT_WORDS));
    events += n;
    const len = Math.min(block, total - frame);
    const b0 = performance.now();
    engine.render(buf, len, new ArrayEventSource(sorted));
    const ms = performance.now() - b0;
    worst = Math.max(worst, ms);
    bins[Math.min(bins.length - 1, Math.floor(ms * 100))]++;
    blocks++;
    for (let i = 0; i < len * CHANNELS; i++) {
      const x = buf[i];
      if (!Number.isFinite(x)) {
        nonFinite++;
        continue;
      }
      if (Math.abs(x) > peak) peak = Math.abs(x);
      dc[i & 1] += x;
    }
    dcFrames += len;
    if (dcFrames >= sampleRate) {
      dcMax = Math.max(dcMax, Math.abs(dc[0] / dcFrames), Math.abs(dc[1] / dcFrames));
      dc[0] = dc[1] = 0;
      dcFrames = 0;
    }
    if (heapStart === 0 && frame >= WARMUP_S * sampleRate) {
      gc();
      heapStart = process.memoryUsage().heapUsed;
    }
    if (frame % (60 * sampleRate) < block) o.onProgress?.(frame / total);
  }
  const wall = (performance.now() - t0) / 1000;
  gc();
  const heapEnd = process.memoryUsage().heapUsed;
  // A soak shorter than the warm-up measures from its end's collection: no growth to speak of.
  const start = heapStart || heapEnd;
  const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
  return {
    minutes: o.minutes,
    seed,
    sampleRate,
    blockSize: block,
    scenes: sceneCount,
    events,
    calls: performer.calls,
    answers: performer.answers,
    answerNotes: performer.answerNotes,
    answerStrikes: performer.answerStrikes,
    nanEvents: engine.nanEvents,
    nonFiniteSamples: nonFinite,
    peakDbfs: round(20 * Math.log10(Math.max(peak, 1e-12))),
    ceilingDbfs: Math.max(...scenes.map((s) => s.layout.params[s.layout.master.ceiling].initial)),
    dcMax: round(dcMax, 6),
    heapStartMb: round(start / 1e6),
    heapEndMb: round(heapEnd / 1e6),
    heapGrowthPct: round(((heapEnd - start) / start) * 100),
    worstBlockMs: round(worst, 3),
    p99BlockMs: round(binPercentile(bins, blocks, 0.99) / 100, 3),
    realtimeFactor: round(total / sampleRate / wall),
  };
}
