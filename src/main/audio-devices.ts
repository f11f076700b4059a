import type { AudioDevices, AudioDevice } from '../shared/api';
import { listAudifyDevices } from '../worker/audio-out/audify-apis';
import { listNaudiodonDevices } from '../worker/audio-out/naudiodon-sink';

function attempt(list: () => AudioDevice[]): { devices: AudioDevice[]; problem: string | null } {
  try {
    return { devices: list(), problem: null };
  } catch (err) {
    return { devices: [], problem: err instanceof Error ? err.message : String(err) };
  }
}

/** Output devices per backend (audify first: the default) and audify's inputs; a backend that cannot list says why. */
export function listAudioDevices(): AudioDevices {
  return {
    outputs: [
      { backend: 'audify', ...attempt(() => listAudifyDevices('output')) },
      { backend: 'naudiodon', ...attempt(listNaudiodonDevices) },
    ],
    inputs: attempt(() => listAudifyDevices('input')),
  };
}
