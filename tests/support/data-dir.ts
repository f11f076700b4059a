import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** A fresh user data folder (AXON_DATA_DIR) for the calling test file, removed afterwards. */
export function useTempDataDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `axon-${prefix}-`));
  const before = process.env.AXON_DATA_DIR;
  beforeAll(() => {
    process.env.AXON_DATA_DIR = dir;
  });
  afterAll(() => {
    if (before === undefined) delete process.env.AXON_DATA_DIR;
    else process.env.AXON_DATA_DIR = before;
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
