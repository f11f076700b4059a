// Mapping between the XY pad's pixels and joystick axes: x left -1 .. right +1, y bottom -1 .. top +1.

const clampAxis = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(-1, v)) : 0);

/** Axis values for a point inside a `width` x `height` box (points outside clamp to the edge). */
export function pointToAxes(px: number, py: number, width: number, height: number): { x: number; y: number } {
  return {
    x: clampAxis((2 * px) / Math.max(1, width) - 1),
    y: clampAxis(1 - (2 * py) / Math.max(1, height)),
  };
}

/** Position of axis values as fractions of the box (0..1 from the left and from the top). */
export function axesToFraction(x: number, y: number): { left: number; top: number } {
  return { left: (clampAxis(x) + 1) / 2, top: (1 - clampAxis(y)) / 2 };
}

/** Keyboard nudge: arrow keys move by `step`, returns null for keys the pad ignores. */
export function nudge(key: string, x: number, y: number, step: number): { x: number; y: number } | null {
  switch (key) {
    case 'ArrowLeft':
      return { x: clampAxis(x - step), y };
    case 'ArrowRight':
      return { x: clampAxis(x + step), y };
    case 'ArrowUp':
      return { x, y: clampAxis(y + step) };
    case 'ArrowDown':
      return { x, y: clampAxis(y - step) };
    case 'Home':
    case '0':
      return { x: 0, y: 0 };
    default:
      return null;
  }
}
