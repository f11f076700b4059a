// AssemblyScript: the neuron network, a control chunk (<= CHUNK samples) per call, compiled to
// WebAssembly with SIMD. Why not TypeScript: a 16 x 19 network needs ~300 multiply-adds per
// sample; V8 runs them at about 1 ns each, WebAssembly f64x2 at about a third (`axon bench`,
// dense-16). The model is documented in neurons/network.ts; the activations must equal the
// reference functions in neurons/activations.ts.

import {
  A_PTR,
  ACT_PTR,
  CHUNK,
  COL_PTR,
  D_PTR,
  ERR_COUNT_PTR,
  ERR_SUM_PTR,
  GATE_PTR,
  KERNEL_MAX_NEURONS,
  LEARN_MODE_PTR,
  LEARN_RATE_PTR,
  LIMITS_PTR,
  MAX_TARGETS,
  NEURON_PARAM_COUNT,
  NEXT_PTR,
  P_PTR,
  PARAM_BIAS,
  PARAM_HYSTERESIS,
  PARAM_IN_GAIN,
  PARAM_LEAK_G,
  PARAM_NOISE,
  PARAM_OUT_GAIN,
  PARAM_RESPONSE,
  PARAM_SENSE,
  PARAM_THRESHOLD,
  RAMP_INC_PTR,
  RAMP_INDEX_PTR,
  RNG_PTR,
  STATE_PTR,
  TARGET_COL_PTR,
  TARGET_COUNT_PTR,
  TARGET_GAIN_PTR,
  U_PTR,
  V_PTR,
  W_PTR,
} from './network-layout';
import { f64At, setF64 } from './memory.lib.as';

// Activation codes: the order of ACTIVATIONS in shared/patch/schema.ts.
const TANH: i32 = 0;
const SIGMOID: i32 = 1;
const RELU: i32 = 2;
const SINE: i32 = 3;
const HARDCLIP: i32 = 4;
const COMPARATOR: i32 = 5;
const NLC: i32 = 6;

const LEARNING: i32 = 1;
const FROZEN: i32 = 2;

const TANH_EDGE: f64 = 4.971786858527683;
/**
 * Where a ReLU saturates, as an analog rectifier does at its supply rail. Unbounded, a ReLU in a
 * loop with gain above one grew until the network's health check reset it, over and over (the
 * soak found neuron-mixer stuttering so with weights dragged within their ranges).
 */
const RELU_RAIL: f64 = 10;
const NLC_VOLTS: f64 = 5;
const INV_NLC_VOLTS: f64 = 0.2;
const LIMIT: f64 = 1e6;
/** Regularises the learning step so a flat slope cannot make it explode. */
const DELTA: f64 = 0.01;

@inline
function tanh(x: f64): f64 {
  if (x >= TANH_EDGE) return 1;
  if (x <= -TANH_EDGE) return -1;
  const x2 = x * x;
  return (x * (135135 + x2 * (17325 + x2 * (378 + x2)))) / (135135 + x2 * (62370 + x2 * (3150 + x2 * 28)));
}


@inline
function param(which: i32, i: i32): f64 {
  return f64At(P_PTR + <usize>(which * KERNEL_MAX_NEURONS * 8), i);
}

@inline
function paramPtr(which: i32): usize {
  return P_PTR + <usize>(which * KERNEL_MAX_NEURONS * 8);
}

/** Slope of each activation for learning (neurons/activations.ts `slope`). */
@inline
function slope(act: i32, u: f64, a: f64, sense: f64): f64 {
  if (act == TANH) return 1 - a * a + 1e-3;
  if (act == SIGMOID) return a * (1 - a) + 1e-3;
  if (act == RELU) return u > 0 && u < RELU_RAIL ? 1 : 0.01;
  if (act == SINE) return Math.cos(u);
  if (act == HARDCLIP) return u > -1 && u < 1 ? 1 : 0.01;
  if (act == NLC) {
    const r = u * NLC_VOLTS + sense;
    return r > 0 && r < 10 ? 1 : 0.01;
  }
  return 0;
}

