// Memory map of the master-chain kernel (read by TypeScript and AssemblyScript alike).

export const MASTER_MAX_BLOCK = 1024;
/** Longest limiter window in frames (1.5 ms lookahead at 96 kHz is 145). */
export const MASTER_MAX_WINDOW = 512;

/** Page 0 holds AssemblyScript's own static data; ours starts at page 1. */
export const M_IN_L_PTR = 65536;
export const M_IN_R_PTR = M_IN_L_PTR + MASTER_MAX_BLOCK * 8;
/** Interleaved stereo float32 output. */
export const M_OUT_PTR = M_IN_R_PTR + MASTER_MAX_BLOCK * 8;
/**
 * Float64 statistics since the host last cleared them: [0,1] peak L/R, [2,3] sum of squares
 * L/R, [4] lowest limiter gain; [5] the gain of the last sample (read only).
 */
export const M_STATS_PTR = M_OUT_PTR + MASTER_MAX_BLOCK * 8;
export const M_DELAY_L_PTR = M_STATS_PTR + 8 * 8;
export const M_DELAY_R_PTR = M_DELAY_L_PTR + MASTER_MAX_WINDOW * 8;
export const M_DQ_VALUE_PTR = M_DELAY_R_PTR + MASTER_MAX_WINDOW * 8;
export const M_DQ_TIME_PTR = M_DQ_VALUE_PTR + MASTER_MAX_WINDOW * 8;
export const M_BOX_PTR = M_DQ_TIME_PTR + MASTER_MAX_WINDOW * 8;
export const MASTER_BYTES = M_BOX_PTR + MASTER_MAX_WINDOW * 8;
