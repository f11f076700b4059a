// Memory map of the network kernel. Plain constant expressions, so this one file is read both
// by TypeScript (the engine) and by AssemblyScript (network-kernel.as.ts).

export const KERNEL_MAX_NEURONS = 16;
export const KERNEL_MAX_COLUMNS = 48;
import { CHUNK } from '../../shared/chunk';

export { CHUNK };
/** Per-neuron parameters, in this order, each KERNEL_MAX_NEURONS float64 wide. */
export const NEURON_PARAM_COUNT = 9;
export const PARAM_IN_GAIN = 0;
export const PARAM_BIAS = 1;
export const PARAM_NOISE = 2;
export const PARAM_LEAK_G = 3;
export const PARAM_OUT_GAIN = 4;
export const PARAM_THRESHOLD = 5;
export const PARAM_HYSTERESIS = 6;
export const PARAM_SENSE = 7;
export const PARAM_RESPONSE = 8;
export const MAX_TARGETS = 8;

const VEC = KERNEL_MAX_NEURONS * 8;

/** Page 0 holds AssemblyScript's own static data (Math tables); ours starts at page 1. */
export const KERNEL_BASE = 65536;
/** Weights, row-major neurons x columns (stride = the patch's column count), float64. */
export const W_PTR = KERNEL_BASE;
/** Current column values (sources, then neuron outputs) for the sample being computed. */
export const V_PTR = W_PTR + KERNEL_MAX_NEURONS * KERNEL_MAX_COLUMNS * 8;
/** Column buffers: CHUNK samples per column; sources are written by the host, neurons by the kernel. */
export const COL_PTR = V_PTR + KERNEL_MAX_COLUMNS * 8;
/** Per-neuron parameter values (NEURON_PARAM_COUNT rows) and their per-sample increments. */
export const P_PTR = COL_PTR + KERNEL_MAX_COLUMNS * CHUNK * 8;
export const D_PTR = P_PTR + NEURON_PARAM_COUNT * VEC;
export const NEXT_PTR = D_PTR + NEURON_PARAM_COUNT * VEC;
export const STATE_PTR = NEXT_PTR + VEC;
export const GATE_PTR = STATE_PTR + VEC;
export const U_PTR = GATE_PTR + VEC;
export const A_PTR = U_PTR + VEC;
/** Weight ramps: W[index] += increment every sample of the chunk. */
export const RAMP_INDEX_PTR = A_PTR + VEC;
export const RAMP_INC_PTR = RAMP_INDEX_PTR + KERNEL_MAX_NEURONS * KERNEL_MAX_COLUMNS * 4;
/** Learning: per neuron a mode (0 none, 1 learning, 2 frozen), rate, and target mix. */
export const LEARN_MODE_PTR = RAMP_INC_PTR + KERNEL_MAX_NEURONS * KERNEL_MAX_COLUMNS * 8;
export const LEARN_RATE_PTR = LEARN_MODE_PTR + KERNEL_MAX_NEURONS * 4;
export const TARGET_COUNT_PTR = LEARN_RATE_PTR + VEC;
export const TARGET_COL_PTR = TARGET_COUNT_PTR + KERNEL_MAX_NEURONS * 4;
export const TARGET_GAIN_PTR = TARGET_COL_PTR + KERNEL_MAX_NEURONS * MAX_TARGETS * 4;
export const ERR_SUM_PTR = TARGET_GAIN_PTR + KERNEL_MAX_NEURONS * MAX_TARGETS * 8;
export const ERR_COUNT_PTR = ERR_SUM_PTR + VEC;
/** Activation code per neuron, int32. */
export const ACT_PTR = ERR_COUNT_PTR + VEC;
/** xorshift32 state per neuron, int32. */
export const RNG_PTR = ACT_PTR + KERNEL_MAX_NEURONS * 4;
/** Limits: [weight min, weight max, bias min, bias max], float64. */
export const LIMITS_PTR = RNG_PTR + KERNEL_MAX_NEURONS * 4;
export const KERNEL_BYTES = LIMITS_PTR + 4 * 8;
