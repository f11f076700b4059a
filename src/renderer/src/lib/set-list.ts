import type { Scene } from '../../../shared/set-list';
import { SAVED_NAME_PATTERN } from '../../../shared/names';

// The set list's editing and stepping, apart from the view that shows it.

/** The scene after (+1) or before (-1) `current`, stopping at the ends; the first when none plays. */
export function stepScene(current: number | null, count: number, dir: 1 | -1): number | null {
  if (count === 0) return null;
  if (current === null) return dir > 0 ? 0 : count - 1;
  return Math.min(count - 1, Math.max(0, current + dir));
}

/** Keys 1-9 play scenes 1-9 (index 0-8). */
export function sceneForKey(key: string): number | null {
  return /^[1-9]$/.test(key) ? Number(key) - 1 : null;
}

/** The list with scene `i` moved one place up or down (unchanged at the ends). */
export function moveScene(scenes: readonly Scene[], i: number, dir: 1 | -1): Scene[] {
  const j = i + dir;
  const out = [...scenes];
  if (i < 0 || i >= out.length || j < 0 || j >= out.length) return out;
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

/** A patch name (file name) made from a title: "Late Night #2" -> "late-night-2". */
export function nameFromTitle(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, 64);
  return SAVED_NAME_PATTERN.test(slug) ? slug : '';
}

/** A name not taken yet: `base`, else `base-2`, `base-3`, ... */
export function freeSavedName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const name = `${base.slice(0, 60)}-${n}`;
    if (!taken.has(name)) return name;
  }
}
