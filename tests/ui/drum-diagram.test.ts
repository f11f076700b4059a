import { describe, expect, it } from 'vitest';
import { tableProblems, type StrikeTable } from '../../src/shared/drum-table';
import {
  diagramLayout,
  dragValue,
  dutyAllowance,
  fieldValue,
  keyStep,
  laneGeometry,
  laneShapes,
  msText,
  nudge,
  SNAP_US,
  timeTicks,
  usOfX,
  withField,
  xOfUs,
} from '../../src/renderer/src/lib/drum-diagram';

// The Drums view's timing diagram: geometry, drags and keys, and that every edit it makes is a
// table the firmware takes.

/** The firmware's built-in table (default_tables.cpp). */
const DEFAULT: StrikeTable = {
  minIntervalMs: 80,
  points: [
    { velocity: 1, forwardUs: 15000, pauseUs: 10000, backUs: 20000, forwardPwm: 140, backPwm: 170 },
    { velocity: 40, forwardUs: 20000, pauseUs: 8000, backUs: 23000, forwardPwm: 180, backPwm: 180 },
    { velocity: 90, forwardUs: 28000, pauseUs: 6000, backUs: 27000, forwardPwm: 220, backPwm: 195 },
    { velocity: 127, forwardUs: 35000, pauseUs: 5000, backUs: 30000, forwardPwm: 255, backPwm: 210 },
  ],
};

describe('values the firmware takes', () => {
  it('snaps phases to 0.5 ms within 0..max phase, and PWM to an integer 1..255', () => {
    expect(fieldValue('forwardUs', 18_740, 60)).toBe(18_500);
    expect(fieldValue('forwardUs', 18_760, 60)).toBe(19_000);
    expect(fieldValue('pauseUs', -3000, 60)).toBe(0);
    expect(fieldValue('backUs', 75_000, 60)).toBe(60_000);
    // A board with a shorter max phase than the grid: clamped after snapping.
    expect(fieldValue('backUs', 40_000, 40.2)).toBe(40_000);
    expect(fieldValue('backUs', 41_000, 40.2)).toBe(40_200);
    expect(fieldValue('forwardPwm', 0, 60)).toBe(1);
    expect(fieldValue('backPwm', 300.4, 60)).toBe(255);
    expect(fieldValue('backPwm', 99.6, 60)).toBe(100);
    expect(fieldValue('forwardUs', Number.NaN, 60)).toBe(0);
  });

  it('changes one field of one point in a new table, leaving the old one as it was', () => {
    const t = withField(DEFAULT, 3, 'forwardUs', 18_760, 60);
    expect(t.points[3]).toEqual({ ...DEFAULT.points[3], forwardUs: 19_000 });
    expect(t.points.slice(0, 3)).toEqual(DEFAULT.points.slice(0, 3));
    expect(DEFAULT.points[3].forwardUs).toBe(35_000);
    expect(tableProblems(t)).toEqual([]);
  });

  it('arrow keys step by 0.5 ms (PWM by 1), Shift by ten steps, Home and End to the limits; Page keys stay the set list\'s', () => {
    expect(keyStep('ArrowRight', false)).toEqual({ steps: 1 });
    expect(keyStep('ArrowDown', true)).toEqual({ steps: -10 });
    expect(keyStep('End', false)).toEqual({ to: 'max' });
    expect(keyStep('PageDown', false)).toBeNull();
    expect(keyStep('a', false)).toBeNull();
    expect(nudge(DEFAULT, 0, 'pauseUs', 3, 60).points[0].pauseUs).toBe(10_000 + 3 * SNAP_US);
    expect(nudge(DEFAULT, 3, 'forwardPwm', 10, 60).points[3].forwardPwm).toBe(255);
    expect(nudge(DEFAULT, 0, 'backPwm', -10, 60).points[0].backPwm).toBe(160);
  });

  it('any sequence of edits stays a table the board takes', () => {
    let t = DEFAULT;
    const fields = ['forwardUs', 'pauseUs', 'backUs', 'forwardPwm', 'backPwm'] as const;
    for (let i = 0; i < 400; i++) {
      const field = fields[i % fields.length];
      t = i % 3 === 0 ? withField(t, i % 4, field, ((i * 7919) % 200_000) - 50_000, 60) : nudge(t, (i * 3) % 4, field, ((i * 31) % 41) - 20, 60);
      expect(tableProblems(t, 60), `edit ${i}`).toEqual([]);
    }
  });
});

