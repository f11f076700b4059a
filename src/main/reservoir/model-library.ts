import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ModelInfo } from '../../shared/api';
import { MODEL_NAME_PATTERN } from '../../shared/patch/schema';
import type { ReservoirModel } from '../../worker/reservoir/reservoir-model';
import { dataDir, examplesDir } from '../paths';
import { loadModel, MODEL_EXTENSION } from './model-file';

/** Trained models: the user's folder first (it may shadow a bundled one), then the examples'. */
export const userModelsDir = (): string => path.join(dataDir(), 'models');
export const exampleModelsDir = (): string => path.join(examplesDir(), 'models');
const modelDirs = () => [userModelsDir(), exampleModelsDir()];

/** The file of a model name, or null; names never carry paths. */
export function findModel(name: string): string | null {
  if (!MODEL_NAME_PATTERN.test(name)) return null;
  for (const dir of modelDirs()) {
    const file = path.join(dir, `${name}${MODEL_EXTENSION}`);
    if (existsSync(file)) return file;
  }
  return null;
}

// Parsed models by file, kept while the file is unchanged: reloading a patch does not re-read
// megabytes of conceptors.
const cache = new Map<string, { mtimeMs: number; size: number; model: ReservoirModel }>();

/** Loads a model file through the cache (throws the model file's own errors). */
export function readModelFile(file: string): ReservoirModel {
  const st = statSync(file);
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.model;
  const model = loadModel(file);
  cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, model });
  return model;
}

export function modelInfo(name: string, origin: ModelInfo['origin'], m: ReservoirModel): ModelInfo {
  const nrmse = m.grains.map((g) => g.nrmse).filter(Number.isFinite).sort((a, b) => a - b);
  return { name, origin, neurons: m.hyper.neurons, kind: m.hyper.kind, grains: m.grains.length, sampleRate: m.sampleRate, medianNrmse: nrmse.length ? nrmse[nrmse.length >> 1] : null };
}

/** Every readable model, user ones shadowing examples of the same name; damaged files are left out. */
export function listModels(): ModelInfo[] {
  const seen = new Set<string>();
  const out: ModelInfo[] = [];
  for (const [dir, origin] of [
    [userModelsDir(), 'user'],
    [exampleModelsDir(), 'example'],
  ] as const) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      const name = f.slice(0, -MODEL_EXTENSION.length);
      if (!f.endsWith(MODEL_EXTENSION) || !MODEL_NAME_PATTERN.test(name) || seen.has(name)) continue;
      try {
        out.push(modelInfo(name, origin, readModelFile(path.join(dir, f))));
        seen.add(name);
      } catch {
        // Loading it by name reports what is wrong with it.
      }
    }
  }
  return out;
}
