/**
 * Turns raw input reports into joystick values, using a JoystickLayout.
 *
 *   const decoder = new ReportDecoder(joystickLayout(parseReportDescriptor(descriptor)));
 *   if (decoder.decode(report)) use(decoder.state);   // report: ID byte first when IDs are used
 *
 * `state` is one object, updated in place by every `decode` (no allocation per report): copy
 * what you keep. Values:
 *  - axes[key]: centred axes -1..1 (logical min -> -1, max -> +1, so stick forward / left is -1);
 *    unipolar axes (slider, dial, throttle, accelerator, brake) 0..1 (logical min -> 0). Clamped.
 *    An axis reporting a null (out-of-range) value keeps its previous value.
 *  - raw[key]: the logical value, sign-extended for signed fields (what calibration learns from).
 *  - hats[i]: direction -1 (centred, or any out-of-range / null value) or 0..7 clockwise from
 *    north (up), plus x / y in -1, 0, 1 with y = -1 for up, matching the stick's Y.
 *  - buttons[n - 1]: button n pressed.
 */
import type { AxisSlot, BitSlot, ButtonArraySlot, ButtonSlot, HatSlot, JoystickLayout } from './joystick-layout';
import type { HidField } from './report-descriptor';

export interface HatState {
  direction: number;
  x: number;
  y: number;
}

export interface JoystickState {
  readonly axes: Record<string, number>;
  readonly raw: Record<string, number>;
  readonly hats: HatState[];
  readonly buttons: boolean[];
}

// Direction 0..7 = N, NE, E, SE, S, SW, W, NW.
const HAT_X = [0, 1, 1, 1, 0, -1, -1, -1];
const HAT_Y = [-1, -1, 0, 1, 1, 1, 0, -1];

/**
 * The value of `bitSize` bits at `bitOffset` bits past `byteStart`, LSB first (HID 1.11 5.8),
 * crossing byte boundaries as needed; sign-extended when `signed`. Up to 53 bits.
 */
export function readBits(data: Uint8Array, byteStart: number, bitOffset: number, bitSize: number, signed: boolean): number {
  let value = 0;
  let got = 0;
  let pos = bitOffset;
  while (got < bitSize) {
    const byte = data[byteStart + (pos >> 3)];
    const shift = pos & 7;
    const take = Math.min(8 - shift, bitSize - got);
    // Multiply instead of shifting so fields of 32 bits and more stay exact and unsigned.
    value += ((byte >> shift) & ((1 << take) - 1)) * 2 ** got;
    got += take;
    pos += take;
  }
  if (signed && bitSize > 0 && value >= 2 ** (bitSize - 1)) value -= 2 ** bitSize;
  return value;
}

/** Element `index` of any parsed field, from a whole report (ID byte first when `usesReportIds`). */
export function readField(report: Uint8Array, usesReportIds: boolean, field: HidField, index = 0): number {
  return readBits(report, usesReportIds ? 1 : 0, field.bitOffset + index * field.bitSize, field.bitSize, field.logicalMin < 0);
}

const readSlot = (data: Uint8Array, start: number, s: BitSlot): number => readBits(data, start, s.bitOffset, s.bitSize, s.signed);
const outOfRange = (s: BitSlot, v: number): boolean => v < s.logicalMin || v > s.logicalMax;

/** Direction 0..7 for a hat value, -1 when centred. 4-position hats (0..3) map to N, E, S, W. */
export function hatDirection(s: BitSlot, value: number): number {
  if (outOfRange(s, value)) return -1;
  const positions = s.logicalMax - s.logicalMin + 1;
  return Math.round(((value - s.logicalMin) * 8) / positions) % 8;
}

/** Logical value to -1..1 (centred) or 0..1 (unipolar), clamped. */
export function normaliseAxis(s: AxisSlot, value: number): number {
  const span = s.logicalMax - s.logicalMin;
  if (span <= 0) return 0;
  const t = Math.min(1, Math.max(0, (value - s.logicalMin) / span));
  return s.unipolar ? t : 2 * t - 1;
}

