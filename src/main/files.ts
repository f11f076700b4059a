import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { axonError } from '../shared/errors';

/** Writes via a temporary file and a rename, so a failure never leaves a half-written file. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw axonError('file_write', file, err instanceof Error ? err.message : String(err));
  }
}
