import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { axonError, withDetails } from '../shared/errors';
import { formatIssues } from '../shared/patch/validate';
import { writeFileAtomic } from './files';

// The app's own small JSON files in the data folder (set list, settings). Read on every call, so
// a hand edit counts at once. A file that is not what it should be throws a named error listing
// its problems, and is never overwritten: writes read it first.

/** The file's content, or undefined when there is none yet. */
export function readStoredJson<T>(file: string, schema: z.ZodType<T>, what: string): T | undefined {
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw axonError('file_read', file, err instanceof Error ? err.message : String(err));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw withDetails(axonError('stored_file_invalid', file, what, 1), [`not JSON: ${err instanceof Error ? err.message : String(err)}`]);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues);
    throw withDetails(axonError('stored_file_invalid', file, what, problems.length), problems);
  }
  return parsed.data;
}

/** Writes `value` (already valid) unless the file there is damaged (then readStoredJson throws). */
export function writeStoredJson<T>(file: string, schema: z.ZodType<T>, what: string, value: T): void {
  readStoredJson(file, schema, what);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}
