import { MAX_DERIVED, MAX_MORPH_SET } from '../../shared/patch/schema';
import type { Hertz } from '../../shared/units';
import { instantiateKernel } from '../kernels/load-kernel';
import { conceptorSize, type ReservoirModel } from './reservoir-model';

/** Fraction of each grain's span over which the next conceptor is crossfaded in. */
const CROSSFADE = 0.05;
/** Conceptors a morph blends at most, and room for conceptors derived from the grains'. */
const MAX_MORPH = MAX_MORPH_SET;
const EXTRA_CONCEPTORS = MAX_DERIVED;
export const MAX_RENDER = 1024;
const BASE = 65536;
const DC_CUTOFF: Hertz = 10;
/** Output range below which a chunk counts as still, and how long it must stay so (50 ms). */
const STILL_RANGE = 1e-4;
const STILL_SECONDS = 0.05;
/** A grain whose trained re-synthesis erred less than this holds its pattern on its own. */
const SUSTAINS = 0.9;
/** Samples over which a revived reservoir fades in (5 ms at 48 kHz). */
const FADE_IN = 240;

/** Per-chunk controls of a reservoir voice. */
export interface ReservoirControls {
  /** Grains per grain-length: 1 plays the sequence as loaded, negative reverses, 0 holds. */
  speed: number;
  /** Multiplies the model's leak rate (result clamped to 0..1): pitch and timbre. */
  leak: number;
  /** Multiplies the recurrent drive (the spectral radius), 0.8..1.2 is the useful range. */
  radius: number;
  gain: number;
  /** 0: the sequence; 1: the morph conceptors only (blended by morphWeights). */
  morph: number;
}

const pad4 = (n: number) => Math.ceil(n / 4) * 4;

/** Coefficients [b, a] of the output's DC blocker y = b (x - x1) + a y1 (bilinear one-pole high-pass). */
export function dcBlocker(sampleRate: Hertz): [number, number] {
  const w = Math.tan((Math.PI * DC_CUTOFF) / sampleRate);
  return [1 / (1 + w), (1 - w) / (1 + w)];
}

/** Linear up to 0.5, then bends smoothly (same slope at the knee) toward +-1, never past it. */
function softLimit(y: number): number {
  const a = y < 0 ? -y : y;
  if (a <= 0.5) return y;
  const v = 0.5 + 0.5 * Math.tanh(2 * (a - 0.5));
  return y < 0 ? -v : v;
}

/**
 * Plays a trained reservoir in real time (conceptular synthesis): the reservoir runs
 * autonomously under a conceptor C, x <- (1 - a) x + a C tanh(rho (W* x + win (d . x)) + b), and
 * the readout is the sound. The conceptor steps through the loaded grains at `speed`, crossfading
 * into the next over the last 5 % of each; a morph blends chosen conceptors into it. Blends are
 * formed once per chunk (control rate), never per sample; the sample loop is a WebAssembly
 * kernel. The state is clamped, and the output DC-blocked and soft-limited, so it stays bounded
 * whatever the controls. Engine-thread only; nothing allocates after construction.
 */
export class ReservoirPlayer {
  readonly grains: number;
  /** Position in the grain sequence, in grains. */
  position = 0;
  readonly out: Float64Array;
  private readonly n: number;
  private readonly size: number;
  private readonly bankPtr: number;
  private readonly curPtr: number;
  private readonly runKernel: (len: number, out: number, leak: number, radius: number, gain: number) => number;
  private readonly blendKernel: (dst: number, bank: number, size: number, index: number, weight: number, count: number) => void;
  private readonly outPtr: number;
  private readonly indexPtr: number;
  private readonly weightPtr: number;
  private readonly bank: Float32Array;
  private readonly state: Float32Array;
  private readonly index: Int32Array;
  private readonly weight: Float64Array;
  private readonly lengths: Float64Array;
  private readonly leakBase: number;
  private readonly starts: Float32Array;
  private readonly dcB: number;
  private readonly dcA: number;
  private dcX = 0;
  private dcY = 0;
  /** Conceptors in the bank: the model's grains, then derived ones. */
  count: number;
  private readonly morphIndex = new Int32Array(MAX_MORPH);
  private readonly morphWeight = new Float64Array(MAX_MORPH);
  private morphCount = 0;
  /** The blend the current conceptor holds (-1: none yet, or the bank changed under it). */
  private usedCount = -1;
  private readonly usedIndex = new Int32Array(MAX_MORPH * 2);
  private readonly usedWeight = new Float64Array(MAX_MORPH * 2);
  /** False when the last chunk went non-finite (it was silenced and the state restarted). */
  healthy = true;
  /** How often that happened. */
  restarts = 0;
  /** How often a still reservoir was restarted from a grain's attractor (see watchStillness). */
  revivals = 0;
  private still = 0;
  private readonly stillLimit: number;
  private readonly sustains: Uint8Array;
  private fadeIn = FADE_IN;

