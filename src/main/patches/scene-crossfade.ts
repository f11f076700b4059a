import type { PatchLayout } from '../../shared/patch/layout';
import { patchWithValues } from '../../shared/patch/patch-values';
import type { Patch } from '../../shared/patch/schema';
import { fromNormal, toNormal, type ParamSpec } from '../../shared/params/spec';

// A scene's crossfade: when the scene's patch differs from the one playing only in parameter
// values (the same sources, neurons, routes and mappings: a variation saved from it), its
// parameters glide from where they are to the scene's over the scene's crossfade time, and the
// network never stops. A patch built otherwise loads as usual (the engine's 10 ms fade).

export interface FadeParam {
  id: string;
  spec: ParamSpec;
  from: number;
  to: number;
}

/** What a patch is apart from its values (and its name and seed). */
const shape = (p: Patch) => JSON.stringify({ ...p, name: '', description: '', seed: 0 });

/**
 * The parameters to glide from `values` (what plays, on `current`) to `target`'s, or null when
 * `target` is not `current` with other values.
 */
export function crossfadeParams(current: PatchLayout, values: ReadonlyMap<string, number>, target: PatchLayout): FadeParam[] | null {
  if (current.params.length !== target.params.length || current.params.some((p, i) => p.id !== target.params[i].id)) return null;
  const targetValues = new Map(target.params.map((p) => [p.id, p.initial]));
  // The playing patch given the target's values must be the target itself.
  if (shape(patchWithValues(current, targetValues)) !== shape(target.patch)) return null;
  const fade: FadeParam[] = [];
  // A mapping's destination follows its source, not the crossfade.
  const mapped = new Set((current.patch.mappings ?? []).map((m) => m.to));
  for (const p of current.params) {
    if (mapped.has(p.id)) continue;
    const from = values.get(p.id) ?? p.initial;
    const to = targetValues.get(p.id) ?? p.initial;
    if (from !== to) fade.push({ id: p.id, spec: p.spec, from, to });
  }
  return fade;
}

/** A parameter at fraction `t` (0 to 1) of the crossfade: along its own scale (log for frequencies); whole numbers switch half way. */
export function fadeValue(p: FadeParam, t: number): number {
  if (t >= 1) return p.to;
  if (p.spec.integer) return t < 0.5 ? p.from : p.to;
  const a = toNormal(p.spec, p.from);
  return fromNormal(p.spec, a + (toNormal(p.spec, p.to) - a) * Math.max(0, t));
}
