import { render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import NetworkGraph from '../../../src/renderer/src/components/NetworkGraph.svelte';
import { stubCanvas, type CanvasStub } from './canvas-stub';
import { engineState, telemetry } from './fixtures';

// The graph is all drawing; without a real canvas what can be checked is what it is asked to
// draw: a label per signal column, and a connection per live weight that is not (near) zero.
let canvas: CanvasStub;
beforeEach(() => {
  canvas = stubCanvas(640, 360);
});
afterEach(() => {
  canvas.restore();
});

const engine = engineState('dual-neuron');
const labels = () => canvas.calls.filter((c) => c.name === 'fillText').map((c) => c.args[0]);
/** Connections between two different nodes start with moveTo; a neuron's link to itself is a loop. */
const links = () => canvas.calls.filter((c) => c.name === 'moveTo').length;

describe('NetworkGraph', () => {
  it('labels every source and neuron', () => {
    render(NetworkGraph, { engine, telemetry: null });
    expect(screen.getByTestId('network-graph').getAttribute('aria-label')).toMatch(/^Network/);
    expect(labels()).toEqual(engine.columns);
  });

  it('draws a connection for each live weight and none before telemetry', async () => {
    const view = render(NetworkGraph, { engine, telemetry: null });
    expect(links()).toBe(0);
    const cols = engine.columns.length;
    const weights = Array.from({ length: engine.neurons.length * cols }, () => 0);
    // x -> a, b -> a (another neuron), a -> a (itself: a loop, not a line), and a weight too small to show.
    weights[0 * cols + engine.columns.indexOf('x')] = 0.7;
    weights[0 * cols + engine.columns.indexOf('b')] = -2;
    weights[0 * cols + engine.columns.indexOf('a')] = 0.5;
    weights[1 * cols + engine.columns.indexOf('y')] = 0.001;
    canvas.calls.length = 0;
    await view.rerender({ telemetry: telemetry({ neurons: engine.neurons.length, columns: cols, weights }) });
    expect(links()).toBe(2);
    expect(labels()).toEqual(engine.columns);
  });

  it('redraws the connections and labels only when a weight moves by a visible step; the nodes every frame', async () => {
    const cols = engine.columns.length;
    const weights = Array.from({ length: engine.neurons.length * cols }, () => 0);
    weights[0 * cols + engine.columns.indexOf('x')] = 0.7;
    const frame = (w: number[], activity: number) =>
      telemetry({ neurons: engine.neurons.length, columns: cols, weights: w, activity: engine.neurons.map(() => activity) });
    const view = render(NetworkGraph, { engine, telemetry: frame(weights, 0.5) });
    // The first frame is drawn once the component knows where it draws (here: in the page).
    await tick();
    expect(screen.getByTestId('network-graph').dataset.drawnIn).toBe('page');
    const arcs = () => canvas.calls.filter((c) => c.name === 'arc').length;
    canvas.calls.length = 0;
    await view.rerender({ telemetry: frame([...weights], 0.6) });
    expect(links()).toBe(0);
    expect(labels()).toEqual([]);
    // Every node, and a glow around each active neuron.
    expect(arcs()).toBe(engine.columns.length + engine.neurons.length);
    canvas.calls.length = 0;
    const moved = [...weights];
    moved[0 * cols + engine.columns.indexOf('x')] = 0.8;
    await view.rerender({ telemetry: frame(moved, 0.6) });
    expect(links()).toBe(1);
    expect(labels()).toEqual(engine.columns);
  });
});
