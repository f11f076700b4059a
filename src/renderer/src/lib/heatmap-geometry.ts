/** Where each cell of the weight heatmap sits; shared by drawing, hit-testing and tests. */
export interface HeatmapGrid {
  x0: number;
  y0: number;
  cell: number;
  rows: number;
  cols: number;
}

export const ROW_GUTTER = 56;
export const COL_GUTTER = 30;
export const MAX_CELL = 72;

export function heatmapGrid(width: number, height: number, rows: number, cols: number): HeatmapGrid {
  const cell = Math.max(8, Math.floor(Math.min((width - ROW_GUTTER) / Math.max(1, cols), (height - COL_GUTTER) / Math.max(1, rows), MAX_CELL)));
  // Centre a small matrix across the panel instead of leaving it in the corner.
  const spare = Math.max(0, width - ROW_GUTTER - cell * cols);
  return { x0: ROW_GUTTER + Math.floor(spare / 2), y0: COL_GUTTER, cell, rows, cols };
}

export function cellAt(g: HeatmapGrid, x: number, y: number): { row: number; col: number } | null {
  const col = Math.floor((x - g.x0) / g.cell);
  const row = Math.floor((y - g.y0) / g.cell);
  if (row < 0 || col < 0 || row >= g.rows || col >= g.cols) return null;
  return { row, col };
}

/** Weight change per pixel of vertical drag: 200 px sweeps the whole -4..4 range. */
export const WEIGHT_PER_PIXEL = 8 / 200;
