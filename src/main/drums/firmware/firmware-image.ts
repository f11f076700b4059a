import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { axonError } from '../../../shared/errors';
import { appRoot } from '../../paths';

/** The images `npm run firmware:build` writes (see firmware/README.md). */
export type FirmwareImage = 'axon_drums' | 'axon_drums-v2' | 'axon_drums-blocking';

/**
 * The path of a compiled firmware image, building it first if any source is newer (the build
 * script skips the compiler when nothing changed, and writes each image atomically, so two
 * callers at once are safe).
 */
export function firmwareImage(name: FirmwareImage): string {
  const root = appRoot();
  const hex = path.join(root, 'build', 'firmware', `${name}.hex`);
  const script = path.join(root, 'scripts', 'build-firmware.mjs');
  if (!existsSync(script)) {
    if (existsSync(hex)) return hex;
    throw axonError('drum_firmware_build', `${path.relative(root, script)} is missing`);
  }
  try {
    execFileSync(process.execPath, [script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw axonError('drum_firmware_build', (e.stderr?.toString().trim() || e.message).split('\n').slice(0, 20).join('\n'));
  }
  if (!existsSync(hex)) throw axonError('drum_firmware_build', `the build did not write ${path.relative(root, hex)}`);
  return hex;
}