/** Normalised LMS for neuron i toward its target mix (see neurons/network.ts). */
function learn(i: i32, m: i32, c: i32, y: f64, u: f64, a: f64, act: i32): void {
  const count = load<i32>(TARGET_COUNT_PTR + (<usize>i << 2));
  let t: f64 = 0;
  for (let k = 0; k < count; k++) {
    const slot = i * MAX_TARGETS + k;
    t += f64At(TARGET_GAIN_PTR, slot) * f64At(V_PTR, load<i32>(TARGET_COL_PTR + (<usize>slot << 2)));
  }
  const e = t - y;
  setF64(ERR_SUM_PTR, i, f64At(ERR_SUM_PTR, i) + e * e);
  setF64(ERR_COUNT_PTR, i, f64At(ERR_COUNT_PTR, i) + 1);
  if (load<i32>(LEARN_MODE_PTR + (<usize>i << 2)) == FROZEN) return;
  const gain = param(PARAM_OUT_GAIN, i) * param(PARAM_LEAK_G, i) * param(PARAM_IN_GAIN, i) * slope(act, u, a, param(PARAM_SENSE, i));
  let power: f64 = 1; // the bias input
  for (let j = 0; j < m; j++) {
    const x = f64At(V_PTR, j);
    power += x * x;
  }
  const step = (f64At(LEARN_RATE_PTR, i) * e * gain) / (DELTA + gain * gain * power);
  const wMin = f64At(LIMITS_PTR, 0);
  const wMax = f64At(LIMITS_PTR, 1);
  const row = W_PTR + (<usize>(i * c) << 3);
  for (let j = 0; j < m; j++) {
    let w = load<f64>(row + (<usize>j << 3)) + step * f64At(V_PTR, j);
    w = w < wMin ? wMin : w > wMax ? wMax : w;
    store<f64>(row + (<usize>j << 3), w);
  }
  let b = param(PARAM_BIAS, i) + step;
  const bMin = f64At(LIMITS_PTR, 2);
  const bMax = f64At(LIMITS_PTR, 3);
  b = b < bMin ? bMin : b > bMax ? bMax : b;
  setF64(paramPtr(PARAM_BIAS), i, b);
}

/**
 * Runs `len` samples of n neurons over c columns (m sources first). Per sample: sources from
 * their column buffers into v, parameters and weight ramps advanced, every neuron computed from
 * the previous sample's outputs, learners updated, outputs written to v and their column
 * buffers. Returns 1 while every output stayed finite and below LIMIT, else 0.
 */
