import type { Decibels, Frames, Hertz, Seconds } from '../../shared/units';
import { dbToGain, gainToDb } from '../../shared/units';
import { instantiateKernel } from '../kernels/load-kernel';
import * as L from '../kernels/master-layout';

const DC_CUTOFF: Hertz = 10;

const f32 = new Float32Array(1);
const f32Bits = new Int32Array(f32.buffer);

/** The largest float32 at or below x > 0: the ceiling must hold after conversion to the output format. */
function float32AtMost(x: number): number {
  f32[0] = x;
  if (f32[0] > x) f32Bits[0] -= 1;
  return f32[0];
}

/**
 * The output stage nothing bypasses: gain ramp, patch fade, a DC blocker per channel, and a
 * lookahead brickwall limiter, into interleaved float32.
 *
 * DC blocker: one-pole/one-zero high-pass, the bilinear transform of s / (s + wc) prewarped so
 * the -3 dB corner is DC_CUTOFF at any rate.
 * Limiter (stereo linked): per sample the gain min(1, ceiling / peak) needed over the whole
 * lookahead window (sliding maximum), released exponentially, then smoothed by a box filter as
 * long as the window; every value entering the box average is already low enough for the sample
 * that leaves the delay line at the end of that average, so the linear attack reaches the needed
 * gain exactly when the peak is output. A final hard clamp to the ceiling (rounded down to a
 * float32) makes it a guarantee; below the ceiling the output is the input delayed exactly.
 *
 * The sample loop runs in a WebAssembly kernel (kernels/master-kernel.as.ts). Write up to
 * MASTER_MAX_BLOCK frames into inL/inR, call process(), read `out`.
 */
export class MasterChain {
  readonly latency: Frames;
  readonly inL: Float64Array;
  readonly inR: Float64Array;
  readonly out: Float32Array;
  private readonly stats: Float64Array;
  private readonly run: (len: number, g0: number, dg: number, fadeStep: number) => void;
  private readonly setCeilingRaw: (c: number) => void;
  private readonly setFadeRaw: (f: number) => void;
  private readonly getFadeRaw: () => number;
  private readonly resetRaw: () => void;

  constructor(sampleRate: Hertz, lookahead: Seconds = 0.0015, release: Seconds = 0.08) {
    const k = instantiateKernel('master-kernel', L.MASTER_BYTES);
    const mem = k.memory;
    this.inL = new Float64Array(mem, L.M_IN_L_PTR, L.MASTER_MAX_BLOCK);
    this.inR = new Float64Array(mem, L.M_IN_R_PTR, L.MASTER_MAX_BLOCK);
    this.out = new Float32Array(mem, L.M_OUT_PTR, 2 * L.MASTER_MAX_BLOCK);
    this.stats = new Float64Array(mem, L.M_STATS_PTR, 8);
    this.run = k.exports.process as typeof this.run;
    this.setCeilingRaw = k.exports.setCeiling as typeof this.setCeilingRaw;
    this.setFadeRaw = k.exports.setFade as typeof this.setFadeRaw;
    this.getFadeRaw = k.exports.getFade as typeof this.getFadeRaw;
    this.resetRaw = k.exports.reset as () => void;
    this.latency = Math.min(L.MASTER_MAX_WINDOW - 1, Math.max(0, Math.round(lookahead * sampleRate)));
    const w = Math.tan((Math.PI * Math.min(DC_CUTOFF, 0.45 * sampleRate)) / sampleRate);
    (k.exports.init as (window: number, release: number, b: number, a: number) => void)(
      this.latency + 1,
      release > 0 ? Math.exp(-1 / (release * sampleRate)) : 0,
      1 / (1 + w),
      (1 - w) / (1 + w),
    );
    this.setCeiling(-0.3);
    this.setFade(1);
    this.clearStats();
  }

  /** Ceiling in dBFS, at most 0. */
  setCeiling(db: Decibels): void {
    let d = db;
    if (!(d <= 0)) d = d > 0 ? 0 : -0.3;
    if (d < -120) d = -120;
    this.setCeilingRaw(float32AtMost(dbToGain(d)));
  }

  /** The fade gain (0..1) the next sample starts from. */
  get fade(): number {
    return this.getFadeRaw();
  }

  setFade(f: number): void {
    this.setFadeRaw(f);
  }

  /**
   * Processes inL/inR[0, len) into out[0, 2 len): each sample x (g0 + dg (s+1)) x fade, where
   * fade moves by fadeStep per sample within [0, 1].
   */
  process(len: number, g0 = 1, dg = 0, fadeStep = 0): void {
    this.run(Math.min(len, L.MASTER_MAX_BLOCK), g0, dg, fadeStep);
  }

  get peakL(): number {
    return this.stats[0];
  }
  get peakR(): number {
    return this.stats[1];
  }
  get sumSquaresL(): number {
    return this.stats[2];
  }
  get sumSquaresR(): number {
    return this.stats[3];
  }
  /** Deepest gain reduction (dB, >= 0) since clearStats(). */
  get maxGainReductionDb(): number {
    return this.stats[4] < 1 ? -gainToDb(this.stats[4]) : 0;
  }
  /** Gain reduction (dB, >= 0) of the last sample. */
  get gainReductionDb(): number {
    return this.stats[5] < 1 ? -gainToDb(this.stats[5]) : 0;
  }

  clearStats(): void {
    this.stats[0] = this.stats[1] = this.stats[2] = this.stats[3] = 0;
    this.stats[4] = 1;
  }

  reset(): void {
    this.resetRaw();
    this.clearStats();
  }
}
