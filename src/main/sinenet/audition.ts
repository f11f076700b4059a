import { PATCH_FORMAT, PATCH_VERSION, type Patch } from '../../shared/patch/schema';
import type { SineNetDesign } from '../../shared/sinenet-design';

/** The sine-net source of a patch made by playSineNet: its parameters are `sources.net.<param>`. */
export const AUDITIONED_SINENET = 'net';

/** The patch name an auditioned design goes by (a space and colon: no saved patch can have it). */
export const auditionPatchName = (design: SineNetDesign) => `sine net: ${design.seed}`;

/**
 * A patch that plays one sine-net design (the engine runs the same network the batch rendered,
 * and goes on past the WAV's end): the net to the master with a little reverb, the synth voice
 * silent. A patch needs a neuron; this one only listens.
 */
export function sineNetPatch(design: SineNetDesign): Patch {
  return {
    format: PATCH_FORMAT,
    version: PATCH_VERSION,
    name: `Sine net ${design.seed}`,
    description: `Auditioned in the Sine nets view: ${design.length} inputs at lags from 2^${design.gap}, hidden layers [${design.hidden.join(', ')}].`,
    seed: 1,
    sources: [{ id: AUDITIONED_SINENET, type: 'sinenet', ...design, hidden: [...design.hidden], level: 0.8 }],
    neurons: [{ id: 'listen', activation: 'tanh', inputs: { [AUDITIONED_SINENET]: 1 } }],
    voice: { level: 0 },
    reverb: { mix: 0.15 },
    routes: [
      { from: AUDITIONED_SINENET, to: 'master', amount: 1 },
      { from: AUDITIONED_SINENET, to: 'reverb.input', amount: 0.2 },
    ],
  };
}
