import type { MidiNote, Seconds } from '../../shared/units';

/** Where an onset came from: a MIDI note-on or a drum strike (drum number as the drums number it). */
export type OnsetSource = 'midi' | 'drum';

/** One played note or strike, as the listener is fed it. */
export interface Onset {
  /** Host clock time of the onset. */
  time: Seconds;
  /** MIDI note for 'midi', drum number for 'drum'. */
  note: number;
  /** 1-127. */
  velocity: number;
  source: OnsetSource;
}

/** An onset placed on the phrase's grid; `error` keeps how far off the grid it was played. */
export interface QuantisedOnset extends Onset {
  /** Grid steps after the phrase's first onset (step 0). */
  step: number;
  /** time - grid time of `step` (positive = played late). */
  error: Seconds;
}

/** How the phrase's tempo was found, most trusted first. */
export type TempoSource = 'external' | 'estimated' | 'previous' | 'default';

/** A finished phrase: its tempo, its grid and its onsets quantised to that grid. */
export interface Phrase {
  onsets: QuantisedOnset[];
  bpm: number;
  tempoSource: TempoSource;
  stepsPerBeat: number;
  beatsPerBar: number;
  /** Duration of one grid step. */
  stepDuration: Seconds;
  /** Host time of grid step 0 (the first onset's grid point). */
  gridOrigin: Seconds;
  /** Steps from the last beat at or before step 0 to step 0 (0: the phrase starts on a beat). */
  beatPhase: number;
  /** From step 0 to past the last onset, rounded up to whole beats. */
  lengthSteps: number;
  /** Host time the end was detected (the answer cannot start before it). */
  endedAt: Seconds;
  /** The source of most of the onsets. */
  source: OnsetSource;
}

/** One event of an answer, ready for MIDI out or the drum manager. */
export type AnswerEvent = {
  /** Host clock time, on the call's grid. */
  time: Seconds;
  /** Grid step relative to the call's step 0. */
  step: number;
  velocity: number;
  /** How long to hold it (note-off time for MIDI out). */
  duration: Seconds;
} & ({ kind: 'note'; note: MidiNote } | { kind: 'drum'; drum: number });

/** A generated answer to one call. */
export interface Answer {
  events: AnswerEvent[];
  /** Host time of the answer's first grid step (on the call's grid). */
  start: Seconds;
  /** Host time the last event ends. */
  end: Seconds;
  bpm: number;
  /** 'model': sampled from the Markov model; 'echo': a varied echo of the call (model too young). */
  origin: 'model' | 'echo';
}
