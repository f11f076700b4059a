import { afterEach, describe, expect, it, vi } from 'vitest';
import { DrawHost } from '../../../src/renderer/src/draw/draw-host';
import type { FromDrawWorker, ToDrawWorker } from '../../../src/renderer/src/draw/draw-messages';
import { DrawRouter } from '../../../src/renderer/src/draw/draw-router';
import type { GraphFrame, GraphTopology } from '../../../src/renderer/src/draw/network-draw';

// The drawing worker: the page hands the graph's and the scopes' canvases to it once it is ready,
// and draws them itself where it is not (no worker, one that fails to load or never answers).

/** A Worker as DrawHost uses it: what the page posts, and a way to answer. */
class FakeWorker {
  posted: { m: ToDrawWorker; transfer: unknown[] }[] = [];
  onmessage: ((e: { data: FromDrawWorker }) => void) | null = null;
  onerror: ((e: { message: string }) => void) | null = null;
  postMessage(m: ToDrawWorker, transfer: unknown[] = []): void {
    this.posted.push({ m, transfer });
  }
  say(data: FromDrawWorker): void {
    this.onmessage?.({ data });
  }
}

/** A canvas element that can be handed over once, as in Chromium. */
function pageCanvas() {
  const offscreen = { handedOver: true };
  let handed = 0;
  const canvas = {
    transferControlToOffscreen: () => {
      if (handed++ > 0) throw new Error('InvalidStateError: already transferred');
      return offscreen;
    },
  };
  return { canvas: canvas as unknown as HTMLCanvasElement, offscreen, handed: () => handed };
}

function start(timeoutMs = 1000) {
  const worker = new FakeWorker();
  const host = new DrawHost(() => worker as unknown as Worker, timeoutMs);
  return { worker, host };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('DrawHost (the page side)', () => {
  it('hands canvases over once the worker is ready, and drops them with the component', async () => {
    const { worker, host } = start();
    const a = pageCanvas();
    const b = pageCanvas();
    const placed = vi.fn<(ids: number[] | null) => void>();
    const cleanup = host.place([a.canvas, b.canvas], placed);
    expect(host.state).toBe('pending');
    expect(placed).not.toHaveBeenCalled();
    worker.say({ type: 'ready' });
    expect(await host.settled).toBe(true);
    expect(placed).toHaveBeenCalledWith([1, 2]);
    expect(a.handed()).toBe(1);
    expect(worker.posted.map((p) => [p.m.type, p.transfer[0]])).toEqual([
      ['adopt', a.offscreen],
      ['adopt', b.offscreen],
    ]);
    cleanup();
    expect(worker.posted.at(-1)?.m).toEqual({ type: 'drop', ids: [1, 2] });
    // Placed after ready: at once.
    const c = pageCanvas();
    host.place([c.canvas], placed);
    expect(placed).toHaveBeenLastCalledWith([3]);
  });

  it('leaves the canvases to the page where no worker can run', () => {
    const host = new DrawHost(null);
    const a = pageCanvas();
    const placed = vi.fn<(ids: number[] | null) => void>();
    host.place([a.canvas], placed);
    expect(host.state).toBe('unavailable');
    expect(placed).toHaveBeenCalledWith(null);
    expect(a.handed()).toBe(0);
  });

  it('leaves them to the page when the worker fails to load, and says why', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { worker, host } = start();
    const a = pageCanvas();
    const placed = vi.fn<(ids: number[] | null) => void>();
    host.place([a.canvas], placed);
    worker.onerror?.({ message: 'blocked by CSP' });
    expect(await host.settled).toBe(false);
    expect(placed).toHaveBeenCalledWith(null);
    expect(a.handed()).toBe(0);
    expect(warn).toHaveBeenCalledWith('Drawing in the page: the drawing worker failed to load (blocked by CSP)');
    // A late "ready" changes nothing: the canvases were drawn in the page meanwhile.
    worker.say({ type: 'ready' });
    expect(host.state).toBe('unavailable');
  });

  it('leaves them to the page when the worker never answers', async () => {
    vi.useFakeTimers();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { host } = start(3000);
    const placed = vi.fn<(ids: number[] | null) => void>();
    host.place([pageCanvas().canvas], placed);
    await vi.advanceTimersByTimeAsync(2999);
    expect(placed).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(placed).toHaveBeenCalledWith(null);
    expect(warn).toHaveBeenCalledWith('Drawing in the page: the drawing worker did not answer within 3000 ms');
  });

  it('does not hand over the canvases of a component gone before the worker was ready', async () => {
    const { worker, host } = start();
    const a = pageCanvas();
    const placed = vi.fn<(ids: number[] | null) => void>();
    host.place([a.canvas], placed)();
    worker.say({ type: 'ready' });
    await host.settled;
    expect(placed).not.toHaveBeenCalled();
    expect(a.handed()).toBe(0);
  });
});

