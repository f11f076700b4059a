// Byte offsets of the network kernel's memory. Plain constant expressions, so this one file is
// read both by TypeScript (the engine) and by AssemblyScript (network-kernel.as.ts).

export const KERNEL_MAX_NEURONS = 16;
export const KERNEL_MAX_COLUMNS = 48;
const VEC = KERNEL_MAX_NEURONS * 8;

/** Weights, row-major neurons x columns (stride = the patch's column count), float64. */
export const W_PTR = 1024;
/** Column values: sources, then neuron outputs. */
export const V_PTR = W_PTR + KERNEL_MAX_NEURONS * KERNEL_MAX_COLUMNS * 8;
export const NEXT_PTR = V_PTR + KERNEL_MAX_COLUMNS * 8;
export const STATE_PTR = NEXT_PTR + VEC;
export const GATE_PTR = STATE_PTR + VEC;
export const U_PTR = GATE_PTR + VEC;
export const A_PTR = U_PTR + VEC;
// Per-neuron parameters, refreshed from the parameter bank whenever it changes.
export const IN_GAIN_PTR = A_PTR + VEC;
export const BIAS_PTR = IN_GAIN_PTR + VEC;
export const NOISE_PTR = BIAS_PTR + VEC;
export const LEAK_G_PTR = NOISE_PTR + VEC;
export const OUT_GAIN_PTR = LEAK_G_PTR + VEC;
export const THRESHOLD_PTR = OUT_GAIN_PTR + VEC;
export const HYSTERESIS_PTR = THRESHOLD_PTR + VEC;
export const SENSE_PTR = HYSTERESIS_PTR + VEC;
export const RESPONSE_PTR = SENSE_PTR + VEC;
/** Activation code per neuron, int32. */
export const ACT_PTR = RESPONSE_PTR + VEC;
/** xorshift32 state per neuron, int32. */
export const RNG_PTR = ACT_PTR + KERNEL_MAX_NEURONS * 4;
export const KERNEL_BYTES = RNG_PTR + KERNEL_MAX_NEURONS * 4;
