// Memory map of the spring reverb kernel (read by TypeScript and AssemblyScript alike).

/** Largest block one process() call handles. */
export const SPRING_MAX_BLOCK = 1024;
export const SPRING_STAGES = 12;
/** Largest allpass stretch (frames): round(96000 / (2 * 4500)) = 11. */
export const SPRING_MAX_STRETCH = 11;
/** Largest main delay (frames): 0.0389 s at 96 kHz, rounded up. */
export const SPRING_MAX_DELAY = 3750;

/** Page 0 holds AssemblyScript's own static data; ours starts at page 1. */
export const SP_IN_PTR = 65536;
export const SP_OUT_L_PTR = SP_IN_PTR + SPRING_MAX_BLOCK * 8;
export const SP_OUT_R_PTR = SP_OUT_L_PTR + SPRING_MAX_BLOCK * 8;
/**
 * Coefficients, float64: [0,1] allpass a (L, R), [2,3] allpass c, [4,5] loop gain g,
 * [6,7] input gain, [8] svf a1, [9] svf a2, [10] svf a3, [11] dc b, [12] dc a.
 */
export const SP_COEF_PTR = SP_OUT_R_PTR + SPRING_MAX_BLOCK * 8;
/** Int32: [0] stretch K, [1] allpass ring position, [2,3] delay lengths, [4,5] delay positions. */
export const SP_INT_PTR = SP_COEF_PTR + 16 * 8;
/** State, float64: [0,1] svf ic1, [2,3] svf ic2, [4,5] last lp (feedback), [6] dc x1, [7] dc y1. */
export const SP_STATE_PTR = SP_INT_PTR + 8 * 4;
/** Allpass memories: stage-major, K slots per stage, two lanes (L, R) per slot. */
export const SP_ALLPASS_PTR = SP_STATE_PTR + 8 * 8;
export const SP_DELAY_L_PTR = SP_ALLPASS_PTR + SPRING_STAGES * SPRING_MAX_STRETCH * 16;
export const SP_DELAY_R_PTR = SP_DELAY_L_PTR + SPRING_MAX_DELAY * 8;
export const SPRING_BYTES = SP_DELAY_R_PTR + SPRING_MAX_DELAY * 8;