export function run(n: i32, c: i32, len: i32, moving: i32, ramps: i32, learners: i32): i32 {
  const m = c - n;
  let healthy: i32 = 1;
  for (let s = 0; s < len; s++) {
    for (let k = 0; k < m; k++) setF64(V_PTR, k, f64At(COL_PTR + <usize>(k * CHUNK * 8), s));
    if (moving) {
      const total = NEURON_PARAM_COUNT * KERNEL_MAX_NEURONS;
      for (let k = 0; k < total; k++) setF64(P_PTR, k, f64At(P_PTR, k) + f64At(D_PTR, k));
    }
    for (let r = 0; r < ramps; r++) {
      const w = W_PTR + (<usize>load<i32>(RAMP_INDEX_PTR + (<usize>r << 2)) << 3);
      store<f64>(w, load<f64>(w) + f64At(RAMP_INC_PTR, r));
    }
    for (let i = 0; i < n; i++) {
      const row = W_PTR + (<usize>(i * c) << 3);
      // Four independent accumulators: a single one would make every add wait for the last.
      let acc0 = f64x2.splat(0);
      let acc1 = f64x2.splat(0);
      let acc2 = f64x2.splat(0);
      let acc3 = f64x2.splat(0);
      let j = 0;
      for (; j + 7 < c; j += 8) {
        const w = row + (<usize>j << 3);
        const x = V_PTR + (<usize>j << 3);
        acc0 = f64x2.add(acc0, f64x2.mul(v128.load(w), v128.load(x)));
        acc1 = f64x2.add(acc1, f64x2.mul(v128.load(w, 16), v128.load(x, 16)));
        acc2 = f64x2.add(acc2, f64x2.mul(v128.load(w, 32), v128.load(x, 32)));
        acc3 = f64x2.add(acc3, f64x2.mul(v128.load(w, 48), v128.load(x, 48)));
      }
      for (; j + 1 < c; j += 2) {
        acc0 = f64x2.add(acc0, f64x2.mul(v128.load(row + (<usize>j << 3)), v128.load(V_PTR + (<usize>j << 3))));
      }
      const acc = f64x2.add(f64x2.add(acc0, acc1), f64x2.add(acc2, acc3));
      let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      if (j < c) sum += load<f64>(row + (<usize>j << 3)) * f64At(V_PTR, j);
      setF64(U_PTR, i, sum);
    }
    // Activations in a second pass: short independent iterations the CPU overlaps well.
    for (let i = 0; i < n; i++) {
      let u = param(PARAM_IN_GAIN, i) * f64At(U_PTR, i) + param(PARAM_BIAS, i);
      const noise = param(PARAM_NOISE, i);
      if (noise > 0) {
        const rp = RNG_PTR + (<usize>i << 2);
        let x = load<i32>(rp);
        x ^= x << 13;
        x ^= <i32>(<u32>x >> 17);
        x ^= x << 5;
        store<i32>(rp, x);
        u += noise * <f64>x * (1.0 / 2147483648.0);
      }
      let a: f64 = 0;
      switch (load<i32>(ACT_PTR + (<usize>i << 2))) {
        case TANH:
          a = tanh(u);
          break;
        case SIGMOID:
          a = 0.5 + 0.5 * tanh(0.5 * u);
          break;
        case RELU:
          a = u > 0 ? (u < RELU_RAIL ? u : RELU_RAIL) : 0;
          break;
        case SINE:
          a = Math.sin(u);
          break;
        case HARDCLIP:
          a = u > 1 ? 1 : u < -1 ? -1 : u;
          break;
        case COMPARATOR: {
          const half = param(PARAM_HYSTERESIS, i) * 0.5;
          const th = param(PARAM_THRESHOLD, i);
          let gate = f64At(GATE_PTR, i);
          if (gate == 0) {
            if (u > th + half) gate = 1;
          } else if (u < th - half) gate = 0;
          setF64(GATE_PTR, i, gate);
          a = gate;
          break;
        }
        case NLC: {
          let r = u * NLC_VOLTS + param(PARAM_SENSE, i);
          r = r < 0 ? 0 : r > 10 ? 10 : r;
          const response = param(PARAM_RESPONSE, i);
          a = (r > 0 ? r - response : response) * INV_NLC_VOLTS;
          break;
        }
      }
      setF64(U_PTR, i, u);
      setF64(A_PTR, i, a);
      const prev = f64At(STATE_PTR, i);
      const x = prev + param(PARAM_LEAK_G, i) * (a - prev);
      setF64(STATE_PTR, i, x);
      const y = param(PARAM_OUT_GAIN, i) * x;
      setF64(NEXT_PTR, i, y);
      if (!(y < LIMIT && y > -LIMIT)) healthy = 0;
    }
    // Learners read the same inputs the outputs were computed from (sources are in v[0, m)).
    if (learners) {
      for (let i = 0; i < n; i++) {
        if (load<i32>(LEARN_MODE_PTR + (<usize>i << 2)) != 0) {
          learn(i, m, c, f64At(NEXT_PTR, i), f64At(U_PTR, i), f64At(A_PTR, i), load<i32>(ACT_PTR + (<usize>i << 2)));
        }
      }
    }
    for (let i = 0; i < n; i++) {
      const y = f64At(NEXT_PTR, i);
      setF64(V_PTR, m + i, y);
      setF64(COL_PTR + <usize>((m + i) * CHUNK * 8), s, y);
    }
  }
  return healthy;
}
