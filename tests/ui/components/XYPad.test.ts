import { fireEvent, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import XYPad from '../../../src/renderer/src/components/XYPad.svelte';

type OnMove = (x: number, y: number) => void;

afterEach(() => {
  vi.useRealTimers();
});

const pad = () => screen.getByTestId('xy-pad');
const at = () => [Number(pad().dataset.x), Number(pad().dataset.y)];

/** The pad laid out as a 228 px square at (10, 20): the dot travels 200 px inside a 14 px border. */
function layOut(el: HTMLElement): void {
  vi.spyOn(el, 'getBoundingClientRect').mockReturnValue(new DOMRect(10, 20, 228, 228));
}
/** Client coordinates of axis values on that layout. */
const point = (x: number, y: number) => ({ clientX: 10 + 14 + ((x + 1) / 2) * 200, clientY: 20 + 14 + ((1 - y) / 2) * 200 });

describe('XYPad', () => {
  it('shows the live joystick position it is given', () => {
    render(XYPad, { x: 0.5, y: -0.25, onmove: () => undefined });
    expect(pad().getAttribute('aria-valuetext')).toBe('X 0.50, Y -0.25');
    expect(screen.getByText('X +0.50')).toBeTruthy();
    expect(screen.getByText('Y \u22120.25')).toBeTruthy();
    const dot = pad().querySelector<HTMLElement>('.dot');
    expect([dot?.style.left, dot?.style.top]).toEqual(['75%', '62.5%']);
  });

  it('nudges with the arrow keys, further with Shift, and centres with Home', async () => {
    const onmove = vi.fn<OnMove>();
    render(XYPad, { x: 0, y: 0, onmove });
    pad().focus();
    await userEvent.keyboard('{ArrowRight}');
    await userEvent.keyboard('{Shift>}{ArrowUp}{/Shift}');
    await userEvent.keyboard('{ArrowDown}');
    expect(onmove.mock.calls.map(([x, y]) => [x, Number(y.toFixed(6))])).toEqual([
      [0.05, 0],
      [0.05, 0.25],
      [0.05, 0.2],
    ]);
    expect(pad().getAttribute('aria-valuetext')).toBe('X 0.05, Y 0.20');
    await userEvent.keyboard('{Home}');
    expect(onmove).toHaveBeenLastCalledWith(0, 0);
  });

  it('ignores other keys and stops at the edge', async () => {
    const onmove = vi.fn<OnMove>();
    render(XYPad, { x: 1, y: -1, onmove });
    pad().focus();
    await userEvent.keyboard('a');
    expect(onmove).not.toHaveBeenCalled();
    await userEvent.keyboard('{ArrowRight}{ArrowDown}');
    expect(onmove.mock.calls).toEqual([
      [1, -1],
      [1, -1],
    ]);
  });

  it('holds a nudged position until telemetry catches up with it', async () => {
    const view = render(XYPad, { x: 0, y: 0, onmove: () => undefined });
    pad().focus();
    await userEvent.keyboard('{ArrowLeft}');
    expect(at()).toEqual([-0.05, 0]);
    // Telemetry arrives with the new value, then the joystick moves on: the pad follows it again.
    await view.rerender({ x: -0.05, y: 0 });
    await view.rerender({ x: 0.3, y: 0.1 });
    expect(at()).toEqual([0.3, 0.1]);
  });

  it('gives up holding after a moment when the engine keeps the old value', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    render(XYPad, { x: 0.2, y: 0.2, onmove: () => undefined });
    await fireEvent.keyDown(pad(), { key: 'ArrowUp' });
    expect(at()).toEqual([0.2, 0.25]);
    await vi.advanceTimersByTimeAsync(400);
    expect(at()).toEqual([0.2, 0.25]);
    await vi.advanceTimersByTimeAsync(200);
    expect(at()).toEqual([0.2, 0.2]);
  });

  it('follows a drag from the press to the release, clamping outside the pad', async () => {
    const onmove = vi.fn<OnMove>();
    render(XYPad, { x: 0, y: 0, onmove });
    layOut(pad());
    await fireEvent.pointerDown(pad(), { pointerId: 1, button: 0, ...point(0.5, -0.5) });
    expect(pad().classList.contains('dragging')).toBe(true);
    expect(document.activeElement).toBe(pad());
    await fireEvent.pointerMove(pad(), { pointerId: 1, ...point(-0.25, 1) });
    await fireEvent.pointerMove(pad(), { pointerId: 1, clientX: 500, clientY: -100 });
    await fireEvent.pointerUp(pad(), { pointerId: 1 });
    expect(pad().classList.contains('dragging')).toBe(false);
    expect(pad().hasPointerCapture(1)).toBe(false);
    // After the release, moving the pointer over the pad drives nothing.
    await fireEvent.pointerMove(pad(), { pointerId: 1, ...point(0, 0) });
    expect(onmove.mock.calls).toEqual([
      [0.5, -0.5],
      [-0.25, 1],
      [1, 1],
    ]);
    // The dropped position shows until telemetry reports it.
    expect(at()).toEqual([1, 1]);
  });

  it('captures the pointer while dragging, so a drag can leave the pad', async () => {
    render(XYPad, { x: 0, y: 0, onmove: () => undefined });
    layOut(pad());
    await fireEvent.pointerDown(pad(), { pointerId: 7, button: 0, ...point(0, 0) });
    expect(pad().hasPointerCapture(7)).toBe(true);
    await fireEvent.pointerCancel(pad(), { pointerId: 7 });
    expect(pad().hasPointerCapture(7)).toBe(false);
  });

  it('ignores a right-button press', async () => {
    const onmove = vi.fn<OnMove>();
    render(XYPad, { x: 0, y: 0, onmove });
    layOut(pad());
    await fireEvent.pointerDown(pad(), { pointerId: 1, button: 2, ...point(0.5, 0.5) });
    await fireEvent.pointerMove(pad(), { pointerId: 1, ...point(0.6, 0.6) });
    expect(onmove).not.toHaveBeenCalled();
    expect(pad().classList.contains('dragging')).toBe(false);
  });
});
