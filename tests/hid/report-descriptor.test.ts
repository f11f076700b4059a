import { describe, expect, it } from 'vitest';
import { AxonError } from '../../src/shared/errors';
import { PAGE_BUTTON, PAGE_GENERIC_DESKTOP, usage } from '../../src/main/hid/hid-usages';
import { parseReportDescriptor, reportByteLength, type HidReport, type ParsedDescriptor, type ReportKind } from '../../src/main/hid/report-descriptor';
import { DESCRIPTOR_NAMES, descriptorBytes, fixtureInfo, usagesNamed, type ExpectedReport } from './fixture-data';

const bytes = (...b: number[]) => Uint8Array.from(b);

function reportsOf(desc: ParsedDescriptor, kind: ReportKind, expected: ExpectedReport[]): HidReport[] {
  expect([...desc.reports[kind].keys()].sort((a, b) => a - b), `${kind} report IDs`).toEqual(
    expected.map((r) => r.report_id ?? 0).sort((a, b) => a - b),
  );
  return expected.map((r) => desc.reports[kind].get(r.report_id ?? 0)!);
}

describe('report descriptor parser on real descriptors', () => {
  for (const name of DESCRIPTOR_NAMES) {
    it(`${name}: the layout matches the fixture's expected layout`, () => {
      const info = fixtureInfo(name);
      const raw = descriptorBytes(name);
      expect(raw.length).toBe(info.descriptor_length);
      const desc = parseReportDescriptor(raw);
      const ex = info.expected;

      expect(desc.usesReportIds).toBe(ex.uses_report_ids);
      expect(desc.applications).toEqual(ex.application_collections.map((a) => usagesNamed(a)[0]));
      expect(desc.warnings).toEqual(ex.decoder_warnings);

      for (const kind of ['input', 'output', 'feature'] as const) {
        const expected = ex[`${kind}_reports`];
        const parsed = reportsOf(desc, kind, expected);
        expected.forEach((er, i) => {
          const report = parsed[i];
          expect(report.bits, `${kind} ${er.report_id} bits`).toBe(er.payload_bits);
          expect(reportByteLength(desc, report), `${kind} ${er.report_id} bytes`).toBe(er.total_bytes_including_report_id);
          if (!er.fields) return;
          expect(report.fields.length, `${kind} ${er.report_id} field count`).toBe(er.fields.length);
          er.fields.forEach((ef, j) => {
            const f = report.fields[j];
            const where = `${kind} report ${er.report_id} field ${j} (bit ${ef.bit_offset})`;
            expect(
              {
                bit_offset: f.bitOffset,
                bit_size: f.bitSize,
                count: f.count,
                constant: f.constant,
                variable: f.variable,
                null_state: f.nullState,
                main_item_flags: `0x${f.flags.toString(16).padStart(2, '0')}`,
                logical_min: f.logicalMin,
                logical_max: f.logicalMax,
              },
              where,
            ).toEqual({
              bit_offset: ef.bit_offset,
              bit_size: ef.bit_size,
              count: ef.count,
              constant: ef.constant,
              variable: ef.variable,
              null_state: ef.null_state,
              main_item_flags: ef.main_item_flags,
              logical_min: ef.logical_min,
              logical_max: ef.logical_max,
            });
            if (ef.usages) expect(f.usages, `${where} usages`).toEqual(ef.usages.flatMap(usagesNamed));
            else expect(f.usages, `${where} has no usages`).toEqual([]);
            if (ef.physical_min !== undefined) expect(f.physicalMin, `${where} physical min`).toBe(ef.physical_min);
            if (ef.physical_max !== undefined) expect(f.physicalMax, `${where} physical max`).toBe(ef.physical_max);
            if (ef.unit !== undefined) expect(f.unit, `${where} unit`).toBe(Number(ef.unit));
            else if (!ef.constant) expect(f.unit, `${where} unit`).toBe(0);
            if (ef.signed !== undefined) expect(f.logicalMin < 0, `${where} signed`).toBe(ef.signed);
          });
        });
      }
    });
  }

  it('keeps the force-feedback globals of the Saitek ff0d: 4-byte maxima, negative unit exponent, signed ranges', () => {
    const desc = parseReportDescriptor(descriptorBytes('saitek-06a3-ff0d-joystick'));
    const out = desc.reports.output;
    // Report 0x0b: 27 fe ff 00 00 = 65534 (4-byte Logical Maximum), 55 fd = exponent -3.
    const effect = out.get(0x0b)!.fields.find((f) => f.bitSize === 16)!;
    expect(effect.logicalMax).toBe(65534);
    expect(effect.physicalMax).toBe(65534);
    expect(effect.unitExponent).toBe(-3);
    expect(effect.unit).toBe(0x1001);
    // Report 0x0d: 15 81 25 7f 36 f0 d8 46 10 27 = logical -127..127, physical -10000..10000.
    const magnitude = out.get(0x0d)!.fields[1];
    expect([magnitude.logicalMin, magnitude.logicalMax, magnitude.physicalMin, magnitude.physicalMax]).toEqual([-127, 127, -10000, 10000]);
  });

  it('reads the Xbox unit exponent nibble 0x0e as -2, the way hid-core does', () => {
    const desc = parseReportDescriptor(descriptorBytes('xbox-one-s-bt'));
    const duration = desc.reports.output.get(3)!.fields.find((f) => f.unit === 0x1001)!;
    expect(duration.unitExponent).toBe(-2);
  });
});

