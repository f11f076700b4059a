// AssemblyScript: the output stage every sample passes through (dsp/master-chain.ts explains it):
// gain and fade ramps, a DC blocker per channel, the lookahead brickwall limiter and the final
// clamp, writing interleaved float32. In TypeScript this loop cost as much as the whole voice.

import {
  M_BOX_PTR,
  M_DELAY_L_PTR,
  M_DELAY_R_PTR,
  M_DQ_TIME_PTR,
  M_DQ_VALUE_PTR,
  M_IN_L_PTR,
  MASTER_MAX_WINDOW,
  M_IN_R_PTR,
  M_OUT_PTR,
  M_STATS_PTR,
} from './master-layout';
import { f64At, setF64 } from './memory.lib.as';

/** Gain deficits (1 - gain) below this (-120 dB of change) snap to 0 so release ends bit-exact. */
const SNAP: f64 = 1e-6;
/** +120 dBFS: anything louder is a fault upstream; its DC-blocker tail must die out quickly. */
const MAX_INPUT: f64 = 1e6;
const TINY: f64 = 1e-30;

let window: i32 = 1;
let releaseCoeff: f64 = 0;
let ceiling: f64 = 1;
let dcB: f64 = 1;
let dcA: f64 = 0;
let dcX1L: f64 = 0;
let dcY1L: f64 = 0;
let dcX1R: f64 = 0;
let dcY1R: f64 = 0;
let delayPos: i32 = 0;
let dqHead: i32 = 0;
let dqSize: i32 = 0;
let time: f64 = 0;
let boxPos: i32 = 0;
let boxSum: f64 = 0;
let boxNonZero: i32 = 0;
let released: f64 = 0;
let gain: f64 = 1;
let fade: f64 = 0;


export function init(windowFrames: i32, release: f64, b: f64, a: f64): void {
  window = windowFrames;
  releaseCoeff = release;
  dcB = b;
  dcA = a;
  reset();
}

export function setCeiling(c: f64): void {
  ceiling = c;
}

export function setFade(f: f64): void {
  fade = f;
}

export function getFade(): f64 {
  return fade;
}

export function reset(): void {
  memory.fill(M_DELAY_L_PTR, 0, <usize>(M_BOX_PTR + MASTER_MAX_WINDOW * 8 - M_DELAY_L_PTR));
  dcX1L = dcY1L = dcX1R = dcY1R = 0;
  delayPos = dqHead = dqSize = boxPos = boxNonZero = 0;
  time = boxSum = released = 0;
  gain = 1;
  setF64(M_STATS_PTR, 5, 1);
}

/** One sample through the limiter into output frame s. */
@inline
function limit(l: f64, r: f64, s: i32): void {
  const W = window;
  const dp = delayPos;
  setF64(M_DELAY_L_PTR, dp, l);
  setF64(M_DELAY_R_PTR, dp, r);
  const next = dp + 1 == W ? 0 : dp + 1;
  const outL = f64At(M_DELAY_L_PTR, next);
  const outR = f64At(M_DELAY_R_PTR, next);
  delayPos = next;

  // Sliding maximum of the linked peak over the last W inputs (a monotonic deque).
  const al = Math.abs(l);
  const ar = Math.abs(r);
  const peak = al > ar ? al : ar;
  const now = time;
  time = now + 1;
  let size = dqSize;
  let h = dqHead;
  while (size > 0 && f64At(M_DQ_TIME_PTR, h) <= now - <f64>W) {
    h = h + 1 == W ? 0 : h + 1;
    size--;
  }
  let last = h + size - 1;
  if (last >= W) last -= W;
  while (size > 0 && f64At(M_DQ_VALUE_PTR, last) <= peak) {
    size--;
    last = last == 0 ? W - 1 : last - 1;
  }
  let tail = h + size;
  if (tail >= W) tail -= W;
  setF64(M_DQ_VALUE_PTR, tail, peak);
  setF64(M_DQ_TIME_PTR, tail, now);
  dqHead = h;
  dqSize = size + 1;
  const windowPeak = f64At(M_DQ_VALUE_PTR, h);

  // Required deficit for the window, then instant attack / exponential release.
  const needed = windowPeak > ceiling ? 1 - ceiling / windowPeak : 0;
  let deficit = released;
  if (needed >= deficit) deficit = needed;
  else {
    deficit = needed + (deficit - needed) * releaseCoeff;
    if (deficit < SNAP) deficit = 0;
  }
  released = deficit;

  // Box filter of length W (the linear attack ramp), re-summed once per lap against drift.
  const bp = boxPos;
  const old = f64At(M_BOX_PTR, bp);
  if (old != 0) boxNonZero--;
  if (deficit != 0) boxNonZero++;
  setF64(M_BOX_PTR, bp, deficit);
  boxPos = bp + 1 == W ? 0 : bp + 1;
  let sum = boxSum + deficit - old;
  if (boxNonZero == 0) sum = 0;
  else if (boxPos == 0) {
    sum = 0;
    for (let i = 0; i < W; i++) sum += f64At(M_BOX_PTR, i);
  }
  boxSum = sum;

  const g = sum == 0 ? 1 : 1 - sum / <f64>W;
  gain = g;
  let yl = outL * g;
  let yr = outR * g;
  // The guarantee: whatever happened above, nothing leaves above the ceiling.
  if (yl > ceiling) yl = ceiling;
  else if (yl < -ceiling) yl = -ceiling;
  if (yr > ceiling) yr = ceiling;
  else if (yr < -ceiling) yr = -ceiling;
  const o = M_OUT_PTR + (<usize>s << 3);
  store<f32>(o, <f32>yl);
  store<f32>(o, <f32>yr, 4);
}

