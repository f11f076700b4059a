import { diverging } from '../lib/colors';
import { fitCanvas, useFont, type Ctx2D, type Surface } from './canvas';

// The network graph's drawing, the same in the page and in the drawing worker.

/** What the graph shows of a patch: sources down the left, neurons on a ring, a label per column. */
export interface GraphTopology {
  sources: number;
  neurons: number;
  /** Sources, then neurons (the engine's columns). */
  labels: readonly string[];
}

/** `last` when `next` shows the same graph (a new engine state may not change it), else `next`. */
export function keepTopology(last: GraphTopology | null, next: GraphTopology): GraphTopology {
  if (last === null || last.sources !== next.sources || last.neurons !== next.neurons || last.labels.length !== next.labels.length) return next;
  for (let i = 0; i < next.labels.length; i++) if (last.labels[i] !== next.labels[i]) return next;
  return last;
}

/** One telemetry snapshot's part the graph draws (arrays as in Telemetry). */
export interface GraphFrame {
  weights: ArrayLike<number>;
  columnValues: ArrayLike<number>;
  activity: ArrayLike<number>;
  gates: ArrayLike<number>;
}

interface Node {
  x: number;
  y: number;
  r: number;
}

/** Sources down the left edge, neurons on a ring to the right. */
export function layoutGraph(topo: GraphTopology, width: number, height: number): Node[] {
  const m = topo.sources;
  const n = topo.neurons;
  const nodes: Node[] = [];
  const left = 48;
  for (let k = 0; k < m; k++) nodes.push({ x: left, y: ((k + 0.5) / Math.max(1, m)) * height, r: 9 });
  const cx = left + 90 + (width - left - 90) / 2;
  const cy = height / 2;
  const radius = Math.max(20, Math.min(width - left - 150, height - 60) / 2 - 10);
  const nr = Math.max(10, Math.min(24, (Math.PI * radius) / Math.max(1, n) - 4));
  for (let i = 0; i < n; i++) {
    const a = n === 1 ? 0 : -Math.PI / 2 + (2 * Math.PI * i) / n;
    nodes.push(n === 1 ? { x: cx, y: cy, r: nr } : { x: cx + radius * Math.cos(a), y: cy + radius * Math.sin(a), r: nr });
  }
  return nodes;
}

const EDGE_STEP = 0.05;
const LABEL_FONT = '14px "DejaVu Sans", sans-serif';

/**
 * The layer under the nodes: what moves rarely, the connections (hundreds of curves with 16
 * neurons) and the labels. Redrawn only when a weight moves by a visible step (EDGE_STEP), the
 * size or the patch changes; the compositor lays the nodes over it. Copying it into every frame
 * cost 1.2 ms of the renderer's main thread per frame (Chromium trace).
 */
export class EdgeLayer {
  private key = new Int16Array(0);
  private drawnFor: { topo: GraphTopology; pixels: number } | null = null;

  /** `pixels`: the canvas's size in device pixels, as one number. */
  draw(ctx: Ctx2D, topo: GraphTopology, nodes: Node[], frame: GraphFrame | null, width: number, height: number, pixels: number): void {
    const m = topo.sources;
    const cols = topo.labels.length;
    const n = topo.neurons;
    let changed = !this.drawnFor || this.drawnFor.topo !== topo || this.drawnFor.pixels !== pixels || this.key.length !== n * cols;
    if (changed) this.key = new Int16Array(n * cols).fill(-32768);
    for (let i = 0; i < n * cols; i++) {
      const q = Math.round((frame ? frame.weights[i] : 0) / EDGE_STEP);
      if (q !== this.key[i]) {
        this.key[i] = q;
        changed = true;
      }
    }
    if (!changed) return;
    this.drawnFor = { topo, pixels };
    ctx.clearRect(0, 0, width, height);
    // Colour by sign, width by strength.
    for (let i = 0; i < n; i++) {
      const to = nodes[m + i];
      for (let c = 0; c < cols; c++) {
        const w = this.key[i * cols + c] * EDGE_STEP;
        if (Math.abs(w) < 0.01) continue;
        const from = nodes[c];
        ctx.strokeStyle = diverging(w / 2, 0.75);
        ctx.lineWidth = Math.min(6, 0.75 + Math.abs(w) * 1.25);
        ctx.beginPath();
        if (from === to) {
          ctx.arc(to.x + to.r * 0.9, to.y - to.r * 0.9, to.r * 0.7, 0, Math.PI * 2);
        } else {
          // Bend recurrent links so a pair of opposite connections shows as two arcs.
          const mx = (from.x + to.x) / 2 + (c >= m ? (to.y - from.y) * 0.15 : 0);
          const my = (from.y + to.y) / 2 - (c >= m ? (to.x - from.x) * 0.15 : 0);
          ctx.moveTo(from.x, from.y);
          ctx.quadraticCurveTo(mx, my, to.x, to.y);
        }
        ctx.stroke();
      }
    }
    // Centred under a neuron, left-aligned after a source.
    useFont(ctx, LABEL_FONT);
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#e6edf3';
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[k];
      const isNeuron = k >= m;
      ctx.textAlign = isNeuron ? 'center' : 'left';
      ctx.fillText(topo.labels[k], isNeuron ? node.x : node.x + node.r + 6, isNeuron ? node.y + node.r + 14 : node.y);
    }
  }
}

/** The nodes, every frame: colour by value, a glow by activity, a white ring while a gate is open. */
export function drawNodes(ctx: Ctx2D, topo: GraphTopology, nodes: Node[], frame: GraphFrame | null, width: number, height: number): void {
  ctx.clearRect(0, 0, width, height);
  const m = topo.sources;
  for (let k = 0; k < nodes.length; k++) {
    const node = nodes[k];
    const value = frame ? frame.columnValues[k] : 0;
    const isNeuron = k >= m;
    const activity = isNeuron && frame ? Math.min(1, frame.activity[k - m]) : 0;
    if (activity > 0.01) {
      ctx.fillStyle = diverging(value, 0.25 * activity + 0.05);
      ctx.beginPath();
      ctx.arc(node.x, node.y, node.r * (1.2 + activity), 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.fillStyle = diverging(value);
    ctx.strokeStyle = isNeuron && frame && frame.gates[k - m] > 0 ? '#ffffff' : '#2a3340';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(node.x, node.y, node.r, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
  }
}

/** Where and how big a canvas is drawn: its CSS box and the device pixel ratio. */
export interface CanvasBox {
  width: number;
  height: number;
  dpr: number;
}

/** The whole graph: the edge layer (when it changed) on `under`, the nodes on `top`. */
export function drawGraph(top: Surface, under: Surface, layer: EdgeLayer, topo: GraphTopology, frame: GraphFrame | null, box: CanvasBox): void {
  const fit = fitCanvas(top, box.width, box.height, box.dpr);
  if (!fit) return;
  const { ctx, width, height } = fit;
  const nodes = layoutGraph(topo, width, height);
  const low = fitCanvas(under, width, height, box.dpr);
  if (low) layer.draw(low.ctx, topo, nodes, frame, width, height, under.width * 100_000 + under.height);
  drawNodes(ctx, topo, nodes, frame, width, height);
}