describe('report descriptor parser: item encoding', () => {
  const app = (...body: number[]) => bytes(0x05, 0x01, 0x09, 0x04, 0xa1, 0x01, ...body, 0xc0);
  const onlyInput = (d: ParsedDescriptor) => d.reports.input.get(0)!.fields;

  it('reads a logical minimum as signed per its size, and a maximum unsigned unless the minimum is negative', () => {
    const fields = onlyInput(
      parseReportDescriptor(
        app(
          0x09, 0x30, 0x15, 0x81, 0x25, 0x7f, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02, // -127..127
          0x09, 0x31, 0x16, 0x00, 0x80, 0x26, 0xff, 0x7f, 0x75, 0x10, 0x81, 0x02, // -32768..32767
          0x09, 0x32, 0x15, 0x00, 0x25, 0xff, 0x75, 0x08, 0x81, 0x02, // 0..255: "25 ff" is not -1
          0x09, 0x33, 0x15, 0xff, 0x25, 0xff, 0x81, 0x02, // -1..-1: negative minimum, signed maximum
          0x09, 0x35, 0x17, 0x00, 0x00, 0x00, 0x80, 0x27, 0xff, 0xff, 0xff, 0x7f, 0x75, 0x20, 0x81, 0x02, // 32-bit signed
          0x09, 0x36, 0x15, 0x00, 0x27, 0xff, 0xff, 0xff, 0xff, 0x81, 0x02, // 32-bit unsigned
        ),
      ),
    );
    expect(fields.map((f) => [f.logicalMin, f.logicalMax])).toEqual([
      [-127, 127],
      [-32768, 32767],
      [0, 255],
      [-1, -1],
      [-2147483648, 2147483647],
      [0, 4294967295],
    ]);
  });

  it('decides the maximum by the minimum in force at the main item, whatever the order of the two items', () => {
    const [f] = onlyInput(parseReportDescriptor(app(0x09, 0x30, 0x25, 0x80, 0x15, 0x80, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02)));
    expect([f.logicalMin, f.logicalMax]).toEqual([-128, -128]);
  });

  it('push and pop save and restore every global, including the usage page and report ID', () => {
    const desc = parseReportDescriptor(
      app(
        0x85, 0x01, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x02,
        0xa4, // push
        0x05, 0x09, 0x85, 0x02, 0x75, 0x08, 0x26, 0xff, 0x00, 0x19, 0x01, 0x29, 0x02, 0x81, 0x02,
        0xb4, // pop
        0x09, 0x30, 0x09, 0x31, 0x81, 0x02,
      ),
    );
    const two = desc.reports.input.get(2)!.fields[0];
    expect([two.bitSize, two.logicalMax, two.usages]).toEqual([8, 255, [usage(PAGE_BUTTON, 1), usage(PAGE_BUTTON, 2)]]);
    const one = desc.reports.input.get(1)!.fields[0];
    expect([one.bitSize, one.count, one.logicalMax, one.usages]).toEqual([1, 2, 1, [usage(PAGE_GENERIC_DESKTOP, 0x30), usage(PAGE_GENERIC_DESKTOP, 0x31)]]);
  });

  it('takes extended (4-byte) usages and usage ranges with their own page', () => {
    const [f] = onlyInput(
      parseReportDescriptor(app(0x0b, 0x31, 0x00, 0x01, 0x00, 0x1b, 0x01, 0x00, 0x09, 0x00, 0x2b, 0x02, 0x00, 0x09, 0x00, 0x75, 0x08, 0x95, 0x03, 0x81, 0x02)),
    );
    expect(f.usages).toEqual([usage(PAGE_GENERIC_DESKTOP, 0x31), usage(PAGE_BUTTON, 1), usage(PAGE_BUTTON, 2)]);
  });

  it('gives short usages the usage page declared after them (hid-core rule)', () => {
    const [f] = onlyInput(parseReportDescriptor(bytes(0x09, 0x04, 0x05, 0x01, 0xa1, 0x01, 0x09, 0x30, 0x05, 0x01, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02, 0xc0)));
    expect(f.usages).toEqual([usage(PAGE_GENERIC_DESKTOP, 0x30)]);
    expect(f.application).toBe(usage(PAGE_GENERIC_DESKTOP, 0x04));
  });

  it('reads relative, wrap, null-state and buffered-bytes flags (2-byte main item data)', () => {
    const [f] = onlyInput(parseReportDescriptor(app(0x09, 0x38, 0x75, 0x08, 0x95, 0x01, 0x82, 0x4e, 0x01)));
    expect([f.relative, f.wrap, f.nullState, f.bufferedBytes, f.constant, f.variable]).toEqual([true, true, true, true, false, true]);
  });

  it('skips long items and records nested collections with their application', () => {
    const desc = parseReportDescriptor(app(0xfe, 0x02, 0x10, 0xaa, 0xbb, 0x09, 0x01, 0xa1, 0x00, 0x09, 0x30, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02, 0xc0));
    expect(desc.collections.map((c) => c.type)).toEqual(['application', 'physical']);
    const [f] = onlyInput(desc);
    expect(f.collection).toBe(1);
    expect(f.application).toBe(usage(PAGE_GENERIC_DESKTOP, 0x04));
  });

  it('clamps an absurd usage range instead of allocating it (and says so)', () => {
    const desc = parseReportDescriptor(app(0x05, 0x09, 0x19, 0x00, 0x2a, 0xff, 0xff, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02));
    expect(desc.warnings[0]).toMatch(/usage range 0\.\.65535 clamped/);
    expect(onlyInput(desc)[0].usages).toHaveLength(8);
  });
});

