/**
 * Which bits of which input report a joystick's controls live in, picked from a parsed report
 * descriptor: Generic Desktop X, Y, Z, Rx, Ry, Rz, Slider, Dial, Wheel and Hat switch, the
 * Simulation page's Rudder, Throttle, Accelerator and Brake (flight sticks and pads put twist and
 * triggers there), and Button page buttons.
 *
 * When the descriptor has a Joystick, Gamepad or Multi-axis application collection only the
 * fields inside those count (an Xbox pad's Consumer "AC Back" is not a button of the pad); a
 * device with none gets `kind: null` and every matching input field.
 */
import {
  GD_DIAL,
  GD_GAMEPAD,
  GD_HAT_SWITCH,
  GD_JOYSTICK,
  GD_MULTI_AXIS,
  GD_RX,
  GD_RY,
  GD_RZ,
  GD_SLIDER,
  GD_WHEEL,
  GD_X,
  GD_Y,
  GD_Z,
  PAGE_BUTTON,
  PAGE_GENERIC_DESKTOP,
  PAGE_SIMULATION,
  SIM_ACCELERATOR,
  SIM_BRAKE,
  SIM_RUDDER,
  SIM_THROTTLE,
  usage,
  usageId,
  usagePage,
} from './hid-usages';
import type { HidField, ParsedDescriptor } from './report-descriptor';
import { reportByteLength } from './report-descriptor';

export const AXIS_NAMES = ['x', 'y', 'z', 'rx', 'ry', 'rz', 'slider', 'dial', 'wheel', 'rudder', 'throttle', 'accelerator', 'brake'] as const;
export type AxisName = (typeof AXIS_NAMES)[number];

const AXIS_USAGES: ReadonlyMap<number, AxisName> = new Map([
  [usage(PAGE_GENERIC_DESKTOP, GD_X), 'x'],
  [usage(PAGE_GENERIC_DESKTOP, GD_Y), 'y'],
  [usage(PAGE_GENERIC_DESKTOP, GD_Z), 'z'],
  [usage(PAGE_GENERIC_DESKTOP, GD_RX), 'rx'],
  [usage(PAGE_GENERIC_DESKTOP, GD_RY), 'ry'],
  [usage(PAGE_GENERIC_DESKTOP, GD_RZ), 'rz'],
  [usage(PAGE_GENERIC_DESKTOP, GD_SLIDER), 'slider'],
  [usage(PAGE_GENERIC_DESKTOP, GD_DIAL), 'dial'],
  [usage(PAGE_GENERIC_DESKTOP, GD_WHEEL), 'wheel'],
  [usage(PAGE_SIMULATION, SIM_RUDDER), 'rudder'],
  [usage(PAGE_SIMULATION, SIM_THROTTLE), 'throttle'],
  [usage(PAGE_SIMULATION, SIM_ACCELERATOR), 'accelerator'],
  [usage(PAGE_SIMULATION, SIM_BRAKE), 'brake'],
]);

/**
 * Axes that rest at one end (slider, dial, throttle, pedals / triggers) read 0..1; all others
 * rest in the middle and read -1..1. HID says nothing about rest positions, so this is by usage.
 */
export const UNIPOLAR_AXES: ReadonlySet<AxisName> = new Set(['slider', 'dial', 'throttle', 'accelerator', 'brake']);

export type JoystickKind = 'joystick' | 'gamepad' | 'multi-axis';
const KINDS: ReadonlyMap<number, JoystickKind> = new Map([
  [usage(PAGE_GENERIC_DESKTOP, GD_JOYSTICK), 'joystick'],
  [usage(PAGE_GENERIC_DESKTOP, GD_GAMEPAD), 'gamepad'],
  [usage(PAGE_GENERIC_DESKTOP, GD_MULTI_AXIS), 'multi-axis'],
]);

/** Where one value sits in an input report. */
export interface BitSlot {
  /** 0 when the device uses no report IDs. */
  readonly reportId: number;
  /** From the first bit after the report-ID byte. */
  readonly bitOffset: number;
  readonly bitSize: number;
  readonly logicalMin: number;
  readonly logicalMax: number;
  /** logicalMin < 0: the raw bits are two's complement. */
  readonly signed: boolean;
  readonly nullState: boolean;
}

export interface AxisSlot extends BitSlot {
  readonly name: AxisName;
  /** Unique per layout: the name, then name2, name3 for repeats (two sliders). */
  readonly key: string;
  readonly usage: number;
  readonly unipolar: boolean;
}