  constructor(model: ReservoirModel, sampleRate: Hertz) {
    const n = model.hyper.neurons;
    const np = pad4(n);
    const full = model.hyper.kind === 'full';
    const size = full ? n * np : np;
    this.n = n;
    this.size = size;
    this.grains = model.grains.length;
    this.count = this.grains;
    // Memory plan (bytes from BASE): the model, then state, conceptors and buffers.
    let at = BASE;
    const take = (bytes: number) => {
      const p = at;
      at += Math.ceil(bytes / 16) * 16;
      return p;
    };
    const rowPtr = take((n + 1) * 4);
    const colIdx = take(model.colIdx.length * 4);
    const values = take(model.values.length * 4);
    const win = take(np * 4);
    const bias = take(np * 4);
    const d = take(np * 4);
    const wout = take(np * 4);
    const x = take(np * 4);
    const z = take(np * 4);
    const cz = take(np * 4);
    this.curPtr = take(size * 4);
    this.bankPtr = take((this.grains + EXTRA_CONCEPTORS) * size * 4);
    this.outPtr = take(MAX_RENDER * 8);
    this.indexPtr = take(MAX_MORPH * 2 * 4);
    this.weightPtr = take(MAX_MORPH * 2 * 8);
    const k = instantiateKernel('reservoir-kernel', at);
    const mem = k.memory;
    new Int32Array(mem, rowPtr, n + 1).set(model.rowPtr);
    new Int32Array(mem, colIdx, model.colIdx.length).set(model.colIdx);
    new Float32Array(mem, values, model.values.length).set(model.values);
    new Float32Array(mem, win, np).set(model.win);
    new Float32Array(mem, bias, np).set(model.bias);
    new Float32Array(mem, d, np).set(model.d);
    new Float32Array(mem, wout, np).set(model.wout);
    this.bank = new Float32Array(mem, this.bankPtr, (this.grains + EXTRA_CONCEPTORS) * size);
    const src = model.conceptors;
    const csize = conceptorSize(model);
    for (let g = 0; g < this.grains; g++) {
      // Full conceptors are stored N x N; the kernel wants rows padded to NP.
      if (full) for (let r = 0; r < n; r++) this.bank.set(src.subarray(g * csize + r * n, g * csize + (r + 1) * n), g * size + r * np);
      else this.bank.set(src.subarray(g * csize, (g + 1) * csize), g * size);
    }
    this.state = new Float32Array(mem, x, np);
    this.out = new Float64Array(mem, this.outPtr, MAX_RENDER);
    this.index = new Int32Array(mem, this.indexPtr, MAX_MORPH * 2);
    this.weight = new Float64Array(mem, this.weightPtr, MAX_MORPH * 2);
    (k.exports.init as (...a: number[]) => void)(n, np, rowPtr, colIdx, values, win, bias, d, wout, x, z, cz, this.curPtr, full ? 1 : 0);
    this.runKernel = k.exports.run as typeof this.runKernel;
    this.blendKernel = k.exports.blend as typeof this.blendKernel;
    const ratio = sampleRate / model.sampleRate;
    this.lengths = Float64Array.from(model.grains, (g) => Math.max(1, g.length * ratio));
    this.leakBase = model.hyper.leak;
    this.starts = model.starts;
    this.sustains = Uint8Array.from(model.grains, (g) => (g.nrmse < SUSTAINS ? 1 : 0));
    this.stillLimit = Math.round(STILL_SECONDS * sampleRate);
    [this.dcB, this.dcA] = dcBlocker(sampleRate);
    this.reset();
  }

