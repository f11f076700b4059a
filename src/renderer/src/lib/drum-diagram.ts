import { maxPhaseUs, PHASES, PWM_MAX, PWM_MIN, strikeDutyMs, type PhaseField, type StrikePoint, type StrikeTable } from '../../../shared/drum-table';

// The Drums view's timing diagram: one lane per velocity point, forward (above the line, as
// high as its PWM), pause (on the line), back (below it, as deep as its PWM), on one time axis.
// Handles at each phase's end drag its duration; handles on the blocks' edges drag the PWM.
// Everything here is plain arithmetic on tables, so the view stays drawing and events.

/** Durations snap to this when dragged or nudged: finer than a lock motor responds, coarse enough to hit by hand. */
export const SNAP_US = 500;
/** Shift with an arrow key moves this many steps. */
export const BIG_STEP = 10;
/** One arrow-key step of PWM. */
export const PWM_STEP = 1;

export type HandleField = PhaseField | 'forwardPwm' | 'backPwm';

export const FIELD_LABEL: Readonly<Record<HandleField, string>> = {
  forwardUs: 'forward time',
  pauseUs: 'pause',
  backUs: 'back time',
  forwardPwm: 'forward PWM',
  backPwm: 'back PWM',
};

export const isPhase = (f: HandleField): f is PhaseField => (PHASES as readonly string[]).includes(f);

/** A value for `field` as the firmware takes it: phases snapped to SNAP_US within 0..max phase, PWM an integer within its range. */
export function fieldValue(field: HandleField, value: number, maxPhaseMs: number): number {
  if (!Number.isFinite(value)) return isPhase(field) ? 0 : PWM_MIN;
  if (isPhase(field)) {
    const max = maxPhaseUs(maxPhaseMs);
    // The max itself may sit off the grid (a board's own limit): snap, then clamp.
    return Math.min(max, Math.max(0, Math.round(value / SNAP_US) * SNAP_US));
  }
  return Math.min(PWM_MAX, Math.max(PWM_MIN, Math.round(value)));
}

/** The table with one field of one point set to what the firmware would take. A new table: the old one is kept for undo on refusal. */
export function withField(table: StrikeTable, point: number, field: HandleField, value: number, maxPhaseMs: number): StrikeTable {
  return { ...table, points: table.points.map((p, i) => (i === point ? { ...p, [field]: fieldValue(field, value, maxPhaseMs) } : p)) };
}

/** An arrow-key step (negative: down or left): SNAP_US per step for phases, PWM_STEP for PWM. */
export function nudge(table: StrikeTable, point: number, field: HandleField, steps: number, maxPhaseMs: number): StrikeTable {
  const now = table.points[point][field];
  return withField(table, point, field, now + steps * (isPhase(field) ? SNAP_US : PWM_STEP), maxPhaseMs);
}

/** What a key does to a handle: a number of steps, or the field's end, or nothing (Page Up/Down stay the set list's, for a pedal). */
export function keyStep(key: string, shift: boolean): { steps: number } | { to: 'min' | 'max' } | null {
  const size = shift ? BIG_STEP : 1;
  switch (key) {
    case 'ArrowRight':
    case 'ArrowUp':
      return { steps: size };
    case 'ArrowLeft':
    case 'ArrowDown':
      return { steps: -size };
    case 'Home':
      return { to: 'min' };
    case 'End':
      return { to: 'max' };
    default:
      return null;
  }
}

/** The range a handle moves in. */
export function fieldRange(field: HandleField, maxPhaseMs: number): { min: number; max: number } {
  return isPhase(field) ? { min: 0, max: maxPhaseUs(maxPhaseMs) } : { min: PWM_MIN, max: PWM_MAX };
}

export interface DiagramLayout {
  width: number;
  /** Left edge of the time axis (room for the lane labels). */
  x0: number;
  lane: number;
  /** Height of the time axis under the lanes. */
  axis: number;
  height: number;
  /** Time shown: three phases at their longest. */
  spanMs: number;
  pxPerMs: number;
}

export const LANE_HEIGHT = 64;
export const AXIS_HEIGHT = 22;
const LABEL_WIDTH = 44;
/** Room kept around a lane's blocks. */
const LANE_PAD = 5;

