import { axonError } from '../../../shared/errors';
import type { Milliseconds } from '../../../shared/units';
import type { BoardEvent } from '../protocol/messages';
import type { StrikeTable } from '../protocol/table';
import { saveProfile, withTable, type DrumProfile } from '../profile';
import type { DrumCalibration } from './sweep';

/** EEPROM writes a byte per loop pass and reads each back: a few hundred bytes take well under a second. */
const SAVE_TIMEOUT_MS = 3000;

/** What saving needs of a board link (DrumLink has it). */
export interface BoardSaver {
  setTable(drum: number, table: StrikeTable): Promise<void>;
  saveTables(): Promise<void>;
  on(event: 'event', listener: (e: BoardEvent) => void): unknown;
  off(event: 'event', listener: (e: BoardEvent) => void): unknown;
}

/**
 * Keeps a drum's calibration: first in the profile file (the copy that survives a board swap),
 * then in the board's EEPROM, waiting for the board to confirm the write. A failure on the board
 * leaves the saved profile in place; the next connection sends its tables anyway.
 */
export async function saveCalibration(link: BoardSaver, profile: DrumProfile, drum: number, calibration: DrumCalibration, timeoutMs: Milliseconds = SAVE_TIMEOUT_MS): Promise<DrumProfile> {
  const updated = withTable(profile, drum, calibration.table, calibration.latency);
  saveProfile(updated);
  await link.setTable(drum, calibration.table);
  await saveBoardTables(link, timeoutMs);
  return updated;
}

/**
 * Writes the tables the board holds in RAM to its EEPROM and waits for the board to confirm
 * (EVENT saved). Callers save the profile file first, which the errors say.
 */
export function saveBoardTables(link: Omit<BoardSaver, 'setTable'>, timeoutMs: Milliseconds = SAVE_TIMEOUT_MS): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      link.off('event', onEvent);
      if (err) reject(err);
      else resolve();
    };
    const onEvent = (e: BoardEvent) => {
      if (e.kind === 'saved') done();
      else if (e.kind === 'save_failed') done(axonError('drum_save', 'the board could not write its EEPROM (a byte did not read back); the profile file is saved'));
    };
    const timer = setTimeout(() => done(axonError('drum_save', `the board did not confirm saving within ${timeoutMs} ms; the profile file is saved`)), timeoutMs);
    link.on('event', onEvent);
    link.saveTables().catch((err: Error) => done(err));
  });
}
