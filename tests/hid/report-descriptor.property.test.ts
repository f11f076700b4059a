import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAGE_BUTTON, PAGE_GENERIC_DESKTOP, PAGE_SIMULATION, usage } from '../../src/main/hid/hid-usages';
import { joystickLayout, type JoystickLayout } from '../../src/main/hid/joystick-layout';
import { readField, ReportDecoder } from '../../src/main/hid/report-decoder';
import {
  descriptorFromHex,
  MAX_DESCRIPTOR_BYTES,
  MAX_DESCRIPTOR_ELEMENTS,
  MAX_DESCRIPTOR_USAGES,
  MAX_REPORT_BITS,
  MAX_REPORT_COUNT,
  MAX_REPORT_SIZE_BITS,
  parseReportDescriptor,
  reportByteLength,
  type ParsedDescriptor,
} from '../../src/main/hid/report-descriptor';
import { AxonError } from '../../src/shared/errors';
import { DESCRIPTOR_NAMES, descriptorBytes } from './fixture-data';

// Properties of the report descriptor parser and the report decoder: generated descriptors
// parse to the layout they were written from and their reports read back value for value; any
// bytes, and real descriptors damaged, give a layout within the limits or hid_descriptor, and
// never a decoder that throws or leaves its declared ranges. The real devices' exact layouts
// are in report-descriptor.test.ts and report-decoder.test.ts.

const SEED = 0x41d;

// ---------------------------------------------------------------------------------------------
// A descriptor writer of our own (short items, HID 1.11 6.2.2.2).

const fitsSigned = (v: number, bytes: number) => v >= -(2 ** (8 * bytes - 1)) && v < 2 ** (8 * bytes - 1);
const fitsUnsigned = (v: number, bytes: number) => v >= 0 && v < 2 ** (8 * bytes);

/** One short item: type 0 main, 1 global, 2 local; data in the fewest bytes that hold `value` as read. */
function item(type: number, tag: number, value: number | null, signed = false): number[] {
  if (value === null) return [(tag << 4) | (type << 2)];
  const size = [1, 2, 4].find((n) => (signed ? fitsSigned(value, n) : fitsUnsigned(value, n)))!;
  const code = size === 4 ? 3 : size;
  const stored = value < 0 ? value + 2 ** (8 * size) : value;
  return [(tag << 4) | (type << 2) | code, ...Array.from({ length: size }, (_, i) => Math.floor(stored / 2 ** (8 * i)) & 0xff)];
}

interface FieldSpec {
  page: number;
  /** Usage ids, or a range written as Usage Minimum / Maximum. */
  usages: number[];
  asRange: boolean;
  bitSize: number;
  count: number;
  logicalMin: number;
  logicalMax: number;
  /** Main item data: bit 0 constant, 1 variable, 6 null state. */
  flags: number;
}

interface DescriptorSpec {
  /** Report blocks in order; an ID may come back (its fields continue where they stopped). */
  blocks: { reportId: number; fields: FieldSpec[] }[];
  usesIds: boolean;
  application: number;
}

const PAGES = [PAGE_GENERIC_DESKTOP, PAGE_BUTTON, PAGE_SIMULATION];
const USAGES_OF: Record<number, fc.Arbitrary<number>> = {
  [PAGE_GENERIC_DESKTOP]: fc.integer({ min: 0x30, max: 0x39 }),
  [PAGE_BUTTON]: fc.integer({ min: 1, max: 40 }),
  [PAGE_SIMULATION]: fc.constantFrom(0xba, 0xbb, 0xc4, 0xc5),
};

