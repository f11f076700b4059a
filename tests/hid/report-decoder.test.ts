import { describe, expect, it } from 'vitest';
import { joystickLayout, type BitSlot, type JoystickLayout } from '../../src/main/hid/joystick-layout';
import { readBits, readField, ReportDecoder } from '../../src/main/hid/report-decoder';
import { parseReportDescriptor, type ParsedDescriptor } from '../../src/main/hid/report-descriptor';
import { DESCRIPTOR_NAMES, descriptorBytes, fixtureInfo, hexBytes, recordedReports, usagesNamed } from './fixture-data';

const DIRECTIONS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
const FIELD_NAMES = ['X', 'Y', 'Z', 'Rx', 'Ry', 'Rz', 'Slider', 'Hat switch', 'Move Right/Left', 'Move Up/Down'];
const AXIS_KEY: Record<string, string> = { X: 'x', Y: 'y', Z: 'z', Rx: 'rx', Ry: 'ry', Rz: 'rz', Slider: 'slider' };

/** Test-side encoder, independent of the decoder: LSB-first bits at a slot, two's complement when negative. */
function writeSlot(report: Uint8Array, usesIds: boolean, slot: BitSlot, value: number): void {
  let v = value < 0 ? value + 2 ** slot.bitSize : value;
  for (let i = 0; i < slot.bitSize; i++) {
    const bit = slot.bitOffset + i;
    const byte = (usesIds ? 1 : 0) + Math.floor(bit / 8);
    if (v % 2 === 1) report[byte] |= 1 << bit % 8;
    else report[byte] &= ~(1 << bit % 8);
    v = Math.floor(v / 2);
  }
}

function emptyReport(layout: JoystickLayout, reportId: number): Uint8Array {
  const r = new Uint8Array(layout.reportBytes.get(reportId)!);
  if (layout.usesReportIds) r[0] = reportId;
  return r;
}

describe('decoding the recorded X52 and X52 Pro reports (libx52 test vectors)', () => {
  for (const name of ['saitek-x52', 'saitek-x52-pro'] as const) {
    const recorded = recordedReports(name);
    const desc = parseReportDescriptor(descriptorBytes(name));
    const layout = joystickLayout(desc);
    const fields = desc.reports.input.get(0)!.fields;

    it(`${name}: every field decodes to the expected raw value in all ${recorded.reports.length} reports`, () => {
      expect(layout.reportBytes.get(0)).toBe(recorded.report_bytes);
      for (const r of recorded.reports) {
        const bytes = hexBytes(r.report_hex);
        const got: Record<string, number> = {};
        for (const f of fields) {
          f.usages.forEach((u, i) => {
            const label = FIELD_NAMES.find((n) => usagesNamed(n)[0] === u);
            if (label) got[label] = readField(bytes, false, f, i);
          });
        }
        const want = Object.fromEntries(FIELD_NAMES.map((n) => [n, r.expected[n]]));
        expect(got, r.name).toEqual(want);
      }
    });

    it(`${name}: the joystick decoder gives the expected axes, hat and buttons`, () => {
      const decoder = new ReportDecoder(layout);
      expect(layout.kind).toBe('joystick');
      for (const r of recorded.reports) {
        expect(decoder.decode(hexBytes(r.report_hex)), r.name).toBe(true);
        const { raw, axes, hats, buttons } = decoder.state;
        for (const [label, key] of Object.entries(AXIS_KEY)) {
          expect(raw[key], `${r.name} ${label}`).toBe(r.expected[label]);
          const slot = layout.axes.find((a) => a.key === key)!;
          expect(axes[key], `${r.name} ${label} normalised`).toBeCloseTo(((r.expected[label] as number) / slot.logicalMax) * (slot.unipolar ? 1 : 2) - (slot.unipolar ? 0 : 1), 12);
        }
        const direction = r.expected.hat_direction as string;
        expect(hats[0].direction, r.name).toBe(DIRECTIONS.indexOf(direction));
        if (direction.startsWith('centered')) expect(hats[0].direction).toBe(-1);
        const pressed = buttons.flatMap((b, i) => (b ? [`Button ${i + 1}`] : []));
        expect(pressed, r.name).toEqual(r.expected.buttons_pressed);
        const up = r.asserted_upstream;
        if (up['libx52io.axis.HATX'] !== undefined) expect([hats[0].x, hats[0].y], r.name).toEqual([up['libx52io.axis.HATX'], up['libx52io.axis.HATY']]);
      }
      expect(decoder.rejected).toBe(0);
    });
  }

  it('a report shorter than the descriptor says is ignored and leaves the state alone', () => {
    const decoder = new ReportDecoder(joystickLayout(parseReportDescriptor(descriptorBytes('saitek-x52'))));
    decoder.decode(hexBytes('ff 07 00 00 00 00 00 00 00 00 00 00 00 00'));
    expect(decoder.decode(hexBytes('00 00 00'))).toBe(false);
    expect(decoder.state.raw.x).toBe(2047);
    expect(decoder.rejected).toBe(1);
  });
});

