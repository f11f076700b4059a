import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WeightHeatmap from '../../../src/renderer/src/components/WeightHeatmap.svelte';
import { cellAt, type HeatmapGrid, WEIGHT_PER_PIXEL } from '../../../src/renderer/src/lib/heatmap-geometry';
import type { EngineState } from '../../../src/shared/api';
import { WEIGHT_PARAMS } from '../../../src/shared/params/registry';
import { weightParamId } from '../../../src/shared/patch/layout';
import { stubCanvas, type CanvasStub } from './canvas-stub';
import { engineState, telemetry } from './fixtures';

type OnWeight = (id: string, value: number) => void;

// The drawing itself needs a real canvas (the e2e tests look at it); here the context only accepts
// calls, which is enough for the heatmap to lay out its grid and take pointer input.
let canvas: CanvasStub;
beforeEach(() => {
  canvas = stubCanvas(480, 320);
});
afterEach(() => {
  canvas.restore();
});

const engine = engineState('dual-neuron');
const heatmap = () => screen.getByTestId('weight-heatmap');

function grid(): HeatmapGrid {
  const text = heatmap().dataset.grid;
  if (!text) throw new Error('the heatmap laid out no grid');
  return JSON.parse(text) as HeatmapGrid;
}

/** Client coordinates of a cell's centre (the canvas sits at 0,0: jsdom has no layout). */
function centre(to: string, from: string): { clientX: number; clientY: number } {
  const g = grid();
  const row = engine.neurons.findIndex((n) => n.id === to);
  const col = engine.columns.indexOf(from);
  return { clientX: g.x0 + (col + 0.5) * g.cell, clientY: g.y0 + (row + 0.5) * g.cell };
}

const paramValue = (e: EngineState, id: string) => {
  const p = e.params.find((q) => q.id === id);
  if (!p) throw new Error(`no parameter ${id}`);
  return p.value;
};