/**
 * Processes len frames of in L/R: x gain ramp (g0 + dg (s+1)) x fade (stepped by fadeStep,
 * held in [0, 1]), DC blocker, limiter, into interleaved float32 at M_OUT_PTR; updates stats.
 */
export function process(len: i32, g0: f64, dg: f64, fadeStep: f64): void {
  let peakL = f64At(M_STATS_PTR, 0);
  let peakR = f64At(M_STATS_PTR, 1);
  let sumL = f64At(M_STATS_PTR, 2);
  let sumR = f64At(M_STATS_PTR, 3);
  let minGain = f64At(M_STATS_PTR, 4);
  let f = fade;
  for (let s = 0; s < len; s++) {
    f += fadeStep;
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    const g = (g0 + dg * <f64>(s + 1)) * f;
    let l = f64At(M_IN_L_PTR, s) * g;
    let r = f64At(M_IN_R_PTR, s) * g;
    // NaN would stall the limiter's comparisons and Inf make gain x sample NaN: both become 0;
    // huge finite values are clamped.
    if (!(l > -MAX_INPUT && l < MAX_INPUT)) l = l > 0 && l < Infinity ? MAX_INPUT : l < 0 && l > -Infinity ? -MAX_INPUT : 0;
    if (!(r > -MAX_INPUT && r < MAX_INPUT)) r = r > 0 && r < Infinity ? MAX_INPUT : r < 0 && r > -Infinity ? -MAX_INPUT : 0;
    let yl = dcB * (l - dcX1L) + dcA * dcY1L;
    if (yl < TINY && yl > -TINY) yl = 0;
    dcX1L = l;
    dcY1L = yl;
    let yr = dcB * (r - dcX1R) + dcA * dcY1R;
    if (yr < TINY && yr > -TINY) yr = 0;
    dcX1R = r;
    dcY1R = yr;
    limit(yl, yr, s);
    const o = M_OUT_PTR + (<usize>s << 3);
    const ol = <f64>load<f32>(o);
    const or = <f64>load<f32>(o, 4);
    const aL = Math.abs(ol);
    const aR = Math.abs(or);
    if (aL > peakL) peakL = aL;
    if (aR > peakR) peakR = aR;
    sumL += ol * ol;
    sumR += or * or;
    if (gain < minGain) minGain = gain;
  }
  fade = f;
  setF64(M_STATS_PTR, 0, peakL);
  setF64(M_STATS_PTR, 1, peakR);
  setF64(M_STATS_PTR, 2, sumL);
  setF64(M_STATS_PTR, 3, sumR);
  setF64(M_STATS_PTR, 4, minGain);
  setF64(M_STATS_PTR, 5, gain);
}
