// A game controller through the browser's Gamepad API, as a joystick source: the left stick is
// joystick X/Y, the right stick's X is the twist (Z), the first eight buttons are buttons 1-8.
// Values go out only when they change by more than the noise of a resting stick.

/** What this reads of a Gamepad (the DOM type has more; tests pass plain objects). */
export interface PadSnapshot {
  readonly id: string;
  readonly connected: boolean;
  readonly axes: readonly number[];
  readonly buttons: readonly { readonly pressed: boolean }[];
}

/** Axis changes smaller than this are a resting stick's jitter. */
const AXIS_EPSILON = 0.004;
/** Within this of centre a stick reads as centred (worn sticks rarely rest at exactly 0). */
export const DEAD_ZONE = 0.06;

const AXES: readonly (readonly [input: string, axis: number])[] = [
  ['joystick.x', 0],
  ['joystick.y', 1],
  ['joystick.z', 2],
];
const BUTTONS = 8;

function deadZone(v: number): number {
  const a = Math.abs(v);
  if (!(a > DEAD_ZONE)) return 0;
  return (Math.sign(v) * (Math.min(1, a) - DEAD_ZONE)) / (1 - DEAD_ZONE);
}

/** The first connected pad of a getGamepads() list. */
export function firstPad(pads: readonly (PadSnapshot | null)[]): PadSnapshot | null {
  return pads.find((p): p is PadSnapshot => p !== null && p.connected) ?? null;
}

/**
 * The control-input changes since `last` (which it updates): [input id, value] pairs. A pad
 * without a right stick leaves the twist alone.
 */
export function padChanges(pad: PadSnapshot, last: Map<string, number>): [string, number][] {
  const out: [string, number][] = [];
  const put = (input: string, value: number, epsilon: number) => {
    const prev = last.get(input);
    if (prev !== undefined && Math.abs(prev - value) <= epsilon) return;
    last.set(input, value);
    out.push([input, value]);
  };
  for (const [input, axis] of AXES) {
    const raw = pad.axes[axis];
    if (raw === undefined || !Number.isFinite(raw)) continue;
    put(input, deadZone(raw), AXIS_EPSILON);
  }
  for (let b = 0; b < Math.min(BUTTONS, pad.buttons.length); b++) put(`joystick.button${b + 1}`, pad.buttons[b].pressed ? 1 : 0, 0);
  return out;
}
