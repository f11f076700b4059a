// @pages 16
// AssemblyScript: every band-limited oscillator (sources and the voice) and the voice's
// zero-delay-feedback filter, a block per call. dsp/wavetable.ts and voice/voice.ts document the
// designs; in TypeScript the per-sample table reads and filter updates were the engine's
// largest cost.

import {
  AUDIO_IN_PTR,
  CONTROL_CACHE_PTR,
  VOICE_CONTROLS,
  CONTROL_MAP_PTR,
  CONTROL_PTR,
  FREQ_PTR,
  OSC_LEVEL_PTR,
  OSC_OUT_PTR,
  OSC_STATE_PTR,
  SHAPE_PTR,
  SYNTH_MAX_BLOCK,
  TABLE_LEVELS,
  TABLE_SIZE,
  TABLE_STRIDE,
  TABLES_PTR,
  VOICE_OUT_PTR,
  VOICE_STATE_PTR,
} from './synth-layout';
import { f64At, setF64 } from './memory.lib.as';

const SAW: i32 = 2;
const MAX_LEVEL: i32 = TABLE_LEVELS - 1;
const FRAMES_PER_CYCLE: f64 = <f64>TABLE_SIZE;

let invSampleRate: f64 = 1.0 / 48000.0;
let nyquist: f64 = 24000;
let sampleRate: f64 = 48000;

export function init(rate: f64): void {
  sampleRate = rate;
  invSampleRate = 1.0 / rate;
  nyquist = 0.5 * rate;
}


// Oscillator state fields (float64 slots per oscillator).
const PHASE: i32 = 0;
const LAST_F: i32 = 1;
const HI_W: i32 = 2;
const AUDIBLE: i32 = 3;

@inline
function state(o: i32, field: i32): usize {
  return OSC_STATE_PTR + (<usize>(o * 4 + field) << 3);
}

/**
 * Mip selection for |freq| (cached per oscillator): with l = log2(Nyquist / |f|), tables
 * floor(l)-1 and floor(l) are blended by frac(l), so no partial ever passes Nyquist; above
 * Nyquist even the fundamental would alias and the oscillator goes silent. Returns the phase
 * increment (0 for NaN / Inf, which holds the phase).
 */
function select(o: i32, freq: f64): f64 {
  let inc = freq * invSampleRate;
  if (!(inc > -1e6 && inc < 1e6)) inc = 0;
  const af = inc < 0 ? -freq : inc == 0 ? 0 : freq;
  if (af != load<f64>(state(o, LAST_F))) {
    store<f64>(state(o, LAST_F), af);
    const l = Math.log2(nyquist / af);
    let lo = MAX_LEVEL;
    let hi = MAX_LEVEL;
    let w: f64 = 1;
    let audible: f64 = 1;
    if (l >= <f64>(MAX_LEVEL + 1)) {
      // all harmonics fit
    } else if (l >= 1) {
      const L = <i32>Math.floor(l);
      lo = L - 1;
      hi = L;
      w = l - <f64>L;
    } else {
      lo = 0;
      hi = 0;
      if (!(l >= 0)) audible = 0;
    }
    store<i32>(OSC_LEVEL_PTR + (<usize>o << 3), lo);
    store<i32>(OSC_LEVEL_PTR + (<usize>o << 3), hi, 4);
    store<f64>(state(o, HI_W), w);
    store<f64>(state(o, AUDIBLE), audible);
  }
  return inc;
}

/** Mip-blended, linearly interpolated read of `shape` at phase p in [0, 1). */
@inline
function read(o: i32, shape: i32, p: f64): f64 {
  const pos = p * FRAMES_PER_CYCLE;
  const i = <i32>pos;
  const fr = pos - <f64>i;
  const lo = load<i32>(OSC_LEVEL_PTR + (<usize>o << 3));
  const hi = load<i32>(OSC_LEVEL_PTR + (<usize>o << 3), 4);
  const base = TABLES_PTR + ((<usize>(shape * TABLE_LEVELS) * <usize>TABLE_STRIDE + <usize>i) << 2);
  const t = base + <usize>(lo * TABLE_STRIDE) * 4;
  const a = <f64>load<f32>(t);
  const vLo = a + fr * (<f64>load<f32>(t, 4) - a);
  if (hi == lo) return vLo;
  const u = base + <usize>(hi * TABLE_STRIDE) * 4;
  const b = <f64>load<f32>(u);
  const vHi = b + fr * (<f64>load<f32>(u, 4) - b);
  return vLo + load<f64>(state(o, HI_W)) * (vHi - vLo);
}

