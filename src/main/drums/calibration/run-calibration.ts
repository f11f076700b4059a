import type { StrikeTable } from '../protocol/table';
import { DEFAULT_LIVE_STRIKE, LiveStrikeRig, type Ear, type LiveStrikeOptions, type StrikeLink } from './live-strike-rig';
import { calibrateDrum, DEFAULT_SWEEP, type CalibrationHooks, type DrumCalibration, type SweepOptions } from './sweep';

/** What a live calibration needs of the board link (DrumLink has it). */
export interface CalibrationLink extends StrikeLink {
  getTable(drum: number): Promise<StrikeTable>;
}

export interface RunCalibrationOptions {
  sweep?: SweepOptions;
  strike?: LiveStrikeOptions;
  hooks?: CalibrationHooks;
  /** Velocity points to tune (indices; default all). */
  points?: readonly number[];
}

/**
 * Calibrates a drum on a live board by ear: the one path `axon drums calibrate` and the app
 * take, whatever the ear is (a microphone through the audio input, or the simulated board's
 * model microphone). Starts from the table the board holds; on any failure or cancellation the
 * board gets that table back. On success the tuned table stays in the board's RAM.
 */
export async function runCalibration(link: CalibrationLink, ear: Ear, drum: number, o: RunCalibrationOptions = {}): Promise<{ before: StrikeTable; result: DrumCalibration }> {
  const before = await link.getTable(drum);
  try {
    const rig = new LiveStrikeRig(link, ear, o.strike ?? DEFAULT_LIVE_STRIKE);
    const result = await calibrateDrum(rig, drum, before, o.sweep ?? DEFAULT_SWEEP, o.hooks, o.points);
    return { before, result };
  } catch (err) {
    await link.setTable(drum, before).catch(() => undefined);
    throw err;
  }
}

/** Latency curve after calibrating some points: the new measurements replace those velocities' old ones. */
export function mergeLatency(old: readonly { velocity: number; ms: number }[], measured: readonly { velocity: number; ms: number }[]): { velocity: number; ms: number }[] {
  const byVelocity = new Map(old.map((l) => [l.velocity, l.ms]));
  for (const l of measured) byVelocity.set(l.velocity, l.ms);
  return [...byVelocity].map(([velocity, ms]) => ({ velocity, ms })).sort((a, b) => a.velocity - b.velocity);
}
