import { NEURON_SCOPES, SCOPE_LEN } from '../../../shared/scope-size';
import { scopeRange, tracePoints } from '../lib/scope-trace';
import { fitCanvas, type Ctx2D, type Surface } from './canvas';
import type { CanvasBox } from './network-draw';

// The scopes' drawing, the same in the page and in the drawing worker: three stacked traces, the
// master output (fixed ±1 scale, so level reads true) and two chosen neurons (each scaled to its
// own swing).

/** One telemetry snapshot's scope part (as in Telemetry). */
export interface ScopeFrame {
  master: readonly number[];
  neurons: readonly { neuron: number; samples: readonly number[] }[];
}

export const SCOPE_COLORS = ['#ffb347', '#4fc3f7', '#7ee787'];

export class ScopeDrawing {
  private readonly points = new Float32Array(2 * SCOPE_LEN);

  drawOn(canvas: Surface, scope: ScopeFrame | null, box: CanvasBox): void {
    const fit = fitCanvas(canvas, box.width, box.height, box.dpr);
    if (fit) this.draw(fit.ctx, scope, fit.width, fit.height);
  }

  private draw(ctx: Ctx2D, scope: ScopeFrame | null, width: number, height: number): void {
    ctx.clearRect(0, 0, width, height);
    const rows = 1 + NEURON_SCOPES;
    const h = height / rows;
    ctx.strokeStyle = '#2a3340';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let r = 0; r < rows; r++) {
      ctx.moveTo(0, r * h + h / 2);
      ctx.lineTo(width, r * h + h / 2);
    }
    ctx.stroke();
    if (!scope) return;
    this.trace(ctx, scope.master, 0, h, width, 1, SCOPE_COLORS[0]);
    scope.neurons.forEach((s, k) => {
      if (s.neuron >= 0) this.trace(ctx, s.samples, (k + 1) * h, h, width, scopeRange(s.samples, 0.05), SCOPE_COLORS[k + 1]);
    });
  }

  private trace(ctx: Ctx2D, samples: readonly number[], top: number, h: number, width: number, range: number, color: string): void {
    const points = this.points;
    const n = tracePoints(samples, width, top + h / 2, h / 2 - 3, range, points);
    ctx.strokeStyle = color;
    // A 1 px line takes the rasteriser's fast hairline path (1.5 px cost 2 ms a frame in software).
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let k = 0; k < n; k += 2) {
      if (k === 0) ctx.moveTo(points[k], points[k + 1]);
      else ctx.lineTo(points[k], points[k + 1]);
    }
    ctx.stroke();
  }
}
