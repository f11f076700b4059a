// @pages 4
// AssemblyScript: the conceptor-controlled reservoir's sample loop (reservoir/reservoir-player.ts
// documents the model) and the state correlations training needs. Every array lives at an
// address the host chose (memory sized per model) and is handed over by init().
// Why WebAssembly: a full conceptor is an N x N product every sample; at N = 128 and 48 kHz that
// is 0.8 G multiply-adds a second, which needs f32x4 SIMD to leave headroom.

import { f64At, setF64 } from './memory.lib.as';

// Model, all float32 except the sparse structure. Vectors are padded to NP (a multiple of 4)
// with zeros, and the full conceptor is N rows of NP.
let n: i32 = 0;
let np: i32 = 0;
let rowPtr: usize = 0; // int32[n + 1]
let colIdx: usize = 0; // int32[nnz]
let vals: usize = 0; // float32[nnz]
let win: usize = 0;
let bias: usize = 0;
let dvec: usize = 0; // input simulation: the input the loaded patterns would give, from the state
let wout: usize = 0;
// State and scratch.
let x: usize = 0;
let z: usize = 0;
let cz: usize = 0;
// The conceptor in use: N x NP (full) or NP (diagonal).
let cur: usize = 0;
let full: i32 = 1;

const EDGE: f32 = 4.971786858527683;
/** |x| beyond which a state is clamped: the reservoir must stay bounded whatever the controls. */
const STATE_LIMIT: f32 = 4;

export function init(
  size: i32,
  padded: i32,
  rows: usize,
  cols: usize,
  values: usize,
  inWeights: usize,
  biases: usize,
  inputSim: usize,
  readout: usize,
  state: usize,
  zScratch: usize,
  czScratch: usize,
  conceptor: usize,
  isFull: i32,
): void {
  n = size;
  np = padded;
  rowPtr = rows;
  colIdx = cols;
  vals = values;
  win = inWeights;
  bias = biases;
  dvec = inputSim;
  wout = readout;
  x = state;
  z = zScratch;
  cz = czScratch;
  cur = conceptor;
  full = isFull;
}

@inline
function f32At(base: usize, i: i32): f32 {
  return load<f32>(base + (<usize>i << 2));
}

/** tanh as a [7/6] rational clamped where it reaches +-1 (neurons/activations.ts), 4 lanes. */
@inline
function tanh4(v: v128): v128 {
  const e = f32x4.splat(EDGE);
  const c = f32x4.min(f32x4.max(v, f32x4.neg(e)), e);
  const x2 = f32x4.mul(c, c);
  const num = f32x4.mul(
    c,
    f32x4.add(f32x4.splat(135135), f32x4.mul(x2, f32x4.add(f32x4.splat(17325), f32x4.mul(x2, f32x4.add(f32x4.splat(378), x2))))),
  );
  const den = f32x4.add(
    f32x4.splat(135135),
    f32x4.mul(x2, f32x4.add(f32x4.splat(62370), f32x4.mul(x2, f32x4.add(f32x4.splat(3150), f32x4.mul(x2, f32x4.splat(28)))))),
  );
  return f32x4.div(num, den);
}

/** Dot product of two NP-long float32 vectors. */
@inline
function dot(a: usize, b: usize): f32 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  let j = 0;
  for (; j + 7 < np; j += 8) {
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + (<usize>j << 2)), v128.load(b + (<usize>j << 2))));
    acc1 = f32x4.add(acc1, f32x4.mul(v128.load(a + (<usize>j << 2), 16), v128.load(b + (<usize>j << 2), 16)));
  }
  if (j < np) acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + (<usize>j << 2)), v128.load(b + (<usize>j << 2))));
  const acc = f32x4.add(acc0, acc1);
  return f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
}

/**
 * Runs the reservoir autonomously for len samples:
 *   z = tanh(radius * (W* x + Win (d . x)) + b),  x <- (1 - leak) x + leak * (C z),  y = gain * (wout . x)
 * writing y (float64) to out. Accumulates |z - Cz|^2 and |z|^2 into att[0], att[1] (the
 * attenuation the aperture choice minimises). Returns 1 while the state is finite.
 */