  /** Conceptors a morph blends (indices into the bank, weights summing to about 1). */
  setMorph(indices: ArrayLike<number>, weights: ArrayLike<number>): void {
    const m = Math.min(MAX_MORPH, indices.length, weights.length);
    for (let i = 0; i < m; i++) {
      this.morphIndex[i] = Math.max(0, Math.min(this.count - 1, Math.floor(indices[i])));
      this.morphWeight[i] = weights[i];
    }
    this.morphCount = m;
  }

  /** Adds a conceptor (from algebra done off the audio path); returns its index, or -1 when full. */
  addConceptor(c: Float32Array): number {
    if (this.count >= this.grains + EXTRA_CONCEPTORS) return -1;
    const n = this.n;
    const np = pad4(n);
    const at = this.count * this.size;
    this.bank.fill(0, at, at + this.size);
    if (this.size === n * np) for (let r = 0; r < n; r++) this.bank.set(c.subarray(r * n, (r + 1) * n), at + r * np);
    else this.bank.set(c.subarray(0, n), at);
    return this.count++;
  }

  /** Renders len (<= MAX_RENDER) samples into `out`. */
  render(len: number, c: ReservoirControls): void {
    const G = this.grains;
    // Where in the sequence this chunk starts, and the conceptors that blend there.
    const g = Math.floor(this.position) % G;
    const frac = this.position - Math.floor(this.position);
    let count = 0;
    const seqWeight = 1 - Math.min(1, Math.max(0, c.morph));
    const forward = c.speed >= 0;
    const fade = forward ? (frac - (1 - CROSSFADE)) / CROSSFADE : (CROSSFADE - frac) / CROSSFADE;
    const w = Math.min(1, Math.max(0, fade));
    if (seqWeight > 0) {
      this.index[count] = g;
      this.weight[count++] = seqWeight * (1 - w);
      if (w > 0) {
        this.index[count] = forward ? (g + 1) % G : (g - 1 + G) % G;
        this.weight[count++] = seqWeight * w;
      }
    }
    for (let k = 0; k < this.morphCount && seqWeight < 1; k++) {
      this.index[count] = this.morphIndex[k];
      this.weight[count++] = (1 - seqWeight) * this.morphWeight[k];
    }
    if (this.blendChanged(count)) this.blendKernel(this.curPtr, this.bankPtr, this.size, this.indexPtr, this.weightPtr, count);
    const leak = Math.min(1, Math.max(0, this.leakBase * c.leak));
    this.healthy = this.runKernel(len, this.outPtr, leak, c.radius, c.gain) === 1;
    if (!this.healthy) {
      // Only non-finite controls or weights get here (the state is clamped): drop the chunk
      // and start the reservoir again rather than ever emit NaN.
      this.out.fill(0, 0, len);
      this.restart();
      this.fadeIn = 0;
      this.restarts++;
    }
    this.watchStillness(len, count, c.radius);
    // Advance through the sequence; a grain lasts its own length (at this rate) at speed 1.
    this.position += (c.speed * len) / this.lengths[g];
    this.position -= Math.floor(this.position / G) * G;
    // A non-finite speed must not lose the place for good.
    if (!(this.position >= 0 && this.position < G)) this.position = 0;
    // DC blocker and soft limit on the way out.
    const out = this.out;
    let x1 = this.dcX;
    let y1 = this.dcY;
    for (let s = 0; s < len; s++) {
      const x = out[s];
      let y = this.dcB * (x - x1) + this.dcA * y1;
      if (y < 1e-30 && y > -1e-30) y = 0;
      x1 = x;
      y1 = y;
      out[s] = softLimit(y);
    }
    for (let s = 0; s < len && this.fadeIn < FADE_IN; s++) out[s] *= ++this.fadeIn / FADE_IN;
    this.dcX = x1;
    this.dcY = y1;
  }

