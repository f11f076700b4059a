import { MAX_NEURONS, MAX_SOURCES } from './patch/schema';
import { NEURON_SCOPES, SCOPE_LEN } from './scope-size';

// Telemetry snapshot layout: a flat float64 record the engine writes about 120 times a second
// and every reader decodes with the same offsets (main from shared memory, UIs from the wire).

export const MAX_COLUMNS = MAX_SOURCES + MAX_NEURONS;
export const TELEMETRY_INPUTS = 18; // the first control inputs: joystick axes and buttons, mouse, pad, MIDI note

export const T_FRAME = 0;
export const T_SAMPLE_RATE = 1;
export const T_NEURONS = 2;
export const T_COLUMNS = 3;
export const T_PEAK_L = 4;
export const T_PEAK_R = 5;
export const T_RMS_L = 6;
export const T_RMS_R = 7;
export const T_GAIN_REDUCTION = 8;
export const T_NAN_EVENTS = 9;
export const T_LOAD = 10;
export const T_NOTES = 11;
export const T_DRUMS = 12;
export const T_PATCH_GEN = 13;
export const T_VOICE_PITCH = 14;
export const T_VOICE_MORPH = 15;
export const T_VOICE_CUTOFF = 16;
export const T_UNDERRUNS = 17;
/** The audio.* inputs as the engine holds them (AUDIO_IN_INPUTS order). */
export const T_AUDIO_IN = 18;
export const T_OUTPUTS = 32;
export const T_ACTIVITY = T_OUTPUTS + MAX_NEURONS;
export const T_LEARN_ERROR = T_ACTIVITY + MAX_NEURONS;
export const T_GATES = T_LEARN_ERROR + MAX_NEURONS;
export const T_INPUTS = T_GATES + MAX_NEURONS;
export const T_COLUMN_VALUES = T_INPUTS + TELEMETRY_INPUTS;
export { NEURON_SCOPES, SCOPE_LEN };
export const SCOPE_CHANNELS = 1 + NEURON_SCOPES;
/** Which neuron (index) each neuron scope shows, -1 for none. */
export const T_SCOPE_NEURONS = T_COLUMN_VALUES + MAX_COLUMNS;
/** Engine samples per scope sample (SCOPE_TIME_BASES). */
export const T_SCOPE_TIME = T_SCOPE_NEURONS + NEURON_SCOPES;
export const T_SCOPE = T_SCOPE_TIME + 1;
/** The scope time bases offered: engine samples per scope sample (256 of them make a window). */
export const SCOPE_TIME_BASES = [1, 4, 16, 64] as const;
// Last: only the playing patch's weights go over the wire (packTelemetry).
export const T_WEIGHTS = T_SCOPE + SCOPE_CHANNELS * SCOPE_LEN;
export const TELEMETRY_WORDS = T_WEIGHTS + MAX_NEURONS * MAX_COLUMNS;

export interface Telemetry {
  frame: number;
  sampleRate: number;
  /** Increments whenever the engine swaps in a new patch. */
  patchGeneration: number;
  neurons: number;
  columns: number;
  levels: { peakL: number; peakR: number; rmsL: number; rmsR: number; gainReductionDb: number };
  nanEvents: number;
  /** Render time over audio time (1 = a whole core's worth of real time). */
  load: number;
  underruns: number;
  notes: number;
  drums: number;
  voice: { pitch: number; morph: number; cutoff: number };
  /** The audio input's analysis as the engine reads it (0..1 each; pitch is MIDI note / 127). */
  audioIn: { envelope: number; pitch: number; voiced: number; onset: number };
  /** Last output of each neuron. */
  outputs: number[];
  /** RMS of each neuron's output since the previous snapshot. */
  activity: number[];
  /** RMS learning error per neuron (NaN where the neuron does not learn). */
  learnError: number[];
  gates: number[];
  inputs: number[];
  /** Current value of every signal column (sources, then neurons). */
  columnValues: number[];
  /** Effective weights, row-major: weights[n * columns + column]. */
  weights: number[];
  /** The last SCOPE_LEN samples of the master output (mono) and of the chosen neurons, each from a rising zero crossing where there is one. */
  scope: { timeBase: number; master: number[]; neurons: { neuron: number; samples: number[] }[] };
}

export function decodeTelemetry(w: ArrayLike<number>): Telemetry {
  const n = w[T_NEURONS];
  const c = w[T_COLUMNS];
  // A plain loop: five times faster than Array.from with a callback (a UI decodes 60 snapshots a
  // second).
  const slice = (start: number, len: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < len; i++) out.push(w[start + i]);
    return out;
  };
  return {
    frame: w[T_FRAME],
    sampleRate: w[T_SAMPLE_RATE],
    patchGeneration: w[T_PATCH_GEN],
    neurons: n,
    columns: c,
    levels: { peakL: w[T_PEAK_L], peakR: w[T_PEAK_R], rmsL: w[T_RMS_L], rmsR: w[T_RMS_R], gainReductionDb: w[T_GAIN_REDUCTION] },
    nanEvents: w[T_NAN_EVENTS],
    load: w[T_LOAD],
    underruns: w[T_UNDERRUNS],
    notes: w[T_NOTES],
    drums: w[T_DRUMS],
    voice: { pitch: w[T_VOICE_PITCH], morph: w[T_VOICE_MORPH], cutoff: w[T_VOICE_CUTOFF] },
    audioIn: { envelope: w[T_AUDIO_IN], pitch: w[T_AUDIO_IN + 1], voiced: w[T_AUDIO_IN + 2], onset: w[T_AUDIO_IN + 3] },
    outputs: slice(T_OUTPUTS, n),
    activity: slice(T_ACTIVITY, n),
    learnError: slice(T_LEARN_ERROR, n),
    gates: slice(T_GATES, n),
    inputs: slice(T_INPUTS, TELEMETRY_INPUTS),
    columnValues: slice(T_COLUMN_VALUES, c),
    weights: slice(T_WEIGHTS, n * c),
    scope: {
      timeBase: w[T_SCOPE_TIME],
      master: slice(T_SCOPE, SCOPE_LEN),
      neurons: Array.from({ length: NEURON_SCOPES }, (_, k) => ({ neuron: w[T_SCOPE_NEURONS + k], samples: slice(T_SCOPE + (1 + k) * SCOPE_LEN, SCOPE_LEN) })),
    },
  };
}