/** A field whose logical range fits its bits, so values can be written and read back. */
const fieldArb: fc.Arbitrary<FieldSpec> = fc
  .record({ page: fc.constantFrom(...PAGES), bitSize: fc.integer({ min: 1, max: 32 }), count: fc.integer({ min: 1, max: 6 }), signed: fc.boolean(), kind: fc.constantFrom('variable', 'array', 'padding') })
  .chain(({ page, bitSize, count, signed, kind }) => {
    const lo = signed && bitSize > 1 ? -(2 ** (bitSize - 1)) : 0;
    const hi = signed && bitSize > 1 ? 2 ** (bitSize - 1) - 1 : 2 ** bitSize - 1;
    // Logical Minimum is read signed, so an unsigned field's minimum stays under 2^31.
    const bounds = fc.tuple(fc.integer({ min: lo, max: Math.min(hi, 2 ** 31 - 1) }), fc.integer({ min: lo, max: hi })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)]);
    const negativeMin = signed && bitSize > 1 ? bounds.filter(([a]) => a < 0) : bounds;
    return fc.record({
      page: fc.constant(page),
      usages: kind === 'padding' ? fc.constant<number[]>([]) : fc.array(USAGES_OF[page], { minLength: 1, maxLength: kind === 'array' ? 8 : count + 1 }),
      asRange: fc.boolean(),
      bitSize: fc.constant(bitSize),
      count: fc.constant(count),
      range: negativeMin,
      flags: kind === 'padding' ? fc.constantFrom(0x01, 0x03) : kind === 'array' ? fc.constant(0x00) : fc.constantFrom(0x02, 0x42, 0x06),
    });
  })
  .map(({ range, usages, asRange, ...f }) => {
    // A range is written as min..max of sorted distinct ids, so the usages are exactly those.
    const ids = asRange && usages.length > 0 ? Array.from({ length: Math.max(...usages) - Math.min(...usages) + 1 }, (_, i) => Math.min(...usages) + i) : usages;
    return { ...f, usages: ids, asRange: asRange && usages.length > 0, logicalMin: range[0], logicalMax: range[1] };
  });