export function diagramLayout(width: number, lanes: number, maxPhaseMs: number): DiagramLayout {
  const spanMs = 3 * maxPhaseMs;
  const w = Math.max(width, LABEL_WIDTH + 60);
  const right = 10;
  return { width: w, x0: LABEL_WIDTH, lane: LANE_HEIGHT, axis: AXIS_HEIGHT, height: lanes * LANE_HEIGHT + AXIS_HEIGHT, spanMs, pxPerMs: (w - LABEL_WIDTH - right) / spanMs };
}

export const xOfUs = (l: DiagramLayout, us: number): number => l.x0 + (us / 1000) * l.pxPerMs;
export const usOfX = (l: DiagramLayout, x: number): number => ((x - l.x0) / l.pxPerMs) * 1000;

/** A lane's baseline (pause level) and the most a block reaches above or below it. */
export function laneGeometry(l: DiagramLayout, lane: number): { top: number; mid: number; half: number } {
  const top = lane * l.lane;
  return { top, mid: top + l.lane / 2, half: l.lane / 2 - LANE_PAD };
}

const pwmHeight = (pwm: number, half: number) => (pwm / PWM_MAX) * half;

export interface LaneShapes {
  forward: { x0: number; x1: number; y: number; h: number };
  pause: { x0: number; x1: number; y: number };
  back: { x0: number; x1: number; y: number; h: number };
  /** Where each handle sits. */
  handles: Record<HandleField, { x: number; y: number }>;
}

/** The blocks and handles of one velocity point's strike. */
export function laneShapes(l: DiagramLayout, lane: number, p: StrikePoint): LaneShapes {
  const g = laneGeometry(l, lane);
  const f1 = xOfUs(l, p.forwardUs);
  const p1 = xOfUs(l, p.forwardUs + p.pauseUs);
  const b1 = xOfUs(l, p.forwardUs + p.pauseUs + p.backUs);
  const fh = pwmHeight(p.forwardPwm, g.half);
  const bh = pwmHeight(p.backPwm, g.half);
  return {
    forward: { x0: l.x0, x1: f1, y: g.mid - fh, h: fh },
    pause: { x0: f1, x1: p1, y: g.mid },
    back: { x0: p1, x1: b1, y: g.mid, h: bh },
    handles: {
      forwardUs: { x: f1, y: g.mid - fh / 2 },
      pauseUs: { x: p1, y: g.mid },
      backUs: { x: b1, y: g.mid + bh / 2 },
      forwardPwm: { x: (l.x0 + f1) / 2, y: g.mid - fh },
      backPwm: { x: (p1 + b1) / 2, y: g.mid + bh },
    },
  };
}

/**
 * The value a handle dragged to (x, y) stands for: a phase's end at x gives its duration (the
 * phases before it stay put), a PWM edge at y its drive. Snapped and clamped like any edit.
 */
export function dragValue(l: DiagramLayout, lane: number, p: StrikePoint, field: HandleField, x: number, y: number, maxPhaseMs: number): number {
  const g = laneGeometry(l, lane);
  const before = field === 'forwardUs' ? 0 : field === 'pauseUs' ? p.forwardUs : p.forwardUs + p.pauseUs;
  if (isPhase(field)) return fieldValue(field, usOfX(l, x) - before, maxPhaseMs);
  const depth = field === 'forwardPwm' ? g.mid - y : y - g.mid;
  return fieldValue(field, (depth / g.half) * PWM_MAX, maxPhaseMs);
}

/** Time-axis ticks: every 10 ms, labelled every 20 (30 when the span is wide). */
export function timeTicks(l: DiagramLayout): { x: number; ms: number; label: boolean }[] {
  const every = l.spanMs > 150 ? 30 : 20;
  const out: { x: number; ms: number; label: boolean }[] = [];
  for (let ms = 0; ms <= l.spanMs; ms += 10) out.push({ x: xOfUs(l, ms * 1000), ms, label: ms % every === 0 });
  return out;
}

/** Milliseconds of a µs value as shown: one decimal, fixed width. */
export const msText = (us: number): string => (us / 1000).toFixed(1);

/** What the duty budget allows with strikes at this point: their cost, and how many fit in one window. */
export function dutyAllowance(p: StrikePoint, budgetMs: number): { costMs: number; perWindow: number | null } {
  const costMs = strikeDutyMs(p);
  return { costMs, perWindow: costMs > 0 ? Math.floor(budgetMs / costMs) : null };
}
