import type { PatchLayout } from '../../shared/patch/layout';
import type { Hertz } from '../../shared/units';
import { bipolar, streamSeed } from '../random';

const SHAPE_SINE = 0;
const SHAPE_TRIANGLE = 1;
// 2 = random walk: a reflected random walk between -1 and 1, one step per cycle, eased between steps.

const TWO_PI = 2 * Math.PI;

/** Per-weight LFOs: each automated weight is its base value plus depth times the LFO. */
export class WeightAutomation {
  readonly count: number;
  private readonly wIndex: Int32Array;
  private readonly baseSlot: Int32Array;
  private readonly rateSlot: Int32Array;
  private readonly depthSlot: Int32Array;
  private readonly shape: Int32Array;
  private readonly phase: Float64Array;
  private readonly from: Float64Array;
  private readonly to: Float64Array;
  private readonly rng: Int32Array;
  private readonly invRate: number;
  /** Current LFO value of each automated weight, for telemetry and tests. */
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

  /** Writes every automated weight into W for this sample. */
  step(p: Float64Array, W: Float64Array): void {
    for (let k = 0; k < this.count; k++) {
      let ph = this.phase[k] + p[this.rateSlot[k]] * this.invRate;
      let value: number;
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
      if (shape === SHAPE_SINE) value = Math.sin(TWO_PI * ph);
      else if (shape === SHAPE_TRIANGLE) value = ph < 0.25 ? 4 * ph : ph < 0.75 ? 2 - 4 * ph : 4 * ph - 4;
      else {
        const e = ph * ph * (3 - 2 * ph);
        value = this.from[k] + (this.to[k] - this.from[k]) * e;
      }
      this.lfo[k] = value;
      W[this.wIndex[k]] = p[this.baseSlot[k]] + p[this.depthSlot[k]] * value;
    }
  }

  reset(): void {
    this.phase.fill(0);
  }
}
