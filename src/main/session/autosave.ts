import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { axonError, withDetails } from '../../shared/errors';
import { formatIssues } from '../../shared/patch/validate';
import { writeFileAtomic } from '../files';

// What plays now, kept in <data>/autosave.json every few seconds while it changes: the patch as it
// sounds (every moved value and mapping folded in), the scene, the drum profile. A clean close
// marks the file; a start that finds it unmarked came after a crash and plays it again.

export const AUTOSAVE_FILE = 'autosave.json';

const AutosaveSchema = z.strictObject({
  format: z.literal('axon-autosave'),
  version: z.literal(1),
  savedAt: z.iso.datetime({ offset: true }),
  /** false until the app closes cleanly. */
  closed: z.boolean(),
  patchName: z.string(),
  /** The patch with its values as they played (checked again when it is loaded). */
  patch: z.unknown(),
  scene: z.number().int().min(0).nullable(),
  drumProfile: z.string().nullable(),
});
export type Autosave = z.infer<typeof AutosaveSchema>;
export type AutosaveState = Pick<Autosave, 'patchName' | 'patch' | 'scene' | 'drumProfile'>;

export class AutosaveFile {
  /** The state last written (as JSON, without the time), so an unchanged state is not written again. */
  private last = '';

  constructor(readonly file: string) {}

  /** Writes the state if it changed since the last write (or `closed` is asked for). */
  write(state: AutosaveState, closed = false): void {
    const key = JSON.stringify(state) + String(closed);
    if (key === this.last) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const value: Autosave = { format: 'axon-autosave', version: 1, savedAt: new Date().toISOString(), closed, ...state };
    writeFileAtomic(this.file, JSON.stringify(value) + '\n');
    this.last = key;
  }

  /**
   * What the app left behind: null after a clean close or on a first start. A damaged file is
   * moved aside (autosave.damaged.json, nothing is lost) and its problems thrown.
   */
  readAfterCrash(): Autosave | null {
    if (!existsSync(this.file)) return null;
    let problems: string[];
    try {
      const parsed = AutosaveSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      if (parsed.success) return parsed.data.closed ? null : parsed.data;
      problems = formatIssues(parsed.error.issues);
    } catch (err) {
      problems = [`not JSON: ${err instanceof Error ? err.message : String(err)}`];
    }
    const aside = path.join(path.dirname(this.file), 'autosave.damaged.json');
    renameSync(this.file, aside);
    throw withDetails(axonError('autosave_invalid', this.file, aside), problems);
  }
}
