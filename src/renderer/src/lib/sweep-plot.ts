import type { DrumCalibrationStatus, DrumCalibrationTrial } from '../../../shared/api';

// The calibration's sweep as a plot: forward time tried (x) against the level heard (y, dBFS),
// one colour per velocity point, the chosen forward time of each point marked with the
// full-strength level it was held to.

/** The quietest level shown; nothing heard is drawn on this floor. */
export const PLOT_FLOOR_DB = -60;

/** One colour per velocity point (CSS variables of app.css, readable on the dark ground). */
export const POINT_COLORS = ['var(--neg)', 'var(--ok)', 'var(--accent)', 'var(--pos)'] as const;
export const pointColor = (point: number): string => POINT_COLORS[point % POINT_COLORS.length];

export interface PlotLayout {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  maxMs: number;
}

export function plotLayout(width: number, height: number, maxPhaseMs: number): PlotLayout {
  return { width, height, left: 38, right: width - 8, top: 8, bottom: height - 22, maxMs: maxPhaseMs };
}

export const plotX = (l: PlotLayout, us: number): number => l.left + ((l.right - l.left) * Math.min(us / 1000, l.maxMs)) / l.maxMs;
export const plotY = (l: PlotLayout, db: number | null): number => {
  const v = db === null ? PLOT_FLOOR_DB : Math.min(0, Math.max(PLOT_FLOOR_DB, db));
  return l.top + ((l.bottom - l.top) * v) / PLOT_FLOOR_DB;
};

export interface PlotDot {
  x: number;
  y: number;
  point: number;
  heard: boolean;
  trial: DrumCalibrationTrial;
}

/** The sweep's strikes (not the latency strikes after it), placed. */
export function sweepDots(l: PlotLayout, trials: readonly DrumCalibrationTrial[]): PlotDot[] {
  return trials.filter((t) => t.phase === 'sweep').map((t) => ({ x: plotX(l, t.forwardUs), y: plotY(l, t.levelDb), point: t.point, heard: t.levelDb !== null, trial: t }));
}

/** Each tuned point's choice: where it sits and the full-strength level line it was held to. */
export function chosenMarks(l: PlotLayout, status: Pick<DrumCalibrationStatus, 'chosen'>): { x: number; y: number; point: number; velocity: number; forwardUs: number }[] {
  return status.chosen.map((c) => ({ x: plotX(l, c.forwardUs), y: plotY(l, c.fullDb), point: c.point, velocity: c.velocity, forwardUs: c.forwardUs }));
}

export function dbTicks(l: PlotLayout): { y: number; db: number }[] {
  const out: { y: number; db: number }[] = [];
  for (let db = 0; db >= PLOT_FLOOR_DB; db -= 20) out.push({ y: plotY(l, db), db });
  return out;
}

export function msTicks(l: PlotLayout): { x: number; ms: number }[] {
  const out: { x: number; ms: number }[] = [];
  for (let ms = 0; ms <= l.maxMs; ms += 10) out.push({ x: plotX(l, ms * 1000), ms });
  return out;
}
