import type { Hertz, NormalRange, Seconds } from '../../shared/units';
import { DcBlocker } from './dc-blocker';
import { Svf } from './svf';

const STAGES = 12; // stretched allpasses per spring
const MAX_COEFF = 0.4; // allpass coefficient at dispersion 1
const CHIRP_TOP: Hertz = 4500; // the stretched allpasses disperse up to about here
const MIN_DECAY: Seconds = 0.2;
const MAX_DECAY: Seconds = 10;
// The two springs differ in length and stiffness so L and R decorrelate.
const DELAY_SECONDS = [0.0337, 0.0389];
const COEFF_SCALE = [1, 0.92];

/**
 * Spring-like reverb, mono in, stereo wet out. Each channel is one spring:
 *   input -> loop [stretched-allpass chain -> delay -> damping lowpass] x g
 * so every echo passes the dispersive chain once more and chirps more than the last.
 *
 * Unconditionally stable: the allpasses are normalized lattices (orthogonal 2x2 rotations,
 * energy-preserving even while their coefficient changes), the damping lowpass is a Butterworth
 * (Q = 1/sqrt 2) TPT SVF whose gain never exceeds 1 and which tolerates modulation, and the loop
 * gain g = 10^(-3 T / RT60) < 1 because RT60 <= 10 s. The input is clamped, NaN zeroed.
 * A maximally flat (2nd-order) damping filter is used rather than a one-pole because its flat
 * passband narrows far less with every pass, so the broadband decay stays close to RT60.
 */
export class SpringReverb {
  outL = 0;
  outR = 0;

  private readonly sampleRate: Hertz;
  private readonly stretch: number; // K: each allpass is (a + z^-K) / (1 + a z^-K)
  private readonly apState: Float64Array; // [spring][stage][K] lattice delay memories
  private apPos = 0; // shared ring position: each stage reads what it wrote K samples ago
  private readonly delay: Float64Array; // both springs' main delays, back to back
  private readonly delayStart: Int32Array;
  private readonly delayLen: Int32Array;
  private readonly delayPos: Int32Array;
  // Per-spring coefficients and state.
  private readonly a = new Float64Array(2);
  private readonly c = new Float64Array(2);
  private readonly g = new Float64Array(2);
  private readonly inGain = new Float64Array(2);
  private readonly damping: Svf[];
  private readonly inputHp: DcBlocker;

  constructor(sampleRate: Hertz) {
    this.sampleRate = sampleRate;
    // Stretching by K squeezes one allpass "period" of group delay into 0..fs/(2K).
    this.stretch = Math.max(1, Math.round(sampleRate / (2 * CHIRP_TOP)));
    this.apState = new Float64Array(2 * STAGES * this.stretch);
    // Delay lengths do not depend on decay and dispersion only changes coefficients,
    // so every buffer is allocated at its only (maximum) size here.
    this.delayStart = new Int32Array(2);
    this.delayLen = new Int32Array(2);
    this.delayPos = new Int32Array(2);
    let total = 0;
    for (let s = 0; s < 2; s++) {
      const len = Math.max(1, Math.round(DELAY_SECONDS[s] * sampleRate));
      this.delayStart[s] = total;
      this.delayLen[s] = len;
      total += len;
    }
    this.delay = new Float64Array(total);
    this.damping = [new Svf(sampleRate), new Svf(sampleRate)];
    // Springs carry no sub-bass; keeping DC out also keeps the loops' DC gain harmless.
    this.inputHp = new DcBlocker(sampleRate, 40);
    this.set(2, 4000, 0.5);
  }

  set(decay: Seconds, tone: Hertz, dispersion: NormalRange): void {
    let t = decay;
    if (!(t >= MIN_DECAY)) t = MIN_DECAY;
    else if (t > MAX_DECAY) t = MAX_DECAY;
    let f = tone;
    if (!(f >= 500)) f = 500;
    else if (f > 12000) f = 12000;
    let d = dispersion;
    if (!(d >= 0)) d = 0;
    else if (d > 1) d = 1;
    const K = this.stretch;
    const lpDelay = (Math.SQRT2 * this.sampleRate) / (2 * Math.PI * f);
    for (let s = 0; s < 2; s++) {
      const a = MAX_COEFF * COEFF_SCALE[s] * d;
      this.a[s] = a;
      this.c[s] = Math.sqrt(1 - a * a);
      this.damping[s].set(f, Math.SQRT1_2);
      // Loop delay seen by low frequencies (where energy lives and decays slowest): main
      // delay + 1 (feedback is used the next sample) + the allpasses' and the lowpass's
      // DC group delays (Butterworth: sqrt 2 / wc).
      const loopFrames = this.delayLen[s] + 1 + (STAGES * K * (1 - a)) / (1 + a) + lpDelay;
      const g = Math.pow(10, (-3 * loopFrames) / (this.sampleRate * t));
      this.g[s] = g;
      // Keeps the impulse response's energy independent of decay.
      this.inGain[s] = Math.sqrt(1 - g * g);
    }
  }

  process(x: number): void {
    // One NaN/Inf would otherwise live in the loop forever.
    let v = x;
    if (!(v > -1e6 && v < 1e6)) v = v > 0 ? 1e6 : v < 0 ? -1e6 : 0;
    const h = this.inputHp.process(v);
    const K = this.stretch;
    const pos = this.apPos;
    this.outL = this.spring(0, h, pos, K);
    this.outR = this.spring(1, h, pos, K);
    this.apPos = pos + 1 === K ? 0 : pos + 1;
  }

  reset(): void {
    this.apState.fill(0);
    this.delay.fill(0);
    this.apPos = 0;
    this.delayPos.fill(0);
    this.damping[0].reset();
    this.damping[1].reset();
    this.inputHp.reset();
    this.outL = 0;
    this.outR = 0;
  }

  /** Runs spring s for one sample; returns its damped loop output. */
  private spring(s: number, x: number, pos: number, K: number): number {
    const a = this.a[s];
    const c = this.c[s];
    const st = this.apState;
    let u = this.inGain[s] * x + this.g[s] * this.damping[s].lp;
    const end = (s + 1) * STAGES * K;
    for (let j = s * STAGES * K + pos; j < end; j += K) {
      const m = st[j];
      st[j] = c * u - a * m;
      u = a * u + c * m;
    }
    const p = this.delayPos[s];
    const idx = this.delayStart[s] + p;
    const d = this.delay[idx];
    this.delay[idx] = u;
    this.delayPos[s] = p + 1 === this.delayLen[s] ? 0 : p + 1;
    return this.damping[s].process(d);
  }
}
