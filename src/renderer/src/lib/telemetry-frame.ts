import type { Telemetry } from '../../../shared/telemetry';

/**
 * Folds an older, never-shown telemetry snapshot into a newer one: several snapshots can arrive
 * within one screen frame, and the meters must still see the loudest peak and the deepest gain
 * reduction among them. Returns a new object; the inputs are left alone.
 */
export function mergeUnshown(newer: Telemetry, older: Telemetry | null): Telemetry {
  if (!older) return newer;
  const a = newer.levels;
  const b = older.levels;
  return {
    ...newer,
    levels: {
      ...a,
      peakL: Math.max(a.peakL, b.peakL),
      peakR: Math.max(a.peakR, b.peakR),
      gainReductionDb: Math.max(a.gainReductionDb, b.gainReductionDb),
    },
  };
}
