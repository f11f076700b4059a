import type { Microseconds, Milliseconds } from './units';

// Strike tables and their firmware limits (firmware/PROTOCOL.md, version 1), declared once here
// so the host driver, the profiles and the UI's table editor check the same rules. The protocol
// code re-exports them (src/main/drums/protocol). Keep in step with the firmware.

/** Velocity points per table. */
export const TABLE_POINTS = 4;
/** The board's default max phase, used to check tables before the board has said its own. */
export const DEFAULT_MAX_PHASE_MS = 60;
export const VELOCITY_MIN = 1;
export const VELOCITY_MAX = 127;
/** Motor drive of a phase (analogWrite units); 0 is refused: a phase that drives nothing is a zero duration. */
export const PWM_MIN = 1;
export const PWM_MAX = 255;
/** The widest field of a table (u16). */
export const TABLE_U16_MAX = 0xffff;

/** Strikes per calibration measurement (their median counts): the default, and the most a request may ask. */
export const CALIBRATION_REPEATS = 3;
export const CALIBRATION_REPEATS_MAX = 5;

/** One velocity point of a strike table; phases in microseconds. */
export interface StrikePoint {
  velocity: number;
  forwardUs: Microseconds;
  pauseUs: Microseconds;
  backUs: Microseconds;
  forwardPwm: number;
  backPwm: number;
}

/** A drum's strike table: the board interpolates between the points around a strike's velocity. */
export interface StrikeTable {
  /** From one strike's start to the next. */
  minIntervalMs: Milliseconds;
  /** Exactly TABLE_POINTS, velocities strictly increasing. */
  points: StrikePoint[];
}

/** The phases of a point, in the order a strike runs them. */
export const PHASES = ['forwardUs', 'pauseUs', 'backUs'] as const;
export type PhaseField = (typeof PHASES)[number];

/** Longest phase the board allows, in µs (its max phase, capped by the u16 field). */
export const maxPhaseUs = (maxPhaseMs: Milliseconds = DEFAULT_MAX_PHASE_MS): Microseconds => Math.min(maxPhaseMs * 1000, TABLE_U16_MAX);

function intProblem(field: string, value: number, min: number, max: number, limit = ''): string | null {
  if (Number.isInteger(value) && value >= min && value <= max) return null;
  return `${field} must be an integer ${min}..${max}${limit}, got ${value}`;
}

/**
 * PROTOCOL.md's table rules (the board NACKs `table` otherwise), one line per problem naming
 * the field; empty when the table is valid. `maxPhaseMs` is the board's (HELLO_REPLY).
 */
export function tableProblems(table: StrikeTable, maxPhaseMs: Milliseconds = DEFAULT_MAX_PHASE_MS): string[] {
  const problems: (string | null)[] = [intProblem('minIntervalMs', table.minIntervalMs, 0, TABLE_U16_MAX)];
  if (table.points.length !== TABLE_POINTS) problems.push(`points must hold ${TABLE_POINTS} points, got ${table.points.length}`);
  const phaseMax = maxPhaseUs(maxPhaseMs);
  const phaseLimit = ` (the board's max phase is ${maxPhaseMs} ms)`;
  table.points.forEach((p, i) => {
    const at = `points[${i}]`;
    problems.push(
      intProblem(`${at}.velocity`, p.velocity, VELOCITY_MIN, VELOCITY_MAX),
      intProblem(`${at}.forwardUs`, p.forwardUs, 0, phaseMax, phaseLimit),
      intProblem(`${at}.pauseUs`, p.pauseUs, 0, phaseMax, phaseLimit),
      intProblem(`${at}.backUs`, p.backUs, 0, phaseMax, phaseLimit),
      intProblem(`${at}.forwardPwm`, p.forwardPwm, PWM_MIN, PWM_MAX),
      intProblem(`${at}.backPwm`, p.backPwm, PWM_MIN, PWM_MAX),
    );
    const prev = table.points[i - 1];
    if (prev && !(p.velocity > prev.velocity)) {
      problems.push(`${at}.velocity (${p.velocity}) must be above points[${i - 1}].velocity (${prev.velocity})`);
    }
  });
  return problems.filter((p): p is string => p !== null);
}

/**
 * What one strike at this point charges the motor's duty budget: forward plus back time rounded
 * up to whole milliseconds, as the firmware's dutyMillis() does (strike_plan.cpp).
 */
export function strikeDutyMs(p: Pick<StrikePoint, 'forwardUs' | 'backUs'>): Milliseconds {
  return Math.ceil((p.forwardUs + p.backUs) / 1000);
}
