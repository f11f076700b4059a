import { existsSync } from 'node:fs';
import { ensureJackd } from '../../src/main/engine/jack-server';

// One JACK server (dummy backend) for the whole run: the audio, MIDI and rig tests share it, and
// none of them may stop it under the others. Without jackd installed, those tests say so.
export default async function setup(): Promise<() => Promise<void>> {
  if (!existsSync('/usr/bin/jackd')) return async () => undefined;
  const jack = await ensureJackd(48000);
  return () => jack.stop();
}
