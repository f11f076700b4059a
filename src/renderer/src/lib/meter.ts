// Level meter scaling and ballistics. Pure functions of (previous state, new reading, elapsed
// time), so the meter behaves the same at any frame rate and can be unit tested.

/** Bottom of the meter scale. */
export const METER_FLOOR_DB = -60;
/** Tick marks under the meter. */
export const METER_TICKS_DB = [-60, -48, -36, -24, -18, -12, -6, 0] as const;

export interface Ballistics {
  /** How fast the peak bar falls after a transient. */
  peakFallDbPerS: number;
  /** RMS bar smoothing: rise and fall time constants. */
  rmsRiseS: number;
  rmsFallS: number;
  /** The hold tick stays put this long, then falls. */
  holdS: number;
  holdFallDbPerS: number;
  /** Gain reduction display falls back this fast (it jumps up at once). */
  grFallDbPerS: number;
}

export const BALLISTICS: Ballistics = {
  peakFallDbPerS: 20,
  rmsRiseS: 0.05,
  rmsFallS: 0.3,
  holdS: 1.5,
  holdFallDbPerS: 30,
  grFallDbPerS: 20,
};

/** Longest step applied at once; a stalled tab then simply lets the bars drop. */
const MAX_DT = 1;

/** Linear gain to dBFS, floored at the bottom of the scale (silence and NaN read as the floor). */
export function gainToDbfs(gain: number, floor = METER_FLOOR_DB): number {
  if (!(gain > 0) || !Number.isFinite(gain)) return gain === Infinity ? 0 : floor;
  return Math.max(floor, 20 * Math.log10(gain));
}

/** Position of a dB value on the meter, 0 at the floor and 1 at 0 dBFS. */
export function dbToFraction(db: number, floor = METER_FLOOR_DB): number {
  if (Number.isNaN(db)) return 0;
  return Math.min(1, Math.max(0, (db - floor) / -floor));
}

export interface ChannelMeter {
  peakDb: number;
  rmsDb: number;
  holdDb: number;
  /** Seconds since the hold tick was last pushed up. */
  holdAge: number;
}

export function silentChannel(floor = METER_FLOOR_DB): ChannelMeter {
  return { peakDb: floor, rmsDb: floor, holdDb: floor, holdAge: 0 };
}

const clampDt = (dt: number) => (Number.isFinite(dt) ? Math.min(MAX_DT, Math.max(0, dt)) : 0);

/** A value that jumps up at once and falls at a fixed rate. */
export function fallTo(prev: number, input: number, dt: number, ratePerS: number): number {
  return Math.max(input, prev - ratePerS * clampDt(dt));
}

/** Advances one channel by `dt` seconds given the peak and RMS gains measured since the last step. */
export function stepChannel(
  prev: ChannelMeter,
  peakGain: number,
  rmsGain: number,
  dt: number,
  b: Ballistics = BALLISTICS,
  floor = METER_FLOOR_DB,
): ChannelMeter {
  const t = clampDt(dt);
  const inPeak = gainToDbfs(peakGain, floor);
  const inRms = gainToDbfs(rmsGain, floor);
  const peakDb = fallTo(prev.peakDb, inPeak, t, b.peakFallDbPerS);
  const tau = inRms > prev.rmsDb ? b.rmsRiseS : b.rmsFallS;
  const rmsDb = prev.rmsDb + (inRms - prev.rmsDb) * (1 - Math.exp(-t / tau));
  let holdDb = prev.holdDb;
  let holdAge = prev.holdAge + t;
  if (inPeak >= holdDb) {
    holdDb = inPeak;
    holdAge = 0;
  } else if (holdAge > b.holdS) {
    holdDb = Math.max(peakDb, holdDb - b.holdFallDbPerS * Math.min(t, holdAge - b.holdS));
  }
  return { peakDb, rmsDb, holdDb, holdAge };
}

/** Fixed-width dB text ("-12.3", " -0.3", " -inf") so the readout never shifts. */
export function formatDb(db: number, floor = METER_FLOOR_DB): string {
  if (!(db > floor)) return ' -inf';
  const v = Math.min(99.9, db);
  const text = (Math.abs(v) < 0.05 ? 0 : v).toFixed(1);
  return text.padStart(5, ' ');
}
