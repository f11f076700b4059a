import path from 'node:path';
import { z } from 'zod';
import { axonError, withDetails } from '../../shared/errors';
import { formatIssues } from '../../shared/patch/validate';
import { ScenesSchema, type Scene } from '../../shared/set-list';
import { dataDir } from '../paths';
import { readStoredJson, writeStoredJson } from '../stored-json';

/**
 * The set list in `<data dir>/setlist.json`:
 *
 *   { "format": "axon-setlist", "version": 1,
 *     "scenes": [{ "name": "Intro", "patch": "dual-neuron", "drumProfile": "club" }, ...] }
 *
 * A damaged file is reported and never overwritten (stored-json.ts): the performer's set is not
 * lost to a file this version does not understand.
 */
export const SET_LIST_FILE_NAME = 'setlist.json';
const FORMAT = 'axon-setlist';
const VERSION = 1;

const FileSchema = z.strictObject({
  format: z.literal(FORMAT),
  version: z.literal(VERSION),
  scenes: ScenesSchema,
});

export const setListFile = (): string => path.join(dataDir(), SET_LIST_FILE_NAME);
const WHAT = 'set list';

export function readSetList(): Scene[] {
  return readStoredJson(setListFile(), FileSchema, WHAT)?.scenes ?? [];
}

/** Checks `scenes` and writes them; a damaged file on disk is left alone. */
export function writeSetList(scenes: unknown): Scene[] {
  const parsed = ScenesSchema.safeParse(scenes);
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues, ['scenes']);
    throw withDetails(axonError('setlist_invalid', problems.length), problems);
  }
  writeStoredJson(setListFile(), FileSchema, WHAT, { format: FORMAT, version: VERSION, scenes: parsed.data });
  return parsed.data;
}
