import { tableProblems, type StrikePoint, type StrikeTable } from '../../../shared/drum-table';
import { axonError } from '../../../shared/errors';
import type { Milliseconds } from '../../../shared/units';
import { PayloadWriter } from './bytes';
import { DEFAULT_MAX_PHASE_MS, TABLE_BYTES, TABLE_POINTS } from './constants';

// The table types and rules live in src/shared/drum-table.ts (the UI's editor checks them too).
export { tableProblems, type StrikePoint, type StrikeTable };

const POINT_BYTES = 9;
const HEADER_BYTES = 4;

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