describe('malformed descriptors fail with hid_descriptor, never a crash or a hang', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', bytes(), /empty/],
    ['truncated inside an item', descriptorBytes('saitek-x52').subarray(0, 18), /item 0x26 needs 2 data bytes but the descriptor ends after 1 \(at byte 16\)/],
    ['truncated at an item boundary', descriptorBytes('saitek-x52').subarray(0, 59), /2 collections still open \(truncated\?\)/],
    ['pop without push', bytes(0x05, 0x01, 0xb4), /Pop without a matching Push \(at byte 2\)/],
    ['push overflow', bytes(0xa4, 0xa4, 0xa4, 0xa4, 0xa4), /Push nests deeper than 4 \(at byte 4\)/],
    ['absurd report size', bytes(0x05, 0x01, 0x76, 0x00, 0x10), /Report Size 4096 is more than 256 bits \(at byte 2\)/],
    ['absurd report count', bytes(0x97, 0xff, 0xff, 0xff, 0xff), /Report Count 4294967295 is more than 12288/],
    ['report ID 0', bytes(0x85, 0x00), /Report ID 0 is outside 1\.\.255/],
    ['end collection without collection', bytes(0xc0), /End Collection without an open collection/],
    ['cut-off long item', bytes(0xfe, 0x10, 0x00, 0x01), /long item needs 16 data bytes/],
    ['report longer than 16 KiB', bytes(0x75, 0xff, 0x96, 0x00, 0x30, 0x81, 0x02), /input report 0 grows past 16383 bytes/],
  ];
  for (const [what, input, message] of cases) {
    it(what, () => {
      let caught: unknown;
      try {
        parseReportDescriptor(input);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(AxonError);
      expect((caught as AxonError).code).toBe('hid_descriptor');
      expect((caught as AxonError).message).toMatch(message);
    });
  }

  it('random corruption of every fixture either parses or throws hid_descriptor', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    let failures = 0;
    for (const name of DESCRIPTOR_NAMES) {
      const original = descriptorBytes(name);
      for (let round = 0; round < 300; round++) {
        const b = original.slice(0, 1 + Math.floor(rand() * original.length));
        for (let k = 0; k < 4; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
        try {
          parseReportDescriptor(b);
        } catch (err) {
          expect(err).toBeInstanceOf(AxonError);
          expect((err as AxonError).code).toBe('hid_descriptor');
          failures++;
        }
      }
    }
    expect(failures).toBeGreaterThan(0);
  });
});
