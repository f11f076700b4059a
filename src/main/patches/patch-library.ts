import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PatchInfo } from '../../shared/api';
import { axonError } from '../../shared/errors';
import type { Patch } from '../../shared/patch/schema';
import { parsePatch, validatePatch } from '../../shared/patch/validate';
import { SAVED_NAME_PATTERN, SAVED_NAME_RULE } from '../../shared/names';
import { writeFileAtomic } from '../files';
import { dataDir, examplesDir } from '../paths';

export const userPatchesDir = (): string => path.join(dataDir(), 'patches');

function listDir(dir: string, origin: PatchInfo['origin']): PatchInfo[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f): PatchInfo[] => {
      const name = f.slice(0, -'.json'.length);
      try {
        const patch = parsePatch(readFileSync(path.join(dir, f), 'utf8'), f);
        return [{ name, title: patch.name, description: patch.description ?? '', origin }];
      } catch {
        // An invalid file is listed nowhere; loading it by path reports each problem.
        return [];
      }
    });
}

/** Example patches shipped with the app, then the user's own (a user patch may shadow an example). */
export function listPatches(): PatchInfo[] {
  const user = listDir(userPatchesDir(), 'user');
  const shadowed = new Set(user.map((p) => p.name));
  return [...listDir(examplesDir(), 'example').filter((p) => !shadowed.has(p.name)), ...user];
}

const isPath = (s: string) => s.endsWith('.json') || s.includes('/') || s.includes(path.sep);

/**
 * Resolves a patch name (user first, then examples) or, where `allowPaths`, a path to a .json
 * file. Remote callers get names only, so they cannot make the backend read arbitrary files.
 */
export function resolvePatchPath(nameOrPath: string, allowPaths = true): string {
  if (isPath(nameOrPath)) {
    if (!allowPaths) throw axonError('patch_not_found', nameOrPath);
    const file = path.resolve(nameOrPath);
    if (!existsSync(file)) throw axonError('file_read', nameOrPath, 'no such file');
    return file;
  }
  for (const dir of [userPatchesDir(), examplesDir()]) {
    const file = path.join(dir, `${nameOrPath}.json`);
    if (existsSync(file)) return file;
  }
  throw axonError('patch_not_found', nameOrPath);
}

export function readPatch(nameOrPath: string, allowPaths = true): { patch: Patch; file: string } {
  const file = resolvePatchPath(nameOrPath, allowPaths);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw axonError('file_read', file, err instanceof Error ? err.message : String(err));
  }
  return { patch: parsePatch(text, path.basename(file)), file };
}

/**
 * Writes `patch` as the user patch `name`. An existing name (a user patch, or an example it would
 * shadow) needs `overwrite`, so a typo never replaces a patch. Returns the file written.
 */
export function saveUserPatch(name: string, patch: Patch, overwrite: boolean): string {
  if (!SAVED_NAME_PATTERN.test(name)) throw axonError('patch_name', name, SAVED_NAME_RULE);
  const valid = validatePatch(patch, name);
  if (!overwrite && listPatches().some((p) => p.name === name)) throw axonError('patch_exists', name);
  mkdirSync(userPatchesDir(), { recursive: true });
  const file = path.join(userPatchesDir(), `${name}.json`);
  writeFileAtomic(file, JSON.stringify(valid, null, 2) + '\n');
  return file;
}
