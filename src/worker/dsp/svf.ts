import type { Hertz, NormalRange } from '../../shared/units';

/** Maps a 0..1 knob to Q exponentially: 0 -> 0.5 (no peak), 1 -> 25 (near self-oscillation). */
export function resonanceToQ(resonance: NormalRange): number {
  const r = resonance > 0 ? (resonance < 1 ? resonance : 1) : 0;
  return 0.5 * Math.pow(50, r);
}

/**
 * Zero-delay-feedback state-variable filter (trapezoidal integrators, Simper's
 * "linear trap" form). The states are the integrators' own memories, so changing
 * cutoff/Q every sample does not inject energy: it stays stable under audio-rate modulation.
 *
 * Responses (w = 2*pi*cutoff, D = s^2/w^2 + s/(Q w) + 1):
 *   lp = 1 / D,  bp = (s/w) / D  (peak gain Q),  hp = (s^2/w^2) / D.
 */
export class Svf {
  lp = 0;
  bp = 0;
  hp = 0;

  private readonly sampleRate: Hertz;
  private readonly minCutoff: Hertz = 10;
  private readonly maxCutoff: Hertz;
  private lastCutoff = -1;
  private lastQ = -1;
  private k = 2;
  private a1 = 0;
  private a2 = 0;
  private a3 = 0;
  private ic1 = 0;
  private ic2 = 0;

  constructor(sampleRate: Hertz) {
    this.sampleRate = sampleRate;
    this.maxCutoff = 0.45 * sampleRate;
    this.set(1000, Math.SQRT1_2);
  }

  set(cutoff: Hertz, q: number): void {
    // Written as negated comparisons so NaN falls to the safe bound too.
    let fc = cutoff;
    if (!(fc >= this.minCutoff)) fc = this.minCutoff;
    else if (fc > this.maxCutoff) fc = this.maxCutoff;
    let qq = q;
    if (!(qq >= 0.5)) qq = 0.5;
    else if (qq > 1e6) qq = 1e6;
    if (fc === this.lastCutoff && qq === this.lastQ) return;
    this.lastCutoff = fc;
    this.lastQ = qq;
    const g = Math.tan((Math.PI * fc) / this.sampleRate);
    const k = 1 / qq;
    this.k = k;
    this.a1 = 1 / (1 + g * (g + k));
    this.a2 = g * this.a1;
    this.a3 = g * this.a2;
  }

  process(x: number): number {
    const v3 = x - this.ic2;
    const v1 = this.a1 * this.ic1 + this.a2 * v3;
    const v2 = this.ic2 + this.a2 * this.ic1 + this.a3 * v3;
    let ic1 = 2 * v1 - this.ic1;
    let ic2 = 2 * v2 - this.ic2;
    // Flush denormals left behind by a decaying tail.
    if (ic1 < 1e-30 && ic1 > -1e-30) ic1 = 0;
    if (ic2 < 1e-30 && ic2 > -1e-30) ic2 = 0;
    // A NaN/Inf input would otherwise poison the states forever.
    if (!(ic1 < 1e30 && ic1 > -1e30 && ic2 < 1e30 && ic2 > -1e30)) {
      ic1 = 0;
      ic2 = 0;
    }
    this.ic1 = ic1;
    this.ic2 = ic2;
    this.lp = v2;
    this.bp = v1;
    this.hp = x - this.k * v1 - v2;
    return v2;
  }

  reset(): void {
    this.ic1 = 0;
    this.ic2 = 0;
    this.lp = 0;
    this.bp = 0;
    this.hp = 0;
  }
}
