import type { DrumLiveStatus, DrumsState, DrumStrikeHeard } from '../../../shared/api';
import type { StrikeTable } from '../../../shared/drum-table';

// Words and numbers of the Drums view, kept out of the component so they can be tested.

/** How often the view asks the board for its duty budget and strike counts while it shows. */
export const STATUS_POLL_MS = 500;
/** Quiet after a keyboard edit before it goes to the board (a held arrow key repeats faster). */
export const KEY_COMMIT_MS = 250;

/** The connection as one line: who plays, on what. */
export function connectionText(d: DrumsState | null): { state: 'board' | 'connecting' | 'virtual'; text: string } {
  if (!d) return { state: 'virtual', text: 'Reading the drums…' };
  if (d.mode === 'board' && d.board) return { state: 'board', text: `Board on ${d.port}: firmware ${d.board.firmware}, shield v${d.board.shield}, drums 0-${d.board.drums - 1}` };
  if (d.mode === 'connecting') return { state: 'connecting', text: `Looking for the board on ${d.port}; the kit plays meanwhile` };
  return { state: 'virtual', text: 'No board: the synthesized kit plays every drum' };
}

/** A heard strike as people read it. */
export function heardText(h: DrumStrikeHeard | null): string {
  if (!h) return 'no strike heard yet';
  const what = `drum ${h.drum} at velocity ${h.velocity}`;
  if (h.latencyMs === null || h.levelDb === null) return `${what}: nothing heard (by ${h.heardBy})`;
  return `${what}: ${h.latencyMs.toFixed(1)} ms after the command, ${h.levelDb.toFixed(1)} dBFS`;
}

/** Share of the duty budget used (0..1) and its words. */
export function dutyText(used: number, budget: number, windowMs: number): { share: number; text: string } {
  const share = budget > 0 ? Math.min(1, used / budget) : 0;
  return { share, text: `${(used / 1000).toFixed(2)} s of ${(budget / 1000).toFixed(1)} s in ${(windowMs / 1000).toFixed(0)} s` };
}

/** A drum's duty and strikes from the polled status, or null when no board plays it. */
export function drumLive(status: DrumLiveStatus | null, drum: number): NonNullable<DrumLiveStatus['board']>['drums'][number] | null {
  return status?.board?.drums.find((d) => d.drum === drum) ?? null;
}

export function sameTable(a: StrikeTable | null | undefined, b: StrikeTable | null | undefined): boolean {
  if (!a || !b) return a === b;
  return a.minIntervalMs === b.minIntervalMs && a.points.length === b.points.length && a.points.every((p, i) => JSON.stringify(p) === JSON.stringify(b.points[i]));
}

/** The velocity points a calibration tunes, from the view's check boxes. */
export function chosenPoints(flags: readonly boolean[]): number[] {
  return flags.flatMap((on, i) => (on ? [i] : []));
}

/** File name of an exported profile. */
export const profileFileName = (name: string): string => `${name}.axon-drums.json`;
