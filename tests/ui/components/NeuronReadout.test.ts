import { fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import NeuronReadout from '../../../src/renderer/src/components/NeuronReadout.svelte';
import type { LearnCommand } from '../../../src/shared/api';
import { engineState, telemetry } from './fixtures';

// Two NLC neurons (dual-neuron) and one learning tanh neuron (learning-neuron) in one readout.
const neurons = [...engineState('dual-neuron').neurons, ...engineState('learning-neuron').neurons];
const ids = neurons.map((n) => n.id);

const row = (id: string) => {
  const el = screen.getByTestId('neuron-readout').querySelector<HTMLElement>(`[data-neuron="${id}"]`);
  if (!el) throw new Error(`no row for neuron ${id}`);
  return el;
};
const cells = (id: string) => within(row(id)).getAllByRole('cell').map((c) => c.textContent?.trim());
const learnRow = (id: string) => screen.getByTestId('neuron-readout').querySelector<HTMLElement>(`[data-learn="${id}"]`);

describe('NeuronReadout', () => {
  it('lists every neuron with its activation, and dashes before any telemetry', () => {
    render(NeuronReadout, { neurons, telemetry: null });
    expect(ids).toEqual(['a', 'b', 'learner']);
    expect(cells('a')).toEqual(['a', 'nlc', '\u2014', '', '\u2014']);
    expect(cells('learner')).toEqual(['learner', 'tanh', '\u2014', '', '\u2014']);
  });

  it('shows live outputs, learning error and open gates from telemetry', () => {
    const t = telemetry({ neurons: 3, columns: 9, outputs: [0.5, -0.25, 0.0001], activity: [0.2, 0.9, 0.4], learnError: [NaN, NaN, -0.0421], gates: [0, 1, 0] });
    render(NeuronReadout, { neurons, telemetry: t });
    expect(within(row('a')).getByTestId('neuron-output').textContent).toBe('+0.500');
    expect(within(row('b')).getByTestId('neuron-output').textContent).toBe('\u22120.250');
    // A value that rounds to zero shows no sign, so the digits do not flicker.
    expect(within(row('learner')).getByTestId('neuron-output').textContent).toBe(' 0.000');
    expect(cells('learner')[4]).toBe('\u22120.042');
    expect(cells('a')[4]).toBe('\u2014');
    expect(within(row('b')).getByText('b').getAttribute('title')).toBe('gate open');
    expect(within(row('a')).getByText('a').getAttribute('title')).toBeNull();
    expect(row('b').querySelector('.bar')?.getAttribute('title')).toBe('RMS 0.900');
  });

  it('has the activity tooltip read the live value when the pointer comes over a bar', async () => {
    const at = (a: number) => telemetry({ neurons: 3, columns: 9, activity: [a, 0, 0] });
    const view = render(NeuronReadout, { neurons, telemetry: at(0.2) });
    const bar = row('a').querySelector<HTMLElement>('.bar');
    expect(bar?.title).toBe('RMS 0.200');
    await view.rerender({ telemetry: at(0.65) });
    if (bar) await fireEvent.pointerEnter(bar);
    expect(bar?.title).toBe('RMS 0.650');
  });

  it('leaves rows scrolled out of view as they were until they come near it again', async () => {
    // The browser tells which rows are in view; here the test does.
    let report: IntersectionObserverCallback = () => undefined;
    const observed: Element[] = [];
    class Observer implements IntersectionObserver {
      readonly root = null;
      readonly rootMargin = '';
      readonly scrollMargin = '';
      readonly thresholds = [];
      constructor(cb: IntersectionObserverCallback) {
        report = cb;
      }
      observe(el: Element): void {
        observed.push(el);
      }
      unobserve(): void {}
      disconnect(): void {}
      takeRecords(): IntersectionObserverEntry[] {
        return [];
      }
    }
    vi.stubGlobal('IntersectionObserver', Observer);
    try {
      const outputs = (o: number[]) => telemetry({ neurons: 3, columns: 9, outputs: o });
      const view = render(NeuronReadout, { neurons, telemetry: outputs([0.1, 0.2, 0.3]) });
      expect(observed).toHaveLength(3);
      const seen = (id: string, isIntersecting: boolean): IntersectionObserverEntry => {
        const rect = new DOMRect();
        return { target: row(id), isIntersecting, intersectionRatio: isIntersecting ? 1 : 0, boundingClientRect: rect, intersectionRect: rect, rootBounds: null, time: 0 };
      };
      report([seen('a', true), seen('b', false), seen('learner', true)], new Observer(report));
      await view.rerender({ telemetry: outputs([0.4, 0.5, 0.6]) });
      expect(screen.getAllByTestId('neuron-output').map((c) => c.textContent)).toEqual(['+0.400', '+0.200', '+0.600']);
      report([seen('b', true)], new Observer(report));
      await tick();
      expect(within(row('b')).getByTestId('neuron-output').textContent).toBe('+0.500');
      // While the readout scrolls, a row reported out of view may be coming into it: all update.
      report([seen('b', false)], new Observer(report));
      await fireEvent.scroll(screen.getByTestId('neuron-readout'));
      await view.rerender({ telemetry: outputs([0.7, 0.8, 0.9]) });
      expect(within(row('b')).getByTestId('neuron-output').textContent).toBe('+0.800');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('ignores telemetry from a patch with another neuron count (a reload in flight)', () => {
    const stale = telemetry({ neurons: 2, columns: 5, outputs: [0.7, 0.8] });
    render(NeuronReadout, { neurons, telemetry: stale });
    expect(screen.getAllByTestId('neuron-output').map((c) => c.textContent)).toEqual(['\u2014', '\u2014', '\u2014']);
  });

  it('offers Freeze and Reset only for neurons that learn, and only with a handler', () => {
    const view = render(NeuronReadout, { neurons, telemetry: null, onlearn: () => undefined });
    expect(learnRow('a')).toBeNull();
    expect(learnRow('b')).toBeNull();
    expect(learnRow('learner')).not.toBeNull();
    view.unmount();
    render(NeuronReadout, { neurons, telemetry: null });
    expect(screen.queryByTestId('learn-freeze')).toBeNull();
  });

  it('freezes and thaws the learning neuron, the button saying what a click will do', async () => {
    const calls: [string, LearnCommand][] = [];
    render(NeuronReadout, { neurons, telemetry: null, onlearn: (id: string, cmd: LearnCommand) => calls.push([id, cmd]) });
    const freeze = screen.getByTestId('learn-freeze');
    expect(freeze.textContent?.trim()).toBe('Freeze');
    expect(freeze.getAttribute('aria-pressed')).toBe('false');
    await userEvent.click(freeze);
    expect(freeze.textContent?.trim()).toBe('Thaw');
    expect(freeze.getAttribute('aria-pressed')).toBe('true');
    await userEvent.click(freeze);
    expect(freeze.textContent?.trim()).toBe('Freeze');
    expect(calls).toEqual([
      ['learner', 'freeze'],
      ['learner', 'thaw'],
    ]);
  });

  it('starts as the patch froze it: the first click thaws', async () => {
    const onlearn = vi.fn<(id: string, cmd: LearnCommand) => void>();
    render(NeuronReadout, { neurons, telemetry: null, frozenAtLoad: { learner: true }, onlearn });
    const freeze = screen.getByTestId('learn-freeze');
    expect(freeze.textContent?.trim()).toBe('Thaw');
    await userEvent.click(freeze);
    expect(onlearn).toHaveBeenCalledWith('learner', 'thaw');
  });

  it('resets the learning neuron without touching its frozen state', async () => {
    const onlearn = vi.fn<(id: string, cmd: LearnCommand) => void>();
    render(NeuronReadout, { neurons, telemetry: null, onlearn });
    await userEvent.click(screen.getByTestId('learn-reset'));
    expect(onlearn.mock.calls).toEqual([['learner', 'reset']]);
    expect(screen.getByTestId('learn-freeze').textContent?.trim()).toBe('Freeze');
  });
});
