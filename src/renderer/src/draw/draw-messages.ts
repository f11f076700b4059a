import type { CanvasBox, GraphFrame, GraphTopology } from './network-draw';
import type { ScopeFrame } from './scope-draw';

/** What the page sends the drawing worker. Canvases are known by the ids the page gave them. */
export type ToDrawWorker =
  | { type: 'adopt'; id: number; canvas: OffscreenCanvas }
  /** `topology`: null when unchanged since the last graph message for these canvases. */
  | { type: 'graph'; nodes: number; under: number; box: CanvasBox; topology: GraphTopology | null; frame: GraphFrame | null }
  | { type: 'scopes'; id: number; box: CanvasBox; scope: ScopeFrame | null }
  | { type: 'drop'; ids: number[] };

export type FromDrawWorker = { type: 'ready' } | { type: 'error'; message: string };
