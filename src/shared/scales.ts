import type { MidiNote, NormalRange } from './units';

/** Scales as semitone offsets within an octave. */
export const SCALES = {
  chromatic: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  phrygian: [0, 1, 3, 5, 7, 8, 10],
  lydian: [0, 2, 4, 6, 7, 9, 11],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
  'harmonic-minor': [0, 2, 3, 5, 7, 8, 11],
  'major-pentatonic': [0, 2, 4, 7, 9],
  'minor-pentatonic': [0, 3, 5, 7, 10],
  blues: [0, 3, 5, 6, 7, 10],
  'whole-tone': [0, 2, 4, 6, 8, 10],
} as const satisfies Record<string, readonly number[]>;

export type ScaleName = keyof typeof SCALES;
export const SCALE_NAMES = Object.keys(SCALES) as [ScaleName, ...ScaleName[]];

/**
 * Maps a position in [0, 1] onto the notes of a scale between root and root + span,
 * choosing the nearest scale degree (ties go down). The result stays within 0..127.
 */
export function quantizeToScale(scale: readonly number[], root: MidiNote, span: number, position: NormalRange): MidiNote {
  const pos = position < 0 ? 0 : position > 1 ? 1 : position;
  const target = pos * span;
  let best = 0;
  let bestDist = Infinity;
  for (let octave = 0; octave * 12 <= span + 12; octave++) {
    for (let i = 0; i < scale.length; i++) {
      const offset = octave * 12 + scale[i];
      if (offset > span) break;
      const dist = Math.abs(offset - target);
      if (dist < bestDist) {
        bestDist = dist;
        best = offset;
      }
    }
  }
  const note = root + best;
  return note < 0 ? 0 : note > 127 ? 127 : note;
}
