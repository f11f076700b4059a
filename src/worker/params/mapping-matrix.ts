import { MAPPING_COLUMN, MAPPING_INPUT, type PatchLayout } from '../../shared/patch/layout';
import type { Hertz } from '../../shared/units';
import { bipolar, streamSeed } from '../random';
import type { ParamBank } from './param-bank';

const SHAPE_SINE = 0;
const SHAPE_TRIANGLE = 1;
// 2 = random walk, as in weight automation: a reflected walk, one step per cycle, eased.
const TWO_PI = 2 * Math.PI;
/** Random streams of mapping LFOs start here, apart from the weights' automation streams. */
const LFO_STREAM = 0x3000;

/**
 * The patch's mappings, applied at control rate: once per chunk, after the bank advanced and
 * before anything reads it, each mapping reads its source (a control input's latest value, the
 * last sample a column held, or its own LFO at the chunk's end), turns it into a position 0..1
 * over the source's full range, inverts it, raises it to `curve`, follows it with a one-pole of
 * `smoothing` ms, and drives its destination to min..max at that position (geometric for a log
 * parameter). The destination ramps to the new value across the chunk. While a mapping exists it
 * owns its destination: a set() on that slot is overwritten at the next chunk. A non-finite
 * source leaves the destination where it is. Engine-thread only; nothing allocates after
 * construction.
 */
export class MappingMatrix {
  readonly count: number;
  private readonly kind: Int32Array;
  private readonly input: Int32Array;
  private readonly column: Int32Array;
  private readonly shape: Int32Array;
  private readonly target: Int32Array;
  private readonly minSlot: Int32Array;
  private readonly maxSlot: Int32Array;
  private readonly curveSlot: Int32Array;
  private readonly smoothingSlot: Int32Array;
  private readonly rateSlot: Int32Array;
  private readonly sourceMin: Float64Array;
  private readonly sourceSpan: Float64Array;
  private readonly invert: Uint8Array;
  private readonly logTarget: Uint8Array;
  /** Smoothed position 0..1; NaN until the source was first read. */
  private readonly position: Float64Array;
  /** The value each mapping last gave its destination (NaN before the first). */
  private readonly last: Float64Array;
  private readonly phase: Float64Array;
  private readonly walkFrom: Float64Array;
  private readonly walkTo: Float64Array;
  private readonly rng: Int32Array;
  private readonly sampleRate: Hertz;

  constructor(
    layout: PatchLayout,
    sampleRate: Hertz,
    seed: number,
    private readonly inputs: Float64Array,
  ) {
    const list = layout.mappings.filter((m) => m.targetSlot >= 0);
    const c = list.length;
    this.count = c;
    this.sampleRate = sampleRate;
    this.kind = Int32Array.from(list, (m) => m.kind);
    this.input = Int32Array.from(list, (m) => m.input);
    this.column = Int32Array.from(list, (m) => m.column);
    this.shape = Int32Array.from(list, (m) => m.lfoShape);
    this.target = Int32Array.from(list, (m) => m.targetSlot);
    this.minSlot = Int32Array.from(list, (m) => m.minSlot);
    this.maxSlot = Int32Array.from(list, (m) => m.maxSlot);
    this.curveSlot = Int32Array.from(list, (m) => m.curveSlot);
    this.smoothingSlot = Int32Array.from(list, (m) => m.smoothingSlot);
    this.rateSlot = Int32Array.from(list, (m) => m.rateSlot);
    this.sourceMin = Float64Array.from(list, (m) => m.sourceMin);
    this.sourceSpan = Float64Array.from(list, (m) => m.sourceMax - m.sourceMin);
    this.invert = Uint8Array.from(list, (m) => (m.invert ? 1 : 0));
    this.logTarget = Uint8Array.from(list, (m) => (layout.params[m.targetSlot].spec.scaling === 'log' ? 1 : 0));
    this.position = new Float64Array(c).fill(NaN);
    this.last = new Float64Array(c).fill(NaN);
    this.phase = new Float64Array(c);
    this.walkFrom = new Float64Array(c);
    this.walkTo = new Float64Array(c);
    this.rng = Int32Array.from(list, (_, k) => streamSeed(seed, LFO_STREAM + k));
    for (let k = 0; k < c; k++) if (this.shape[k] > SHAPE_TRIANGLE) this.walkTo[k] = bipolar(this.rng, k) * 0.5;
  }

