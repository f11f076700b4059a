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
 * writing y (float64) to out. Returns 1 while the state is finite.
 */
export function run(len: i32, out: usize, leak: f32, radius: f32, gain: f64): i32 {
  const keep = f32x4.splat(1 - leak);
  const a = f32x4.splat(leak);
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
    const lim = f32x4.splat(STATE_LIMIT);
    for (let j = 0; j < np; j += 4) {
      const p = <usize>j << 2;
      const c = v128.load(cz + p);
      const nx = f32x4.add(f32x4.mul(keep, v128.load(x + p)), f32x4.mul(a, c));
      v128.store(x + p, f32x4.min(f32x4.max(nx, f32x4.neg(lim)), lim));
    }
    const y = gain * <f64>dot(wout, x);
    if (!(y < 1e6 && y > -1e6)) healthy = 0;
    setF64(out, s, y);
  }
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

// ---- Symmetric eigen decomposition (Householder tridiagonalisation + implicit QL, after the
// EISPACK tred2/tql2 routines as in JAMA). Works on the TRANSPOSE W of the usual eigenvector
// matrix V (V[r][c] = W[c][r]) so every inner loop runs along a contiguous row. Training calls
// it once per grain at N up to 1024, where it is the dominant cost.

@inline
function wAt(w: usize, n: i32, r: i32, c: i32): f64 {
  // V[r][c]
  return load<f64>(w + (<usize>(c * n + r) << 3));
}

@inline
function wSet(w: usize, n: i32, r: i32, c: i32, v: f64): void {
  store<f64>(w + (<usize>(c * n + r) << 3), v);
}

/**
 * Eigenvalues (into d) and eigenvectors of the symmetric n x n float64 matrix at w (row-major);
 * on return row i of w is the unit eigenvector of d[i]. e is n float64 of scratch. Returns 0 on
 * success, 1 when QL did not converge (non-finite input).
 */