describe('diagram geometry', () => {
  const l = diagramLayout(800, 4, 60);

  it('spans three phases at their longest across the width, round-tripping time and x', () => {
    expect(l.spanMs).toBe(180);
    expect(xOfUs(l, 0)).toBe(l.x0);
    expect(xOfUs(l, 180_000)).toBeCloseTo(800 - 10, 9);
    expect(usOfX(l, xOfUs(l, 23_500))).toBeCloseTo(23_500, 6);
    const ticks = timeTicks(l);
    expect(ticks.map((t) => t.ms)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180]);
    expect(ticks.filter((t) => t.label).map((t) => t.ms)).toEqual([0, 30, 60, 90, 120, 150, 180]);
  });

  it('draws forward above the line as high as its PWM, the pause on it, back below as deep as its PWM', () => {
    const g = laneGeometry(l, 3);
    const s = laneShapes(l, 3, DEFAULT.points[3]);
    expect(s.forward).toEqual({ x0: l.x0, x1: xOfUs(l, 35_000), y: g.mid - g.half, h: g.half });
    expect(s.pause).toEqual({ x0: xOfUs(l, 35_000), x1: xOfUs(l, 40_000), y: g.mid });
    expect(s.back.x0).toBe(xOfUs(l, 40_000));
    expect(s.back.x1).toBe(xOfUs(l, 70_000));
    expect(s.back.h).toBeCloseTo((210 / 255) * g.half, 9);
    expect(s.handles.backUs.x).toBe(s.back.x1);
  });

  it("dragging a phase's end sets its duration; dragging a block's edge sets its PWM", () => {
    const p = DEFAULT.points[1];
    const g = laneGeometry(l, 1);
    // The back phase starts after forward and pause: its end at 70 ms makes it 42 ms long.
    expect(dragValue(l, 1, p, 'backUs', xOfUs(l, 70_000), 0, 60)).toBe(42_000);
    expect(dragValue(l, 1, p, 'forwardUs', xOfUs(l, 12_340), 0, 60)).toBe(12_500);
    // Past the start of its phase: zero, never negative.
    expect(dragValue(l, 1, p, 'pauseUs', xOfUs(l, 5_000), 0, 60)).toBe(0);
    // Dragged far right: the board's max phase.
    expect(dragValue(l, 1, p, 'forwardUs', 5000, 0, 60)).toBe(60_000);
    expect(dragValue(l, 1, p, 'forwardPwm', 0, g.mid - g.half / 2, 60)).toBe(128);
    expect(dragValue(l, 1, p, 'backPwm', 0, g.mid + g.half * 2, 60)).toBe(255);
    expect(dragValue(l, 1, p, 'backPwm', 0, g.mid - 10, 60)).toBe(1);
  });
});

describe('numbers', () => {
  it('shows milliseconds with one decimal, and what the duty budget allows', () => {
    expect(msText(18_766)).toBe('18.8');
    expect(msText(0)).toBe('0.0');
    // 35 + 30 ms of motor on-time: 65 ms per strike, 46 strikes in a 3 s budget.
    expect(dutyAllowance(DEFAULT.points[3], 3000)).toEqual({ costMs: 65, perWindow: 46 });
    expect(dutyAllowance({ forwardUs: 0, backUs: 0 } as StrikeTable['points'][number], 3000)).toEqual({ costMs: 0, perWindow: null });
  });
});
