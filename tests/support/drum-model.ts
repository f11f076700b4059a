import type { StrikeTable } from '../../src/main/drums/protocol/table';
import type { SoundingHit } from '../../src/main/drums/simulator/model-drum';

// Recordings for the calibration and audio-input tests, made with the product's model drum
// (src/main/drums/simulator/model-drum.ts): each hit a decaying sine added at a given time.

export { addHits, type SoundingHit as ModelHit } from '../../src/main/drums/simulator/model-drum';

/** Six hits in 1.3 s: loud and quiet, a low drum, and a strike inside the tail of the one before. */
export const SIX_HITS: readonly SoundingHit[] = [
  { at: 0.1, level: 0.8 },
  { at: 0.35, level: 0.05 },
  { at: 0.6, level: 0.3, freq: 90 },
  { at: 0.8, level: 0.03 },
  // A second strike while the first still rings.
  { at: 0.95, level: 0.5 },
  { at: 1.0, level: 0.4 },
];

/** A drum table with four velocity points, all pushing 30 ms: what the sweeps start from. */
export const FOUR_POINT_TABLE: StrikeTable = {
  minIntervalMs: 80,
  points: [
    { velocity: 1, forwardUs: 30000, pauseUs: 8000, backUs: 25000, forwardPwm: 120, backPwm: 200 },
    { velocity: 40, forwardUs: 30000, pauseUs: 8000, backUs: 25000, forwardPwm: 160, backPwm: 200 },
    { velocity: 90, forwardUs: 30000, pauseUs: 8000, backUs: 25000, forwardPwm: 210, backPwm: 200 },
    { velocity: 127, forwardUs: 30000, pauseUs: 8000, backUs: 25000, forwardPwm: 255, backPwm: 200 },
  ],
};
