import type { ReservoirModel } from './reservoir/reservoir-model';

/** A reservoir source's trained model and the conceptors its patch derives from it. */
export interface ReservoirAsset {
  model: ReservoirModel;
  /** Derived conceptors, each laid out like one of the model's (N x N or N), in patch order. */
  derived: Float32Array[];
}

/**
 * Data a patch needs beyond its JSON, read and computed by main (files, matrix algebra) and
 * handed to the engine with the patch, so the engine thread never touches the disk.
 */
export interface PatchAssets {
  /** By source id. */
  reservoirs: Record<string, ReservoirAsset>;
}

export const NO_ASSETS: PatchAssets = Object.freeze({ reservoirs: Object.freeze({}) });
