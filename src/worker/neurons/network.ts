import { LEARN_FREEZE, LEARN_RESET, LEARN_THAW } from '../../shared/events';
import type { PatchLayout } from '../../shared/patch/layout';
import { NEURON_PARAMS, WEIGHT_PARAMS } from '../../shared/params/registry';
import type { Hertz } from '../../shared/units';
import { instantiateKernel } from '../kernels/load-kernel';
import * as K from '../kernels/network-layout';
import type { ParamBank } from '../params/param-bank';
import { streamSeed } from '../random';
import { activationCode } from './activations';
import { WeightAutomation } from './weight-automation';

/** Neuron parameters in the kernel's row order (see network-layout.ts). */
const KERNEL_PARAMS = ['inputGain', 'bias', 'noise', 'leak', 'outputGain', 'threshold', 'hysteresis', 'sense', 'response'] as const;
const LEARN_OFF = 0;
const LEARN_ON = 1;
const LEARN_FROZEN = 2;

/**
 * The neuron network. Column vector v = [sources | neurons]; each sample neuron i computes
 *   u = inputGain * (W[i] . v) + bias + noise,  a = f(u),
 *   x += g (a - x) with g = min(1, 2 pi leak / rate),  y = outputGain * x,
 * reading the previous sample's neuron outputs (synchronous update: the recurrent delay is one
 * sample). A learning neuron then takes a normalised-LMS step on its source weights and bias
 * toward its target mix: dw = rate e k v / (0.01 + k^2 (1 + |v|^2)), k = dy/du, so the step is
 * bounded and weights stay in range. The per-sample arithmetic runs in a WebAssembly kernel a
 * chunk at a time; this class feeds it parameter and weight ramps and reads its results.
 * Engine-thread only.
 */
export class Network {
  readonly n: number;
  readonly columns: number;
  readonly firstNeuron: number;
  /** Effective weights, row-major n x columns (kernel memory). */
  readonly W: Float64Array;
  /** Column values after the last sample (kernel memory). */
  readonly v: Float64Array;
  /** One buffer of CHUNK samples per column: sources are written before run(), neurons by it. */
  readonly columnBuffers: Float64Array[];
  readonly state: Float64Array;
  readonly gate: Float64Array;
  readonly automation: WeightAutomation;
  /** False when an output went non-finite or beyond 1e6 in the last chunk (see reset()). */
  healthy = true;
  private readonly kernelRun: (n: number, c: number, len: number, moving: number, ramps: number, learners: number) => number;
  private readonly paramSlots: Int32Array[];
  private readonly P: Float64Array;
  private readonly D: Float64Array;
  private readonly leakScale: number;
  private readonly weightOfSlot: Map<number, number>;
  private readonly automated: Uint8Array;
  private readonly rampIndex: Int32Array;
  private readonly rampInc: Float64Array;
  private readonly autoEnds: Float64Array;
  private readonly learnMode: Int32Array;
  private readonly learnRate: Float64Array;
  private readonly errSum: Float64Array;
  private readonly errCount: Float64Array;
  private readonly learners: { neuron: number; rateSlot: number; weightSlots: Int32Array; initial: Float64Array; biasSlot: number; initialBias: number }[];
  private syncedVersion = -1;
  private wasMoving = false;

