import { describe, expect, it } from 'vitest';
import { FrameThrottle } from '../../src/renderer/src/lib/frame-throttle';

function harness() {
  const frames: (() => void)[] = [];
  const sent: [string, number][] = [];
  const t = new FrameThrottle<string, number>((k, v) => sent.push([k, v]), (cb) => frames.push(cb));
  const frame = () => frames.splice(0).forEach((cb) => cb());
  return { t, sent, frames, frame };
}

describe('FrameThrottle', () => {
  it('sends the latest value per key once per frame', () => {
    const { t, sent, frames, frame } = harness();
    for (let i = 1; i <= 10; i++) t.push('w.ab', i / 10);
    t.push('w.ba', -1);
    t.push('w.ba', -2);
    expect(sent).toEqual([]);
    expect(frames).toHaveLength(1);
    frame();
    expect(sent).toEqual([
      ['w.ab', 1],
      ['w.ba', -2],
    ]);
  });

  it('schedules again only when something new arrives', () => {
    const { t, sent, frames, frame } = harness();
    t.push('x', 1);
    frame();
    frame();
    expect(frames).toHaveLength(0);
    t.push('x', 2);
    expect(frames).toHaveLength(1);
    frame();
    expect(sent).toEqual([
      ['x', 1],
      ['x', 2],
    ]);
  });

  it('a value pushed while sending goes out on the next frame', () => {
    const frames: (() => void)[] = [];
    const sent: number[] = [];
    const t: FrameThrottle<string, number> = new FrameThrottle<string, number>(
      (_k, v) => {
        sent.push(v);
        if (v === 1) t.push('x', 2);
      },
      (cb) => frames.push(cb),
    );
    t.push('x', 1);
    frames.shift()?.();
    expect(sent).toEqual([1]);
    expect(frames).toHaveLength(1);
    frames.shift()?.();
    expect(sent).toEqual([1, 2]);
  });

  it('drops everything after cancel', () => {
    const { t, sent, frame } = harness();
    t.push('x', 1);
    t.cancel();
    frame();
    t.push('x', 2);
    frame();
    expect(sent).toEqual([]);
    expect(t.size).toBe(0);
  });
});
