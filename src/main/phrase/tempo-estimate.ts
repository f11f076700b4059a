import type { NormalRange, Seconds } from '../../shared/units';

export interface TempoSearch {
  minBpm: number;
  maxBpm: number;
  /** Grid steps per beat (4: sixteenth notes). */
  stepsPerBeat: number;
  /** Centre of the tempo prior: between a tempo and its double the one nearer this wins. */
  preferredBpm: number;
}

/** A beat grid that explains a set of onset times. */
export interface TempoEstimate {
  bpm: number;
  /** Duration of one grid step. */
  step: Seconds;
  /** The host time of some grid point (the phase of the grid). */
  origin: Seconds;
  /** How tightly the onsets sit on the grid: 1 = exactly, about 0 = no relation. */
  fit: NormalRange;
}

/** Scan resolution: 0.2 % between candidate tempi, well inside the peak width of a few bars. */
const SCAN_RATIO = 1.002;
/** Weight of the prior (per squared octave away from preferredBpm) against the grid fit. */
const PRIOR_WEIGHT = 0.1;

/**
 * Phase of a grid of period `step` that best fits `times`: the circular mean of each onset's
 * phase. Its length (0-1) measures the fit; it shrinks with timing error relative to the step,
 * so a finer grid only wins when the playing is tight enough to support it.
 */
export function gridFit(times: readonly Seconds[], step: Seconds): { origin: Seconds; fit: NormalRange } {
  const t0 = times[0];
  let c = 0;
  let s = 0;
  for (const t of times) {
    const a = (2 * Math.PI * (t - t0)) / step;
    c += Math.cos(a);
    s += Math.sin(a);
  }
  const n = times.length;
  const phase = Math.atan2(s, c);
  return { origin: t0 + (phase / (2 * Math.PI)) * step, fit: Math.hypot(c, s) / n };
}

/**
 * The beat period that best explains the onset times: every candidate tempo in range is scored
 * by how well its step grid fits the onsets (gridFit) minus a log-tempo prior that settles the
 * half/double ambiguity no rhythm alone can; the winner is refined by least squares of onset time
 * against grid index. Null with fewer than 4 distinct onsets (too few intervals to tell).
 */
export function estimateTempo(times: readonly Seconds[], o: TempoSearch, simultaneous: Seconds = 0.03): TempoEstimate | null {
  const sorted = [...times].sort((a, b) => a - b);
  const distinct = sorted.filter((t, i) => i === 0 || t - sorted[i - 1] >= simultaneous);
  if (distinct.length < 4) return null;
  let best = { bpm: 0, score: -Infinity };
  for (let bpm = o.minBpm; bpm <= o.maxBpm; bpm *= SCAN_RATIO) {
    const { fit } = gridFit(distinct, 60 / bpm / o.stepsPerBeat);
    const score = fit - PRIOR_WEIGHT * Math.log2(bpm / o.preferredBpm) ** 2;
    if (score > best.score) best = { bpm, score };
  }
  let step = 60 / best.bpm / o.stepsPerBeat;
  let { origin } = gridFit(distinct, step);
  // Least squares t = origin + step * k over the grid indices the scan assigned.
  const k = distinct.map((t) => Math.round((t - origin) / step));
  const n = distinct.length;
  const mk = k.reduce((a, b) => a + b, 0) / n;
  const mt = distinct.reduce((a, b) => a + b, 0) / n;
  let skk = 0;
  let skt = 0;
  for (let i = 0; i < n; i++) {
    skk += (k[i] - mk) ** 2;
    skt += (k[i] - mk) * (distinct[i] - mt);
  }
  if (skk > 0 && skt > 0) {
    step = skt / skk;
    origin = mt - step * mk;
  }
  return { bpm: 60 / (step * o.stepsPerBeat), step, origin, fit: gridFit(distinct, step).fit };
}
