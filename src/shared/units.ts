// Unit aliases: they change nothing at run time but say what every number means.

/** Time in seconds. */
export type Seconds = number;
/** Time in milliseconds. */
export type Milliseconds = number;
/** Time in microseconds (the drum board's clock). */
export type Microseconds = number;
/** Frequency in hertz. */
export type Hertz = number;
/** Level in decibels relative to full scale (0 dBFS = 1.0). */
export type Decibels = number;
/** A value in [0, 1]. */
export type NormalRange = number;
/** A value in [-1, 1]. */
export type AudioRange = number;
/** A count of sample frames (one frame = one sample per channel). */
export type Frames = number;
/** A MIDI note number, 0-127. */
export type MidiNote = number;
/** Octaves (1 = doubling of frequency). */
export type Octaves = number;

export const dbToGain = (db: Decibels): number => Math.pow(10, db / 20);
export const gainToDb = (gain: number): Decibels => 20 * Math.log10(gain);
