import type { NeuronLayout, PatchLayout } from '../../shared/patch/layout';
import { NEURON_PARAMS, WEIGHT_PARAMS } from '../../shared/params/registry';
import { LEARN_FREEZE, LEARN_RESET, LEARN_THAW } from '../../shared/events';
import type { ParamBank } from '../params/param-bank';

const W_MIN = WEIGHT_PARAMS.value.min;
const W_MAX = WEIGHT_PARAMS.value.max;
const B_MIN = NEURON_PARAMS.bias.min;
const B_MAX = NEURON_PARAMS.bias.max;
/** Regularises the normalisation so a flat slope cannot make the step explode. */
const DELTA = 0.01;

/**
 * The learning neuron (seed 000, "Pd Machine Learning Fail"): normalised LMS on the neuron's
 * source weights and bias, once per sample, so its output approaches a target mix of sources.
 * The step is bounded (|dw| <= rate * |e| / (2 sqrt(DELTA))) and weights stay in their range, so
 * an unreachable target makes it wander audibly instead of exploding.
 */
export class Learner {
  readonly neuron: number;
  private readonly row: number;
  private readonly sources: number;
  private readonly targetColumn: Int32Array;
  private readonly targetGain: Float64Array;
  private readonly weightSlot: Int32Array;
  private readonly initialWeights: Float64Array;
  private readonly biasSlot: number;
  private readonly initialBias: number;
  readonly rateSlot: number;
  frozen: boolean;
  private errSum = 0;
  private errCount = 0;
  /** RMS error over the samples since the last `takeError()`. */
  lastError = 0;

  constructor(layout: PatchLayout, n: NeuronLayout) {
    const learn = n.learn;
    if (!learn) throw new Error(`neuron ${n.id} does not learn`);
    this.neuron = n.index;
    this.row = n.index * layout.columns;
    this.sources = layout.sources.length;
    this.targetColumn = Int32Array.from(learn.target, (t) => t.column);
    this.targetGain = Float64Array.from(learn.target, (t) => t.gain);
    this.weightSlot = Int32Array.from(n.weights.slice(0, this.sources), (w) => w.slot);
    this.initialWeights = Float64Array.from(this.weightSlot, (s) => layout.params[s].initial);
    this.biasSlot = n.slots.bias;
    this.initialBias = layout.params[n.slots.bias].initial;
    this.rateSlot = n.slots.learnRate;
    this.frozen = learn.frozen;
  }

  /** Target value for this sample (sources are already current in v). */
  target(v: Float64Array): number {
    let t = 0;
    for (let k = 0; k < this.targetColumn.length; k++) t += this.targetGain[k] * v[this.targetColumn[k]];
    return t;
  }

  /**
   * One update. `y` is the neuron's new output, `gain` dy/du (output gain x leak x input gain x
   * activation slope), `v` the column values the output was computed from.
   */
  update(y: number, gain: number, v: Float64Array, W: Float64Array, bank: ParamBank): void {
    const e = this.target(v) - y;
    this.errSum += e * e;
    this.errCount++;
    if (this.frozen) return;
    const m = this.sources;
    let power = 1; // the bias input
    for (let j = 0; j < m; j++) power += v[j] * v[j];
    const step = (bank.value[this.rateSlot] * e * gain) / (DELTA + gain * gain * power);
    const row = this.row;
    for (let j = 0; j < m; j++) {
      let w = W[row + j] + step * v[j];
      w = w < W_MIN ? W_MIN : w > W_MAX ? W_MAX : w;
      W[row + j] = w;
      bank.value[this.weightSlot[j]] = w;
      bank.target[this.weightSlot[j]] = w;
    }
    let b = bank.value[this.biasSlot] + step;
    b = b < B_MIN ? B_MIN : b > B_MAX ? B_MAX : b;
    bank.value[this.biasSlot] = b;
    bank.target[this.biasSlot] = b;
  }

  takeError(): number {
    if (this.errCount > 0) this.lastError = Math.sqrt(this.errSum / this.errCount);
    this.errSum = 0;
    this.errCount = 0;
    return this.lastError;
  }

  command(cmd: number, W: Float64Array, bank: ParamBank): void {
    if (cmd === LEARN_FREEZE) this.frozen = true;
    else if (cmd === LEARN_THAW) this.frozen = false;
    else if (cmd === LEARN_RESET) {
      for (let j = 0; j < this.weightSlot.length; j++) {
        W[this.row + j] = this.initialWeights[j];
        bank.jump(this.weightSlot[j], this.initialWeights[j]);
      }
      bank.jump(this.biasSlot, this.initialBias);
    }
  }
}