  /**
   * A conceptor blend can let the reservoir settle at rest (a grain that does not sustain on its
   * own, a morph through a weak region). When the output has not moved for STILL_SECONDS while
   * the blend is led by a grain that sustains (training NRMSE below SUSTAINS) and the radius is
   * at least 1 (below, fading to rest is what was asked for), the state restarts from that
   * grain's attractor and the output fades in, as a string is plucked again.
   */
  private watchStillness(len: number, count: number, radius: number): void {
    const y = this.out;
    let lo = y[0];
    let hi = y[0];
    for (let s = 1; s < len; s++) {
      const v = y[s];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.still = hi - lo < STILL_RANGE ? this.still + len : 0;
    if (this.still < this.stillLimit) return;
    this.still = 0;
    let lead = -1;
    let most = 0;
    for (let k = 0; k < count; k++) {
      if (this.weight[k] > most) {
        most = this.weight[k];
        lead = this.index[k];
      }
    }
    if (radius < 1 || lead < 0 || lead >= this.grains || this.sustains[lead] === 0) return;
    this.state.set(this.starts.subarray(lead * this.n, (lead + 1) * this.n));
    this.fadeIn = 0;
    this.revivals++;
  }

  /**
   * Whether the blend about to be formed differs from the one in use (most chunks of a grain
   * hold the same conceptor: only crossfades and morphs move it). Remembers the new one.
   */
  private blendChanged(count: number): boolean {
    let changed = count !== this.usedCount;
    for (let k = 0; k < count && !changed; k++) changed = this.index[k] !== this.usedIndex[k] || this.weight[k] !== this.usedWeight[k];
    if (!changed) return false;
    this.usedCount = count;
    for (let k = 0; k < count; k++) {
      this.usedIndex[k] = this.index[k];
      this.usedWeight[k] = this.weight[k];
    }
    return true;
  }

  /** Writes conceptor `index` (n x n or n values, as in a model file); for training. */
  replaceConceptor(index: number, c: ArrayLike<number>): void {
    this.usedCount = -1;
    const n = this.n;
    const np = pad4(n);
    const at = index * this.size;
    if (this.size === n * np) for (let r = 0; r < n; r++) for (let j = 0; j < n; j++) this.bank[at + r * np + j] = c[r * n + j];
    else for (let j = 0; j < n; j++) this.bank[at + j] = c[j];
  }

  /**
   * Off the audio path (training, search, tests): runs the blend of conceptors `indices` by
   * `weights` (one index: that conceptor) from `state` for len samples at the model's own leak
   * and radius 1, and returns the raw readout and whether the state stayed finite. Allocates.
   */
  evaluate(indices: number | ArrayLike<number>, state: ArrayLike<number>, len: number, weights: ArrayLike<number> = [1]): { y: Float64Array; healthy: boolean } {
    this.state.fill(0);
    for (let i = 0; i < this.n; i++) this.state[i] = state[i];
    const list = typeof indices === 'number' ? [indices] : indices;
    const count = Math.min(MAX_MORPH, list.length, weights.length);
    for (let k = 0; k < count; k++) {
      this.index[k] = list[k];
      this.weight[k] = weights[k];
    }
    this.blendKernel(this.curPtr, this.bankPtr, this.size, this.indexPtr, this.weightPtr, count);
    this.usedCount = -1;
    const y = new Float64Array(len);
    let healthy = true;
    for (let done = 0; done < len; done += MAX_RENDER) {
      const m = Math.min(MAX_RENDER, len - done);
      if (this.runKernel(m, this.outPtr, this.leakBase, 1, 1) !== 1) healthy = false;
      y.set(this.out.subarray(0, m), done);
    }
    return { y, healthy };
  }

  reset(): void {
    this.position = 0;
    this.restart();
    this.healthy = true;
    this.still = 0;
    this.fadeIn = FADE_IN;
  }

  /** The state on the current grain's attractor and a fresh DC blocker; the place in the sequence stays. */
  private restart(): void {
    const g = Math.floor(this.position) % this.grains;
    this.state.set(this.starts.subarray(g * this.n, (g + 1) * this.n));
    this.dcX = this.dcY = 0;
  }
}
