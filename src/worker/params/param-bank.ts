import type { ParamSlot } from '../../shared/patch/layout';
import type { Hertz } from '../../shared/units';

/**
 * Every parameter slot of a patch, smoothed toward its target at control rate. The engine
 * renders in chunks of up to CHUNK frames; `advance(len)` moves each smoothing slot by exactly
 * `len` samples of its one-pole (closed form), leaving `start` = the value at the chunk's start
 * and `value` = at its end, so a consumer can ramp linearly between them. Only moving slots are
 * visited. Engine-thread only.
 */
export class ParamBank {
  readonly count: number;
  /** Value at the end of the current chunk (the current value between chunks). */
  readonly value: Float64Array;
  /** Value at the start of the current chunk; equal to `value` for slots that did not move. */
  readonly start: Float64Array;
  readonly target: Float64Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly integer: Uint8Array;
  /** Per-sample retention of the one-pole (0 = steps at once). */
  private readonly keep: Float64Array;
  private readonly epsilon: Float64Array;
  private readonly active: Int32Array;
  private readonly isActive: Uint8Array;
  private activeCount = 0;
  /** Slots that moved during the last advance() or drive() (their start differs from value). */
  readonly moved: Int32Array;
  movedCount = 0;
  private readonly isMoved: Uint8Array;
  /** Bumped whenever any value changes, so consumers can skip re-reading a static bank. */
  version = 0;

  constructor(slots: readonly ParamSlot[], sampleRate: Hertz) {
    const n = slots.length;
    this.count = n;
    this.value = new Float64Array(n);
    this.start = new Float64Array(n);
    this.target = new Float64Array(n);
    this.min = new Float64Array(n);
    this.max = new Float64Array(n);
    this.integer = new Uint8Array(n);
    this.keep = new Float64Array(n);
    this.epsilon = new Float64Array(n);
    this.active = new Int32Array(n);
    this.isActive = new Uint8Array(n);
    this.moved = new Int32Array(n);
    this.isMoved = new Uint8Array(n);
    slots.forEach((s, i) => {
      this.value[i] = this.start[i] = this.target[i] = s.initial;
      this.min[i] = s.spec.min;
      this.max[i] = s.spec.max;
      this.integer[i] = s.spec.integer ? 1 : 0;
      const tau = s.spec.smoothing / 1000;
      this.keep[i] = tau > 0 ? Math.exp(-1 / (tau * sampleRate)) : 0;
      this.epsilon[i] = (s.spec.max - s.spec.min) * 1e-9;
    });
  }

  /** Sets a slot's target (clamped to its range); a slot without smoothing steps at once. */
  set(slot: number, v: number): void {
    if (!(slot >= 0 && slot < this.count) || v !== v) return;
    let x = v < this.min[slot] ? this.min[slot] : v > this.max[slot] ? this.max[slot] : v;
    if (this.integer[slot] === 1) x = Math.round(x);
    this.target[slot] = x;
    this.version = (this.version + 1) | 0;
    if (this.keep[slot] === 0) {
      this.value[slot] = this.start[slot] = x;
    } else if (this.isActive[slot] === 0) {
      this.isActive[slot] = 1;
      this.active[this.activeCount++] = slot;
    }
  }

  /** Sets value and target together, skipping smoothing (a learner or a reset owns the value). */
  jump(slot: number, v: number): void {
    this.target[slot] = this.value[slot] = this.start[slot] = v;
    this.version = (this.version + 1) | 0;
  }

  /** Takes over a value computed elsewhere (a learner's weight) unless the slot is ramping. */
  adopt(slot: number, v: number): void {
    if (this.isActive[slot] === 0) this.target[slot] = this.value[slot] = this.start[slot] = v;
  }

  /** Advances every moving slot by `len` samples. */
  advance(len: number): void {
    for (let k = 0; k < this.movedCount; k++) {
      const slot = this.moved[k];
      this.start[slot] = this.value[slot];
      this.isMoved[slot] = 0;
    }
    this.movedCount = 0;
    const n = this.activeCount;
    if (n === 0) return;
    let w = 0;
    for (let k = 0; k < n; k++) {
      const slot = this.active[k];
      const t = this.target[slot];
      const from = this.value[slot];
      let v = t + (from - t) * Math.pow(this.keep[slot], len);
      if (Math.abs(t - v) <= this.epsilon[slot]) {
        v = t;
        this.isActive[slot] = 0;
      } else {
        this.active[w++] = slot;
      }
      this.start[slot] = from;
      this.value[slot] = v;
      this.markMoved(slot);
    }
    this.activeCount = w;
    this.version = (this.version + 1) | 0;
  }

  /**
   * Drives a slot from outside for the current chunk (a mapping, after advance()): it ramps from
   * `from` to `to` across the chunk and its target follows, so a pending set() cannot pull it away.
   */
  drive(slot: number, from: number, to: number): void {
    const x = this.clamp(slot, to);
    this.start[slot] = from;
    this.value[slot] = this.target[slot] = x;
    this.markMoved(slot);
    this.version = (this.version + 1) | 0;
  }

  /** `v` as the slot can hold it: within its range, whole if it is an integer parameter. */
  clamp(slot: number, v: number): number {
    const x = v < this.min[slot] ? this.min[slot] : v > this.max[slot] ? this.max[slot] : v;
    return this.integer[slot] === 1 ? Math.round(x) : x;
  }

  private markMoved(slot: number): void {
    if (this.isMoved[slot] === 1) return;
    this.isMoved[slot] = 1;
    this.moved[this.movedCount++] = slot;
  }
}