const descriptorSpecArb: fc.Arbitrary<DescriptorSpec> = fc
  .record({
    usesIds: fc.boolean(),
    ids: fc.uniqueArray(fc.integer({ min: 1, max: 255 }), { minLength: 1, maxLength: 3 }),
    blocks: fc.array(fc.tuple(fc.nat(), fc.array(fieldArb, { minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 4 }),
    application: fc.constantFrom(0x04, 0x05, 0x08),
  })
  .map(({ usesIds, ids, blocks, application }) => ({
    usesIds,
    application,
    blocks: blocks.map(([pick, fields]) => ({ reportId: usesIds ? ids[pick % ids.length] : 0, fields })),
  }));

/** The bytes of a spec; globals are written only when they change, as real descriptors do. */
function writeDescriptor(spec: DescriptorSpec): Uint8Array {
  const out: number[] = [...item(1, 0x0, PAGE_GENERIC_DESKTOP), ...item(2, 0x0, spec.application), ...item(0, 0xa, 1)];
  const g = { page: -1, min: NaN, maxU: NaN, maxS: NaN, size: -1, count: -1, id: -1 };
  for (const block of spec.blocks) {
    if (spec.usesIds && g.id !== block.reportId) out.push(...item(1, 0x8, (g.id = block.reportId)));
    for (const f of block.fields) {
      if (f.usages.length > 0 && g.page !== f.page) out.push(...item(1, 0x0, (g.page = f.page)));
      if (f.asRange) out.push(...item(2, 0x1, f.usages[0]), ...item(2, 0x2, f.usages[f.usages.length - 1]));
      else for (const u of f.usages) out.push(...item(2, 0x0, u));
      if (g.min !== f.logicalMin) out.push(...item(1, 0x1, (g.min = f.logicalMin), true));
      // The maximum is read signed or unsigned by the minimum in force: rewrite it when that read differs.
      if ((f.logicalMin < 0 ? g.maxS : g.maxU) !== f.logicalMax) {
        const bytes = item(1, 0x2, f.logicalMax, f.logicalMin < 0);
        out.push(...bytes);
        const size = bytes.length - 1;
        let u = 0;
        for (let i = 0; i < size; i++) u += bytes[1 + i] * 2 ** (8 * i);
        g.maxU = u;
        g.maxS = u >= 2 ** (8 * size - 1) ? u - 2 ** (8 * size) : u;
      }
      if (g.size !== f.bitSize) out.push(...item(1, 0x7, (g.size = f.bitSize)));
      if (g.count !== f.count) out.push(...item(1, 0x9, (g.count = f.count)));
      out.push(...item(0, 0x8, f.flags));
    }
  }
  out.push(...item(0, 0xc, null));
  return Uint8Array.from(out);
}

/** The fields the parser must find, per report ID, with their offsets. */
function expectedReports(spec: DescriptorSpec): Map<number, { bits: number; fields: { bitOffset: number; f: FieldSpec }[] }> {
  const reports = new Map<number, { bits: number; fields: { bitOffset: number; f: FieldSpec }[] }>();
  for (const block of spec.blocks) {
    const r = reports.get(block.reportId) ?? { bits: 0, fields: [] };
    for (const f of block.fields) {
      r.fields.push({ bitOffset: r.bits, f });
      r.bits += f.bitSize * f.count;
    }
    reports.set(block.reportId, r);
  }
  return reports;
}

/** Writes `value` into `bitSize` bits at `bitOffset` past `start`, LSB first (two's complement when negative). */
function writeBits(data: Uint8Array, start: number, bitOffset: number, bitSize: number, value: number): void {
  let v = value < 0 ? value + 2 ** bitSize : value;
  for (let i = 0; i < bitSize; i++) {
    const bit = v % 2;
    v = Math.floor(v / 2);
    const at = start + ((bitOffset + i) >> 3);
    const mask = 1 << ((bitOffset + i) & 7);
    data[at] = bit ? data[at] | mask : data[at] & ~mask;
  }
}

// ---------------------------------------------------------------------------------------------
// Invariants of any parse and any decode.

function descriptorViolations(d: ParsedDescriptor): string[] {
  const out: string[] = [];
  let elements = 0;
  let usages = 0;
  d.collections.forEach((c, i) => c.parent >= i && out.push(`collection ${i} has parent ${c.parent}`));
  for (const kind of ['input', 'output', 'feature'] as const) {
    for (const [id, report] of d.reports[kind]) {
      if (id !== report.reportId || id < 0 || id > 255) out.push(`${kind} report ${id}`);
      if (report.bits > MAX_REPORT_BITS) out.push(`${kind} ${id}: ${report.bits} bits`);
      let at = 0;
      for (const f of report.fields) {
        if (f.bitOffset !== at) out.push(`${kind} ${id}: a field at ${f.bitOffset}, expected ${at}`);
        if (f.bitSize > MAX_REPORT_SIZE_BITS || f.count > MAX_REPORT_COUNT) out.push(`${kind} ${id}: ${f.bitSize} x ${f.count}`);
        if (f.variable && f.usages.length !== 0 && f.usages.length !== f.count) out.push(`${kind} ${id}: ${f.usages.length} usages for ${f.count} elements`);
        if (f.collection >= d.collections.length) out.push(`${kind} ${id}: collection ${f.collection}`);
        at += f.bitSize * f.count;
        elements += f.count;
        usages += f.usages.length;
      }
      if (at !== report.bits) out.push(`${kind} ${id}: fields end at ${at}, report has ${report.bits} bits`);
    }
  }
  if (elements > MAX_DESCRIPTOR_ELEMENTS) out.push(`${elements} elements`);
  if (usages > MAX_DESCRIPTOR_USAGES) out.push(`${usages} usages`);
  return out;
}

/** Parses and checks: a descriptor keeping every invariant, or hid_descriptor. */
function expectParseContract(bytes: Uint8Array): ParsedDescriptor | null {
  try {
    const d = parseReportDescriptor(bytes);
    expect(descriptorViolations(d)).toEqual([]);
    return d;
  } catch (err) {
    if (!(err instanceof AxonError)) throw err;
    expect(err.code).toBe('hid_descriptor');
    expect(err.message).toMatch(/^malformed HID report descriptor: [^\n]+$/);
    return null;
  }
}

function stateViolations(layout: JoystickLayout, decoder: ReportDecoder): string[] {
  const out: string[] = [];
  const { axes, hats, buttons } = decoder.state;
  for (const a of layout.axes) {
    const v = axes[a.key];
    if (!(a.unipolar ? v >= 0 && v <= 1 : v >= -1 && v <= 1)) out.push(`axis ${a.key} = ${v}`);
  }
  hats.forEach((h, i) => {
    const ok = Number.isInteger(h.direction) && h.direction >= -1 && h.direction <= 7 && [-1, 0, 1].includes(h.x) && [-1, 0, 1].includes(h.y) && (h.direction >= 0 || (h.x === 0 && h.y === 0));
    if (!ok) out.push(`hat ${i} = ${JSON.stringify(h)}`);
  });
  if (buttons.length !== layout.buttonCount || !buttons.every((b) => typeof b === 'boolean')) out.push(`buttons ${buttons.length} of ${layout.buttonCount}`);
  return out;
}

/** Any report bytes into a decoder built from `d`: it never throws and stays in its ranges. */
function expectDecoderContract(d: ParsedDescriptor, reports: Uint8Array[]): void {
  const layout = joystickLayout(d);
  const decoder = new ReportDecoder(layout);
  for (const r of reports) {
    const before = JSON.stringify(decoder.state);
    const rejected = decoder.rejected;
    const used = decoder.decode(r);
    if (!used) {
      expect(decoder.rejected).toBe(rejected + 1);
      expect(JSON.stringify(decoder.state)).toBe(before);
    }
    expect(stateViolations(layout, decoder)).toEqual([]);
  }
}

/** Reports for a descriptor: each known ID at its length (random bits), and some of any length. */
const reportsFor = (d: ParsedDescriptor) =>
  fc.array(
    fc.oneof(
      fc.constantFrom(...[...d.reports.input.values()].map((r) => r)).chain((r) =>
        fc.uint8Array({ minLength: reportByteLength(d, r), maxLength: reportByteLength(d, r) }).map((b) => {
          if (d.usesReportIds) b[0] = r.reportId;
          return b;
        }),
      ),
      fc.uint8Array({ maxLength: 24 }),
    ),
    { maxLength: 6 },
  );

// ---------------------------------------------------------------------------------------------

describe('report descriptors: round trips', () => {
  it('a generated descriptor parses to the fields it was written from, offsets and all', () => {
    fc.assert(
      fc.property(descriptorSpecArb, (spec) => {
        const d = parseReportDescriptor(writeDescriptor(spec));
        expect(d.warnings).toEqual([]);
        expect(d.usesReportIds).toBe(spec.usesIds);
        expect(d.applications).toEqual([usage(PAGE_GENERIC_DESKTOP, spec.application)]);
        const want = expectedReports(spec);
        expect([...d.reports.input.keys()].sort((a, b) => a - b)).toEqual([...want.keys()].sort((a, b) => a - b));
        for (const [id, r] of want) {
          const got = d.reports.input.get(id)!;
          expect(got.bits).toBe(r.bits);
          expect(got.fields.map((f) => [f.bitOffset, f.bitSize, f.count, f.flags, f.logicalMin, f.logicalMax, f.usages])).toEqual(
            r.fields.map(({ bitOffset, f }) => {
              const ext = f.usages.map((u) => usage(f.page, u));
              const usages = f.flags & 0x02 && ext.length > 0 ? Array.from({ length: f.count }, (_, i) => ext[Math.min(i, ext.length - 1)]) : ext;
              return [bitOffset, f.bitSize, f.count, f.flags, f.logicalMin, f.logicalMax, usages];
            }),
          );
        }
        expect(descriptorViolations(d)).toEqual([]);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('values written into a report at the parsed offsets read back exactly, and the joystick state stays in range', () => {
    const withValues = descriptorSpecArb.chain((spec) => {
      const all = spec.blocks.flatMap((b) => b.fields.map((f) => ({ id: b.reportId, f })));
      return fc.tuple(fc.constant(spec), fc.tuple(...all.map(({ f }) => fc.array(fc.integer({ min: f.logicalMin, max: f.logicalMax }), { minLength: f.count, maxLength: f.count }))));
    });
    fc.assert(
      fc.property(withValues, ([spec, values]) => {
        const d = parseReportDescriptor(writeDescriptor(spec));
        const layout = joystickLayout(d);
        const decoder = new ReportDecoder(layout);
        const want = expectedReports(spec);
        const start = spec.usesIds ? 1 : 0;
        const reports = new Map([...want].map(([id, r]) => [id, new Uint8Array(Math.ceil(r.bits / 8) + start).fill(id, 0, start)]));
        const written = new Map<string, number>();
        const offsets = new Map<number, number>();
        let k = 0;
        for (const { reportId: id, fields } of spec.blocks) {
          for (const f of fields) {
            const bitOffset = offsets.get(id) ?? 0;
            values[k++].forEach((v, i) => {
              writeBits(reports.get(id)!, start, bitOffset + i * f.bitSize, f.bitSize, v);
              written.set(`${id}:${bitOffset + i * f.bitSize}`, v);
            });
            offsets.set(id, bitOffset + f.count * f.bitSize);
          }
        }
        for (const [id, r] of d.reports.input) {
          for (const f of r.fields) {
            for (let i = 0; i < f.count; i++) expect(readField(reports.get(id)!, d.usesReportIds, f, i)).toBe(written.get(`${id}:${f.bitOffset + i * f.bitSize}`));
          }
        }
        for (const [id, report] of reports) {
          expect(decoder.decode(report)).toBe(layout.reportBytes.has(id));
          expect(stateViolations(layout, decoder)).toEqual([]);
          // The decoder reads the raw values a calibration learns from (a null value is skipped).
          for (const a of layout.axes.filter((s) => s.reportId === id)) {
            const v = written.get(`${id}:${a.bitOffset}`)!;
            if (!a.nullState) expect(decoder.state.raw[a.key]).toBe(v);
          }
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('descriptor dumps: the bytes written as hex in any common style read back the same', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.constantFrom(' ', ', ', '\n', ',\t'), fc.boolean(), fc.boolean(), (bytes, sep, prefix, upper) => {
        const text = Array.from(bytes, (b) => {
          const h = b.toString(16).padStart(2, '0');
          return `${prefix ? '0x' : ''}${upper ? h.toUpperCase() : h}`;
        }).join(sep);
        expect(descriptorFromHex(text)).toEqual(bytes);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe('report descriptors: robustness', () => {
  it('arbitrary bytes: a descriptor within the limits or hid_descriptor, and its decoder never throws', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 120 }),
      // Bytes drawn from real item prefixes reach deeper than uniform noise.
      fc.array(fc.oneof(fc.constantFrom(0x05, 0x09, 0x15, 0x25, 0x27, 0x75, 0x85, 0x95, 0x96, 0x19, 0x29, 0x2a, 0x81, 0x82, 0xa1, 0xc0, 0xa4, 0xb4, 0xfe, 0x0b), fc.integer({ min: 0, max: 255 })), { maxLength: 160 }).map((a) => Uint8Array.from(a)),
    );
    fc.assert(
      fc.property(bytes, fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 4 }), (b, reports) => {
        const d = expectParseContract(b);
        if (d) expectDecoderContract(d, reports);
      }),
      { seed: SEED, numRuns: 600 },
    );
  });

  it('real descriptors damaged (flipped bits, changed bytes, cuts, splices, inserted items with extreme values) and fed any reports', () => {
    const extreme = fc.constantFrom<number[]>(
      [0x75, 0x00], // zero-width fields
      [0x96, 0x00, 0x30], // Report Count 12288
      [0x76, 0x00, 0x01], // Report Size 256
      [0x19, 0x00, 0x2a, 0xff, 0xff], // a usage range of 65536
      [0x17, 0x00, 0x00, 0x00, 0x80], // Logical Minimum -2^31
      [0x27, 0xff, 0xff, 0xff, 0xff], // Logical Maximum 2^32 - 1
      [0x85, 0xff],
      [0xa1, 0x01],
      [0xc0],
      [0xa4],
      [0xb4],
      [0x81, 0x02],
      [0x81, 0x00],
    );
    const damage = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), item: extreme }),
      fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), from: fc.constantFrom(...DESCRIPTOR_NAMES), start: fc.nat(), length: fc.nat({ max: 30 }) }),
    );
    const input = fc.tuple(fc.constantFrom(...DESCRIPTOR_NAMES), fc.array(damage, { minLength: 1, maxLength: 4 })).map(([name, damages]) => {
      let b = Array.from(descriptorBytes(name));
      for (const d of damages) {
        const at = d.at % (b.length + 1);
        if (d.kind === 'flip' && at < b.length) b[at] ^= 1 << d.bit;
        else if (d.kind === 'set' && at < b.length) b[at] = d.value;
        else if (d.kind === 'cut') b = b.slice(0, at);
        else if (d.kind === 'insert') b.splice(at, 0, ...d.item);
        else if (d.kind === 'splice') {
          const other = descriptorBytes(d.from);
          const s = d.start % other.length;
          b.splice(at, 0, ...other.subarray(s, s + d.length));
        }
      }
      return Uint8Array.from(b);
    });
    let parsed = 0;
    fc.assert(
      fc.property(input.chain((b) => {
        const d = (() => {
          try {
            return parseReportDescriptor(b);
          } catch {
            return null;
          }
        })();
        return fc.tuple(fc.constant(b), d && d.reports.input.size > 0 ? reportsFor(d) : fc.constant<Uint8Array[]>([]));
      }), ([b, reports]) => {
        const d = expectParseContract(b);
        if (!d) return;
        parsed++;
        expectDecoderContract(d, reports);
      }),
      { seed: SEED, numRuns: 400 },
    );
    expect(parsed).toBeGreaterThan(100);
  });

  it('arbitrary text as a descriptor dump: bytes or hid_descriptor naming the bad part', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.array(fc.constantFrom('0x05', '01', 'ff', 'g0', '0x', ',', ' ', '\n', '123', 'FE'), { maxLength: 20 }).map((a) => a.join(''))), (text) => {
        try {
          const b = descriptorFromHex(text);
          expect(b.every((x) => x >= 0 && x <= 255)).toBe(true);
        } catch (err) {
          if (!(err instanceof AxonError)) throw err;
          expect(err.code).toBe('hid_descriptor');
          expect(err.message).toMatch(/is not a hex byte \(item \d+ of the dump\)$/);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a small item repeated to fill 4 KB, after any Report Size and Count: the work stays within the caps', () => {
    // One Report Count may cover 12288 elements, so every few bytes of descriptor can ask for
    // thousands of usages or joystick slots: what comes out must stay within the caps whatever the repeat.
    const units = [
      [0x09, 0x30, 0x81, 0x02], // an axis
      [0x05, 0x09, 0x19, 0x01, 0x29, 0x08, 0x81, 0x00], // array buttons
      [0x05, 0x09, 0x19, 0x01, 0x29, 0x08, 0x81, 0x02], // variable buttons
      [0x81, 0x03], // padding
      [0x85, 0x01, 0x09, 0x31, 0x81, 0x02],
    ];
    const arb = fc.record({
      size: fc.constantFrom(0, 1, 8, 32),
      count: fc.constantFrom(1, 64, 4096, 12288),
      unit: fc.constantFrom(...units),
      ids: fc.boolean(),
      repeats: fc.integer({ min: 1, max: 1000 }),
    });
    fc.assert(
      fc.property(arb, ({ size, count, unit, ids, repeats }) => {
        const b = [0x05, 0x01, 0x09, 0x04, 0xa1, 0x01, 0x15, 0x00, 0x25, 0x01, 0x75, size, 0x96, count & 0xff, count >> 8];
        for (let i = 0; i < repeats && b.length + unit.length + 3 <= MAX_DESCRIPTOR_BYTES; i++) b.push(...(ids ? [0x85, 1 + (i % 255)] : []), ...unit);
        b.push(0xc0);
        const d = expectParseContract(Uint8Array.from(b));
        if (!d) return;
        const layout = joystickLayout(d);
        expect(layout.axes.length + layout.hats.length + layout.buttons.length + layout.buttonArrays.length).toBeLessThanOrEqual(MAX_DESCRIPTOR_ELEMENTS);
        expect(() => new ReportDecoder(layout)).not.toThrow();
      }),
      { seed: SEED, numRuns: 40 },
    );
  });

  it(`descriptors past ${MAX_DESCRIPTOR_BYTES} bytes are refused before they are read`, () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_DESCRIPTOR_BYTES + 1, max: 3 * MAX_DESCRIPTOR_BYTES }), (n) => {
        expect(() => parseReportDescriptor(new Uint8Array(n).fill(0x81))).toThrow(/more than the 4096 HID allows/);
      }),
      { seed: SEED, numRuns: 20 },
    );
  });
});