@inline
function advance(o: i32, inc: f64): void {
  let p = load<f64>(state(o, PHASE)) + inc;
  if (p >= 1 || p < 0) {
    p -= Math.floor(p);
    if (p >= 1) p = 0;
  }
  store<f64>(state(o, PHASE), p);
}

/** One sample of oscillator o at `morph` in [0, 3]: sine, triangle, saw, square, crossfaded. */
@inline
function morphed(o: i32, freq: f64, morph: f64): f64 {
  const inc = select(o, freq);
  let m = morph;
  if (!(m > 0)) m = 0;
  else if (m > 3) m = 3;
  let shape = <i32>Math.floor(m);
  if (shape > 2) shape = 2;
  const f = m - <f64>shape;
  const p = load<f64>(state(o, PHASE));
  let y = read(o, shape, p);
  if (f > 0) y += f * (read(o, shape + 1, p) - y);
  advance(o, inc);
  return y * load<f64>(state(o, AUDIBLE));
}

/** Pulse of duty w: saw(p - w + 1/2) - saw(p + 1/2), levels 2 - 2w and -2w (mean 0). */
@inline
function pulse(o: i32, freq: f64, width: f64): f64 {
  const inc = select(o, freq);
  let w = width;
  if (!(w >= 0.01)) w = 0.01;
  else if (w > 0.99) w = 0.99;
  const p = load<f64>(state(o, PHASE));
  let a = p - w + 0.5;
  if (a < 0) a += 1;
  else if (a >= 1) a -= 1;
  let b = p + 0.5;
  if (b >= 1) b -= 1;
  const y = read(o, SAW, a) - read(o, SAW, b);
  advance(o, inc);
  return y * load<f64>(state(o, AUDIBLE));
}

/** Oscillator o over len samples of FREQ_PTR and SHAPE_PTR (morph, or width when isPulse). */
export function osc(o: i32, len: i32, isPulse: i32): void {
  if (isPulse) {
    for (let s = 0; s < len; s++) setF64(OSC_OUT_PTR, s, pulse(o, f64At(FREQ_PTR, s), f64At(SHAPE_PTR, s)));
  } else {
    for (let s = 0; s < len; s++) setF64(OSC_OUT_PTR, s, morphed(o, f64At(FREQ_PTR, s), f64At(SHAPE_PTR, s)));
  }
}

export function resetOsc(o: i32, phase: f64): void {
  let p = phase - Math.floor(phase);
  if (!(p >= 0 && p < 1)) p = 0;
  store<f64>(state(o, PHASE), p);
  store<f64>(state(o, LAST_F), -1);
}

/**
 * A voice control at sample s, mapped from its normalised value (clamped to 0..1). The last
 * input and result are kept per control: a control that holds still costs no exp().
 */
@inline
function control(k: i32, s: i32): f64 {
  const n0 = f64At(CONTROL_PTR + <usize>(k * SYNTH_MAX_BLOCK) * 8, s);
  const cache = CONTROL_CACHE_PTR + <usize>(k * 2) * 8;
  if (n0 == load<f64>(cache)) return load<f64>(cache, 8);
  const n = n0 > 0 ? (n0 < 1 ? n0 : 1) : 0;
  const map = CONTROL_MAP_PTR + <usize>(k * 3) * 8;
  const x = load<f64>(map) + n * load<f64>(map, 8);
  const v = load<f64>(map, 16) != 0 ? Math.exp(x) : x;
  store<f64>(cache, n0);
  store<f64>(cache, v, 8);
  return v;
}

