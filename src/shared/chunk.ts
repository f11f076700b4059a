// Read by TypeScript and by the AssemblyScript kernels alike: keep it plain constants.

/**
 * Frames per control chunk: the engine renders in chunks of at most this many frames, ending on
 * multiples of it; parameters ramp and control-rate work happens at chunk boundaries.
 */
export const CHUNK = 32;
