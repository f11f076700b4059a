/** Diverging colour for a signed value in [-1, 1]: cool for negative, warm for positive. */
export function diverging(x: number, alpha = 1): string {
  const t = Math.max(-1, Math.min(1, x));
  const a = Math.abs(t);
  const [r, g, b] = t >= 0 ? [255, 159, 67] : [79, 195, 247];
  const base = 26;
  const mix = (c: number) => Math.round(base + (c - base) * a);
  return `rgba(${mix(r)}, ${mix(g)}, ${mix(b)}, ${alpha})`;
}
