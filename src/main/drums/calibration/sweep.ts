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

export const DEFAULT_SWEEP: SweepOptions = { minUs: 2000, maxUs: 60000, resolutionUs: 500, repeats: 3, full: 0.95 };

/** A copy of the table with one point's forward time changed. */
function withForward(table: StrikeTable, point: number, forwardUs: Microseconds): StrikeTable {
  return { ...table, points: table.points.map((p, i) => (i === point ? { ...p, forwardUs: Math.round(forwardUs) } : { ...p })) };
}

/**
 * The shortest forward time at which point `point`'s velocity still strikes at full strength:
 * full strength measured at the longest forward time, then a bisection on the assumption that a
 * longer push never hits softer (the stick reaches the skin, then the motor only presses).
 * Shorter forward times mean less motor heat and a quicker re-strike.
 */
export async function sweepForward(rig: StrikeRig, drum: number, table: StrikeTable, point: number, o: SweepOptions = DEFAULT_SWEEP): Promise<Microseconds> {
  const velocity = table.points[point].velocity;
  const strength = async (forwardUs: Microseconds) => {
    await rig.setTable(drum, withForward(table, point, forwardUs));
    const heard: number[] = [];
    for (let r = 0; r < o.repeats; r++) heard.push((await rig.strikeAndListen(drum, velocity)).strength);
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
  return Math.round(hi);
}

export interface DrumCalibration {
  table: StrikeTable;
  /** Measured command-to-impact latency per velocity point. */
  latency: { velocity: number; ms: number }[];
}

/**
 * The automatic sweep: for every velocity point the shortest full-strength forward time, then
 * each point's latency with the new table (median of `repeats` strikes). Leaves the new table
 * in the board's RAM; saving it (board and profile) is the caller's choice.
 */
export async function calibrateDrum(rig: StrikeRig, drum: number, table: StrikeTable, o: SweepOptions = DEFAULT_SWEEP): Promise<DrumCalibration> {
  let tuned = table;
  for (let p = 0; p < table.points.length; p++) tuned = withForward(tuned, p, await sweepForward(rig, drum, tuned, p, o));
  await rig.setTable(drum, tuned);
  const latency: DrumCalibration['latency'] = [];
  for (const point of tuned.points) {
    const heard: number[] = [];
    for (let r = 0; r < o.repeats; r++) {
      const hit = await rig.strikeAndListen(drum, point.velocity);
      if (hit.latency !== null) heard.push(hit.latency);
    }
    if (heard.length === 0) throw axonError('drum_calibration', `drum ${drum} made no sound at velocity ${point.velocity} after tuning`);
    latency.push({ velocity: point.velocity, ms: Math.round(median(heard) * 1e4) / 10 });
  }
  return { table: tuned, latency };
}
