import { PATCH_FORMAT, PATCH_VERSION, type Patch, type PatchSource } from '../../shared/patch/schema';
import type { PatchAssets } from '../../worker/patch-assets';
import type { ConceptorKind } from '../../worker/reservoir/reservoir-model';
import { benchModel } from './bench-models';
import { layoutPatch } from '../../shared/patch/layout';
import type { Hertz, Seconds } from '../../shared/units';
import { DEFAULT_BLOCK } from '../../shared/engine-config';
import { Engine, NO_EVENTS } from '../../worker/engine';
import { OutEventList } from '../../worker/outputs/out-event-sink';
import { bipolar, streamSeed } from '../../worker/random';
import type { TelemetrySink } from '../../worker/engine';
import { readPatch } from '../patches/patch-library';

export interface BenchCase {
  name: string;
  description: string;
  patch(): Patch;
  /** What the patch needs beyond its JSON (made here, not read from files). */
  assets?(): PatchAssets;
  seconds: Seconds;
}

/** One source straight to the master, the voice silent: the engine playing that source. */
function sourcePatch(name: string, source: PatchSource): Patch {
  return {
    format: PATCH_FORMAT,
    version: PATCH_VERSION,
    name,
    sources: [source],
    neurons: [{ id: 'n', activation: 'tanh' }],
    voice: { level: 0 },
    routes: [{ from: source.id, to: 'master', amount: 1 }],
  };
}

const reservoirCase = (name: string, kind: ConceptorKind, neurons: number): BenchCase => ({
  name,
  description: `a ${neurons}-neuron reservoir with ${kind} conceptors stepping through 16 grains`,
  patch: () => sourcePatch(name, { id: 'res', type: 'reservoir', model: name }),
  assets: () => ({ reservoirs: { res: { model: benchModel(kind, neurons), derived: [] } } }),
  seconds: 10,
});

/** 16 fully connected tanh neurons with noise, driving the voice: the dense worst case. */
export function dense16Patch(seed = 16): Patch {
  const rng = new Int32Array([streamSeed(seed, 0)]);
  const ids = Array.from({ length: 16 }, (_, i) => `n${i}`);
  const sources = ['x', 'y', 'z'];
  const w = () => Math.round(bipolar(rng, 0) * 0.9 * 1000) / 1000;
  return {
    format: PATCH_FORMAT,
    version: PATCH_VERSION,
    name: 'Dense 16',
    seed,
    sources: sources.map((id) => ({ id, type: 'input' as const, input: `joystick.${id}` })),
    neurons: ids.map((id) => ({
      id,
      activation: 'tanh' as const,
      noise: 0.01,
      bias: w() * 0.2,
      inputs: Object.fromEntries([...sources, ...ids].map((from) => [from, w()])),
    })),
    routes: [
      { from: 'n0', to: 'voice.cutoff', amount: 0.3 },
      { from: 'n1', to: 'voice.morph', amount: 0.4 },
      { from: 'n2', to: 'voice.pitch', amount: 0.1 },
    ],
  };
}

export const BENCH_CASES: readonly BenchCase[] = [
  { name: 'dual-neuron', description: 'the dual-neuron example with voice and reverb', patch: () => readPatch('dual-neuron').patch, seconds: 30 },
  { name: 'dense-16', description: '16 fully connected tanh neurons with noise and the voice', patch: () => dense16Patch(), seconds: 10 },
  { name: 'learning-neuron', description: 'the learning-neuron example (NLMS every sample)', patch: () => readPatch('learning-neuron').patch, seconds: 20 },
  reservoirCase('reservoir-full-128', 'full', 128),
  reservoirCase('reservoir-diag-512', 'diagonal', 512),
  { name: 'sinenet-default', description: 'a sine network of the default design (8 lags from 16 samples, two hidden layers of 16)', patch: () => sourcePatch('sinenet-default', { id: 'sn', type: 'sinenet' }), seconds: 10 },
];

export interface BenchResult {
  case: string;
  sampleRate: Hertz;
  seconds: Seconds;
  blockSize: number;
  cpuSeconds: number;
  realtimeFactor: number;
  nsPerSample: number;
}

/** Telemetry is part of the real-time cost, so the bench publishes it too (into a copy). */
class CopySink implements TelemetrySink {
  private readonly copy = new Float64Array(4096);
  publish(words: Float64Array): void {
    this.copy.set(words.subarray(0, Math.min(words.length, this.copy.length)));
  }
  consumed(): boolean {
    return true;
  }
}

/** Renders a case on this thread and measures CPU time (after a warm-up that lets the JIT settle). */
export function runBenchCase(c: BenchCase, sampleRate: Hertz, seconds = c.seconds, blockSize = DEFAULT_BLOCK): BenchResult {
  const layout = layoutPatch(c.patch());
  const engine = new Engine({ sampleRate, out: new OutEventList(), telemetry: new CopySink() });
  engine.load(layout, layout.patch.seed ?? 1, 0, c.assets?.());
  const buf = new Float32Array(blockSize * 2);
  const blocks = (s: Seconds) => Math.ceil((s * sampleRate) / blockSize);
  for (let b = blocks(2); b > 0; b--) engine.render(buf, blockSize, NO_EVENTS);
  const n = blocks(seconds);
  const t0 = process.cpuUsage();
  for (let b = 0; b < n; b++) engine.render(buf, blockSize, NO_EVENTS);
  const used = process.cpuUsage(t0);
  // cpuUsage counts microseconds: never report a zero time (an infinite speed).
  const cpuSeconds = Math.max(1e-6, (used.user + used.system) / 1e6);
  const audioSeconds = (n * blockSize) / sampleRate;
  return {
    case: c.name,
    sampleRate,
    seconds: audioSeconds,
    blockSize,
    cpuSeconds,
    realtimeFactor: audioSeconds / cpuSeconds,
    nsPerSample: (cpuSeconds * 1e9) / (n * blockSize),
  };
}
