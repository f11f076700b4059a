/** Diverging colour for a signed value in [-1, 1]: cool for negative, warm for positive. */
export function diverging(x: number, alpha = 1): string {
  const t = Math.max(-1, Math.min(1, x));
  const a = Math.abs(t);
  const [r, g, b] = t >= 0 ? [255, 159, 67] : [79, 195, 247];
  const base = 26;
  const mix = (c: number) => Math.round(base + (c - base) * a);
  return `rgba(${mix(r)}, ${mix(g)}, ${mix(b)}, ${alpha})`;
}

/**
 * Sizes a canvas to its CSS box (width x height, from `bind:clientWidth/Height`: reading the
 * canvas's own clientWidth each frame forced a layout in every frame) at device resolution and
 * returns a context in CSS pixels.
 */
export function fitCanvas(canvas: HTMLCanvasElement, width: number, height: number): { ctx: CanvasRenderingContext2D; width: number; height: number } | null {
  const ctx = canvas.getContext('2d');
  if (!ctx || width <= 0 || height <= 0) return null;
  const dpr = window.devicePixelRatio || 1;
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
export function useFont(ctx: CanvasRenderingContext2D, font: string): void {
  if (ctx.font !== font) ctx.font = font;
}
