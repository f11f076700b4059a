import { CALIBRATION_REPEATS } from '../../../shared/drum-table';
import { axonError } from '../../../shared/errors';
import type { Microseconds, Seconds } from '../../../shared/units';
import type { StrikeTable } from '../protocol/table';
import { median } from '../../bench/stats';

/** What calibration needs from the world: a board to strike and an ear on the drum. */
export interface StrikeRig {
  /** Loads a drum's table into the board (RAM only). */
  setTable(drum: number, table: StrikeTable): Promise<void>;
  /** Strikes and listens: the hit's strength (envelope peak) and its latency from the command, null when nothing was heard. */
  strikeAndListen(drum: number, velocity: number): Promise<{ latency: Seconds | null; strength: number }>;
}

export interface SweepOptions {
  /** Search the forward time between these. */
  minUs: Microseconds;
  maxUs: Microseconds;
  /** Stop when the bracket is this narrow. */
  resolutionUs: Microseconds;
  /** Strikes per measurement (their median counts: one odd bounce must not decide). */
  repeats: number;
  /** "Full strength" is this fraction of the strength at maxUs. */
  full: number;
}

export const DEFAULT_SWEEP: SweepOptions = { minUs: 2000, maxUs: 60000, resolutionUs: 500, repeats: CALIBRATION_REPEATS, full: 0.95 };

/** One strike of a calibration, as it was heard. */
export interface SweepTrial {
  /** Index of the velocity point being measured. */
  point: number;
  velocity: number;
  /** The point's forward time during this strike. */
  forwardUs: Microseconds;
  /** Envelope peak heard (linear, full scale 1); 0 when nothing was heard. */
  strength: number;
  latency: Seconds | null;
  /** sweep: searching the forward time; latency: measuring the tuned table's latency. */
  phase: 'sweep' | 'latency';
}

/** A point's sweep ended: the forward time chosen and the full-strength reference it was held to. */
export interface SweepChoice {
  point: number;
  velocity: number;
  forwardUs: Microseconds;
  /** Median strength at the longest push. */
  fullStrength: number;
}

/** What a caller follows a calibration by, and stops it with. */
export interface CalibrationHooks {
  onTrial?(trial: SweepTrial): void;
  onChoice?(choice: SweepChoice): void;
  /** Checked before every strike: once aborted, the calibration stops with the signal's reason. */
  signal?: AbortSignal;
}

/** A copy of the table with one point's forward time changed. */
function withForward(table: StrikeTable, point: number, forwardUs: Microseconds): StrikeTable {
  return { ...table, points: table.points.map((p, i) => (i === point ? { ...p, forwardUs: Math.round(forwardUs) } : { ...p })) };
}

/** Bisection steps a sweep takes: the bracket halves each step, whichever way it goes. */
export function bisectionSteps(o: SweepOptions): number {
  let width = o.maxUs - o.minUs;
  let steps = 0;
  while (width > o.resolutionUs) {
    width /= 2;
    steps++;
  }
  return steps;
}

/** Strikes a calibration of `points` velocity points makes: the sweep's measurements, then the latencies. */
export function calibrationStrikes(o: SweepOptions, points: number): number {
  return points * o.repeats * (1 + bisectionSteps(o) + 1);
}

async function strikeHeard(rig: StrikeRig, drum: number, velocity: number, hooks: CalibrationHooks, trial: Omit<SweepTrial, 'strength' | 'latency'>) {
  hooks.signal?.throwIfAborted();
  const heard = await rig.strikeAndListen(drum, velocity);
  hooks.onTrial?.({ ...trial, strength: heard.strength, latency: heard.latency });
  return heard;
}

/**
 * The shortest forward time at which point `point`'s velocity still strikes at full strength:
 * full strength measured at the longest forward time, then a bisection on the assumption that a
 * longer push never hits softer (the stick reaches the skin, then the motor only presses).
 * Shorter forward times mean less motor heat and a quicker re-strike.
 */
export async function sweepForward(rig: StrikeRig, drum: number, table: StrikeTable, point: number, o: SweepOptions = DEFAULT_SWEEP, hooks: CalibrationHooks = {}): Promise<Microseconds> {
  const velocity = table.points[point].velocity;
  const strength = async (forwardUs: Microseconds) => {
    hooks.signal?.throwIfAborted();
    await rig.setTable(drum, withForward(table, point, forwardUs));
    const heard: number[] = [];
    for (let r = 0; r < o.repeats; r++) heard.push((await strikeHeard(rig, drum, velocity, hooks, { point, velocity, forwardUs: Math.round(forwardUs), phase: 'sweep' })).strength);
    return median(heard);
  };
  const full = await strength(o.maxUs);
  if (!(full > 0)) throw axonError('drum_calibration', `drum ${drum} made no sound at velocity ${velocity} with a ${o.maxUs / 1000} ms push: check the microphone and the mounting`);
  let lo = o.minUs;
  let hi = o.maxUs;
  while (hi - lo > o.resolutionUs) {
    const mid = (lo + hi) / 2;
    if ((await strength(mid)) >= o.full * full) hi = mid;
    else lo = mid;
  }
  const forwardUs = Math.round(hi);
  hooks.onChoice?.({ point, velocity, forwardUs, fullStrength: full });
  return forwardUs;
}

export interface DrumCalibration {
  table: StrikeTable;
  /** Measured command-to-impact latency of each calibrated velocity point. */
  latency: { velocity: number; ms: number }[];
}

/**
 * The automatic sweep: for every velocity point asked for (default: all) the shortest
 * full-strength forward time, then each of those points' latency with the new table (median of
 * `repeats` strikes). Leaves the new table in the board's RAM; saving it (board and profile) is
 * the caller's choice.
 */
export async function calibrateDrum(
  rig: StrikeRig,
  drum: number,
  table: StrikeTable,
  o: SweepOptions = DEFAULT_SWEEP,
  hooks: CalibrationHooks = {},
  points: readonly number[] = table.points.map((_, i) => i),
): Promise<DrumCalibration> {
  let tuned = table;
  for (const p of points) tuned = withForward(tuned, p, await sweepForward(rig, drum, tuned, p, o, hooks));
  hooks.signal?.throwIfAborted();
  await rig.setTable(drum, tuned);
  const latency: DrumCalibration['latency'] = [];
  for (const p of points) {
    const point = tuned.points[p];
    const heard: number[] = [];
    for (let r = 0; r < o.repeats; r++) {
      const hit = await strikeHeard(rig, drum, point.velocity, hooks, { point: p, velocity: point.velocity, forwardUs: point.forwardUs, phase: 'latency' });
      if (hit.latency !== null) heard.push(hit.latency);
    }
    if (heard.length === 0) throw axonError('drum_calibration', `drum ${drum} made no sound at velocity ${point.velocity} after tuning`);
    latency.push({ velocity: point.velocity, ms: Math.round(median(heard) * 1e4) / 10 });
  }
  return { table: tuned, latency };
}
