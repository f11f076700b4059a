// Memory map of the synth kernel: band-limited oscillators (sources and the voice) and the
// voice's filter. Read by TypeScript and AssemblyScript alike.

export const SYNTH_MAX_BLOCK = 1024;
export const TABLE_SIZE = 4096;
/** Mip levels: level L holds harmonics 1..2^L. */
export const TABLE_LEVELS = 11;
export const TABLE_SHAPES = 4;
/** A table is TABLE_SIZE samples plus a guard point equal to the first. */
export const TABLE_STRIDE = TABLE_SIZE + 1;
/** Oscillator 0 is the voice's; 1.. are sources'. */
export const MAX_OSCILLATORS = 40;
/** Voice controls in PARAM_ROUTE_TARGETS order: pitch, morph, cutoff, resonance, level, osc. */
export const VOICE_CONTROLS = 6;

/** Page 0 holds AssemblyScript's own static data; ours starts at page 1. */
export const TABLES_PTR = 65536;
const TABLES_BYTES = TABLE_SHAPES * TABLE_LEVELS * TABLE_STRIDE * 4;
/** Per oscillator: phase, last |freq|, blend weight of the upper level, audible (0/1), float64. */
export const OSC_STATE_PTR = TABLES_PTR + TABLES_BYTES + ((8 - (TABLES_BYTES % 8)) % 8);
/** Per oscillator: lower and upper mip level, int32. */
export const OSC_LEVEL_PTR = OSC_STATE_PTR + MAX_OSCILLATORS * 4 * 8;
/** Scratch for osc(): frequency and morph (or pulse width) per sample in, waveform out. */
export const FREQ_PTR = OSC_LEVEL_PTR + MAX_OSCILLATORS * 2 * 4;
export const SHAPE_PTR = FREQ_PTR + SYNTH_MAX_BLOCK * 8;
export const OSC_OUT_PTR = SHAPE_PTR + SYNTH_MAX_BLOCK * 8;
/** Voice: normalised (0..1) control per sample, VOICE_CONTROLS rows. */
export const CONTROL_PTR = OSC_OUT_PTR + SYNTH_MAX_BLOCK * 8;
/** Voice: routed audio into the filter. */
export const AUDIO_IN_PTR = CONTROL_PTR + VOICE_CONTROLS * SYNTH_MAX_BLOCK * 8;
export const VOICE_OUT_PTR = AUDIO_IN_PTR + SYNTH_MAX_BLOCK * 8;
/** Voice: per control [min, span, isLog] mapping the normalised value back, float64. */
export const CONTROL_MAP_PTR = VOICE_OUT_PTR + SYNTH_MAX_BLOCK * 8;
/** Voice: per control the last normalised input and its mapped value (NaN = none yet). */
export const CONTROL_CACHE_PTR = CONTROL_MAP_PTR + VOICE_CONTROLS * 3 * 8;
/**
 * Voice state, float64: [0] ic1, [1] ic2, [2] last cutoff, [3] last Q, [4] a1, [5] a2, [6] a3,
 * [7] k, [8] last resonance, [9] Q, [10..12] last pitch / morph / cutoff (telemetry).
 */
export const VOICE_STATE_PTR = CONTROL_CACHE_PTR + VOICE_CONTROLS * 2 * 8;
export const SYNTH_BYTES = VOICE_STATE_PTR + 16 * 8;