export function eigenSymmetric(w: usize, d: usize, e: usize, n: i32): i32 {
  for (let j = 0; j < n; j++) setF64(d, j, wAt(w, n, n - 1, j));
  for (let i = n - 1; i > 0; i--) {
    let scale: f64 = 0;
    let h: f64 = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(f64At(d, k));
    if (scale == 0) {
      setF64(e, i, f64At(d, i - 1));
      for (let j = 0; j < i; j++) {
        setF64(d, j, wAt(w, n, i - 1, j));
        wSet(w, n, i, j, 0);
        wSet(w, n, j, i, 0);
      }
    } else {
      for (let k = 0; k < i; k++) {
        const dk = f64At(d, k) / scale;
        setF64(d, k, dk);
        h += dk * dk;
      }
      let f = f64At(d, i - 1);
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      setF64(e, i, scale * g);
      h = h - f * g;
      setF64(d, i - 1, f - g);
      for (let j = 0; j < i; j++) setF64(e, j, 0);
      for (let j = 0; j < i; j++) {
        f = f64At(d, j);
        wSet(w, n, j, i, f);
        g = f64At(e, j) + wAt(w, n, j, j) * f;
        // V[k][j] for k in j+1..i-1 is row j of W, contiguous.
        const row = w + (<usize>(j * n) << 3);
        for (let k = j + 1; k <= i - 1; k++) {
          const v = f64At(row, k);
          g += v * f64At(d, k);
          setF64(e, k, f64At(e, k) + v * f);
        }
        setF64(e, j, g);
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        const ej = f64At(e, j) / h;
        setF64(e, j, ej);
        f += ej * f64At(d, j);
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) setF64(e, j, f64At(e, j) - hh * f64At(d, j));
      for (let j = 0; j < i; j++) {
        f = f64At(d, j);
        g = f64At(e, j);
        const row = w + (<usize>(j * n) << 3);
        for (let k = j; k <= i - 1; k++) setF64(row, k, f64At(row, k) - (f * f64At(e, k) + g * f64At(d, k)));
        setF64(d, j, wAt(w, n, i - 1, j));
        wSet(w, n, i, j, 0);
      }
    }
    setF64(d, i, h);
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    wSet(w, n, n - 1, i, wAt(w, n, i, i));
    wSet(w, n, i, i, 1);
    const h = f64At(d, i + 1);
    const col = w + (<usize>((i + 1) * n) << 3); // V[k][i+1] = W[i+1][k]
    if (h != 0) {
      for (let k = 0; k <= i; k++) setF64(d, k, f64At(col, k) / h);
      for (let j = 0; j <= i; j++) {
        const row = w + (<usize>(j * n) << 3); // V[k][j] = W[j][k]
        let g: f64 = 0;
        for (let k = 0; k <= i; k++) g += f64At(col, k) * f64At(row, k);
        for (let k = 0; k <= i; k++) setF64(row, k, f64At(row, k) - g * f64At(d, k));
      }
    }
    for (let k = 0; k <= i; k++) setF64(col, k, 0);
  }
  for (let j = 0; j < n; j++) {
    setF64(d, j, wAt(w, n, n - 1, j));
    wSet(w, n, n - 1, j, 0);
  }
  wSet(w, n, n - 1, n - 1, 1);
  setF64(e, 0, 0);

  // Implicit QL on the tridiagonal matrix (d, e).
  for (let i = 1; i < n; i++) setF64(e, i - 1, f64At(e, i));
  setF64(e, n - 1, 0);
  let f: f64 = 0;
  let tst1: f64 = 0;
  const eps: f64 = 2.220446049250313e-16;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(f64At(d, l)) + Math.abs(f64At(e, l)));
    if (!(tst1 < Infinity)) return 1; // NaN or infinity in the input
    let m = l;
    while (m < n) {
      if (Math.abs(f64At(e, m)) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 100) return 1;
        let g = f64At(d, l);
        let p = (f64At(d, l + 1) - g) / (2 * f64At(e, l));
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        setF64(d, l, f64At(e, l) / (p + r));
        setF64(d, l + 1, f64At(e, l) * (p + r));
        const dl1 = f64At(d, l + 1);
        let h = g - f64At(d, l);
        for (let i = l + 2; i < n; i++) setF64(d, i, f64At(d, i) - h);
        f += h;
        p = f64At(d, m);
        let c: f64 = 1;
        let c2: f64 = 1;
        let c3: f64 = 1;
        const el1 = f64At(e, l + 1);
        let s: f64 = 0;
        let s2: f64 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * f64At(e, i);
          h = c * p;
          r = Math.hypot(p, f64At(e, i));
          setF64(e, i + 1, s * r);
          s = f64At(e, i) / r;
          c = p / r;
          p = c * f64At(d, i) - s * g;
          setF64(d, i + 1, h + s * (c * g + s * f64At(d, i)));
          // Rotate eigenvectors i and i+1: rows i and i+1 of W, two lanes at a time.
          const ri = w + (<usize>(i * n) << 3);
          const rj = w + (<usize>((i + 1) * n) << 3);
          const sv = f64x2.splat(s);
          const cv = f64x2.splat(c);
          let k = 0;
          for (; k + 1 < n; k += 2) {
            const o = <usize>k << 3;
            const a = v128.load(ri + o);
            const b = v128.load(rj + o);
            v128.store(rj + o, f64x2.add(f64x2.mul(sv, a), f64x2.mul(cv, b)));
            v128.store(ri + o, f64x2.sub(f64x2.mul(cv, a), f64x2.mul(sv, b)));
          }
          if (k < n) {
            const a = f64At(ri, k);
            const b = f64At(rj, k);
            setF64(rj, k, s * a + c * b);
            setF64(ri, k, c * a - s * b);
          }
        }
        p = (-s * s2 * c3 * el1 * f64At(e, l)) / dl1;
        setF64(e, l, s * p);
        setF64(d, l, c * p);
      } while (Math.abs(f64At(e, l)) > eps * tst1);
    }
    setF64(d, l, f64At(d, l) + f);
    setF64(e, l, 0);
  }
  return 0;
}
