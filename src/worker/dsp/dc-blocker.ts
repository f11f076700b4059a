import type { Hertz } from '../../shared/units';

/**
 * One-pole/one-zero high-pass: the bilinear transform of s / (s + wc), prewarped so
 * the -3 dB corner sits at `cutoff` at any sample rate and the gain at Nyquist is 1.
 */
export class DcBlocker {
  private b = 1;
  private a = 0;
  private x1 = 0;
  private y1 = 0;

  constructor(sampleRate: Hertz, cutoff: Hertz = 10) {
    const nyquistSafe = Math.min(Math.max(cutoff, 0.001), 0.45 * sampleRate);
    const k = Math.tan((Math.PI * nyquistSafe) / sampleRate);
    this.b = 1 / (1 + k);
    this.a = (1 - k) / (1 + k);
  }

  process(x: number): number {
    let y = this.b * (x - this.x1) + this.a * this.y1;
    // Flush denormals so a silent input does not slow the CPU down.
    if (y < 1e-30 && y > -1e-30) y = 0;
    this.x1 = x;
    this.y1 = y;
    return y;
  }

  reset(): void {
    this.x1 = 0;
    this.y1 = 0;
  }
}