describe('WeightHeatmap', () => {
  it('lays out one cell per neuron and signal column', () => {
    render(WeightHeatmap, { engine, telemetry: null, onweight: () => undefined });
    const g = grid();
    expect([g.rows, g.cols]).toEqual([engine.neurons.length, engine.columns.length]);
    // Every cell of the matrix is inside the canvas.
    expect(g.x0 + g.cols * g.cell).toBeLessThanOrEqual(480);
    expect(g.y0 + g.rows * g.cell).toBeLessThanOrEqual(320);
    expect(cellAt(g, centre('b', 'z').clientX, centre('b', 'z').clientY)).toEqual({ row: 1, col: engine.columns.indexOf('z') });
  });

  it('raises a weight as a cell is dragged up and lowers it dragged down', async () => {
    const onweight = vi.fn<OnWeight>();
    render(WeightHeatmap, { engine, telemetry: null, onweight });
    const id = weightParamId('a', 'x');
    const start = paramValue(engine, id);
    const from = centre('a', 'x');
    await fireEvent.pointerDown(heatmap(), { pointerId: 1, button: 0, ...from });
    await fireEvent.pointerMove(heatmap(), { pointerId: 1, clientX: from.clientX, clientY: from.clientY - 10 });
    await fireEvent.pointerMove(heatmap(), { pointerId: 1, clientX: from.clientX + 30, clientY: from.clientY + 5 });
    await fireEvent.pointerUp(heatmap(), { pointerId: 1 });
    expect(onweight.mock.calls.map(([i]) => i)).toEqual([id, id]);
    expect(onweight.mock.calls[0][1]).toBeCloseTo(start + 10 * WEIGHT_PER_PIXEL, 9);
    // Sideways movement does not matter; the weight follows the vertical distance from the press.
    expect(onweight.mock.calls[1][1]).toBeCloseTo(start - 5 * WEIGHT_PER_PIXEL, 9);
  });

  it('stops a drag at the weight range', async () => {
    const onweight = vi.fn<OnWeight>();
    render(WeightHeatmap, { engine, telemetry: null, onweight });
    const from = centre('b', 'a');
    await fireEvent.pointerDown(heatmap(), { pointerId: 1, button: 0, ...from });
    await fireEvent.pointerMove(heatmap(), { pointerId: 1, clientX: from.clientX, clientY: from.clientY + 2000 });
    await fireEvent.pointerMove(heatmap(), { pointerId: 1, clientX: from.clientX, clientY: from.clientY + 2100 });
    await fireEvent.pointerUp(heatmap(), { pointerId: 1 });
    // Past the bottom of the range nothing changes any more, so only one call.
    expect(onweight.mock.calls).toEqual([[weightParamId('b', 'a'), WEIGHT_PARAMS.value.min]]);
  });

  it('starts a drag from the live weight when telemetry has one', async () => {
    const onweight = vi.fn<OnWeight>();
    const cols = engine.columns.length;
    const weights = Array.from({ length: engine.neurons.length * cols }, () => 0);
    const col = engine.columns.indexOf('y');
    weights[1 * cols + col] = 1.25;
    render(WeightHeatmap, { engine, telemetry: telemetry({ neurons: engine.neurons.length, columns: cols, weights }), onweight });
    const from = centre('b', 'y');
    await fireEvent.pointerDown(heatmap(), { pointerId: 1, button: 0, ...from });
    await fireEvent.pointerMove(heatmap(), { pointerId: 1, clientX: from.clientX, clientY: from.clientY - 20 });
    expect(onweight).toHaveBeenCalledTimes(1);
    expect(onweight.mock.calls[0][0]).toBe(weightParamId('b', 'y'));
    expect(onweight.mock.calls[0][1]).toBeCloseTo(1.25 + 20 * WEIGHT_PER_PIXEL, 9);
  });

  it('ignores presses outside the matrix and hovering without a press', async () => {
    const onweight = vi.fn<OnWeight>();
    render(WeightHeatmap, { engine, telemetry: null, onweight });
    const g = grid();
    await fireEvent.pointerMove(heatmap(), { pointerId: 1, ...centre('a', 'b') });
    await fireEvent.pointerDown(heatmap(), { pointerId: 1, button: 0, clientX: g.x0 - 5, clientY: g.y0 + 5 });
    await fireEvent.pointerMove(heatmap(), { pointerId: 1, clientX: g.x0 - 5, clientY: g.y0 - 50 });
    expect(onweight).not.toHaveBeenCalled();
  });

  it('puts a weight back where the patch has it on right-click (the default where it has none)', async () => {
    const onweight = vi.fn<OnWeight>();
    render(WeightHeatmap, { engine, telemetry: null, onweight });
    await fireEvent.contextMenu(heatmap(), centre('a', 'b'));
    await fireEvent.contextMenu(heatmap(), centre('a', 'y'));
    const inputs = engine.patch.neurons[0].inputs ?? {};
    expect(inputs.b).toBeTypeOf('number');
    expect(inputs.y).toBeUndefined();
    expect(onweight.mock.calls).toEqual([
      [weightParamId('a', 'b'), inputs.b],
      [weightParamId('a', 'y'), WEIGHT_PARAMS.value.default],
    ]);
  });

  it('draws nothing and takes no input where the canvas has no 2D context', async () => {
    canvas.restore();
    const onweight = vi.fn<OnWeight>();
    render(WeightHeatmap, { engine, telemetry: null, onweight });
    expect(heatmap().dataset.grid).toBeUndefined();
    await fireEvent.pointerDown(heatmap(), { pointerId: 1, button: 0, clientX: 100, clientY: 60 });
    await fireEvent.pointerMove(heatmap(), { pointerId: 1, clientX: 100, clientY: 20 });
    await fireEvent.contextMenu(heatmap(), { clientX: 100, clientY: 60 });
    expect(onweight).not.toHaveBeenCalled();
  });
});
