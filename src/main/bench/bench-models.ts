import type { ConceptorKind, ReservoirModel } from '../../worker/reservoir/reservoir-model';
import { normalizeGrains, sliceGrains } from '../reservoir/grains';
import { pluckTone } from '../reservoir/example-models';
import { DEFAULT_HYPER, trainReservoir } from '../reservoir/train';

const trained = new Map<string, ReservoirModel>();

/**
 * A reservoir the bench plays: N neurons, full or diagonal conceptors, loaded with the 16
 * one-period grains of the example pluck (training is not timed). Cached per process.
 */
export function benchModel(kind: ConceptorKind, neurons: number): ReservoirModel {
  const key = `${kind}-${neurons}`;
  let model = trained.get(key);
  if (!model) {
    const grains = normalizeGrains(sliceGrains(pluckTone(0.2, 1), { minLength: 9, maxCount: 16 }));
    model = trainReservoir(grains, { ...DEFAULT_HYPER, neurons, kind }, { sampleRate: 48000 }).model;
    trained.set(key, model);
  }
  return model;
}
