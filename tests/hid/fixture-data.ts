// Loads the real HID fixtures (tests/hid/fixtures, see its README) and turns the usage names the
// fixtures' expected layouts use ("X", "Button 1..12", "Vendor 0xff00:0x0021 x54") into usages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { descriptorFromHex } from '../../src/main/hid/report-descriptor';
import {
  PAGE_BUTTON,
  PAGE_CONSUMER,
  PAGE_GAME,
  PAGE_GENERIC_DESKTOP,
  PAGE_GENERIC_DEVICE,
  PAGE_PID,
  PAGE_SIMULATION,
  usage,
} from '../../src/main/hid/hid-usages';

export const FIXTURES = join(__dirname, 'fixtures');
export const DESCRIPTOR_NAMES = ['saitek-06a3-ff0d-joystick', 'saitek-x52', 'saitek-x52-pro', 'sony-dualshock4-usb', 'xbox-one-s-bt'] as const;

export interface ExpectedField {
  bit_offset: number;
  bit_size: number;
  count: number;
  constant: boolean;
  variable: boolean;
  null_state: boolean;
  main_item_flags: string;
  logical_min: number;
  logical_max: number;
  usages?: string[];
  physical_min?: number;
  physical_max?: number;
  unit?: string;
  signed?: boolean;
}

export interface ExpectedReport {
  report_id: number | null;
  payload_bits: number;
  total_bytes_including_report_id: number;
  fields?: ExpectedField[];
}

export interface FixtureInfo {
  device: string;
  vendor_id: string;
  quirks: string[];
  descriptor_length: number;
  expected: {
    uses_report_ids: boolean;
    application_collections: string[];
    input_reports: ExpectedReport[];
    output_reports: ExpectedReport[];
    feature_reports: ExpectedReport[];
    decoder_warnings: string[];
  };
}

export interface RecordedReports {
  report_id: number | null;
  report_bytes: number;
  reports: { name: string; report_hex: string; expected: Record<string, number | string | string[]>; asserted_upstream: Record<string, number | string> }[];
}

export const descriptorBytes = (name: string): Uint8Array => descriptorFromHex(readFileSync(join(FIXTURES, `${name}.desc.hex`), 'utf8'));
export const fixtureInfo = (name: string): FixtureInfo => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as FixtureInfo;
export const recordedReports = (name: string): RecordedReports =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.reports.json`), 'utf8')) as RecordedReports;

const NAMED: Record<string, number> = {
  X: usage(PAGE_GENERIC_DESKTOP, 0x30),
  Y: usage(PAGE_GENERIC_DESKTOP, 0x31),
  Z: usage(PAGE_GENERIC_DESKTOP, 0x32),
  Rx: usage(PAGE_GENERIC_DESKTOP, 0x33),
  Ry: usage(PAGE_GENERIC_DESKTOP, 0x34),
  Rz: usage(PAGE_GENERIC_DESKTOP, 0x35),
  Slider: usage(PAGE_GENERIC_DESKTOP, 0x36),
  'Hat switch': usage(PAGE_GENERIC_DESKTOP, 0x39),
  Rudder: usage(PAGE_SIMULATION, 0xba),
  Throttle: usage(PAGE_SIMULATION, 0xbb),
  Accelerator: usage(PAGE_SIMULATION, 0xc4),
  Brake: usage(PAGE_SIMULATION, 0xc5),
  'Move Right/Left': usage(PAGE_GAME, 0x24),
  'Move Up/Down': usage(PAGE_GAME, 0x26),
  'AC Home': usage(PAGE_CONSUMER, 0x223),
  'AC Back': usage(PAGE_CONSUMER, 0x224),
  'Battery Strength': usage(PAGE_GENERIC_DEVICE, 0x20),
  'Game Pad': usage(PAGE_GENERIC_DESKTOP, 0x05),
  Joystick: usage(PAGE_GENERIC_DESKTOP, 0x04),
  'Consumer Control': usage(PAGE_CONSUMER, 0x01),
};

/** One fixture usage name, expanded to the usages it stands for. */
export function usagesNamed(name: string): number[] {
  const repeat = /^(.*) x(\d+)$/.exec(name);
  if (repeat) return Array.from({ length: Number(repeat[2]) }, () => usagesNamed(repeat[1])).flat();
  const buttons = /^Button (\d+)\.\.(\d+)$/.exec(name);
  if (buttons) return Array.from({ length: Number(buttons[2]) - Number(buttons[1]) + 1 }, (_, i) => usage(PAGE_BUTTON, Number(buttons[1]) + i));
  const button = /^Button (\d+)$/.exec(name);
  if (button) return [usage(PAGE_BUTTON, Number(button[1]))];
  const pid = /^PID (0x[0-9a-f]+)$/i.exec(name);
  if (pid) return [usage(PAGE_PID, Number(pid[1]))];
  const vendor = /^Vendor (0x[0-9a-f]+):(0x[0-9a-f]+)$/i.exec(name);
  if (vendor) return [usage(Number(vendor[1]), Number(vendor[2]))];
  const known = NAMED[name];
  if (known === undefined) throw new Error(`fixture usage name "${name}" has no mapping in fixture-data.ts`);
  return [known];
}

export const hexBytes = (hex: string): Uint8Array => Uint8Array.from(hex.trim().split(/\s+/).map((h) => parseInt(h, 16)));
