// AssemblyScript: the neuron network's per-sample step, compiled to WebAssembly with SIMD.
// Why not TypeScript: a 16 x 19 network needs ~300 multiply-adds per sample; V8 runs them at
// about 1 ns each, WebAssembly f64x2 at about a third of that (see `axon bench`, dense-16).
// It must compute exactly what the reference functions in neurons/activations.ts describe.

import {
  A_PTR,
  ACT_PTR,
  BIAS_PTR,
  GATE_PTR,
  HYSTERESIS_PTR,
  IN_GAIN_PTR,
  LEAK_G_PTR,
  NEXT_PTR,
  NOISE_PTR,
  OUT_GAIN_PTR,
  RESPONSE_PTR,
  RNG_PTR,
  SENSE_PTR,
  STATE_PTR,
  THRESHOLD_PTR,
  U_PTR,
  V_PTR,
  W_PTR,
} from './network-layout';

// Activation codes: the order of ACTIVATIONS in shared/patch/schema.ts.
const TANH: i32 = 0;
const SIGMOID: i32 = 1;
const RELU: i32 = 2;
const SINE: i32 = 3;
const HARDCLIP: i32 = 4;
const COMPARATOR: i32 = 5;
const NLC: i32 = 6;

const TANH_EDGE: f64 = 4.971786858527683;
const NLC_VOLTS: f64 = 5;
const LIMIT: f64 = 1e6;

@inline
function tanh(x: f64): f64 {
  if (x >= TANH_EDGE) return 1;
  if (x <= -TANH_EDGE) return -1;
  const x2 = x * x;
  return (x * (135135 + x2 * (17325 + x2 * (378 + x2)))) / (135135 + x2 * (62370 + x2 * (3150 + x2 * 28)));
}

@inline
function f64At(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}

/**
 * Advances n neurons over c columns by one sample (see neurons/network.ts for the model).
 * Returns 1 while every output is finite and below LIMIT, else 0.
 */
export function step(n: i32, c: i32): i32 {
  let healthy: i32 = 1;
  for (let i = 0; i < n; i++) {
    const row = W_PTR + (<usize>(i * c) << 3);
    let acc = f64x2.splat(0);
    let j = 0;
    for (; j + 1 < c; j += 2) {
      acc = f64x2.add(acc, f64x2.mul(v128.load(row + (<usize>j << 3)), v128.load(V_PTR + (<usize>j << 3))));
    }
    let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    if (j < c) s += load<f64>(row + (<usize>j << 3)) * f64At(V_PTR, j);
    let u = f64At(IN_GAIN_PTR, i) * s + f64At(BIAS_PTR, i);
    const noise = f64At(NOISE_PTR, i);
    if (noise > 0) {
      const rp = RNG_PTR + (<usize>i << 2);
      let x = load<i32>(rp);
      x ^= x << 13;
      x ^= <i32>(<u32>x >> 17);
      x ^= x << 5;
      store<i32>(rp, x);
      u += noise * <f64>x * (1.0 / 2147483648.0);
    }
    store<f64>(U_PTR + (<usize>i << 3), u);
    let a: f64 = 0;
    const act = load<i32>(ACT_PTR + (<usize>i << 2));
    if (act == TANH) a = tanh(u);
    else if (act == SIGMOID) a = 0.5 + 0.5 * tanh(0.5 * u);
    else if (act == RELU) a = u > 0 ? u : 0;
    else if (act == SINE) a = Math.sin(u);
    else if (act == HARDCLIP) a = u > 1 ? 1 : u < -1 ? -1 : u;
    else if (act == COMPARATOR) {
      const half = f64At(HYSTERESIS_PTR, i) * 0.5;
      const th = f64At(THRESHOLD_PTR, i);
      const gp = GATE_PTR + (<usize>i << 3);
      let gate = load<f64>(gp);
      if (gate == 0) {
        if (u > th + half) gate = 1;
      } else if (u < th - half) gate = 0;
      store<f64>(gp, gate);
      a = gate;
    } else if (act == NLC) {
      let r = u * NLC_VOLTS + f64At(SENSE_PTR, i);
      r = r < 0 ? 0 : r > 10 ? 10 : r;
      const response = f64At(RESPONSE_PTR, i);
      a = (r > 0 ? r - response : response) / NLC_VOLTS;
    }
    store<f64>(A_PTR + (<usize>i << 3), a);
    const sp = STATE_PTR + (<usize>i << 3);
    const prev = load<f64>(sp);
    const x = prev + f64At(LEAK_G_PTR, i) * (a - prev);
    store<f64>(sp, x);
    const y = f64At(OUT_GAIN_PTR, i) * x;
    store<f64>(NEXT_PTR + (<usize>i << 3), y);
    if (!(y < LIMIT && y > -LIMIT)) healthy = 0;
  }
  const base = V_PTR + (<usize>(c - n) << 3);
  memory.copy(base, NEXT_PTR, <usize>n << 3);
  return healthy;
}
