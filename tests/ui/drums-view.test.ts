import { describe, expect, it } from 'vitest';
import type { DrumLiveStatus } from '../../src/shared/api';
import { strikeDutyMs } from '../../src/shared/drum-table';
import { chosenPoints, connectionText, drumLive, dutyText, heardText, profileFileName, sameTable } from '../../src/renderer/src/lib/drums-view';
import { LatestCommit, type CommitTimers } from '../../src/renderer/src/lib/latest-commit';
import { chosenMarks, dbTicks, plotLayout, plotX, plotY, PLOT_FLOOR_DB, sweepDots } from '../../src/renderer/src/lib/sweep-plot';

// The Drums view's words, its sweep plot and how it sends edits.

describe('what the Drums view says', () => {
  it('names who plays: the board, the search for it, or the kit', () => {
    const board = { mode: 'board' as const, port: '/dev/ttyACM0', board: { firmware: '1.0.0', shield: 1, drums: 4 }, profile: null, lastError: null, late: 0 };
    expect(connectionText(board)).toEqual({ state: 'board', text: 'Board on /dev/ttyACM0: firmware 1.0.0, shield v1, drums 0-3' });
    expect(connectionText({ ...board, mode: 'connecting', board: null }).state).toBe('connecting');
    expect(connectionText({ ...board, mode: 'virtual', port: null, board: null }).text).toBe('No board: the synthesized kit plays every drum');
    expect(connectionText(null).state).toBe('virtual');
  });

  it('reads a heard strike, or says nothing was heard and by what', () => {
    expect(heardText(null)).toBe('no strike heard yet');
    expect(heardText({ drum: 1, velocity: 127, latencyMs: 19.25, levelDb: -6.9, heardBy: 'mic' })).toBe('drum 1 at velocity 127: 19.3 ms after the command, -6.9 dBFS');
    expect(heardText({ drum: 2, velocity: 40, latencyMs: null, levelDb: null, heardBy: 'jack:system channel 1' })).toBe('drum 2 at velocity 40: nothing heard (by jack:system channel 1)');
  });

  it('shows the duty budget used, capped at full', () => {
    expect(dutyText(560, 3000, 10000)).toEqual({ share: 560 / 3000, text: '0.56 s of 3.0 s in 10 s' });
    expect(dutyText(3500, 3000, 10000).share).toBe(1);
    expect(dutyText(0, 0, 10000).share).toBe(0);
    // The firmware charges forward + back, rounded up to whole ms (strike_plan.cpp dutyMillis).
    expect(strikeDutyMs({ forwardUs: 18_766, backUs: 30_000 })).toBe(49);
    expect(strikeDutyMs({ forwardUs: 1000, backUs: 0 })).toBe(1);
  });

  it('finds a drum in the polled status; compares tables; picks calibration points; names exports', () => {
    const status: DrumLiveStatus = {
      board: { dutyBudgetMs: 3000, dutyWindowMs: 10000, tablesFromDefaults: true, saving: false, drums: [{ drum: 1, state: 'idle', dutyUsedMs: 65, struck: 2, refused: 0 }] },
      ear: { ok: true, text: 'mic' },
      lastHeard: null,
    };
    expect(drumLive(status, 1)?.struck).toBe(2);
    expect(drumLive(status, 0)).toBeNull();
    expect(drumLive(null, 1)).toBeNull();
    const t = { minIntervalMs: 80, points: [{ velocity: 1, forwardUs: 1, pauseUs: 2, backUs: 3, forwardPwm: 4, backPwm: 5 }] };
    expect(sameTable(t, structuredClone(t))).toBe(true);
    expect(sameTable(t, { ...t, minIntervalMs: 81 })).toBe(false);
    expect(sameTable(t, { ...t, points: [{ ...t.points[0], backPwm: 6 }] })).toBe(false);
    expect(sameTable(null, undefined)).toBe(false);
    expect(chosenPoints([false, true, false, true])).toEqual([1, 3]);
    expect(profileFileName('stage-left')).toBe('stage-left.axon-drums.json');
  });
});

describe('the sweep plot', () => {
  const l = plotLayout(360, 200, 60);
  const trial = (forwardUs: number, levelDb: number | null, phase: 'sweep' | 'latency' = 'sweep') => ({ point: 3, velocity: 127, forwardUs, levelDb, latencyMs: levelDb === null ? null : 19, phase });

  it('places push against level, nothing heard on the floor, and leaves out the latency strikes', () => {
    const dots = sweepDots(l, [trial(60_000, -6.9), trial(10_000, null), trial(18_500, -7.4, 'latency')]);
    expect(dots).toHaveLength(2);
    expect(dots[0]).toMatchObject({ x: l.right, y: plotY(l, -6.9), heard: true });
    expect(dots[1]).toMatchObject({ x: plotX(l, 10_000), y: l.bottom, heard: false });
    expect(plotY(l, 0)).toBe(l.top);
    expect(plotY(l, PLOT_FLOOR_DB - 20)).toBe(l.bottom);
    expect(plotX(l, 0)).toBe(l.left);
    expect(dbTicks(l).map((t) => t.db)).toEqual([0, -20, -40, -60]);
  });

  it('marks each chosen push at its full-strength level', () => {
    expect(chosenMarks(l, { chosen: [{ point: 3, velocity: 127, forwardUs: 18_766, fullDb: -6.9 }] })).toEqual([{ x: plotX(l, 18_766), y: plotY(l, -6.9), point: 3, velocity: 127, forwardUs: 18_766 }]);
  });
});

describe('sending edits', () => {
  /** Timers the test fires by hand. */
  function manualTimers(): CommitTimers & { fire(): void; pending: number } {
    const queue = new Map<number, () => void>();
    let id = 0;
    return {
      set(cb) {
        queue.set(++id, cb);
        return id;
      },
      clear(h) {
        queue.delete(h as number);
      },
      fire() {
        const cbs = [...queue.values()];
        queue.clear();
        for (const cb of cbs) cb();
      },
      get pending() {
        return queue.size;
      },
    };
  }
  const tick = () => new Promise((r) => setTimeout(r, 0));

  it('sends only the latest edit after a quiet spell, one at a time', async () => {
    const sent: number[] = [];
    let release: () => void = () => undefined;
    const timers = manualTimers();
    const c = new LatestCommit<number>((v) => (sent.push(v), new Promise<void>((r) => (release = r))), () => undefined, 250, timers);
    c.push(1);
    c.push(2);
    c.push(3);
    expect(timers.pending).toBe(1);
    timers.fire();
    expect(sent).toEqual([3]);
    // While 3 is on its way, 4 and 5 arrive; released at once, only 5 goes, after 3 is answered.
    c.push(4, true);
    c.push(5, true);
    expect(sent).toEqual([3]);
    expect(c.busy).toBe(true);
    release();
    await tick();
    expect(sent).toEqual([3, 5]);
    release();
    await tick();
    expect(c.busy).toBe(false);
  });

  it('reports a refused edit with its value, and a cancelled one is never sent', async () => {
    const failed: [string, number][] = [];
    const timers = manualTimers();
    const c = new LatestCommit<number>(async (v) => {
      if (v < 0) throw new Error(`refused ${v}`);
    }, (err, v) => failed.push([(err as Error).message, v]), 250, timers);
    c.push(-2, true);
    await tick();
    expect(failed).toEqual([['refused -2', -2]]);
    c.push(-3);
    c.cancel();
    timers.fire();
    await tick();
    expect(failed).toHaveLength(1);
    expect(c.busy).toBe(false);
  });
});