describe('synthetic reports built from each layout', () => {
  const synthetic = (name: string) => {
    const desc = parseReportDescriptor(descriptorBytes(name));
    return { desc, layout: joystickLayout(desc) };
  };

  function roundTrip(desc: ParsedDescriptor, layout: JoystickLayout, seed: number) {
    const decoder = new ReportDecoder(layout);
    const reports = new Map<number, Uint8Array>();
    const report = (id: number) => reports.get(id) ?? reports.set(id, emptyReport(layout, id)).get(id)!;
    const rawWant: Record<string, number> = {};
    layout.axes.forEach((a, i) => {
      const v = a.logicalMin + Math.floor(((seed + i * 37) % 101) / 100 * (a.logicalMax - a.logicalMin));
      rawWant[a.key] = v;
      writeSlot(report(a.reportId), desc.usesReportIds, a, v);
    });
    const hatWant = layout.hats.map((h, i) => {
      const direction = (seed + i) % 9 === 8 ? -1 : (seed + i) % 9;
      // Out of range is the null state: one past the end of 1..8 hats, 8 (also out of range) for 0..7 hats.
      writeSlot(report(h.reportId), desc.usesReportIds, h, direction < 0 ? (h.logicalMin === 0 ? h.logicalMax + 1 : 0) : h.logicalMin + direction);
      return direction;
    });
    const buttonWant = Array.from({ length: layout.buttonCount }, (_, i) => (seed * 7 + i * 3) % 5 < 2);
    for (const b of layout.buttons) writeSlot(report(b.reportId), desc.usesReportIds, b, buttonWant[b.number - 1] ? 1 : 0);
    for (const r of reports.values()) expect(decoder.decode(r)).toBe(true);
    expect(decoder.state.raw).toEqual(rawWant);
    for (const a of layout.axes) {
      const t = (rawWant[a.key] - a.logicalMin) / (a.logicalMax - a.logicalMin);
      expect(decoder.state.axes[a.key]).toBeCloseTo(a.unipolar ? t : 2 * t - 1, 12);
    }
    expect(decoder.state.hats.map((h) => h.direction)).toEqual(hatWant);
    expect(decoder.state.buttons).toEqual(buttonWant);
  }

  const shapes: Record<string, { kind: string; axes: string[]; hats: number; buttons: number }> = {
    'saitek-06a3-ff0d-joystick': { kind: 'joystick', axes: ['x', 'y', 'rudder', 'throttle'], hats: 1, buttons: 12 },
    'saitek-x52': { kind: 'joystick', axes: ['x', 'y', 'rz', 'z', 'rx', 'ry', 'slider'], hats: 1, buttons: 34 },
    'saitek-x52-pro': { kind: 'joystick', axes: ['x', 'y', 'rz', 'z', 'rx', 'ry', 'slider'], hats: 1, buttons: 39 },
    'sony-dualshock4-usb': { kind: 'gamepad', axes: ['x', 'y', 'z', 'rz', 'rx', 'ry'], hats: 1, buttons: 14 },
    'xbox-one-s-bt': { kind: 'gamepad', axes: ['x', 'y', 'z', 'rz', 'brake', 'accelerator'], hats: 1, buttons: 15 },
  };
  for (const name of DESCRIPTOR_NAMES) {
    it(`${name}: the layout holds the fixture's axes, hat and buttons, and round-trips values`, () => {
      const { desc, layout } = synthetic(name);
      const shape = shapes[name];
      expect(layout.kind).toBe(shape.kind);
      expect(layout.axes.map((a) => a.key)).toEqual(shape.axes);
      expect(layout.hats).toHaveLength(shape.hats);
      expect(layout.buttonCount).toBe(shape.buttons);
      // The summary's bit offsets agree with the layout's.
      const summary = (fixtureInfo(name).expected as unknown as { summary: { hat: { bit_offset: number }; buttons: { bit_offset: number } } }).summary;
      expect(layout.hats[0].bitOffset).toBe(summary.hat.bit_offset);
      expect(layout.buttons[0].bitOffset).toBe(summary.buttons.bit_offset);
      for (let seed = 0; seed < 20; seed++) roundTrip(desc, layout, seed);
    });
  }

  it('Xbox: the Consumer "AC Back" bit in the pad report is not taken for a pad button', () => {
    const { layout } = synthetic('xbox-one-s-bt');
    expect(layout.buttons.every((b) => b.bitOffset < 119)).toBe(true);
  });

  it('DualShock 4: the hat nibble and the first four buttons share a byte without disturbing each other', () => {
    const { layout } = synthetic('sony-dualshock4-usb');
    const decoder = new ReportDecoder(layout);
    const r = emptyReport(layout, 1);
    r[5] = 0b1010_0011; // hat 3 (SE) in the low nibble, buttons 2 and 4 in the high one
    decoder.decode(r);
    expect(decoder.state.hats[0]).toEqual({ direction: 3, x: 1, y: 1 });
    expect(decoder.state.buttons.slice(0, 4)).toEqual([false, true, false, true]);
    r[5] = 0x08; // 8 is out of 0..7: centred
    decoder.decode(r);
    expect(decoder.state.hats[0]).toEqual({ direction: -1, x: 0, y: 0 });
  });

  it('signed fields, 4-way hats, array buttons and null-state axes on a hand-made descriptor', () => {
    // prettier-ignore
    const desc = parseReportDescriptor(Uint8Array.from([
      0x05, 0x01, 0x09, 0x08, 0xa1, 0x01, 0x85, 0x07,
      0x09, 0x30, 0x09, 0x31, 0x16, 0x01, 0xf8, 0x26, 0xff, 0x07, 0x75, 0x0c, 0x95, 0x02, 0x81, 0x02, // X, Y: 12-bit -2047..2047
      0x09, 0x35, 0x15, 0x81, 0x25, 0x7f, 0x75, 0x08, 0x95, 0x01, 0x81, 0x42, // Rz -127..127 with null state
      0x09, 0x39, 0x15, 0x00, 0x25, 0x03, 0x75, 0x04, 0x81, 0x42, // 4-way hat
      0x05, 0x09, 0x19, 0x01, 0x29, 0x05, 0x15, 0x01, 0x25, 0x05, 0x75, 0x04, 0x95, 0x01, 0x81, 0x00, // one array button slot
      0xc0,
    ]));
    const layout = joystickLayout(desc);
    expect(layout.kind).toBe('multi-axis');
    const decoder = new ReportDecoder(layout);
    const r = emptyReport(layout, 7);
    const [x, y, rz] = layout.axes;
    writeSlot(r, true, x, -2047);
    writeSlot(r, true, y, 1000);
    writeSlot(r, true, rz, -64);
    writeSlot(r, true, layout.hats[0], 2);
    writeSlot(r, true, layout.buttonArrays[0], 4);
    expect(decoder.decode(r)).toBe(true);
    expect(decoder.state.raw).toEqual({ x: -2047, y: 1000, rz: -64 });
    expect(decoder.state.axes.x).toBe(-1);
    expect(decoder.state.axes.y).toBeCloseTo(1000 / 2047, 12);
    expect(decoder.state.hats[0]).toEqual({ direction: 4, x: 0, y: 1 });
    expect(decoder.state.buttons).toEqual([false, false, false, true, false]);
    // Rz -128 is outside -127..127: a null value leaves the axis where it was.
    writeSlot(r, true, rz, -128);
    writeSlot(r, true, layout.buttonArrays[0], 0);
    decoder.decode(r);
    expect(decoder.state.raw.rz).toBe(-64);
    expect(decoder.state.buttons.every((b) => !b)).toBe(true);
    // Unknown report IDs are rejected.
    expect(decoder.decode(Uint8Array.from([9, 0, 0, 0, 0, 0, 0, 0]))).toBe(false);
    decoder.recentre();
    expect(decoder.state.axes).toEqual({ x: 0, y: 0, rz: 0 });
  });

  it('readBits crosses byte boundaries, reads 32-bit fields exactly and sign-extends', () => {
    const b = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x80]);
    expect(readBits(b, 0, 0, 32, false)).toBe(4294967295);
    expect(readBits(b, 0, 0, 32, true)).toBe(-1);
    expect(readBits(b, 0, 4, 8, false)).toBe(0xff);
    expect(readBits(b, 0, 28, 12, false)).toBe(0x80f);
    expect(readBits(b, 0, 36, 4, true)).toBe(-8);
    expect(readBits(b, 1, 0, 0, true)).toBe(0);
  });
});