  constructor(layout: PatchLayout, bank: ParamBank, sampleRate: Hertz, seed: number) {
    const n = layout.neurons.length;
    const c = layout.columns;
    if (n > K.KERNEL_MAX_NEURONS || c > K.KERNEL_MAX_COLUMNS) throw new Error(`network too large: ${n} neurons, ${c} columns`);
    this.n = n;
    this.columns = c;
    this.firstNeuron = layout.sources.length;
    const kernel = instantiateKernel('network-kernel', K.KERNEL_BYTES);
    const mem = kernel.memory;
    this.kernelRun = kernel.exports.run as typeof this.kernelRun;
    const f64 = (ptr: number, len: number) => new Float64Array(mem, ptr, len);
    const i32 = (ptr: number, len: number) => new Int32Array(mem, ptr, len);
    this.W = f64(K.W_PTR, n * c);
    this.v = f64(K.V_PTR, c);
    this.columnBuffers = Array.from({ length: c }, (_, k) => f64(K.COL_PTR + k * K.CHUNK * 8, K.CHUNK));
    this.P = f64(K.P_PTR, K.NEURON_PARAM_COUNT * K.KERNEL_MAX_NEURONS);
    this.D = f64(K.D_PTR, K.NEURON_PARAM_COUNT * K.KERNEL_MAX_NEURONS);
    this.state = f64(K.STATE_PTR, n);
    this.gate = f64(K.GATE_PTR, n);
    this.rampIndex = i32(K.RAMP_INDEX_PTR, K.KERNEL_MAX_NEURONS * K.KERNEL_MAX_COLUMNS);
    this.rampInc = f64(K.RAMP_INC_PTR, K.KERNEL_MAX_NEURONS * K.KERNEL_MAX_COLUMNS);
    this.learnMode = i32(K.LEARN_MODE_PTR, n);
    this.learnRate = f64(K.LEARN_RATE_PTR, n);
    this.errSum = f64(K.ERR_SUM_PTR, n);
    this.errCount = f64(K.ERR_COUNT_PTR, n);
    f64(K.LIMITS_PTR, 4).set([WEIGHT_PARAMS.value.min, WEIGHT_PARAMS.value.max, NEURON_PARAMS.bias.min, NEURON_PARAMS.bias.max]);
    const neurons = layout.neurons;
    this.paramSlots = KERNEL_PARAMS.map((key) => Int32Array.from(neurons, (x) => x.slots[key]));
    i32(K.ACT_PTR, n).set(neurons.map((x) => activationCode(x.activation)));
    i32(K.RNG_PTR, n).set(neurons.map((_, i) => streamSeed(seed, i)));
    this.leakScale = (2 * Math.PI) / sampleRate;

    this.weightOfSlot = new Map();
    for (const nl of neurons) {
      for (const w of nl.weights) {
        const k = nl.index * c + w.column;
        this.weightOfSlot.set(w.slot, k);
        this.W[k] = bank.value[w.slot];
      }
    }
    this.automation = new WeightAutomation(layout, sampleRate, seed);
    this.automated = new Uint8Array(n * c);
    for (const k of this.automation.wIndex) this.automated[k] = 1;
    this.autoEnds = new Float64Array(this.automation.count);

    const targetCount = i32(K.TARGET_COUNT_PTR, n);
    const targetCol = i32(K.TARGET_COL_PTR, K.KERNEL_MAX_NEURONS * K.MAX_TARGETS);
    const targetGain = f64(K.TARGET_GAIN_PTR, K.KERNEL_MAX_NEURONS * K.MAX_TARGETS);
    this.learners = neurons.flatMap((nl) => {
      if (!nl.learn) return [];
      const targets = nl.learn.target;
      if (targets.length > K.MAX_TARGETS) throw new Error(`neuron ${nl.id}: more than ${K.MAX_TARGETS} learning targets`);
      targetCount[nl.index] = targets.length;
      targets.forEach((t, k) => {
        targetCol[nl.index * K.MAX_TARGETS + k] = t.column;
        targetGain[nl.index * K.MAX_TARGETS + k] = t.gain;
      });
      this.learnMode[nl.index] = nl.learn.frozen ? LEARN_FROZEN : LEARN_ON;
      const weightSlots = Int32Array.from(nl.weights.slice(0, this.firstNeuron), (w) => w.slot);
      return [
        {
          neuron: nl.index,
          rateSlot: nl.slots.learnRate,
          weightSlots,
          initial: Float64Array.from(weightSlots, (s) => layout.params[s].initial),
          biasSlot: nl.slots.bias,
          initialBias: layout.params[nl.slots.bias].initial,
        },
      ];
    });
  }