/**
 * tan(x) for 0 <= x < pi/2 by the [5/4] Pade approximant at x/2 and the double-angle formula:
 * relative error under 3e-8 up to 0.45 pi, for the filter's prewarp every sample.
 */
@inline
function prewarp(x: f64): f64 {
  const h = 0.5 * x;
  const h2 = h * h;
  const t = (h * (945 - 105 * h2 + h2 * h2)) / (945 - 420 * h2 + 15 * h2 * h2);
  return (2 * t) / (1 - t * t);
}

/**
 * The voice over len samples: oscillator 0 (pitch, morph) x osc level + routed audio, through a
 * zero-delay-feedback state-variable low-pass (Simper's trapezoidal form, stable under per-sample
 * cutoff and Q changes), x level, into VOICE_OUT_PTR.
 */
export function voice(len: i32): void {
  const st = VOICE_STATE_PTR;
  let ic1 = f64At(st, 0);
  let ic2 = f64At(st, 1);
  let lastCut = f64At(st, 2);
  let lastQ = f64At(st, 3);
  let a1 = f64At(st, 4);
  let a2 = f64At(st, 5);
  let a3 = f64At(st, 6);
  let lastRes = f64At(st, 8);
  let q = f64At(st, 9);
  const maxCut = 0.45 * sampleRate;
  let pitch: f64 = 0;
  let morph: f64 = 0;
  let cutoff: f64 = 0;
  for (let s = 0; s < len; s++) {
    pitch = control(0, s);
    morph = control(1, s);
    cutoff = control(2, s);
    const res = control(3, s);
    const level = control(4, s);
    const oscLevel = control(5, s);
    if (res != lastRes) {
      lastRes = res;
      q = 0.5 * Math.pow(50, res < 0 ? 0 : res > 1 ? 1 : res);
    }
    let fc = cutoff;
    if (!(fc >= 10)) fc = 10;
    else if (fc > maxCut) fc = maxCut;
    if (fc != lastCut || q != lastQ) {
      lastCut = fc;
      lastQ = q;
      const g = prewarp((Math.PI * fc) / sampleRate);
      a1 = 1 / (1 + g * (g + 1 / q));
      a2 = g * a1;
      a3 = g * a2;
    }
    const x = (oscLevel > 0 ? morphed(0, pitch, morph) * oscLevel : 0) + f64At(AUDIO_IN_PTR, s);
    const v3 = x - ic2;
    const v1 = a1 * ic1 + a2 * v3;
    const v2 = ic2 + a2 * ic1 + a3 * v3;
    ic1 = 2 * v1 - ic1;
    ic2 = 2 * v2 - ic2;
    setF64(VOICE_OUT_PTR, s, v2 * level);
  }
  // Denormals flushed, and a state that blew up (it cannot, but NaN input could) cleared.
  if (ic1 < 1e-30 && ic1 > -1e-30) ic1 = 0;
  if (ic2 < 1e-30 && ic2 > -1e-30) ic2 = 0;
  if (!(ic1 < 1e30 && ic1 > -1e30 && ic2 < 1e30 && ic2 > -1e30)) {
    ic1 = 0;
    ic2 = 0;
  }
  setF64(st, 0, ic1);
  setF64(st, 1, ic2);
  setF64(st, 2, lastCut);
  setF64(st, 3, lastQ);
  setF64(st, 4, a1);
  setF64(st, 5, a2);
  setF64(st, 6, a3);
  setF64(st, 8, lastRes);
  setF64(st, 9, q);
  setF64(st, 10, pitch);
  setF64(st, 11, morph);
  setF64(st, 12, cutoff);
}

export function resetVoice(): void {
  memory.fill(VOICE_STATE_PTR, 0, 16 * 8);
  for (let k = 0; k < VOICE_CONTROLS * 2; k++) setF64(CONTROL_CACHE_PTR, k, NaN);
  setF64(VOICE_STATE_PTR, 2, -1);
  setF64(VOICE_STATE_PTR, 8, -1);
  setF64(VOICE_STATE_PTR, 9, 0.5);
  resetOsc(0, 0);
}
