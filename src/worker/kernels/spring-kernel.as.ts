// AssemblyScript: the spring reverb's sample loop (dsp/spring-reverb.ts holds the design and the
// coefficients). The two springs run side by side in the two lanes of f64x2; in TypeScript the
// 24 allpass stages alone cost more per sample than the whole voice.

import {
  SP_ALLPASS_PTR,
  SP_COEF_PTR,
  SP_DELAY_L_PTR,
  SP_DELAY_R_PTR,
  SP_IN_PTR,
  SP_INT_PTR,
  SP_OUT_L_PTR,
  SP_OUT_R_PTR,
  SP_STATE_PTR,
  SPRING_STAGES,
} from './spring-layout';

const TINY: f64 = 1e-30;
const HUGE: f64 = 1e30;
const INPUT_LIMIT: f64 = 1e6;
/** Keeps decaying tails out of the denormal range, where x86 arithmetic crawls (-360 dBFS). */
const ANTI_DENORMAL: f64 = 1e-18;

@inline
function coef(i: i32): f64 {
  return load<f64>(SP_COEF_PTR + (<usize>i << 3));
}

@inline
function pair(i: i32): v128 {
  return v128.load(SP_COEF_PTR + (<usize>i << 3));
}

@inline
function int(i: i32): i32 {
  return load<i32>(SP_INT_PTR + (<usize>i << 2));
}

/** Flushes denormals to 0 and resets a lane that blew up (it cannot, but a NaN must not stay). */
@inline
function clean(x: f64): f64 {
  if (x < TINY && x > -TINY) return 0;
  if (!(x < HUGE && x > -HUGE)) return 0;
  return x;
}

export function process(len: i32): void {
  const a = pair(0);
  const c = pair(2);
  const g = pair(4);
  const inGain = pair(6);
  const a1 = f64x2.splat(coef(8));
  const a2 = f64x2.splat(coef(9));
  const a3 = f64x2.splat(coef(10));
  const two = f64x2.splat(2);
  const dcB = coef(11);
  const dcA = coef(12);
  const K = int(0);
  let pos = int(1);
  const lenL = int(2);
  const lenR = int(3);
  let pL = int(4);
  let pR = int(5);
  let ic1 = v128.load(SP_STATE_PTR);
  let ic2 = v128.load(SP_STATE_PTR + 16);
  let lp = v128.load(SP_STATE_PTR + 32);
  let x1 = load<f64>(SP_STATE_PTR + 48);
  let y1 = load<f64>(SP_STATE_PTR + 56);
  const stride = <usize>K << 4;
  const end = SP_ALLPASS_PTR + <usize>SPRING_STAGES * stride;
  for (let s = 0; s < len; s++) {
    let x = load<f64>(SP_IN_PTR + (<usize>s << 3));
    if (!(x > -INPUT_LIMIT && x < INPUT_LIMIT)) x = x > 0 ? INPUT_LIMIT : x < 0 ? -INPUT_LIMIT : 0;
    // Input high-pass (springs carry no sub-bass), outside the loop.
    let h = dcB * (x - x1) + dcA * y1;
    if (h < TINY && h > -TINY) h = 0;
    x1 = x;
    y1 = h;
    let u = f64x2.add(f64x2.mul(inGain, f64x2.splat(h + ANTI_DENORMAL)), f64x2.mul(g, lp));
    // The stretched allpass chain: one normalised lattice per stage, memory K samples deep.
    for (let p = SP_ALLPASS_PTR + (<usize>pos << 4); p < end; p += stride) {
      const m = v128.load(p);
      v128.store(p, f64x2.sub(f64x2.mul(c, u), f64x2.mul(a, m)));
      u = f64x2.add(f64x2.mul(a, u), f64x2.mul(c, m));
    }
    pos = pos + 1 == K ? 0 : pos + 1;
    // Main delays (different lengths per spring).
    const dl = SP_DELAY_L_PTR + (<usize>pL << 3);
    const dr = SP_DELAY_R_PTR + (<usize>pR << 3);
    const d = f64x2.replace_lane(f64x2.splat(load<f64>(dl)), 1, load<f64>(dr));
    store<f64>(dl, f64x2.extract_lane(u, 0));
    store<f64>(dr, f64x2.extract_lane(u, 1));
    pL = pL + 1 == lenL ? 0 : pL + 1;
    pR = pR + 1 == lenR ? 0 : pR + 1;
    // Damping low-pass (TPT SVF, Butterworth), whose output is also the feedback.
    const v3 = f64x2.sub(d, ic2);
    const v1 = f64x2.add(f64x2.mul(a1, ic1), f64x2.mul(a2, v3));
    const v2 = f64x2.add(f64x2.add(ic2, f64x2.mul(a2, ic1)), f64x2.mul(a3, v3));
    ic1 = f64x2.sub(f64x2.mul(two, v1), ic1);
    ic2 = f64x2.sub(f64x2.mul(two, v2), ic2);
    lp = v2;
    store<f64>(SP_OUT_L_PTR + (<usize>s << 3), f64x2.extract_lane(v2, 0));
    store<f64>(SP_OUT_R_PTR + (<usize>s << 3), f64x2.extract_lane(v2, 1));
  }
  // Denormal flush and blow-up guard once per block keeps the loop itself lean.
  v128.store(SP_STATE_PTR, f64x2.replace_lane(f64x2.splat(clean(f64x2.extract_lane(ic1, 0))), 1, clean(f64x2.extract_lane(ic1, 1))));
  v128.store(SP_STATE_PTR + 16, f64x2.replace_lane(f64x2.splat(clean(f64x2.extract_lane(ic2, 0))), 1, clean(f64x2.extract_lane(ic2, 1))));
  v128.store(SP_STATE_PTR + 32, f64x2.replace_lane(f64x2.splat(clean(f64x2.extract_lane(lp, 0))), 1, clean(f64x2.extract_lane(lp, 1))));
  store<f64>(SP_STATE_PTR + 48, x1);
  store<f64>(SP_STATE_PTR + 56, y1);
  store<i32>(SP_INT_PTR + 4, pos);
  store<i32>(SP_INT_PTR + 16, pL);
  store<i32>(SP_INT_PTR + 20, pR);
}
