import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureJackd } from '../../src/main/engine/jack-server';

// One JACK server (dummy backend) for the whole run: the audio, MIDI and rig tests share it, and
// none of them may stop it under the others. Without jackd installed, those tests say so.
export default async function setup(): Promise<() => Promise<void>> {
  if (!existsSync('/usr/bin/jackd')) return async () => undefined;
  // The JACK MIDI addon is built here, once, before any test file runs: built from test files, two
  // builds at once deleted each other's output while a third file's backend loaded it.
  const build = spawnSync(process.execPath, [path.resolve(import.meta.dirname, '../../scripts/build-midi-jack.mjs')], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the JACK MIDI addon did not build:\n${build.stdout}${build.stderr}`);
  const jack = await ensureJackd(48000);
  return () => jack.stop();
}
