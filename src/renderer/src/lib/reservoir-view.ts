import type { EngineState, ModelInfo } from '../../../shared/api';
import { MAX_DERIVED, MAX_MORPH_SET, MODEL_NAME_PATTERN, type PatchDerivedConceptor, type PatchSource } from '../../../shared/patch/schema';

// The Reservoir view's logic, apart from the DOM: which reservoir plays, the names of its
// conceptors, the morph set, the pad's mapping, grain quality, and names for uploads and models.

export type ReservoirSpec = Extract<PatchSource, { type: 'reservoir' }>;

/** The playing patch's first reservoir source: the one the view's controls move. */
export function playingReservoir(engine: EngineState | null): ReservoirSpec | null {
  const s = engine?.patch.sources?.find((x) => x.type === 'reservoir');
  return s && s.type === 'reservoir' ? s : null;
}

const isBinary = (d: PatchDerivedConceptor) => d.op === 'and' || d.op === 'or';

/**
 * People's names for a model's conceptors: grains "#0".."#(G-1)" (the indices patches use), then
 * each derived one as its expression ("#0 OR #15", "NOT (#0 OR #15)", "#3 aperture ×2").
 */
export function conceptorNames(grains: number, derive: readonly PatchDerivedConceptor[]): string[] {
  const names = Array.from({ length: grains }, (_, i) => `#${i}`);
  const operand = (k: number) => {
    const name = names[k] ?? `#${k}`;
    const d = k >= grains ? derive[k - grains] : undefined;
    return d && (isBinary(d) || d.op === 'aperture') ? `(${name})` : name;
  };
  for (const d of derive) {
    if (d.op === 'not') names.push(`NOT ${operand(d.a)}`);
    else if (d.op === 'aperture') names.push(`${operand(d.a)} aperture ×${d.factor}`);
    else names.push(`${operand(d.a)} ${d.op.toUpperCase()} ${operand(d.b)}`);
  }
  return names;
}

/** The morph set a reservoir plays: its own, or the engine's default (first grain to last). */
export function effectiveMorphSet(set: readonly number[] | undefined | null, grains: number): number[] {
  if (set && set.length > 0) return [...set];
  return grains > 1 ? [0, grains - 1] : [0];
}

/** Adds a conceptor at the end of the morph set, or takes it out (the set keeps at least one). */
export function toggleInSet(set: readonly number[], index: number): number[] {
  if (set.includes(index)) return set.length > 1 ? set.filter((k) => k !== index) : [...set];
  return set.length < MAX_MORPH_SET ? [...set, index] : [...set];
}

/** A combination can be added: room left, and its operands exist (grains and earlier derived ones). */
export function canDerive(grains: number, derive: readonly PatchDerivedConceptor[], op: PatchDerivedConceptor): boolean {
  const available = grains + derive.length;
  const inRange = (k: number) => Number.isInteger(k) && k >= 0 && k < available;
  return derive.length < MAX_DERIVED && inRange(op.a) && (!isBinary(op) || inRange((op as { b: number }).b));
}

/** The derived list without its last combination, and the morph set without what named it. */
export function dropLastDerived(grains: number, derive: readonly PatchDerivedConceptor[], set: readonly number[]): { derive: PatchDerivedConceptor[]; morphSet: number[] } {
  if (derive.length === 0) return { derive: [], morphSet: [...set] };
  const gone = grains + derive.length - 1;
  const kept = set.filter((k) => k !== gone);
  return { derive: derive.slice(0, -1), morphSet: kept.length > 0 ? kept : effectiveMorphSet(null, grains) };
}

/** The pad's x runs the morph (0 the grain sequence, 1 the morph set), y the position along the set. */
export const controlsFromPad = (x: number, y: number) => ({ morph: clamp01((x + 1) / 2), position: clamp01((y + 1) / 2) });
export const padFromControls = (morph: number, position: number) => ({ x: 2 * clamp01(morph) - 1, y: 2 * clamp01(position) - 1 });
const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

export type GrainQuality = 'good' | 'fair' | 'poor' | 'failed';

/**
 * How well a grain re-synthesises on its own: under 0.1 it holds its shape; the player counts a
 * grain under 0.9 as sustaining (it revives a reservoir that falls silent on it); above, it fades.
 */
export function grainQuality(nrmse: number | null): GrainQuality {
  if (nrmse === null || !Number.isFinite(nrmse)) return 'failed';
  return nrmse < 0.1 ? 'good' : nrmse < 0.9 ? 'fair' : 'poor';
}

/** Bar length for an NRMSE, 0..1 on a log scale from 0.01 (a sliver) to 2 (full). */
export function nrmseBar(nrmse: number | null): number {
  if (nrmse === null || !Number.isFinite(nrmse)) return 1;
  const f = (Math.log10(Math.max(nrmse, 1e-6)) + 2) / (Math.log10(2) + 2);
  return Math.min(1, Math.max(0.02, f));
}

/** A browser file name made into a sound name the API takes (letters, digits, space, _ . ( ) -; ends in .wav). */
export function soundNameFor(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.wav$/i, '');
  let stem = base.replace(/[^A-Za-z0-9 _.()-]/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  if (stem === '') stem = 'sound';
  return `${stem.slice(0, 96)}.wav`;
}

/** The name, or "name (2).wav", "name (3).wav"...: the first not taken. */
export function freeName(name: string, taken: readonly string[]): string {
  const lower = new Set(taken.map((t) => t.toLowerCase()));
  if (!lower.has(name.toLowerCase())) return name;
  const stem = name.replace(/\.wav$/i, '').slice(0, 90);
  for (let n = 2; ; n++) {
    const candidate = `${stem} (${n}).wav`;
    if (!lower.has(candidate.toLowerCase())) return candidate;
  }
}

/** A model name for training on a sound: its name in model-name letters, not taken by a user model. */
export function modelNameFor(sound: string, models: readonly ModelInfo[]): string {
  let stem = sound
    .replace(/\.wav$/i, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+|-+$/g, '')
    .slice(0, 56);
  if (!MODEL_NAME_PATTERN.test(stem)) stem = 'model';
  const taken = new Set(models.filter((m) => m.origin === 'user').map((m) => m.name));
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n++) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
}

/** The span to draw when zoomed to the grains: from the first to the last, with a margin. */
export function grainSpan(grains: readonly [number, number][], seconds: number): { from: number; to: number } | null {
  if (grains.length === 0) return null;
  const from = grains[0][0];
  const to = grains[grains.length - 1][1];
  const margin = (to - from) * 0.04;
  return { from: Math.max(0, from - margin), to: Math.min(seconds, to + margin) };
}

/** Pixel x of each grain boundary inside [from, to] drawn `width` wide (starts, then the last end). */
export function grainMarks(grains: readonly [number, number][], from: number, to: number, width: number): number[] {
  if (grains.length === 0 || !(to > from)) return [];
  const edges = [...grains.map((g) => g[0]), grains[grains.length - 1][1]];
  return edges.filter((t) => t >= from && t <= to).map((t) => ((t - from) / (to - from)) * width);
}
