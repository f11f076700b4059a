import type { Locator, Page } from 'playwright-core';

/**
 * Counts the bright pixels (a channel over 100) in `bands` horizontal bands of what a canvas
 * shows on screen, from a screenshot of it: the graph and the scopes are drawn by the page's
 * drawing worker (OffscreenCanvas), and a canvas handed to it cannot be read back in the page.
 * `mask`: elements over the canvas to leave out (painted black).
 */
export async function brightPixels(page: Page, canvas: Locator, bands: number, mask: Locator[] = []): Promise<number[]> {
  const png = (await canvas.screenshot({ mask, maskColor: '#000000' })).toString('base64');
  // A string: this runs in the page (tests are compiled without the DOM's types).
  return (await page.evaluate(`(async () => {
    const bytes = Uint8Array.from(atob('${png}'), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const ctx = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d');
    ctx.drawImage(bmp, 0, 0);
    const h = Math.floor(bmp.height / ${bands});
    return Array.from({ length: ${bands} }, (_, r) => {
      const d = ctx.getImageData(0, r * h, bmp.width, h).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.max(d[i], d[i + 1], d[i + 2]) > 100) n++;
      return n;
    });
  })()`)) as number[];
}
