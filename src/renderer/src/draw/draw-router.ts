import type { Surface } from './canvas';
import type { ToDrawWorker } from './draw-messages';
import { drawGraph, EdgeLayer, type GraphTopology } from './network-draw';
import { ScopeDrawing } from './scope-draw';

type GraphMessage = Extract<ToDrawWorker, { type: 'graph' }>;
type ScopesMessage = Extract<ToDrawWorker, { type: 'scopes' }>;

/**
 * The drawing worker's side: the canvases handed to it, and what to draw on them. Frames are
 * kept and drawn by flush() once per display frame, only the newest for each canvas: a worker
 * starved of CPU skips frames instead of drawing a growing backlog of stale ones.
 */
export class DrawRouter {
  private readonly canvases = new Map<number, Surface>();
  /** Per graph (by its nodes canvas): the topology last sent, and its edge layer. */
  private readonly graphs = new Map<number, { topo: GraphTopology | null; layer: EdgeLayer }>();
  private readonly scopes = new ScopeDrawing();
  private readonly pending = new Map<number, GraphMessage | ScopesMessage>();

  /** Takes a message; returns whether a frame waits for flush(). */
  handle(m: ToDrawWorker): boolean {
    switch (m.type) {
      case 'adopt':
        this.canvases.set(m.id, m.canvas);
        break;
      case 'drop':
        for (const id of m.ids) {
          this.canvases.delete(id);
          this.graphs.delete(id);
          this.pending.delete(id);
        }
        break;
      case 'graph': {
        let g = this.graphs.get(m.nodes);
        if (!g) this.graphs.set(m.nodes, (g = { topo: null, layer: new EdgeLayer() }));
        // Kept at once: a frame skipped may have carried a new topology.
        if (m.topology) g.topo = m.topology;
        this.pending.set(m.nodes, m);
        break;
      }
      case 'scopes':
        this.pending.set(m.id, m);
        break;
    }
    return this.pending.size > 0;
  }

  /** Draws the newest frame of each canvas that has one waiting. */
  flush(): void {
    for (const m of this.pending.values()) {
      if (m.type === 'graph') {
        const top = this.canvases.get(m.nodes);
        const under = this.canvases.get(m.under);
        const g = this.graphs.get(m.nodes);
        if (top && under && g?.topo) drawGraph(top, under, g.layer, g.topo, m.frame, m.box);
      } else {
        const canvas = this.canvases.get(m.id);
        if (canvas) this.scopes.drawOn(canvas, m.scope, m.box);
      }
    }
    this.pending.clear();
  }
}
