import { describe, expect, it } from 'vitest';
import { axesToFraction, nudge, pointToAxes } from '../../src/renderer/src/lib/xy';

describe('XY pad mapping', () => {
  it('puts +1 at the right and at the top', () => {
    expect(pointToAxes(200, 0, 200, 200)).toEqual({ x: 1, y: 1 });
    expect(pointToAxes(0, 200, 200, 200)).toEqual({ x: -1, y: -1 });
    expect(pointToAxes(100, 100, 200, 200)).toEqual({ x: 0, y: 0 });
    expect(pointToAxes(150, 50, 200, 200)).toEqual({ x: 0.5, y: 0.5 });
  });

  it('clamps points outside the pad and survives a zero-size box', () => {
    expect(pointToAxes(500, -80, 200, 200)).toEqual({ x: 1, y: 1 });
    expect(pointToAxes(-10, 900, 200, 200)).toEqual({ x: -1, y: -1 });
    const p = pointToAxes(0, 0, 0, 0);
    expect(Number.isFinite(p.x) && Number.isFinite(p.y)).toBe(true);
  });

  it('round-trips axes to the dot position', () => {
    for (const [x, y] of [
      [0, 0],
      [1, 1],
      [-0.25, 0.75],
    ]) {
      const f = axesToFraction(x, y);
      expect(pointToAxes(f.left * 300, f.top * 300, 300, 300)).toEqual({ x, y });
    }
    expect(axesToFraction(5, -5)).toEqual({ left: 1, top: 1 });
    expect(axesToFraction(NaN, NaN)).toEqual({ left: 0.5, top: 0.5 });
  });

  it('nudges with the arrow keys and centres with Home', () => {
    expect(nudge('ArrowRight', 0, 0, 0.1)).toEqual({ x: 0.1, y: 0 });
    expect(nudge('ArrowUp', 0, 0.95, 0.1)).toEqual({ x: 0, y: 1 });
    expect(nudge('ArrowDown', 0, -0.95, 0.1)).toEqual({ x: 0, y: -1 });
    expect(nudge('ArrowLeft', -1, 0, 0.1)).toEqual({ x: -1, y: 0 });
    expect(nudge('Home', 0.4, -0.3, 0.1)).toEqual({ x: 0, y: 0 });
    expect(nudge('a', 0, 0, 0.1)).toBeNull();
  });
});
