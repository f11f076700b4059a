import { axonError } from '../../../shared/errors';
import type { Milliseconds } from '../../../shared/units';
import { PayloadWriter } from './bytes';
import { DEFAULT_MAX_PHASE_MS, TABLE_BYTES, TABLE_POINTS, VELOCITY_MAX, VELOCITY_MIN } from './constants';

/** One velocity point of a strike table; phases in microseconds. */
export interface StrikePoint {
  velocity: number;
  forwardUs: number;
  pauseUs: number;
  backUs: number;
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

const POINT_BYTES = 9;
const HEADER_BYTES = 4;

function intProblem(field: string, value: number, min: number, max: number, limit = ''): string | null {
  if (Number.isInteger(value) && value >= min && value <= max) return null;
  return `${field} must be an integer ${min}..${max}${limit}, got ${value}`;
}

/**
 * PROTOCOL.md's table rules (the board NACKs `table` otherwise), one line per problem naming
 * the field; empty when the table is valid. `maxPhaseMs` is the board's (HELLO_REPLY).
 */
export function tableProblems(table: StrikeTable, maxPhaseMs: Milliseconds = DEFAULT_MAX_PHASE_MS): string[] {
  const problems: (string | null)[] = [intProblem('minIntervalMs', table.minIntervalMs, 0, 0xffff)];
  if (table.points.length !== TABLE_POINTS) problems.push(`points must hold ${TABLE_POINTS} points, got ${table.points.length}`);
  const maxPhaseUs = Math.min(maxPhaseMs * 1000, 0xffff);
  const phaseLimit = ` (the board's max phase is ${maxPhaseMs} ms)`;
  table.points.forEach((p, i) => {
    const at = `points[${i}]`;
    problems.push(
      intProblem(`${at}.velocity`, p.velocity, VELOCITY_MIN, VELOCITY_MAX),
      intProblem(`${at}.forwardUs`, p.forwardUs, 0, maxPhaseUs, phaseLimit),
      intProblem(`${at}.pauseUs`, p.pauseUs, 0, maxPhaseUs, phaseLimit),
      intProblem(`${at}.backUs`, p.backUs, 0, maxPhaseUs, phaseLimit),
      intProblem(`${at}.forwardPwm`, p.forwardPwm, 1, 255),
      intProblem(`${at}.backPwm`, p.backPwm, 1, 255),
    );
    const prev = table.points[i - 1];
    if (prev && !(p.velocity > prev.velocity)) {
      problems.push(`${at}.velocity (${p.velocity}) must be above points[${i - 1}].velocity (${prev.velocity})`);
    }
  });
  return problems.filter((p): p is string => p !== null);
}

/** The 40 table bytes; throws `drum_table` naming every field that breaks the rules. */
export function encodeTable(table: StrikeTable, maxPhaseMs: Milliseconds = DEFAULT_MAX_PHASE_MS): Uint8Array {
  const problems = tableProblems(table, maxPhaseMs);
  if (problems.length > 0) throw axonError('drum_table', problems.join('; '));
  return tableBytes(table);
}

/** The 40 table bytes without the rules (a board reports whatever table it holds). */
export function tableBytes(table: StrikeTable): Uint8Array {
  if (table.points.length !== TABLE_POINTS) throw axonError('drum_field', 'table.points', `${TABLE_POINTS} points`, String(table.points.length));
  const w = new PayloadWriter(TABLE_BYTES, 'table').u16('minIntervalMs', table.minIntervalMs).u16('reserved', 0);
  table.points.forEach((p, i) => {
    w.u8(`points[${i}].velocity`, p.velocity)
      .u16(`points[${i}].forwardUs`, p.forwardUs)
      .u16(`points[${i}].pauseUs`, p.pauseUs)
      .u16(`points[${i}].backUs`, p.backUs)
      .u8(`points[${i}].forwardPwm`, p.forwardPwm)
      .u8(`points[${i}].backPwm`, p.backPwm);
  });
  return w.done();
}

/** Reads 40 table bytes as they are (the reserved field is ignored); check with `tableProblems`. */
export function decodeTable(bytes: Uint8Array): StrikeTable {
  if (bytes.length !== TABLE_BYTES) throw new RangeError(`a strike table is ${TABLE_BYTES} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const points: StrikePoint[] = [];
  for (let i = 0; i < TABLE_POINTS; i++) {
    const at = HEADER_BYTES + i * POINT_BYTES;
    points.push({
      velocity: view.getUint8(at),
      forwardUs: view.getUint16(at + 1, true),
      pauseUs: view.getUint16(at + 3, true),
      backUs: view.getUint16(at + 5, true),
      forwardPwm: view.getUint8(at + 7),
      backPwm: view.getUint8(at + 8),
    });
  }
  return { minIntervalMs: view.getUint16(0, true), points };
}
