import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Hertz, Seconds } from '../../shared/units';
import { appRoot } from '../paths';
import { normalizeGrains, sliceGrains } from './grains';
import { MODEL_EXTENSION, saveModel } from './model-file';
import { exampleModelsDir } from './model-library';
import { SeededRandom } from './reservoir-build';
import { DEFAULT_HYPER, trainReservoir } from './train';

const RATE: Hertz = 48000;

/**
 * A synthetic pluck: two partials whose pitch falls from 330 to 220 Hz as they decay, over a
 * short burst of seeded noise. Its zero-crossing grains are one period each, 149 to 218 samples
 * at 48 kHz: short enough for a 128-neuron reservoir to hold (longer periods need searched
 * settings, see `axon conceptor search`).
 */
export function pluckTone(seconds: Seconds, seed: number): Float32Array {
  const rng = new SeededRandom(seed, 0);
  let phase = 0;
  return Float32Array.from({ length: Math.round(seconds * RATE) }, (_, i) => {
    const t = i / RATE;
    phase += (2 * Math.PI * 220 * (1 + 0.5 * Math.exp(-t * 20))) / RATE;
    return Math.exp(-t * 8) * (Math.sin(phase) + 0.4 * Math.sin(2 * phase + 1)) + 0.05 * (2 * rng.uniform() - 1) * Math.exp(-t * 60);
  });
}

/** Models the example patches play, trained here from sounds made here (no recordings ship). */
export const EXAMPLE_MODELS = [
  {
    name: 'pluck',
    description: 'the first 16 one-period grains of a synthetic pluck falling from 330 to 250 Hz',
    grains: () => normalizeGrains(sliceGrains(pluckTone(0.2, 1), { minLength: 9, maxCount: 16 })),
    hyper: { ...DEFAULT_HYPER, neurons: 128, kind: 'full' as const },
  },
] as const;

/** Files whose change makes the example models stale. */
function newestInput(): number {
  const root = appRoot();
  const dirs = [path.join(root, 'src', 'main', 'reservoir'), path.join(root, 'src', 'worker', 'reservoir')];
  const files = [...dirs.flatMap((d) => readdirSync(d).map((f) => path.join(d, f))), path.join(root, 'build', 'kernels', 'reservoir-kernel.wasm')];
  return Math.max(...files.filter((f) => existsSync(f)).map((f) => statSync(f).mtimeMs));
}

/** Trains the example models that are missing or older than the code that makes them. */
export function buildExampleModels(log: (line: string) => void): void {
  const dir = exampleModelsDir();
  mkdirSync(dir, { recursive: true });
  const newest = newestInput();
  for (const m of EXAMPLE_MODELS) {
    const file = path.join(dir, `${m.name}${MODEL_EXTENSION}`);
    if (existsSync(file) && statSync(file).mtimeMs >= newest) continue;
    const { model, report } = trainReservoir(m.grains(), m.hyper, { sampleRate: RATE });
    saveModel(file, model);
    const nrmse = report.grains.map((g) => g.nrmse).sort((a, b) => a - b);
    log(`example model ${m.name}: ${report.grains.length} grains, median NRMSE ${nrmse[nrmse.length >> 1].toFixed(3)}, ${report.trainSeconds.toFixed(2)} s -> ${path.relative(appRoot(), file)}`);
  }
}