/** An OffscreenCanvas as the router uses it: a size and a context that records calls. */
function workerCanvas() {
  const calls: string[] = [];
  const ctx = new Proxy({}, { get: (_t, name) => (name === 'font' ? '' : () => void calls.push(String(name))), set: () => true });
  return { canvas: { width: 0, height: 0, getContext: () => ctx } as unknown as OffscreenCanvas, calls };
}

describe('DrawRouter (the worker side)', () => {
  const topology: GraphTopology = { sources: 2, neurons: 2, labels: ['x', 'y', 'a', 'b'] };
  const frame = (w: number, activity = 0.5): GraphFrame => ({ weights: [w, 0, 0.5, 0, 0, 0, 0, 0], columnValues: [0, 0, 0.3, -0.2], activity: [activity, activity], gates: [0, 0] });
  const box = { width: 400, height: 300, dpr: 2 };
  /** A router holding a graph's two canvases: the nodes as 1, the layer under them as 2. */
  const graphRouter = () => {
    const router = new DrawRouter();
    const top = workerCanvas();
    const under = workerCanvas();
    router.handle({ type: 'adopt', id: 1, canvas: top.canvas });
    router.handle({ type: 'adopt', id: 2, canvas: under.canvas });
    return { router, top, under };
  };

  it('draws a graph on its two canvases: the edges when they change, the nodes every frame', () => {
    const { router, top, under } = graphRouter();
    router.handle({ type: 'graph', nodes: 1, under: 2, box, topology, frame: frame(0.7) });
    router.flush();
    expect(top.canvas.width).toBe(800);
    expect(under.calls.filter((c) => c === 'fillText')).toHaveLength(4);
    expect(under.calls.filter((c) => c === 'quadraticCurveTo')).toHaveLength(1);
    expect(top.calls.filter((c) => c === 'arc')).toHaveLength(4 + 2);
    under.calls.length = 0;
    top.calls.length = 0;
    // Topology not sent again: the one kept is used; weights within a step: no edge redraw.
    router.handle({ type: 'graph', nodes: 1, under: 2, box, topology: null, frame: frame(0.71, 0.6) });
    router.flush();
    expect(under.calls).not.toContain('fillText');
    expect(top.calls.filter((c) => c === 'arc')).toHaveLength(6);
    router.handle({ type: 'graph', nodes: 1, under: 2, box, topology: null, frame: frame(-0.7) });
    router.flush();
    expect(under.calls.filter((c) => c === 'fillText')).toHaveLength(4);
  });

  it('draws only the newest frame of each canvas, keeping a topology sent with a frame it skipped', () => {
    const { router, top, under } = graphRouter();
    expect(router.handle({ type: 'graph', nodes: 1, under: 2, box, topology, frame: frame(0.7) })).toBe(true);
    router.handle({ type: 'graph', nodes: 1, under: 2, box, topology: null, frame: frame(0.7, 0.6) });
    router.handle({ type: 'graph', nodes: 1, under: 2, box, topology: null, frame: frame(0.7, 0.7) });
    router.flush();
    // One frame drawn: the labels once, each node once plus two glows.
    expect(under.calls.filter((c) => c === 'fillText')).toHaveLength(4);
    expect(top.calls.filter((c) => c === 'clearRect')).toHaveLength(1);
    expect(top.calls.filter((c) => c === 'arc')).toHaveLength(6);
    top.calls.length = 0;
    router.flush();
    expect(top.calls).toEqual([]);
  });

  it('draws the scopes, and nothing on canvases dropped or never handed over', () => {
    const router = new DrawRouter();
    const scopes = workerCanvas();
    router.handle({ type: 'adopt', id: 5, canvas: scopes.canvas });
    const scope = { master: [0, 0.5, -0.5, 0], neurons: [{ neuron: 1, samples: [0.1, 0.2] }, { neuron: -1, samples: [] }] };
    router.handle({ type: 'scopes', id: 5, box, scope });
    router.flush();
    // The three centre lines in one path, then the master and the one chosen neuron.
    expect(scopes.calls.filter((c) => c === 'stroke')).toHaveLength(3);
    router.handle({ type: 'drop', ids: [5] });
    scopes.calls.length = 0;
    router.handle({ type: 'scopes', id: 5, box, scope });
    router.handle({ type: 'graph', nodes: 7, under: 8, box, topology, frame: null });
    router.flush();
    expect(scopes.calls).toEqual([]);
  });
});