interface ReportPlan {
  readonly bytes: number;
  readonly axes: AxisSlot[];
  readonly hats: { slot: HatSlot; index: number }[];
  readonly buttons: ButtonSlot[];
  readonly buttonArrays: ButtonArraySlot[];
  /** The buttons the array slots can press, each once (the slots of one field share their numbers). */
  readonly arrayButtons: number[];
}

export class ReportDecoder {
  readonly state: JoystickState;
  /** Reports ignored: unknown report ID, or shorter than the descriptor says. */
  rejected = 0;
  private readonly plans = new Map<number, ReportPlan>();

  constructor(readonly layout: JoystickLayout) {
    const axes: Record<string, number> = {};
    const raw: Record<string, number> = {};
    for (const a of layout.axes) {
      axes[a.key] = 0;
      raw[a.key] = a.logicalMin;
    }
    this.state = {
      axes,
      raw,
      hats: layout.hats.map(() => ({ direction: -1, x: 0, y: 0 })),
      buttons: Array.from({ length: layout.buttonCount }, () => false),
    };
    for (const [id, bytes] of layout.reportBytes) this.plans.set(id, { bytes, axes: [], hats: [], buttons: [], buttonArrays: [], arrayButtons: [] });
    // One pass over the slots, not one per report: 255 reports of many slots each took seconds.
    for (const a of layout.axes) this.plans.get(a.reportId)?.axes.push(a);
    layout.hats.forEach((slot, index) => this.plans.get(slot.reportId)?.hats.push({ slot, index }));
    for (const b of layout.buttons) this.plans.get(b.reportId)?.buttons.push(b);
    for (const b of layout.buttonArrays) this.plans.get(b.reportId)?.buttonArrays.push(b);
    for (const plan of this.plans.values()) {
      const lists = new Set(plan.buttonArrays.map((b) => b.numbers));
      plan.arrayButtons.push(...new Set([...lists].flatMap((numbers) => numbers.filter((n) => n > 0))));
    }
  }

  /** Updates `state` from one report; false (state untouched) for reports this layout does not describe. */
  decode(report: Uint8Array): boolean {
    const ids = this.layout.usesReportIds;
    if (ids && report.length === 0) {
      this.rejected++;
      return false;
    }
    const plan = this.plans.get(ids ? report[0] : 0);
    if (!plan || report.length < plan.bytes) {
      this.rejected++;
      return false;
    }
    const start = ids ? 1 : 0;
    const { axes, raw, hats, buttons } = this.state;
    for (const a of plan.axes) {
      const v = readSlot(report, start, a);
      if (a.nullState && outOfRange(a, v)) continue;
      raw[a.key] = v;
      axes[a.key] = normaliseAxis(a, v);
    }
    for (const { slot, index } of plan.hats) {
      const direction = hatDirection(slot, readSlot(report, start, slot));
      const hat = hats[index];
      hat.direction = direction;
      hat.x = direction < 0 ? 0 : HAT_X[direction];
      hat.y = direction < 0 ? 0 : HAT_Y[direction];
    }
    for (const b of plan.buttons) buttons[b.number - 1] = readSlot(report, start, b) !== 0;
    if (plan.buttonArrays.length > 0) {
      for (const n of plan.arrayButtons) buttons[n - 1] = false;
      for (const arr of plan.buttonArrays) {
        const v = readSlot(report, start, arr);
        const n = outOfRange(arr, v) ? 0 : arr.numbers[v - arr.logicalMin] ?? 0;
        if (n > 0) buttons[n - 1] = true;
      }
    }
    return true;
  }

  /** Every control to its rest: centred axes 0, unipolar axes 0, hats centred, buttons up. */
  recentre(): void {
    const { axes, raw, hats, buttons } = this.state;
    for (const a of this.layout.axes) {
      axes[a.key] = 0;
      raw[a.key] = a.unipolar ? a.logicalMin : (a.logicalMin + a.logicalMax) / 2;
    }
    for (const h of hats) {
      h.direction = -1;
      h.x = 0;
      h.y = 0;
    }
    buttons.fill(false);
  }
}
