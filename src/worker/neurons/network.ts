import type { PatchLayout } from '../../shared/patch/layout';
import type { Hertz } from '../../shared/units';
import type { ParamBank } from '../params/param-bank';
import { streamSeed } from '../random';
import { instantiateKernel } from '../kernels/load-kernel';
import * as K from '../kernels/network-layout';
import * as A from './activations';
import { Learner } from './learner';
import { WeightAutomation } from './weight-automation';

const slope = A.slope;

/** Outputs beyond this magnitude count as a blow-up (e.g. ReLU with gain > 1 in a loop). */
export const NETWORK_LIMIT = 1e6;

/**
 * The neuron network, evaluated once per sample. Column vector v = [sources | neurons]; neuron i
 * computes u = inputGain * (W[i] . v) + bias + noise, a = f(u), its leaky state
 * x += g (a - x) with g = min(1, 2 pi leak / rate), and outputs y = outputGain * x. All neurons
 * read the previous sample's outputs (synchronous update), which is the recurrent delay.
 * The arithmetic runs in a WebAssembly kernel (kernels/network-kernel.as.ts); the arrays below
 * are views of its memory. Learning and weight automation run here, around each step.
 */
export class Network {
  readonly n: number;
  readonly columns: number;
  readonly firstNeuron: number;
  /** Effective weights, row-major n x columns. */
  readonly W: Float64Array;
  /** Column values: sources write [0, firstNeuron) each sample, step() writes the rest. */
  readonly v: Float64Array;
  readonly state: Float64Array;
  readonly gate: Float64Array;
  readonly u: Float64Array;
  readonly a: Float64Array;
  readonly automation: WeightAutomation;
  readonly learners: Learner[];
  /** False once an output went non-finite or beyond NETWORK_LIMIT (see reset()). */
  healthy = true;
  private readonly kernelStep: (n: number, c: number) => number;
  private readonly params: { slots: Int32Array; to: Float64Array }[];
  private readonly leakSlot: Int32Array;
  private readonly leakG: Float64Array;
  private readonly inGain: Float64Array;
  private readonly outGain: Float64Array;
  private readonly bias: Float64Array;
  private readonly biasSlot: Int32Array;
  private readonly senseSlot: Int32Array;
  private readonly act: Int32Array;
  private readonly leakScale: number;
  private syncedVersion = -1;

  constructor(layout: PatchLayout, bank: ParamBank, sampleRate: Hertz, seed: number) {
    const n = layout.neurons.length;
    const c = layout.columns;
    if (n > K.KERNEL_MAX_NEURONS || c > K.KERNEL_MAX_COLUMNS) throw new Error(`network too large: ${n} neurons, ${c} columns`);
    this.n = n;
    this.columns = c;
    this.firstNeuron = layout.sources.length;
    const kernel = instantiateKernel('network-kernel');
    const mem = (kernel.exports.memory as WebAssembly.Memory).buffer;
    this.kernelStep = kernel.exports.step as (n: number, c: number) => number;
    const f64 = (ptr: number, len: number) => new Float64Array(mem, ptr, len);
    this.W = f64(K.W_PTR, n * c);
    this.v = f64(K.V_PTR, c);
    this.state = f64(K.STATE_PTR, n);
    this.gate = f64(K.GATE_PTR, n);
    this.u = f64(K.U_PTR, n);
    this.a = f64(K.A_PTR, n);
    this.inGain = f64(K.IN_GAIN_PTR, n);
    this.outGain = f64(K.OUT_GAIN_PTR, n);
    this.bias = f64(K.BIAS_PTR, n);
    this.leakG = f64(K.LEAK_G_PTR, n);
    const neurons = layout.neurons;
    const slotsOf = (key: keyof typeof neurons[number]['slots']) => Int32Array.from(neurons, (x) => x.slots[key]);
    this.biasSlot = slotsOf('bias');
    this.leakSlot = slotsOf('leak');
    this.senseSlot = slotsOf('sense');
    // Parameters copied into the kernel as they are (the leak is converted in syncParams).
    this.params = [
      { slots: slotsOf('inputGain'), to: this.inGain },
      { slots: this.biasSlot, to: this.bias },
      { slots: slotsOf('noise'), to: f64(K.NOISE_PTR, n) },
      { slots: slotsOf('outputGain'), to: this.outGain },
      { slots: slotsOf('threshold'), to: f64(K.THRESHOLD_PTR, n) },
      { slots: slotsOf('hysteresis'), to: f64(K.HYSTERESIS_PTR, n) },
      { slots: this.senseSlot, to: f64(K.SENSE_PTR, n) },
      { slots: slotsOf('response'), to: f64(K.RESPONSE_PTR, n) },
    ];
    this.act = new Int32Array(mem, K.ACT_PTR, n);
    this.act.set(neurons.map((x) => A.activationCode(x.activation)));
    new Int32Array(mem, K.RNG_PTR, n).set(neurons.map((_, i) => streamSeed(seed, i)));
    this.leakScale = (2 * Math.PI) / sampleRate;
    // Every weight slot mirrors into W, so smoothing a weight moves the matrix directly.
    bank.mirror = this.W;
    for (const nl of neurons) {
      for (const w of nl.weights) {
        const k = nl.index * c + w.column;
        bank.mirrorIndex[w.slot] = k;
        this.W[k] = bank.value[w.slot];
      }
    }
    this.automation = new WeightAutomation(layout, sampleRate, seed);
    this.learners = neurons.filter((x) => x.learn !== null).map((x) => new Learner(layout, x));
  }

  /** Copies the neurons' parameters into the kernel when the bank has changed. */
  private syncParams(p: Float64Array, version: number): void {
    this.syncedVersion = version;
    for (const { slots, to } of this.params) for (let i = 0; i < this.n; i++) to[i] = p[slots[i]];
    for (let i = 0; i < this.n; i++) {
      const g = p[this.leakSlot[i]] * this.leakScale;
      this.leakG[i] = g > 1 ? 1 : g;
    }
  }

  /** Advances every neuron one sample. Sources must already be in v[0, firstNeuron). */
  step(p: Float64Array, bank: ParamBank): void {
    if (this.automation.count > 0) this.automation.step(p, this.W);
    if (bank.version !== this.syncedVersion) this.syncParams(p, bank.version);
    this.healthy = this.kernelStep(this.n, this.columns) === 1;
    const learners = this.learners;
    for (let k = 0; k < learners.length; k++) {
      const l = learners[k];
      const i = l.neuron;
      const y = this.v[this.firstNeuron + i];
      const gain = this.outGain[i] * this.leakG[i] * this.inGain[i] * slope(this.act[i], this.u[i], this.a[i], p[this.senseSlot[i]]);
      l.update(y, gain, this.v, this.W, bank);
      this.bias[i] = p[this.biasSlot[i]];
    }
  }

  /** Clears neuron state (NaN recovery); weights and parameters are kept. */
  reset(): void {
    this.state.fill(0);
    this.gate.fill(0);
    this.u.fill(0);
    this.a.fill(0);
    for (let i = 0; i < this.n; i++) this.v[this.firstNeuron + i] = 0;
    for (let k = 0; k < this.W.length; k++) if (!Number.isFinite(this.W[k])) this.W[k] = 0;
    this.healthy = true;
  }

  learnCommand(neuron: number, cmd: number, bank: ParamBank): void {
    const l = this.learners.find((x) => x.neuron === neuron);
    if (l) {
      l.command(cmd, this.W, bank);
      this.bias[neuron] = bank.value[this.biasSlot[neuron]];
    }
  }
}
