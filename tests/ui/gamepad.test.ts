import { describe, expect, it } from 'vitest';
import { DEAD_ZONE, firstPad, padChanges, type PadSnapshot } from '../../src/renderer/src/lib/gamepad';

const pad = (axes: number[], pressed: number[] = [], connected = true): PadSnapshot => ({
  id: 'Test pad (STANDARD GAMEPAD)',
  connected,
  axes,
  buttons: Array.from({ length: 12 }, (_, i) => ({ pressed: pressed.includes(i) })),
});

describe('a game controller as the joystick', () => {
  it('takes the first connected pad', () => {
    const a = pad([0, 0], [], false);
    const b = pad([0, 0]);
    expect(firstPad([null, a, b])).toBe(b);
    expect(firstPad([null, a])).toBeNull();
  });

  it('left stick is X/Y, right stick X the twist, buttons 1-8; a resting stick reads centred', () => {
    const last = new Map<string, number>();
    const first = padChanges(pad([DEAD_ZONE / 2, -1, 0.5, 0.9], [0, 7, 9]), last);
    expect(Object.fromEntries(first)).toEqual({
      'joystick.x': 0,
      'joystick.y': -1,
      'joystick.z': (0.5 - DEAD_ZONE) / (1 - DEAD_ZONE),
      'joystick.button1': 1,
      'joystick.button2': 0,
      'joystick.button3': 0,
      'joystick.button4': 0,
      'joystick.button5': 0,
      'joystick.button6': 0,
      'joystick.button7': 0,
      'joystick.button8': 1,
    });
  });

  it('sends only what changed, ignoring a resting stick’s jitter and non-finite axes', () => {
    const last = new Map<string, number>();
    padChanges(pad([0.5, 0.5, 0], [1]), last);
    expect(padChanges(pad([0.501, 0.5, 0], [1]), last)).toEqual([]);
    expect(padChanges(pad([0.6, Number.NaN, 0], []), last)).toEqual([
      ['joystick.x', (0.6 - DEAD_ZONE) / (1 - DEAD_ZONE)],
      ['joystick.button2', 0],
    ]);
  });

  it('a pad with one stick leaves the twist alone', () => {
    const last = new Map<string, number>();
    expect(padChanges(pad([0, 0]), last).map(([input]) => input)).not.toContain('joystick.z');
  });
});