  /**
   * Puts every mapping whose source can be read at load (inputs, LFOs) straight onto its
   * destination, before anything reads the bank, so a patch starts where its controls are.
   */
  prime(bank: ParamBank): void {
    for (let k = 0; k < this.count; k++) {
      if (this.kind[k] === MAPPING_COLUMN) continue;
      const x = this.kind[k] === MAPPING_INPUT ? this.inputs[this.input[k]] : this.lfo(k);
      if (!(x - x === 0)) continue;
      const p = this.shapePosition(k, x, bank.value);
      this.position[k] = p;
      const v = bank.clamp(this.target[k], this.valueAt(k, p, bank.value));
      bank.jump(this.target[k], v);
      this.last[k] = v;
    }
  }

  /** One chunk of `len` frames; the columns hold the previous chunk's `lastLen` samples. */
  apply(len: number, cols: readonly Float64Array[], lastLen: number, bank: ParamBank): void {
    const p = bank.value;
    for (let k = 0; k < this.count; k++) {
      let x: number;
      const kind = this.kind[k];
      if (kind === MAPPING_INPUT) x = this.inputs[this.input[k]];
      else if (kind === MAPPING_COLUMN) x = lastLen > 0 ? cols[this.column[k]][lastLen - 1] : NaN;
      else {
        this.advanceLfo(k, p[this.rateSlot[k]] * len);
        x = this.lfo(k);
      }
      if (!(x - x === 0)) continue;
      const aim = this.shapePosition(k, x, p);
      let pos = this.position[k];
      if (pos !== pos) pos = aim;
      else {
        const ms = p[this.smoothingSlot[k]];
        pos = ms > 0 ? aim + (pos - aim) * Math.exp((-1000 * len) / (ms * this.sampleRate)) : aim;
      }
      this.position[k] = pos;
      const slot = this.target[k];
      const v = this.valueAt(k, pos, p);
      const last = this.last[k];
      // A mapping at rest costs nothing downstream, unless a set() tried to move its slot.
      if (v === last && p[slot] === last && bank.target[slot] === last) continue;
      bank.drive(slot, last === last ? last : p[slot], v);
      this.last[k] = p[slot];
    }
  }

  /** Position 0..1 of source value x after range, invert and curve. */
  private shapePosition(k: number, x: number, p: Float64Array): number {
    let n = (x - this.sourceMin[k]) / this.sourceSpan[k];
    n = n < 0 ? 0 : n > 1 ? 1 : n;
    if (this.invert[k] === 1) n = 1 - n;
    const curve = p[this.curveSlot[k]];
    return curve === 1 ? n : Math.pow(n, curve);
  }

  /** The destination value at position `pos` between the mapping's min and max. */
  private valueAt(k: number, pos: number, p: Float64Array): number {
    const lo = p[this.minSlot[k]];
    const hi = p[this.maxSlot[k]];
    // A log parameter's range starts above 0 (the registry guarantees it), so lo and hi are > 0.
    return this.logTarget[k] === 1 ? lo * Math.pow(hi / lo, pos) : lo + (hi - lo) * pos;
  }

  private advanceLfo(k: number, cycles: number): void {
    let ph = this.phase[k] + cycles / this.sampleRate;
    if (ph >= 1) {
      ph -= Math.floor(ph);
      if (this.shape[k] > SHAPE_TRIANGLE) {
        this.walkFrom[k] = this.walkTo[k];
        let next = this.walkTo[k] + bipolar(this.rng, k) * 0.6;
        if (next > 1) next = 2 - next;
        if (next < -1) next = -2 - next;
        this.walkTo[k] = next;
      }
    }
    this.phase[k] = ph;
  }

  /** The LFO's value -1..1 at its current phase. */
  private lfo(k: number): number {
    const ph = this.phase[k];
    const shape = this.shape[k];
    if (shape === SHAPE_SINE) return Math.sin(TWO_PI * ph);
    if (shape === SHAPE_TRIANGLE) return ph < 0.25 ? 4 * ph : ph < 0.75 ? 2 - 4 * ph : 4 * ph - 4;
    const e = ph * ph * (3 - 2 * ph);
    return this.walkFrom[k] + (this.walkTo[k] - this.walkFrom[k]) * e;
  }
}
