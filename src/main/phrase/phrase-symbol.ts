import type { Phrase } from './phrase';

/**
 * The Markov model's alphabet. One symbol per onset: (steps since the previous onset, what was
 * played, how hard), written as a short string "ioi:token:vel" so contexts are plain map keys
 * and the model's state is plain JSON. Notes keep only their pitch class (the answer chooses the
 * octave), so a motif learnt in one register answers in another; drums keep their number.
 */
export interface PhraseSymbol {
  /** Grid steps since the previous onset of the phrase (0 = same time, a chord; first onset: 0). */
  ioi: number;
  kind: 'note' | 'drum';
  /** Pitch class 0-11 for notes, drum number for drums. */
  value: number;
  /** Velocity bucket 0 (soft) - 3 (loud). */
  level: number;
}

/** Marks a phrase boundary: the context an answer starts from, and what ends a phrase. */
export const BOUNDARY = '|';

/** Velocity bucket edges: below 48 soft, below 80 medium, below 104 loud, else accent. */
const LEVEL_EDGES = [48, 80, 104];
/** The velocity each bucket is played back with. */
const LEVEL_VELOCITY = [36, 64, 92, 116];

export const velocityLevel = (velocity: number): number => LEVEL_EDGES.filter((e) => velocity >= e).length;
export const levelVelocity = (level: number): number => LEVEL_VELOCITY[Math.max(0, Math.min(3, level))];

export function encodeSymbol(s: PhraseSymbol): string {
  return `${s.ioi}:${s.kind === 'note' ? 'n' : 'd'}${s.value}:${s.level}`;
}

const SYMBOL = /^(\d{1,3}):([nd])(\d{1,3}):([0-3])$/;

/** The symbol a string encodes; null for the boundary or anything else. */
export function decodeSymbol(text: string): PhraseSymbol | null {
  const m = SYMBOL.exec(text);
  if (!m) return null;
  return { ioi: Number(m[1]), kind: m[2] === 'n' ? 'note' : 'drum', value: Number(m[3]), level: Number(m[4]) };
}

/** A phrase as symbols; intervals longer than maxIoiSteps are clipped (a long rest is a long rest). */
export function phraseSymbols(phrase: Phrase, maxIoiSteps: number): string[] {
  return phrase.onsets.map((o, i) =>
    encodeSymbol({
      ioi: Math.min(maxIoiSteps, i === 0 ? 0 : o.step - phrase.onsets[i - 1].step),
      kind: o.source === 'midi' ? 'note' : 'drum',
      value: o.source === 'midi' ? o.note % 12 : o.note,
      level: velocityLevel(o.velocity),
    }),
  );
}
