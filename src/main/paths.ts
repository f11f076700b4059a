import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The folder holding package.json (the repository, or the packaged app's resources). */
export function appRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'examples'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the Axon Stage folder above ${__dirname}`);
    dir = up;
  }
}

export const examplesDir = (): string => path.join(appRoot(), 'examples');

/** Per-user data (patches, profiles, recordings): AXON_DATA_DIR, or the platform's usual place. */
export function dataDir(): string {
  if (process.env.AXON_DATA_DIR) return path.resolve(process.env.AXON_DATA_DIR);
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'axon-stage');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'axon-stage');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'axon-stage');
}

/** Where recorded sets are kept: one folder per set. */
export const setsDir = (): string => path.join(dataDir(), 'sets');

/** What plays now, saved every few seconds for a start after a crash. */
export const autosaveFile = (): string => path.join(dataDir(), 'autosave.json');

/** Where the engine's event journal is kept (the run now, and the one before). */
export const journalDir = (): string => path.join(dataDir(), 'journal');

let version: string | null = null;
/** This app's version, from its package.json. */
export function appVersion(): string {
  version ??= (JSON.parse(readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
