import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/shared/api-client';
import { decodeTelemetry, TELEMETRY_WORDS, T_GAIN_REDUCTION, T_PEAK_L, T_PEAK_R, T_RMS_L } from '../../src/shared/telemetry';
import { trackStatus } from '../../src/renderer/src/lib/connection';
import { describeError, fromPayload, pushError } from '../../src/renderer/src/lib/errors';
import { cellAt, heatmapGrid, MAX_CELL, ROW_GUTTER } from '../../src/renderer/src/lib/heatmap-geometry';
import { mergeUnshown } from '../../src/renderer/src/lib/telemetry-frame';

describe('error messages', () => {
  it('keeps the message and details of an ApiError', () => {
    const e = new ApiError({ code: 'patch_invalid', message: 'x.json is not a valid patch (2 problems)', details: ['a', 'b'] });
    expect(describeError(e)).toEqual({ message: e.message, details: ['a', 'b'] });
    expect(describeError(e, 'Could not load patch "x"').message).toBe(`Could not load patch "x": ${e.message}`);
    expect(describeError(new Error('boom'))).toEqual({ message: 'boom', details: [] });
    expect(describeError('plain')).toEqual({ message: 'plain', details: [] });
    expect(fromPayload({ code: 'internal', message: 'm', details: ['d'] })).toEqual({ message: 'm', details: ['d'] });
  });

  it('folds repeats and keeps the newest few', () => {
    let list = pushError([], { message: 'a', details: [] }, 1);
    list = pushError(list, { message: 'a', details: [] }, 2);
    expect(list).toEqual([{ id: 1, message: 'a', details: [], repeats: 2 }]);
    for (let i = 0; i < 6; i++) list = pushError(list, { message: `m${i}`, details: [] }, 10 + i, 4);
    expect(list.map((e) => e.message)).toEqual(['m2', 'm3', 'm4', 'm5']);
  });
});

describe('connection status', () => {
  it('remembers the last report for late subscribers', () => {
    let emit: (up: boolean) => void = () => {};
    const status = trackStatus({ onStatus: (cb) => ((emit = cb), () => {}) });
    expect(status.current()).toBeNull();
    const seen: boolean[] = [];
    const off = status.subscribe((up) => seen.push(up));
    emit(true);
    emit(false);
    off();
    emit(true);
    expect(seen).toEqual([true, false]);
    expect(status.current()).toBe(true);
  });
});

describe('telemetry between frames', () => {
  it('keeps the loudest peak and deepest gain reduction of snapshots never shown', () => {
    const words = (peak: number, gr: number) => {
      const w = new Float64Array(TELEMETRY_WORDS);
      w[T_PEAK_L] = peak;
      w[T_PEAK_R] = peak / 2;
      w[T_RMS_L] = peak / 4;
      w[T_GAIN_REDUCTION] = gr;
      return decodeTelemetry(w);
    };
    const older = words(0.9, 3);
    const newer = words(0.2, 0);
    const m = mergeUnshown(newer, older);
    expect(m.levels).toEqual({ peakL: 0.9, peakR: 0.45, rmsL: 0.05, rmsR: 0, gainReductionDb: 3 });
    expect(newer.levels.peakL).toBe(0.2);
    expect(mergeUnshown(newer, null)).toBe(newer);
  });
});

describe('heatmap geometry', () => {
  it('fits cells, centres a small matrix and hit-tests cells', () => {
    const g = heatmapGrid(600, 700, 2, 5);
    expect(g.cell).toBe(MAX_CELL);
    expect(g.x0).toBe(ROW_GUTTER + Math.floor((600 - ROW_GUTTER - 5 * MAX_CELL) / 2));
    expect(cellAt(g, g.x0 + 4.5 * g.cell, g.y0 + 0.5 * g.cell)).toEqual({ row: 0, col: 4 });
    expect(cellAt(g, g.x0 - 1, g.y0 + 1)).toBeNull();
    expect(cellAt(g, g.x0 + 5 * g.cell, g.y0)).toBeNull();
    const tight = heatmapGrid(300, 700, 16, 48);
    expect(tight.cell).toBe(8);
    expect(tight.x0).toBe(ROW_GUTTER);
  });
});