describe('report descriptors: regressions found by the properties', () => {
  it('4 KB of zero-width fields, each with a usage, is refused (it made 12 million usages and took seconds)', () => {
    const b = [0x05, 0x01, 0x75, 0x00, 0x96, 0x00, 0x30];
    while (b.length + 4 <= MAX_DESCRIPTOR_BYTES) b.push(0x09, 0x30, 0x81, 0x02);
    expect(() => parseReportDescriptor(Uint8Array.from(b))).toThrow(/the fields hold more than 16384 elements in all \(at byte 13\)/);
  });

  it('255 reports of array buttons: refused at the element cap, and within it the decoder is built in one pass', () => {
    // 65 reports of ten 12288-element array fields made 8 million joystick slots (4 GB, minutes).
    const big = [0x05, 0x09, 0x75, 0x01, 0x96, 0x00, 0x30, 0x15, 0x00, 0x25, 0x01];
    for (let id = 1; id < 66; id++) {
      big.push(0x85, id);
      for (let i = 0; i < 10; i++) big.push(0x19, 0x01, 0x29, 0x02, 0x81, 0x00);
    }
    expect(() => parseReportDescriptor(Uint8Array.from(big))).toThrow(/more than 16384 elements in all/);
    // The most the cap allows: 255 reports of 64 array slots; building and decoding stay quick.
    const most = [0x05, 0x09, 0x75, 0x01, 0x95, 64, 0x15, 0x00, 0x25, 0x01];
    for (let id = 1; id < 256; id++) most.push(0x85, id, 0x19, 0x01, 0x29, 0x02, 0x81, 0x00);
    const t0 = performance.now();
    const layout = joystickLayout(parseReportDescriptor(Uint8Array.from(most)));
    const decoder = new ReportDecoder(layout);
    const report = new Uint8Array(9);
    for (let id = 1; id < 256; id++) {
      report[0] = id;
      expect(decoder.decode(report)).toBe(true);
    }
    expect(layout.buttonArrays).toHaveLength(255 * 64);
    expect(performance.now() - t0).toBeLessThan(3000); // was over two minutes before the fix
  });
});
