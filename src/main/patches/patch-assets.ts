import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Matrix } from 'ml-matrix';
import { axonError, withDetails } from '../../shared/errors';
import type { Patch, PatchDerivedConceptor } from '../../shared/patch/schema';
import type { PatchAssets, ReservoirAsset } from '../../worker/patch-assets';
import { conceptorSize, type ReservoirModel } from '../../worker/reservoir/reservoir-model';
import { adaptAperture, and, diag, not, or, symmetrize } from '../reservoir/conceptor-math';
import { exampleModelsDir, findModel, readModelFile, userModelsDir } from '../reservoir/model-library';
import { readPatch } from './patch-library';

/** Conceptor `index` of a model as float64 (diagonal: its weights; full: N x N row-major). */
function conceptorOf(model: ReservoirModel, index: number): Float64Array {
  const size = conceptorSize(model);
  return Float64Array.from(model.conceptors.subarray(index * size, (index + 1) * size));
}

/** One derived conceptor from earlier ones (grains first, then derived, in order). */
function derive(model: ReservoirModel, op: PatchDerivedConceptor, get: (i: number) => Float64Array): Float32Array {
  const n = model.hyper.neurons;
  if (model.hyper.kind === 'diagonal') {
    const a = get(op.a);
    const c = op.op === 'not' ? diag.not(a) : op.op === 'aperture' ? diag.adapt(a, op.factor) : op.op === 'and' ? diag.and(a, get(op.b)) : diag.or(a, get(op.b));
    return Float32Array.from(c);
  }
  const m = (i: number) => new Matrix(Array.from({ length: n }, (_, r) => Array.from(get(i).subarray(r * n, (r + 1) * n))));
  const a = m(op.a);
  const c = op.op === 'not' ? not(a) : op.op === 'aperture' ? adaptAperture(symmetrize(a), op.factor) : op.op === 'and' ? and(symmetrize(a), symmetrize(m(op.b))) : or(symmetrize(a), symmetrize(m(op.b)));
  return Float32Array.from(c.to1DArray());
}

/**
 * Derived conceptors made before, per model (readModelFile hands out one object while its file is
 * unchanged) and per derive chain up to the one made: the algebra on full conceptors takes 75-150
 * ms of main's time at 128 neurons, and a set list loads the same scenes again and again.
 */
const derivedCache = new WeakMap<ReservoirModel, Map<string, Float32Array>>();

function derivedOnce(model: ReservoirModel, chain: readonly PatchDerivedConceptor[], make: () => Float32Array): Float32Array {
  let byChain = derivedCache.get(model);
  if (!byChain) derivedCache.set(model, (byChain = new Map()));
  const key = JSON.stringify(chain);
  let c = byChain.get(key);
  if (!c) byChain.set(key, (c = make()));
  return c;
}

/** The SHA-256 of each model file a patch's reservoir sources name, by model name (a missing one is left out). */
export function modelHashes(patch: Patch): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of patch.sources ?? []) {
    if (s.type !== 'reservoir' || s.model in out) continue;
    const file = findModel(s.model);
    if (file !== null) out[s.model] = createHash('sha256').update(readFileSync(file)).digest('hex');
  }
  return out;
}

/**
 * Reads the models a patch's reservoir sources name and computes their derived conceptors.
 * Every problem (missing or damaged model, a conceptor index the model lacks) is reported at
 * once, with its place in the patch, as one patch_invalid error.
 */
export function loadPatchAssets(patch: Patch, where: string): PatchAssets {
  const problems: string[] = [];
  const reservoirs: Record<string, ReservoirAsset> = {};
  (patch.sources ?? []).forEach((s, i) => {
    if (s.type !== 'reservoir') return;
    const at = `sources[${i}]`;
    const file = findModel(s.model);
    if (file === null) {
      problems.push(`${at}.model: no model "${s.model}" in ${userModelsDir()} or ${exampleModelsDir()}`);
      return;
    }
    let model: ReservoirModel;
    try {
      model = readModelFile(file);
    } catch (err) {
      problems.push(`${at}.model: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const G = model.grains.length;
    const derived: Float32Array[] = [];
    const outOf = (count: number) => `conceptors 0..${count - 1}: ${G} grain${G === 1 ? '' : 's'}${count > G ? ` and ${count - G} derived` : ''}`;
    const get = (k: number) => (k < G ? conceptorOf(model, k) : Float64Array.from(derived[k - G]));
    let usable = true;
    (s.derive ?? []).forEach((op, d) => {
      const available = G + d;
      const operands = op.op === 'and' || op.op === 'or' ? [['a', op.a] as const, ['b', op.b] as const] : [['a', op.a] as const];
      const bad = operands.filter(([, k]) => k >= available);
      for (const [key, k] of bad) problems.push(`${at}.derive[${d}].${key}: conceptor ${k} does not exist here (a derived conceptor may use ${outOf(available)})`);
      if (bad.length > 0 || !usable) {
        usable = false;
        return;
      }
      derived.push(derivedOnce(model, (s.derive ?? []).slice(0, d + 1), () => derive(model, op, get)));
    });
    const total = G + (s.derive?.length ?? 0);
    (s.morphSet ?? []).forEach((k, m) => {
      if (k >= total) problems.push(`${at}.morphSet[${m}]: conceptor ${k} does not exist (${outOf(total)})`);
    });
    reservoirs[s.id] = { model, derived };
  });
  if (problems.length > 0) throw withDetails(axonError('patch_invalid', where, problems.length), problems);
  return { reservoirs };
}

/** A patch by name or path (see readPatch) with its assets: what the engine needs to play it. */
export function readPlayablePatch(nameOrPath: string, allowPaths = true): { patch: Patch; file: string; assets: PatchAssets } {
  const { patch, file } = readPatch(nameOrPath, allowPaths);
  return { patch, file, assets: loadPatchAssets(patch, path.basename(file)) };
}
