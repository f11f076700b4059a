import type { ParamSlot } from '../../shared/patch/layout';
import type { Hertz } from '../../shared/units';

/**
 * Current values of every parameter slot of a patch, with per-slot one-pole smoothing toward a
 * target. Only slots still moving are visited per sample (an active list), so a static patch
 * pays nothing. Engine-thread only.
 */
export class ParamBank {
  readonly count: number;
  readonly value: Float64Array;
  readonly target: Float64Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly integer: Uint8Array;
  private readonly coef: Float64Array;
  private readonly epsilon: Float64Array;
  private readonly active: Int32Array;
  private readonly isActive: Uint8Array;
  private activeCount = 0;
  /** Where a slot's value is also written (the network's weight matrix), -1 for none. */
  readonly mirrorIndex: Int32Array;
  mirror: Float64Array | null = null;
  /** Bumped on every change a consumer may cache (set or step). */
  version = 0;

  constructor(slots: readonly ParamSlot[], sampleRate: Hertz) {
    const n = slots.length;
    this.count = n;
    this.value = new Float64Array(n);
    this.target = new Float64Array(n);
    this.min = new Float64Array(n);
    this.max = new Float64Array(n);
    this.integer = new Uint8Array(n);
    this.coef = new Float64Array(n);
    this.epsilon = new Float64Array(n);
    this.active = new Int32Array(n);
    this.isActive = new Uint8Array(n);
    this.mirrorIndex = new Int32Array(n).fill(-1);
    slots.forEach((s, i) => {
      this.value[i] = this.target[i] = s.initial;
      this.min[i] = s.spec.min;
      this.max[i] = s.spec.max;
      this.integer[i] = s.spec.integer ? 1 : 0;
      const tau = s.spec.smoothing / 1000;
      this.coef[i] = tau > 0 ? 1 - Math.exp(-1 / (tau * sampleRate)) : 1;
      this.epsilon[i] = (s.spec.max - s.spec.min) * 1e-9;
    });
  }

  /** Sets a slot's target (clamped to its range); steps at once when the slot is not smoothed. */
  set(slot: number, v: number): void {
    if (slot < 0 || slot >= this.count || v !== v) return;
    let x = v < this.min[slot] ? this.min[slot] : v > this.max[slot] ? this.max[slot] : v;
    if (this.integer[slot] === 1) x = Math.round(x);
    this.target[slot] = x;
    this.version++;
    if (this.coef[slot] >= 1) {
      this.write(slot, x);
    } else if (this.isActive[slot] === 0) {
      this.isActive[slot] = 1;
      this.active[this.activeCount++] = slot;
    }
  }

  /** Sets value and target together, skipping smoothing (e.g. a learner owns the value). */
  jump(slot: number, v: number): void {
    this.target[slot] = v;
    this.write(slot, v);
  }

  /** Advances every moving slot by one sample. */
  step(): void {
    const n = this.activeCount;
    if (n === 0) return;
    let w = 0;
    for (let k = 0; k < n; k++) {
      const slot = this.active[k];
      const t = this.target[slot];
      let v = this.value[slot];
      v += (t - v) * this.coef[slot];
      if (Math.abs(t - v) <= this.epsilon[slot]) {
        v = t;
        this.isActive[slot] = 0;
      } else {
        this.active[w++] = slot;
      }
      this.write(slot, v);
    }
    this.activeCount = w;
    this.version++;
  }

  get moving(): number {
    return this.activeCount;
  }

  private write(slot: number, v: number): void {
    this.value[slot] = v;
    const m = this.mirrorIndex[slot];
    if (m >= 0 && this.mirror !== null) this.mirror[m] = v;
  }
}