export function run(len: i32, out: usize, leak: f32, radius: f32, gain: f64, att: usize): i32 {
  const keep = f32x4.splat(1 - leak);
  const a = f32x4.splat(leak);
  let diff: f64 = 0;
  let energy: f64 = 0;
  let healthy: i32 = 1;
  for (let s = 0; s < len; s++) {
    const fed = dot(dvec, x);
    // Recurrent drive: sparse W* plus the rank-one input simulation.
    for (let i = 0; i < n; i++) {
      const from = load<i32>(rowPtr + (<usize>i << 2));
      const to = load<i32>(rowPtr + (<usize>(i + 1) << 2));
      let acc: f32 = 0;
      for (let k = from; k < to; k++) acc += f32At(vals, k) * f32At(x, load<i32>(colIdx + (<usize>k << 2)));
      store<f32>(z + (<usize>i << 2), radius * (acc + f32At(win, i) * fed));
    }
    for (let j = 0; j < np; j += 4) {
      const p = <usize>j << 2;
      v128.store(z + p, tanh4(f32x4.add(v128.load(z + p), v128.load(bias + p))));
    }
    // Padding lanes of z hold tanh(0 + 0) = 0, so they never leak into the state.
    if (full) {
      for (let i = 0; i < n; i++) store<f32>(cz + (<usize>i << 2), dot(cur + <usize>(i * np) * 4, z));
    } else {
      for (let j = 0; j < np; j += 4) {
        const p = <usize>j << 2;
        v128.store(cz + p, f32x4.mul(v128.load(cur + p), v128.load(z + p)));
      }
    }
    let d2 = f32x4.splat(0);
    let e2 = f32x4.splat(0);
    const lim = f32x4.splat(STATE_LIMIT);
    for (let j = 0; j < np; j += 4) {
      const p = <usize>j << 2;
      const zz = v128.load(z + p);
      const c = v128.load(cz + p);
      const dd = f32x4.sub(zz, c);
      d2 = f32x4.add(d2, f32x4.mul(dd, dd));
      e2 = f32x4.add(e2, f32x4.mul(zz, zz));
      const nx = f32x4.add(f32x4.mul(keep, v128.load(x + p)), f32x4.mul(a, c));
      v128.store(x + p, f32x4.min(f32x4.max(nx, f32x4.neg(lim)), lim));
    }
    diff += <f64>(f32x4.extract_lane(d2, 0) + f32x4.extract_lane(d2, 1) + f32x4.extract_lane(d2, 2) + f32x4.extract_lane(d2, 3));
    energy += <f64>(f32x4.extract_lane(e2, 0) + f32x4.extract_lane(e2, 1) + f32x4.extract_lane(e2, 2) + f32x4.extract_lane(e2, 3));
    const y = gain * <f64>dot(wout, x);
    if (!(y < 1e6 && y > -1e6)) healthy = 0;
    setF64(out, s, y);
  }
  setF64(att, 0, f64At(att, 0) + diff);
  setF64(att, 1, f64At(att, 1) + energy);
  return healthy;
}

/** dst = sum over k of weight[k] * bank[index[k]], `size` float32 each (morphs and crossfades). */
export function blend(dst: usize, bank: usize, size: i32, index: usize, weight: usize, count: i32): void {
  const bytes = <usize>size << 2;
  memory.fill(dst, 0, bytes);
  for (let k = 0; k < count; k++) {
    const w = f32x4.splat(<f32>f64At(weight, k));
    const src = bank + <usize>load<i32>(index + (<usize>k << 2)) * bytes;
    for (let j = 0; j < size; j += 4) {
      const p = <usize>j << 2;
      v128.store(dst + p, f32x4.add(v128.load(dst + p), f32x4.mul(w, v128.load(src + p))));
    }
  }
}

/**
 * Training: r += sum over columns of x x^T for `cols` float64 state vectors of length m stored
 * one after another at states; only the upper triangle (j >= i) of the m x m float64 r is
 * written (the host mirrors it).
 */
export function gram(r: usize, states: usize, cols: i32, m: i32): void {
  for (let c = 0; c < cols; c++) {
    const v = states + <usize>(c * m) * 8;
    for (let i = 0; i < m; i++) {
      const xi = f64x2.splat(f64At(v, i));
      const row = r + <usize>(i * m) * 8;
      let j = i;
      if (j & 1) {
        setF64(row, j, f64At(row, j) + f64At(v, i) * f64At(v, j));
        j++;
      }
      for (; j + 1 < m; j += 2) {
        const p = <usize>j << 3;
        v128.store(row + p, f64x2.add(v128.load(row + p), f64x2.mul(xi, v128.load(v + p))));
      }
      if (j < m) setF64(row, j, f64At(row, j) + f64At(v, i) * f64At(v, j));
    }
  }
}
