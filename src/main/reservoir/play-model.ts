import type { ModelDetail, PlayModelRequest } from '../../shared/api';
import { axonError } from '../../shared/errors';
import { PATCH_FORMAT, PATCH_VERSION, type Patch } from '../../shared/patch/schema';
import { exampleModelsDir, findModel, modelInfo, readModelFile, userModelsDir } from './model-library';

/** The reservoir source of a patch made by playModel: its parameters are `sources.res.<param>`. */
export const PLAYED_RESERVOIR = 'res';

/** A model's settings and each grain's figures; throws model_not_found or the file's own error. */
export function modelDetail(name: string): ModelDetail {
  const file = findModel(name);
  if (file === null) throw axonError('model_not_found', name, userModelsDir(), exampleModelsDir());
  const m = readModelFile(file);
  const origin = file.startsWith(userModelsDir()) ? 'user' : 'example';
  const h = m.hyper;
  return {
    info: modelInfo(name, origin, m),
    hyper: { spectralRadius: h.spectralRadius, leak: h.leak, inputScaling: h.inputScaling, apertureMax: h.apertureMax },
    grains: m.grains.map((g) => ({ length: g.length, aperture: g.aperture, nrmse: Number.isFinite(g.nrmse) ? g.nrmse : null })),
  };
}

/** The patch name a played model goes by (a space and colon: no saved patch can have it). */
export const playedModelPatchName = (model: string) => `reservoir: ${model}`;

/**
 * A patch that plays one model and nothing else: the reservoir to the master and a little
 * reverb, the synth voice silent. A patch needs a neuron; this one only listens (its readout
 * follows the sound).
 */
export function reservoirPatch(r: PlayModelRequest): Patch {
  return {
    format: PATCH_FORMAT,
    version: PATCH_VERSION,
    name: `Reservoir: ${r.model}`,
    description: `Made in the Reservoir view: the model "${r.model}" on its own.`,
    seed: 1,
    sources: [
      {
        id: PLAYED_RESERVOIR,
        type: 'reservoir',
        model: r.model,
        ...(r.derive && r.derive.length > 0 ? { derive: r.derive } : {}),
        ...(r.morphSet ? { morphSet: r.morphSet } : {}),
        ...r.controls,
      },
    ],
    neurons: [{ id: 'listen', activation: 'tanh', inputs: { [PLAYED_RESERVOIR]: 1 } }],
    voice: { level: 0 },
    reverb: { mix: 0.2 },
    routes: [
      { from: PLAYED_RESERVOIR, to: 'master', amount: 1 },
      { from: PLAYED_RESERVOIR, to: 'reverb.input', amount: 0.3 },
    ],
  };
}
