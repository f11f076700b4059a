// Canvas helpers shared by the page and the drawing worker (no window here: the worker has none).

/** A 2D context of a canvas in the page, or of one handed to the drawing worker. */
export type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
export type Surface = HTMLCanvasElement | OffscreenCanvas;

function context(canvas: Surface): Ctx2D | null {
  return typeof OffscreenCanvas !== 'undefined' && canvas instanceof OffscreenCanvas ? canvas.getContext('2d') : (canvas as HTMLCanvasElement).getContext('2d');
}

/**
 * Sizes a canvas to its CSS box (width x height, from `bind:clientWidth/Height`: reading the
 * canvas's own clientWidth each frame forced a layout in every frame) at device resolution and
 * returns a context in CSS pixels.
 */
export function fitCanvas(canvas: Surface, width: number, height: number, dpr: number = window.devicePixelRatio || 1): { ctx: Ctx2D; width: number; height: number } | null {
  const ctx = context(canvas);
  if (!ctx || width <= 0 || height <= 0) return null;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, width, height };
}

/**
 * Gives a context a font unless it has it already: each setting parses and looks the font up
 * again (Chromium empties its canvas font cache between tasks), up to 0.7 ms of a frame. Write
 * `font` the way the context gives it back ('14px "DejaVu Sans", sans-serif') or it is set anyway.
 */
export function useFont(ctx: Ctx2D, font: string): void {
  if (ctx.font !== font) ctx.font = font;
}
