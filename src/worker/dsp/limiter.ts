import type { Decibels, Frames, Hertz, Seconds } from '../../shared/units';
import { dbToGain } from '../../shared/units';

/** Gain deficits (1 - gain) below this (-120 dB of change) snap to 0 so release ends bit-exact. */
const SNAP = 1e-6;
const MAX_INPUT = 1e30;

/**
 * Lookahead brickwall limiter, stereo linked.
 *
 * Per sample the required gain min(1, ceiling / peak) is taken over the whole lookahead
 * window (sliding maximum), released exponentially, then smoothed by a box filter as long as
 * the window. Every value entering the box average is already low enough for the sample that
 * leaves the delay line at the end of that average, so the linear attack reaches the needed
 * gain exactly when the peak is output. A final hard clamp makes the ceiling a guarantee.
 */
export class Limiter {
  readonly latency: Frames;
  outL = 0;
  outR = 0;
  gainReductionDb = 0;

  private readonly window: number; // latency + 1 samples: the input sample plus the delay line
  private readonly delayL: Float64Array;
  private readonly delayR: Float64Array;
  private delayPos = 0;
  // Monotonic deque (decreasing peaks) for the sliding maximum, as a ring of capacity `window`.
  private readonly dqValue: Float64Array;
  private readonly dqTime: Float64Array;
  private dqHead = 0;
  private dqSize = 0;
  private time = 0;
  // Box filter over gain deficits (1 - gain), so "no reduction" is an exact 0 sum.
  private readonly box: Float64Array;
  private boxPos = 0;
  private boxSum = 0;
  private boxNonZero = 0;
  private released = 0; // deficit after the release smoother
  private readonly releaseCoeff: number;
  private ceiling = dbToGain(-0.3);

  constructor(sampleRate: Hertz, lookahead: Seconds = 0.0015, release: Seconds = 0.08) {
    this.latency = Math.max(0, Math.round(lookahead * sampleRate));
    this.window = this.latency + 1;
    this.delayL = new Float64Array(this.window);
    this.delayR = new Float64Array(this.window);
    this.dqValue = new Float64Array(this.window);
    this.dqTime = new Float64Array(this.window);
    this.box = new Float64Array(this.window);
    this.releaseCoeff = release > 0 ? Math.exp(-1 / (release * sampleRate)) : 0;
  }

  setCeiling(db: Decibels): void {
    if (!(db <= 0)) db = db > 0 ? 0 : -0.3; // above 0 dBFS -> 0; NaN -> the default
    if (db < -120) db = -120;
    this.ceiling = dbToGain(db);
  }

  process(l: number, r: number): void {
    // NaN would stall the comparisons below; Inf would make gain * sample NaN.
    if (!(l > -MAX_INPUT && l < MAX_INPUT)) l = l > 0 ? MAX_INPUT : l < 0 ? -MAX_INPUT : 0;
    if (!(r > -MAX_INPUT && r < MAX_INPUT)) r = r > 0 ? MAX_INPUT : r < 0 ? -MAX_INPUT : 0;
    const W = this.window;
    const ceiling = this.ceiling;

    // Delay line of W = latency + 1 slots: after writing, the next slot holds the sample from
    // `latency` frames ago (the one just written when latency is 0).
    const dp = this.delayPos;
    this.delayL[dp] = l;
    this.delayR[dp] = r;
    const next = dp + 1 === W ? 0 : dp + 1;
    const outL = this.delayL[next];
    const outR = this.delayR[next];
    this.delayPos = next;

    // Sliding maximum of the linked peak over the last W inputs.
    const peak = Math.max(Math.abs(l), Math.abs(r));
    const now = this.time;
    this.time = now + 1;
    let size = this.dqSize;
    let h = this.dqHead;
    // Expire first so the push below always fits in W slots.
    while (size > 0 && this.dqTime[h] <= now - W) {
      h = h + 1 === W ? 0 : h + 1;
      size--;
    }
    while (size > 0 && this.dqValue[(h + size - 1) % W] <= peak) size--;
    const tail = (h + size) % W;
    this.dqValue[tail] = peak;
    this.dqTime[tail] = now;
    size++;
    this.dqHead = h;
    this.dqSize = size;
    const windowPeak = this.dqValue[h];

    // Required deficit for the window, then instant attack / exponential release.
    const needed = windowPeak > ceiling ? 1 - ceiling / windowPeak : 0;
    let deficit = this.released;
    if (needed >= deficit) deficit = needed;
    else {
      deficit = needed + (deficit - needed) * this.releaseCoeff;
      if (deficit < SNAP) deficit = 0;
    }
    this.released = deficit;

    // Box filter of length W (the linear attack ramp).
    const bp = this.boxPos;
    const old = this.box[bp];
    if (old !== 0) this.boxNonZero--;
    if (deficit !== 0) this.boxNonZero++;
    this.box[bp] = deficit;
    this.boxPos = bp + 1 === W ? 0 : bp + 1;
    let sum = this.boxSum + deficit - old;
    if (this.boxNonZero === 0) sum = 0;
    else if (this.boxPos === 0) {
      // Re-sum once per lap so rounding cannot drift.
      sum = 0;
      for (let i = 0; i < W; i++) sum += this.box[i];
    }
    this.boxSum = sum;

    const gain = sum === 0 ? 1 : 1 - sum / W;
    let yl = outL * gain;
    let yr = outR * gain;
    // The guarantee: whatever happened above, nothing leaves above the ceiling.
    if (yl > ceiling) yl = ceiling;
    else if (yl < -ceiling) yl = -ceiling;
    if (yr > ceiling) yr = ceiling;
    else if (yr < -ceiling) yr = -ceiling;
    this.outL = yl;
    this.outR = yr;
    this.gainReductionDb = gain < 1 ? -20 * Math.log10(gain) : 0;
  }

  reset(): void {
    this.delayL.fill(0);
    this.delayR.fill(0);
    this.delayPos = 0;
    this.dqHead = 0;
    this.dqSize = 0;
    this.time = 0;
    this.box.fill(0);
    this.boxPos = 0;
    this.boxSum = 0;
    this.boxNonZero = 0;
    this.released = 0;
    this.outL = 0;
    this.outR = 0;
    this.gainReductionDb = 0;
  }
}
