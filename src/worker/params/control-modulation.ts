import type { PatchLayout } from '../../shared/patch/layout';
import { fromNormal, toNormal, type ParamSpec } from '../../shared/params/spec';
import type { ParamBank } from './param-bank';

/**
 * Routes onto source parameters (`sources.<id>.<param>`), applied at control rate: once per
 * chunk, before the sources run, each target's normalised value is offset by amount x the last
 * sample its source column held. Sources run before the network, so a neuron modulates a source
 * one chunk (32 samples) late. Engine-thread only; nothing allocates after construction.
 */
export class ControlModulation {
  /** Per slot, its index among the modulated targets, or -1. */
  private readonly targetOf: Int32Array;
  private readonly specs: ParamSpec[];
  private readonly offset: Float64Array;
  private readonly routeColumn: Int32Array;
  private readonly routeAmount: Int32Array;
  private readonly routeTarget: Int32Array;

  constructor(layout: PatchLayout, bank: ParamBank) {
    this.targetOf = new Int32Array(bank.count).fill(-1);
    this.specs = [];
    const routes = layout.routes.filter((r) => r.targetSlot >= 0 && r.column >= 0);
    for (const r of routes) {
      if (this.targetOf[r.targetSlot] >= 0) continue;
      this.targetOf[r.targetSlot] = this.specs.length;
      this.specs.push(layout.params[r.targetSlot].spec);
    }
    this.offset = new Float64Array(this.specs.length);
    this.routeColumn = Int32Array.from(routes, (r) => r.column);
    this.routeAmount = Int32Array.from(routes, (r) => r.amountSlot);
    this.routeTarget = Int32Array.from(routes, (r) => this.targetOf[r.targetSlot]);
  }

  /** Reads the columns as the previous chunk left them (`lastLen` samples). */
  update(cols: readonly Float64Array[], lastLen: number, bank: ParamBank): void {
    this.offset.fill(0);
    if (lastLen === 0) return;
    for (let r = 0; r < this.routeColumn.length; r++) {
      const v = cols[this.routeColumn[r]][lastLen - 1];
      this.offset[this.routeTarget[r]] += bank.value[this.routeAmount[r]] * v;
    }
  }

  /** The slot's value with its modulation (the bank's own value when it has none). */
  value(bank: ParamBank, slot: number): number {
    const t = this.targetOf[slot];
    if (t < 0) return bank.value[slot];
    const o = this.offset[t];
    // A non-finite column must not reach a source's controls.
    if (!(o - o === 0)) return bank.value[slot];
    return fromNormal(this.specs[t], toNormal(this.specs[t], bank.value[slot]) + o);
  }
}
