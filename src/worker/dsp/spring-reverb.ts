import type { Hertz, NormalRange, Seconds } from '../../shared/units';
import { instantiateKernel } from '../kernels/load-kernel';
import * as L from '../kernels/spring-layout';

const MAX_COEFF = 0.4; // allpass coefficient at dispersion 1
const CHIRP_TOP: Hertz = 4500; // the stretched allpasses disperse up to about here
const MIN_DECAY: Seconds = 0.2;
const MAX_DECAY: Seconds = 10;
// The two springs differ in length and stiffness so L and R decorrelate.
const DELAY_SECONDS = [0.0337, 0.0389];
const COEFF_SCALE = [1, 0.92];
const INPUT_HIGHPASS: Hertz = 40;

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
 *
 * The sample loop runs in a WebAssembly kernel (kernels/spring-kernel.as.ts); this class sets it
 * up and computes its coefficients. Write up to SPRING_MAX_BLOCK samples into `input`, call
 * process(len), read `outL` / `outR`.
 */
export class SpringReverb {
  readonly input: Float64Array;
  readonly outL: Float64Array;
  readonly outR: Float64Array;
  private readonly sampleRate: Hertz;
  private readonly run: (len: number) => void;
  private readonly coef: Float64Array;
  private readonly ints: Int32Array;
  private readonly state: Float64Array;
  private readonly lines: Float64Array;
  private readonly delayLen: number[];
  private readonly stretch: number;

  constructor(sampleRate: Hertz) {
    this.sampleRate = sampleRate;
    const kernel = instantiateKernel('spring-kernel', L.SPRING_BYTES);
    const mem = kernel.memory;
    this.run = kernel.exports.process as (len: number) => void;
    this.input = new Float64Array(mem, L.SP_IN_PTR, L.SPRING_MAX_BLOCK);
    this.outL = new Float64Array(mem, L.SP_OUT_L_PTR, L.SPRING_MAX_BLOCK);
    this.outR = new Float64Array(mem, L.SP_OUT_R_PTR, L.SPRING_MAX_BLOCK);
    this.coef = new Float64Array(mem, L.SP_COEF_PTR, 16);
    this.ints = new Int32Array(mem, L.SP_INT_PTR, 8);
    this.state = new Float64Array(mem, L.SP_STATE_PTR, 8);
    this.lines = new Float64Array(mem, L.SP_ALLPASS_PTR, (L.SPRING_BYTES - L.SP_ALLPASS_PTR) / 8);
    // Stretching by K squeezes one allpass "period" of group delay into 0..fs/(2K).
    this.stretch = Math.min(L.SPRING_MAX_STRETCH, Math.max(1, Math.round(sampleRate / (2 * CHIRP_TOP))));
    this.delayLen = DELAY_SECONDS.map((d) => Math.min(L.SPRING_MAX_DELAY, Math.max(1, Math.round(d * sampleRate))));
    this.ints[0] = this.stretch;
    this.ints[2] = this.delayLen[0];
    this.ints[3] = this.delayLen[1];
    // Springs carry no sub-bass; keeping DC out also keeps the loops' DC gain harmless.
    const k = Math.tan((Math.PI * INPUT_HIGHPASS) / sampleRate);
    this.coef[11] = 1 / (1 + k);
    this.coef[12] = (1 - k) / (1 + k);
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
    // Damping: Butterworth TPT SVF coefficients (shared by both springs).
    const g0 = Math.tan((Math.PI * Math.min(f, 0.45 * this.sampleRate)) / this.sampleRate);
    const a1 = 1 / (1 + g0 * (g0 + Math.SQRT2));
    this.coef[8] = a1;
    this.coef[9] = g0 * a1;
    this.coef[10] = g0 * g0 * a1;
    const lpDelay = (Math.SQRT2 * this.sampleRate) / (2 * Math.PI * f);
    for (let s = 0; s < 2; s++) {
      const a = MAX_COEFF * COEFF_SCALE[s] * d;
      this.coef[s] = a;
      this.coef[2 + s] = Math.sqrt(1 - a * a);
      // Loop delay seen by low frequencies (where energy lives and decays slowest): main
      // delay + 1 (feedback is used the next sample) + the allpasses' and the lowpass's
      // DC group delays (Butterworth: sqrt 2 / wc).
      const loopFrames = this.delayLen[s] + 1 + (L.SPRING_STAGES * K * (1 - a)) / (1 + a) + lpDelay;
      const g = Math.pow(10, (-3 * loopFrames) / (this.sampleRate * t));
      this.coef[4 + s] = g;
      // Keeps the impulse response's energy independent of decay.
      this.coef[6 + s] = Math.sqrt(1 - g * g);
    }
  }

  /** Processes input[0, len) into outL/outR[0, len); len <= SPRING_MAX_BLOCK. */
  process(len: number): void {
    this.run(Math.min(len, L.SPRING_MAX_BLOCK));
  }

  reset(): void {
    this.lines.fill(0);
    this.state.fill(0);
    this.ints[1] = this.ints[4] = this.ints[5] = 0;
  }
}

export const SPRING_MAX_BLOCK = L.SPRING_MAX_BLOCK;