  /** Loads the kernel's parameter values (chunk start) and per-sample increments. */
  private syncParams(bank: ParamBank, len: number): boolean {
    const { start, value } = bank;
    const n = this.n;
    const inv = 1 / len;
    let moving = false;
    for (let r = 0; r < K.NEURON_PARAM_COUNT; r++) {
      const slots = this.paramSlots[r];
      const scale = r === K.PARAM_LEAK_G ? this.leakScale : 1;
      const row = r * K.KERNEL_MAX_NEURONS;
      for (let i = 0; i < n; i++) {
        let a = start[slots[i]] * scale;
        let b = value[slots[i]] * scale;
        if (scale !== 1) {
          a = a > 1 ? 1 : a;
          b = b > 1 ? 1 : b;
        }
        this.P[row + i] = a;
        const d = (b - a) * inv;
        this.D[row + i] = d;
        if (d !== 0) moving = true;
      }
    }
    return moving;
  }

  /** Runs `len` samples (<= CHUNK). Source columns must be filled for this chunk. */
  run(len: number, bank: ParamBank): void {
    let moving = false;
    if (bank.version !== this.syncedVersion || this.wasMoving) {
      this.syncedVersion = bank.version;
      moving = this.syncParams(bank, len);
    }
    this.wasMoving = moving;

    // Weight ramps: automated weights toward their LFO value, dragged weights along their smoothing.
    const W = this.W;
    const inv = 1 / len;
    let ramps = 0;
    const auto = this.automation;
    if (auto.count > 0) {
      auto.advance(len, bank, this.autoEnds);
      for (let k = 0; k < auto.count; k++) {
        const idx = auto.wIndex[k];
        this.rampIndex[ramps] = idx;
        this.rampInc[ramps++] = (this.autoEnds[k] - W[idx]) * inv;
      }
    }
    for (let k = 0; k < bank.movedCount; k++) {
      const slot = bank.moved[k];
      const idx = this.weightOfSlot.get(slot);
      if (idx === undefined || this.automated[idx] === 1) continue;
      W[idx] = bank.start[slot];
      this.rampIndex[ramps] = idx;
      this.rampInc[ramps++] = (bank.value[slot] - bank.start[slot]) * inv;
    }

    const learners = this.learners;
    for (let k = 0; k < learners.length; k++) this.learnRate[learners[k].neuron] = bank.value[learners[k].rateSlot];
    this.healthy = this.kernelRun(this.n, this.columns, len, moving ? 1 : 0, ramps, learners.length) === 1;

    // What the learners changed becomes the parameters' values, unless a ramp is moving them.
    for (let k = 0; k < learners.length; k++) {
      const l = learners[k];
      if (this.learnMode[l.neuron] !== LEARN_ON) continue;
      const row = l.neuron * this.columns;
      for (let j = 0; j < l.weightSlots.length; j++) bank.adopt(l.weightSlots[j], W[row + j]);
      bank.adopt(l.biasSlot, this.P[K.PARAM_BIAS * K.KERNEL_MAX_NEURONS + l.neuron]);
    }
  }

  /** RMS learning error of neuron i since the last call (NaN if it does not learn). */
  takeError(i: number): number {
    if (this.learnMode[i] === LEARN_OFF) return NaN;
    const count = this.errCount[i];
    const rms = count > 0 ? Math.sqrt(this.errSum[i] / count) : 0;
    this.errSum[i] = 0;
    this.errCount[i] = 0;
    return rms;
  }

  /** Clears neuron state (NaN recovery); weights and parameters are kept. */
  reset(): void {
    this.state.fill(0);
    this.gate.fill(0);
    for (let i = 0; i < this.n; i++) this.v[this.firstNeuron + i] = 0;
    for (let k = 0; k < this.W.length; k++) if (!Number.isFinite(this.W[k])) this.W[k] = 0;
    this.syncedVersion = -1;
    this.healthy = true;
  }

  learnCommand(neuron: number, cmd: number, bank: ParamBank): void {
    let l = null;
    for (const x of this.learners) if (x.neuron === neuron) l = x;
    if (l === null) return;
    if (cmd === LEARN_FREEZE) this.learnMode[neuron] = LEARN_FROZEN;
    else if (cmd === LEARN_THAW) this.learnMode[neuron] = LEARN_ON;
    else if (cmd === LEARN_RESET) {
      const row = neuron * this.columns;
      for (let j = 0; j < l.weightSlots.length; j++) {
        this.W[row + j] = l.initial[j];
        bank.jump(l.weightSlots[j], l.initial[j]);
      }
      bank.jump(l.biasSlot, l.initialBias);
    }
  }
}
