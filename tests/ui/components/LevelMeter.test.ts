import { render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import LevelMeter from '../../../src/renderer/src/components/LevelMeter.svelte';
import { BALLISTICS, gainToDbfs } from '../../../src/renderer/src/lib/meter';
import type { Telemetry } from '../../../src/shared/telemetry';

// The meter animates on requestAnimationFrame against performance.now(); fake both (and the
// timers) so a test can play whole seconds of frames at once.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['requestAnimationFrame', 'cancelAnimationFrame', 'performance', 'setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

type Levels = Telemetry['levels'];
const levels = (over: Partial<Levels>): Levels => ({ peakL: 0, peakR: 0, rmsL: 0, rmsR: 0, gainReductionDb: 0, ...over });

const meter = () => screen.getByTestId('level-meter');
/** The three readouts: L hold, R hold, gain reduction. */
const values = () => [...meter().querySelectorAll<HTMLElement>('.value')];
const text = (el: HTMLElement) => el.textContent?.trim();
const frames = (ms: number) => vi.advanceTimersByTimeAsync(ms);

describe('LevelMeter', () => {
  it('reads -inf and no gain reduction in silence', async () => {
    render(LevelMeter, { levels: null });
    await frames(100);
    expect(values().map(text)).toEqual(['-inf', '-inf', '0.0']);
    expect(meter().getAttribute('data-peak-db')).toBe('-60.0');
    expect(meter().querySelector('.hold')).toBeNull();
    expect(meter().querySelector('.over')).toBeNull();
  });

  it('holds each channel\'s peak in dBFS', async () => {
    render(LevelMeter, { levels: levels({ peakL: 0.5, rmsL: 0.25, peakR: 0.1, rmsR: 0.05 }) });
    await frames(100);
    const [l, r] = values();
    expect(text(l)).toBe(gainToDbfs(0.5).toFixed(1));
    expect(text(r)).toBe(gainToDbfs(0.1).toFixed(1));
    expect(meter().getAttribute('data-peak-db')).toBe(gainToDbfs(0.5).toFixed(1));
    expect(meter().querySelectorAll('.hold')).toHaveLength(2);
    // Below -0.5 dBFS nothing reads as clipping.
    expect(meter().querySelector('.over')).toBeNull();
  });

  it('shows a full-scale peak as clipping on that channel only', async () => {
    render(LevelMeter, { levels: levels({ peakL: 1, rmsL: 0.7, peakR: 0.5, rmsR: 0.3 }) });
    await frames(100);
    const [l, r] = values();
    expect(text(l)).toBe('0.0');
    expect(l.classList.contains('over')).toBe(true);
    expect(r.classList.contains('over')).toBe(false);
    const holds = meter().querySelectorAll('.hold');
    expect([...holds].map((h) => h.classList.contains('over'))).toEqual([true, false]);
  });

  it('counts a peak within half a dB of full scale as clipping', async () => {
    const gain = (db: number) => 10 ** (db / 20);
    render(LevelMeter, { levels: levels({ peakL: gain(-0.3), peakR: gain(-1) }) });
    await frames(100);
    const [l, r] = values();
    expect([text(l), text(r)]).toEqual(['-0.3', '-1.0']);
    expect([l.classList.contains('over'), r.classList.contains('over')]).toEqual([true, false]);
  });

  it('keeps the clip showing through the hold time after the signal drops, then lets it fall', async () => {
    const view = render(LevelMeter, { levels: levels({ peakL: 1, peakR: 1 }) });
    await frames(50);
    await view.rerender({ levels: levels({ peakL: 0.01, peakR: 0.01 }) });
    await frames(BALLISTICS.holdS * 1000 - 300);
    expect(values()[0].classList.contains('over')).toBe(true);
    await frames(1000);
    expect(values()[0].classList.contains('over')).toBe(false);
    expect(Number(meter().getAttribute('data-peak-db'))).toBeLessThan(-0.5);
  });

  it('drops to silence when telemetry stops arriving', async () => {
    render(LevelMeter, { levels: levels({ peakL: 0.5, peakR: 0.5, rmsL: 0.3, rmsR: 0.3 }) });
    await frames(100);
    expect(text(values()[0])).not.toBe('-inf');
    // The same reading never refreshed counts as silence after a moment: hold, then fall to the floor.
    await frames(4500);
    expect(values().map(text).slice(0, 2)).toEqual(['-inf', '-inf']);
    expect(meter().querySelector('.hold')).toBeNull();
  });

  it('shows limiter gain reduction at once and marks it active', async () => {
    render(LevelMeter, { levels: levels({ peakL: 0.9, peakR: 0.9, gainReductionDb: 4.5 }) });
    await frames(50);
    const gr = values()[2];
    expect(text(gr)).toBe('4.5');
    expect(gr.classList.contains('active')).toBe(true);
    expect(meter().getAttribute('data-gr-db')).toBe('4.5');
  });

  it('lets gain reduction fall back when the limiter lets go', async () => {
    const view = render(LevelMeter, { levels: levels({ gainReductionDb: 6 }) });
    await frames(50);
    await view.rerender({ levels: levels({ gainReductionDb: 0 }) });
    await frames(1000);
    expect(text(values()[2])).toBe('0.0');
    expect(values()[2].classList.contains('active')).toBe(false);
  });
});
