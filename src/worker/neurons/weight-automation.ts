import type { PatchLayout } from '../../shared/patch/layout';
import type { Hertz } from '../../shared/units';
import { bipolar, streamSeed } from '../random';
import type { ParamBank } from '../params/param-bank';

const SHAPE_SINE = 0;
const SHAPE_TRIANGLE = 1;
// 2 = random walk: a reflected random walk between -1 and 1, one step per cycle, eased between steps.

const TWO_PI = 2 * Math.PI;

/**
 * Per-weight LFOs: an automated weight is its base value plus depth times the LFO. The LFO is
 * evaluated at each chunk's end and the network ramps the weight there linearly, so a 20 Hz LFO
 * is still drawn with 75 points per cycle at 48 kHz.
 */
export class WeightAutomation {
  readonly count: number;
  /** W index of each automated weight. */
  readonly wIndex: Int32Array;
  private readonly baseSlot: Int32Array;
  private readonly rateSlot: Int32Array;
  private readonly depthSlot: Int32Array;
  private readonly shape: Int32Array;
  private readonly phase: Float64Array;
  private readonly from: Float64Array;
  private readonly to: Float64Array;
  private readonly rng: Int32Array;
  private readonly invRate: number;
  /** LFO value of each automated weight at the end of the last chunk. */
  readonly lfo: Float64Array;

  constructor(layout: PatchLayout, sampleRate: Hertz, seed: number) {
    const list: { w: number; base: number; rate: number; depth: number; shape: number }[] = [];
    for (const n of layout.neurons) {
      for (const w of n.weights) {
        if (w.lfoShape >= 0) list.push({ w: n.index * layout.columns + w.column, base: w.slot, rate: w.rateSlot, depth: w.depthSlot, shape: w.lfoShape });
      }
    }
    const c = list.length;
    this.count = c;
    this.wIndex = Int32Array.from(list, (l) => l.w);
    this.baseSlot = Int32Array.from(list, (l) => l.base);
    this.rateSlot = Int32Array.from(list, (l) => l.rate);
    this.depthSlot = Int32Array.from(list, (l) => l.depth);
    this.shape = Int32Array.from(list, (l) => l.shape);
    this.phase = new Float64Array(c);
    this.from = new Float64Array(c);
    this.to = new Float64Array(c);
    this.lfo = new Float64Array(c);
    this.rng = Int32Array.from(list, (l) => streamSeed(seed, 0x1000 + l.w));
    this.invRate = 1 / sampleRate;
    for (let k = 0; k < c; k++) this.to[k] = bipolar(this.rng, k) * 0.5;
  }

  /** Advances every LFO by `len` samples; writes each automated weight's value at the chunk end. */
  advance(len: number, bank: ParamBank, ends: Float64Array): void {
    const p = bank.value;
    for (let k = 0; k < this.count; k++) {
      let ph = this.phase[k] + p[this.rateSlot[k]] * len * this.invRate;
      const shape = this.shape[k];
      if (ph >= 1) {
        ph -= Math.floor(ph);
        if (shape > SHAPE_TRIANGLE) {
          this.from[k] = this.to[k];
          let next = this.to[k] + bipolar(this.rng, k) * 0.6;
          if (next > 1) next = 2 - next;
          if (next < -1) next = -2 - next;
          this.to[k] = next;
        }
      }
      this.phase[k] = ph;
      let value: number;
      if (shape === SHAPE_SINE) value = Math.sin(TWO_PI * ph);
      else if (shape === SHAPE_TRIANGLE) value = ph < 0.25 ? 4 * ph : ph < 0.75 ? 2 - 4 * ph : 4 * ph - 4;
      else {
        const e = ph * ph * (3 - 2 * ph);
        value = this.from[k] + (this.to[k] - this.from[k]) * e;
      }
      this.lfo[k] = value;
      ends[k] = p[this.baseSlot[k]] + p[this.depthSlot[k]] * value;
    }
  }
}
