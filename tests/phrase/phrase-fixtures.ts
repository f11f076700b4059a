import type { Onset, OnsetSource, Phrase } from '../../src/main/phrase/phrase';
import { PhraseListener } from '../../src/main/phrase/phrase-listener';
import { SeededRandom } from '../../src/main/reservoir/reservoir-build';

/** One onset of a written pattern: grid step (16ths), note or drum, velocity. */
export type PatternHit = [step: number, note: number, velocity: number];

/** A funk-ish 4/4 bar on drums 0-2 (kick, snare, low tom), with sixteenths. */
export const FUNK_BAR: PatternHit[] = [
  [0, 0, 110], [2, 2, 60], [3, 0, 90], [4, 1, 100], [6, 2, 60], [7, 2, 50],
  [8, 0, 110], [10, 0, 80], [11, 2, 55], [12, 1, 105], [14, 2, 60], [15, 0, 70],
];

/** A rock bar: eighths on drum 2, kick on 1, 3 and 3&, snare on 2 and 4. */
export const ROCK_BAR: PatternHit[] = [
  [0, 0, 110], [2, 2, 70], [4, 1, 100], [6, 2, 70], [8, 0, 110], [10, 0, 90], [12, 1, 100], [14, 2, 70],
];

/** A melodic call on MIDI notes (C minor pentatonic). */
export const MELODY: PatternHit[] = [
  [0, 60, 100], [2, 63, 80], [4, 65, 90], [6, 67, 70], [7, 70, 60], [8, 67, 90], [12, 65, 100], [14, 63, 70],
];

export function bars(pattern: PatternHit[], count: number, stepsPerBar = 16): PatternHit[] {
  return Array.from({ length: count }, (_, b) => pattern.map(([s, n, v]): PatternHit => [s + b * stepsPerBar, n, v])).flat();
}

/** Onsets of a pattern played at `bpm` from host time `start`, each off by up to ±jitter (seeded). */
export function play(pattern: PatternHit[], bpm: number, start: number, source: OnsetSource, jitter = 0, seed = 7): Onset[] {
  const step = 60 / bpm / 4;
  const rnd = new SeededRandom(seed, 3);
  return pattern.map(([s, note, velocity]) => ({ time: start + s * step + (rnd.uniform() * 2 - 1) * jitter, note, velocity, source }));
}

/** Feeds onsets to a listener and ticks every 10 ms after the last one until the phrase ends. */
export function listen(onsets: Onset[], listener = new PhraseListener()): Phrase {
  for (const o of onsets) {
    const early = listener.push(o);
    if (early) throw new Error('phrase ended early');
  }
  const last = onsets[onsets.length - 1].time;
  for (let now = last; now < last + 60; now += 0.01) {
    const p = listener.tick(now);
    if (p) return p;
  }
  throw new Error('phrase never ended');
}