export type HatSlot = BitSlot;

/** A variable button field element: pressed when its value is non-zero. */
export interface ButtonSlot extends BitSlot {
  /** 1-based button number (the Button page usage id). */
  readonly number: number;
}

/** An array field on the Button page: each element holds the index of a pressed button. */
export interface ButtonArraySlot extends BitSlot {
  /** Button numbers the element values select (value - logicalMin), 0 = none. */
  readonly numbers: readonly number[];
}

export interface JoystickLayout {
  readonly kind: JoystickKind | null;
  readonly usesReportIds: boolean;
  readonly axes: readonly AxisSlot[];
  readonly hats: readonly HatSlot[];
  readonly buttons: readonly ButtonSlot[];
  readonly buttonArrays: readonly ButtonArraySlot[];
  /** Highest button number: decoded states have this many buttons. */
  readonly buttonCount: number;
  /** Input report IDs that carry any of the above, with their length incl. the ID byte. */
  readonly reportBytes: ReadonlyMap<number, number>;
}

/** Biggest field the decoder reads (JavaScript numbers hold 53 bits; no control needs more than 32). */
export const MAX_DECODED_BITS = 32;

const slotOf = (f: HidField, index: number): BitSlot => ({
  reportId: f.reportId,
  bitOffset: f.bitOffset + index * f.bitSize,
  bitSize: f.bitSize,
  logicalMin: f.logicalMin,
  logicalMax: f.logicalMax,
  signed: f.logicalMin < 0,
  nullState: f.nullState,
});

/** The kind of the first Joystick / Gamepad / Multi-axis application collection, else null. */
export function joystickKind(desc: ParsedDescriptor): JoystickKind | null {
  for (const app of desc.applications) {
    const kind = KINDS.get(app);
    if (kind) return kind;
  }
  return null;
}

export function joystickLayout(desc: ParsedDescriptor): JoystickLayout {
  const kind = joystickKind(desc);
  const axes: AxisSlot[] = [];
  const hats: HatSlot[] = [];
  const buttons: ButtonSlot[] = [];
  const buttonArrays: ButtonArraySlot[] = [];
  const seenButtons = new Set<number>();
  const keyCounts = new Map<AxisName, number>();
  const reportBytes = new Map<number, number>();
  let buttonCount = 0;

  for (const report of desc.reports.input.values()) {
    let used = false;
    for (const f of report.fields) {
      if (f.constant || f.bitSize === 0 || f.bitSize > MAX_DECODED_BITS) continue;
      if (kind && !KINDS.has(f.application)) continue;
      if (!f.variable) {
        const numbers = f.usages.map((u) => (usagePage(u) === PAGE_BUTTON ? usageId(u) : 0));
        if (!numbers.some((n) => n > 0)) continue;
        for (let i = 0; i < f.count; i++) buttonArrays.push({ ...slotOf(f, i), numbers });
        buttonCount = Math.max(buttonCount, ...numbers);
        used = true;
        continue;
      }
      f.usages.forEach((u, i) => {
        const page = usagePage(u);
        const id = usageId(u);
        const axis = AXIS_USAGES.get(u);
        if (axis) {
          const n = (keyCounts.get(axis) ?? 0) + 1;
          keyCounts.set(axis, n);
          axes.push({ ...slotOf(f, i), name: axis, key: n === 1 ? axis : `${axis}${n}`, usage: u, unipolar: UNIPOLAR_AXES.has(axis) });
          used = true;
        } else if (page === PAGE_GENERIC_DESKTOP && id === GD_HAT_SWITCH) {
          hats.push(slotOf(f, i));
          used = true;
        } else if (page === PAGE_BUTTON && id > 0 && !seenButtons.has(id)) {
          // Repeated usages (a field with fewer usages than elements) are one button, not many.
          seenButtons.add(id);
          buttons.push({ ...slotOf(f, i), number: id });
          buttonCount = Math.max(buttonCount, id);
          used = true;
        }
      });
    }
    if (used) reportBytes.set(report.reportId, reportByteLength(desc, report));
  }
  return { kind, usesReportIds: desc.usesReportIds, axes, hats, buttons, buttonArrays, buttonCount, reportBytes };
}

/** A layout worth opening: anything to read at all. */
export const hasControls = (layout: JoystickLayout): boolean =>
  layout.axes.length + layout.hats.length + layout.buttons.length + layout.buttonArrays.length > 0;
