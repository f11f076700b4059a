/**
 * A generic HID report descriptor parser (Device Class Definition for HID 1.11, section 6.2.2).
 *
 *   const desc = parseReportDescriptor(bytes);     // throws hid_descriptor on malformed input
 *   desc.reports.input.get(1)?.fields               // per report ID (0 = the device uses no IDs)
 *
 * It walks short items (main / global / local), skips long items, keeps the global stack (Push /
 * Pop), and emits one HidField per Input / Output / Feature main item, with bit offsets counted
 * after the report-ID byte. Where the spec is vague it follows Linux hid-core (drivers/hid/hid-core.c),
 * since that is what real devices are tested against:
 *  - Logical / Physical Maximum are read unsigned unless the matching minimum is negative, so an
 *    8-bit "26 ff 00" or "25 ff" with minimum 0 means 255, not -1;
 *  - Unit Exponent accepts both the spec encoding and the common 4-bit two's complement nibble;
 *  - 1- and 2-byte usages take the usage page in force when the main item comes, so a Usage Page
 *    declared after its Usage still applies;
 *  - a variable field with fewer usages than elements repeats the last usage.
 * Limits are the kernel's too (report size <= 256 bits, count <= 12288, 4-deep global stack,
 * report IDs 1..255), plus a cap on elements and usages in all, so absurd descriptors fail fast
 * with a message instead of allocating.
 * Unlike the kernel it keeps padding (usage-less constant) fields, so layouts are complete.
 */
import { axonError } from '../../shared/errors';
import { usage as extendedUsage } from './hid-usages';

export type ReportKind = 'input' | 'output' | 'feature';

export const COLLECTION_TYPES = ['physical', 'application', 'logical', 'report', 'named-array', 'usage-switch', 'usage-modifier'] as const;
export type CollectionType = (typeof COLLECTION_TYPES)[number] | 'reserved' | 'vendor';

export interface HidCollection {
  readonly type: CollectionType;
  /** Extended usage (page << 16 | id), 0 when the collection declared none. */
  readonly usage: number;
  /** Index in `collections` of the enclosing one, -1 at top level. */
  readonly parent: number;
}

/** Main item data bits (HID 1.11 6.2.2.5). */
export interface HidFieldFlags {
  readonly constant: boolean;
  /** false = array: each element holds an index into `usages`. */
  readonly variable: boolean;
  readonly relative: boolean;
  readonly wrap: boolean;
  readonly nonLinear: boolean;
  readonly noPreferred: boolean;
  /** Values outside the logical range mean "no value" (a centred hat). */
  readonly nullState: boolean;
  readonly volatile: boolean;
  readonly bufferedBytes: boolean;
}

export interface HidField extends HidFieldFlags {
  readonly kind: ReportKind;
  /** 0 when the device uses no report IDs. */
  readonly reportId: number;
  /** From the first bit after the report-ID byte (or of the report when there is none). */
  readonly bitOffset: number;
  /** Bits per element (0 is legal: zero-width padding). */
  readonly bitSize: number;
  readonly count: number;
  /** The raw main item data (e.g. 0x02 = Data,Var,Abs). */
  readonly flags: number;
  readonly logicalMin: number;
  readonly logicalMax: number;
  readonly physicalMin: number;
  readonly physicalMax: number;
  readonly unit: number;
  readonly unitExponent: number;
  /**
   * Extended usages. Variable fields: one per element (`count` entries, the last repeated when
   * the descriptor declared fewer; empty for padding). Array fields: the usage list that element
   * values index into (value - logicalMin).
   */
  readonly usages: readonly number[];
  /** Index in `collections` of the innermost collection, -1 outside any. */
  readonly collection: number;
  /** Usage of the enclosing application collection, 0 outside any. */
  readonly application: number;
}

export interface HidReport {
  readonly kind: ReportKind;
  readonly reportId: number;
  /** Payload bits, report-ID byte excluded. */
  readonly bits: number;
  readonly fields: readonly HidField[];
}

export interface ParsedDescriptor {
  readonly usesReportIds: boolean;
  readonly collections: readonly HidCollection[];
  /** Extended usages of the application collections, in order (nested ones too: the Xbox pad nests one). */
  readonly applications: readonly number[];
  readonly reports: { readonly [K in ReportKind]: ReadonlyMap<number, HidReport> };
  /** Oddities survived (unknown main tags, clamped usage ranges, ...), one line each. */
  readonly warnings: readonly string[];
}

/** Bytes of payload plus the report-ID byte when the descriptor uses IDs. */
export function reportByteLength(desc: ParsedDescriptor, report: HidReport): number {
  return Math.ceil(report.bits / 8) + (desc.usesReportIds ? 1 : 0);
}

export const MAX_DESCRIPTOR_BYTES = 4096;
export const MAX_REPORT_SIZE_BITS = 256;
export const MAX_REPORT_COUNT = 12288;
export const MAX_USAGES = 12288;
export const GLOBAL_STACK_DEPTH = 4;
export const MAX_COLLECTION_DEPTH = 32;
/** hid-core's HID_MAX_BUFFER_SIZE (16 KiB) less the report-ID byte, in bits. */
export const MAX_REPORT_BITS = (16384 - 1) * 8;
/**
 * Elements (Report Counts) and field usages of the whole descriptor (a DualShock 4 has 1234).
 * Ours, not the kernel's: each main item may take 12288 of either, so without these 4 KB of
 * descriptor made millions of fields' usages and joystick slots.
 */
export const MAX_DESCRIPTOR_ELEMENTS = 16384;
export const MAX_DESCRIPTOR_USAGES = 16384;

interface GlobalState {
  usagePage: number;
  logicalMin: number;
  /** Maximum kept both ways; which one applies depends on the minimum at the main item. */
  logicalMaxU: number;
  logicalMaxS: number;
  physicalMin: number;
  physicalMaxU: number;
  physicalMaxS: number;
  unitExponent: number;
  unit: number;
  reportSize: number;
  reportId: number;
  reportCount: number;
}

interface LocalUsage {
  page: number;
  id: number;
  /** Declared with 4 bytes: carries its own page. */
  extended: boolean;
}

const freshGlobals = (): GlobalState => ({
  usagePage: 0,
  logicalMin: 0,
  logicalMaxU: 0,
  logicalMaxS: 0,
  physicalMin: 0,
  physicalMaxU: 0,
  physicalMaxS: 0,
  unitExponent: 0,
  unit: 0,
  reportSize: 0,
  reportId: 0,
  reportCount: 0,
});

const hex2 = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

class ReportBuilder {
  bits = 0;
  readonly fields: HidField[] = [];
  constructor(
    readonly kind: ReportKind,
    readonly reportId: number,
  ) {}
}

/** Parses a report descriptor; throws `hid_descriptor` naming the byte offset of the problem. */
export function parseReportDescriptor(bytes: Uint8Array): ParsedDescriptor {
  const fail = (at: number, problem: string) => axonError('hid_descriptor', `${problem} (at byte ${at})`);
  if (bytes.length === 0) throw axonError('hid_descriptor', 'the descriptor is empty');
  if (bytes.length > MAX_DESCRIPTOR_BYTES) {
    throw axonError('hid_descriptor', `the descriptor is ${bytes.length} bytes, more than the ${MAX_DESCRIPTOR_BYTES} HID allows`);
  }

  let globals = freshGlobals();
  const stack: GlobalState[] = [];
  let usages: LocalUsage[] = [];
  let usageMin: LocalUsage | null = null;
  const collections: HidCollection[] = [];
  const open: number[] = [];
  const applications: number[] = [];
  const warnings: string[] = [];
  const builders: Record<ReportKind, Map<number, ReportBuilder>> = { input: new Map(), output: new Map(), feature: new Map() };
  let usesReportIds = false;
  let totalUsages = 0;
  let descriptorElements = 0;
  let descriptorUsages = 0;

  const resetLocals = () => {
    usages = [];
    usageMin = null;
    totalUsages = 0;
  };

  const addUsage = (u: LocalUsage, at: number) => {
    if (totalUsages >= MAX_USAGES) throw fail(at, `more than ${MAX_USAGES} usages before one main item`);
    usages.push(u);
    totalUsages++;
  };

  // hid-core's hid_concatenate_last_usage_page: short usages declared before the last Usage Page
  // take that page, back to the first usage that already has it.
  const resolvedUsages = (): number[] => {
    for (let i = usages.length - 1; i >= 0; i--) {
      const u = usages[i];
      if (u.extended) continue;
      if (u.page === globals.usagePage) break;
      u.page = globals.usagePage;
    }
    return usages.map((u) => extendedUsage(u.page, u.id));
  };

  let pos = 0;
  while (pos < bytes.length) {
    const at = pos;
    const prefix = bytes[pos];
    if (prefix === 0xfe) {
      // Long item: no spec-defined tags exist, so skip it whole.
      if (pos + 3 > bytes.length) throw fail(at, 'long item header is cut off by the end of the descriptor');
      const size = bytes[pos + 1];
      if (pos + 3 + size > bytes.length) throw fail(at, `long item needs ${size} data bytes but the descriptor ends after ${bytes.length - pos - 3}`);
      pos += 3 + size;
      continue;
    }
    const sizeCode = prefix & 0x03;
    const size = sizeCode === 3 ? 4 : sizeCode;
    const type = (prefix >> 2) & 0x03;
    const tag = prefix >> 4;
    if (pos + 1 + size > bytes.length) {
      throw fail(at, `item ${hex2(prefix)} needs ${size} data byte${size === 1 ? '' : 's'} but the descriptor ends after ${bytes.length - pos - 1}`);
    }
    let u = 0;
    for (let i = 0; i < size; i++) u += bytes[pos + 1 + i] * 2 ** (8 * i);
    const s = size === 0 ? 0 : u >= 2 ** (8 * size - 1) ? u - 2 ** (8 * size) : u;
    pos += 1 + size;

    if (type === 1) {
      switch (tag) {
        case 0x0:
          globals.usagePage = u & 0xffff;
          break;
        case 0x1:
          globals.logicalMin = s;
          break;
        case 0x2:
          globals.logicalMaxU = u;
          globals.logicalMaxS = s;
          break;
        case 0x3:
          globals.physicalMin = s;
          break;
        case 0x4:
          globals.physicalMaxU = u;
          globals.physicalMaxS = s;
          break;
        case 0x5:
          // The spec says a signed value; many devices send a 4-bit two's complement nibble.
          globals.unitExponent = s >= 0 && s <= 0x0f ? (s >= 8 ? s - 16 : s) : s;
          break;
        case 0x6:
          globals.unit = u;
          break;
        case 0x7:
          if (u > MAX_REPORT_SIZE_BITS) throw fail(at, `Report Size ${u} is more than ${MAX_REPORT_SIZE_BITS} bits`);
          globals.reportSize = u;
          break;
        case 0x8:
          if (u === 0 || u > 255) throw fail(at, `Report ID ${u} is outside 1..255`);
          globals.reportId = u;
          usesReportIds = true;
          break;
        case 0x9:
          if (u > MAX_REPORT_COUNT) throw fail(at, `Report Count ${u} is more than ${MAX_REPORT_COUNT}`);
          globals.reportCount = u;
          break;
        case 0xa:
          if (stack.length >= GLOBAL_STACK_DEPTH) throw fail(at, `Push nests deeper than ${GLOBAL_STACK_DEPTH}`);
          stack.push({ ...globals });
          break;
        case 0xb: {
          const top = stack.pop();
          if (!top) throw fail(at, 'Pop without a matching Push');
          globals = top;
          break;
        }
        default:
          warnings.push(`reserved global tag ${tag} (prefix ${hex2(prefix)}) at ${at}`);
      }
    } else if (type === 2) {
      switch (tag) {
        case 0x0:
          addUsage(size === 4 ? { page: u >>> 16, id: u & 0xffff, extended: true } : { page: globals.usagePage, id: u, extended: false }, at);
          break;
        case 0x1:
          usageMin = size === 4 ? { page: u >>> 16, id: u & 0xffff, extended: true } : { page: globals.usagePage, id: u, extended: false };
          break;
        case 0x2: {
          if (!usageMin) {
            warnings.push(`Usage Maximum without Usage Minimum at ${at}`);
            break;
          }
          const page = size === 4 ? u >>> 16 : usageMin.page;
          let last = u & 0xffff;
          if (last < usageMin.id) {
            warnings.push(`Usage Maximum ${last} below Usage Minimum ${usageMin.id} at ${at}`);
            break;
          }
          if (last - usageMin.id + 1 > MAX_USAGES - totalUsages) {
            warnings.push(`usage range ${usageMin.id}..${last} clamped to ${MAX_USAGES} usages at ${at}`);
            last = usageMin.id + (MAX_USAGES - totalUsages) - 1;
          }
          const extended = usageMin.extended || size === 4;
          for (let id = usageMin.id; id <= last; id++) addUsage({ page, id, extended }, at);
          usageMin = null;
          break;
        }
        default:
          // Designators, strings and delimiters say nothing about the layout.
          break;
      }
    } else if (type === 0) {
      switch (tag) {
        case 0x8:
        case 0x9:
        case 0xb: {
          const kind: ReportKind = tag === 0x8 ? 'input' : tag === 0x9 ? 'output' : 'feature';
          const key = globals.reportId;
          const reports = builders[kind];
          let report = reports.get(key);
          if (!report) {
            report = new ReportBuilder(kind, key);
            reports.set(key, report);
          }
          const bits = globals.reportSize * globals.reportCount;
          if (report.bits + bits > MAX_REPORT_BITS) {
            throw fail(at, `${kind} report ${key} grows past ${MAX_REPORT_BITS / 8} bytes`);
          }
          const logicalMax = globals.logicalMin < 0 ? globals.logicalMaxS : globals.logicalMaxU;
          const physicalMax = globals.physicalMin < 0 ? globals.physicalMaxS : globals.physicalMaxU;
          const variable = (u & 0x02) !== 0;
          let fieldUsages = resolvedUsages();
          descriptorElements += globals.reportCount;
          descriptorUsages += variable && fieldUsages.length > 0 ? globals.reportCount : fieldUsages.length;
          if (descriptorElements > MAX_DESCRIPTOR_ELEMENTS) throw fail(at, `the fields hold more than ${MAX_DESCRIPTOR_ELEMENTS} elements in all`);
          if (descriptorUsages > MAX_DESCRIPTOR_USAGES) throw fail(at, `the fields hold more than ${MAX_DESCRIPTOR_USAGES} usages in all`);
          if (variable && fieldUsages.length > 0) {
            const last = fieldUsages[fieldUsages.length - 1];
            fieldUsages = Array.from({ length: globals.reportCount }, (_, i) => (i < fieldUsages.length ? fieldUsages[i] : last));
          }
          const collection = open.length > 0 ? open[open.length - 1] : -1;
          report.fields.push({
            kind,
            reportId: key,
            bitOffset: report.bits,
            bitSize: globals.reportSize,
            count: globals.reportCount,
            flags: u,
            constant: (u & 0x01) !== 0,
            variable,
            relative: (u & 0x04) !== 0,
            wrap: (u & 0x08) !== 0,
            nonLinear: (u & 0x10) !== 0,
            noPreferred: (u & 0x20) !== 0,
            nullState: (u & 0x40) !== 0,
            volatile: (u & 0x80) !== 0,
            bufferedBytes: (u & 0x100) !== 0,
            logicalMin: globals.logicalMin,
            logicalMax,
            physicalMin: globals.physicalMin,
            physicalMax,
            unit: globals.unit,
            unitExponent: globals.unitExponent,
            usages: fieldUsages,
            collection,
            application: applicationOf(collections, collection),
          });
          report.bits += bits;
          break;
        }
        case 0xa: {
          if (open.length >= MAX_COLLECTION_DEPTH) throw fail(at, `collections nest deeper than ${MAX_COLLECTION_DEPTH}`);
          const first = resolvedUsages()[0] ?? 0;
          const type: CollectionType = u < COLLECTION_TYPES.length ? COLLECTION_TYPES[u] : u >= 0x80 ? 'vendor' : 'reserved';
          const parent = open.length > 0 ? open[open.length - 1] : -1;
          collections.push({ type, usage: first, parent });
          if (type === 'application') applications.push(first);
          open.push(collections.length - 1);
          break;
        }
        case 0xc:
          if (open.length === 0) throw fail(at, 'End Collection without an open collection');
          open.pop();
          break;
        default:
          warnings.push(`unknown main tag ${tag} (prefix ${hex2(prefix)}) at ${at}`);
      }
      resetLocals();
    } else {
      warnings.push(`reserved item type (prefix ${hex2(prefix)}) at ${at}`);
    }
  }
  if (open.length > 0) {
    throw axonError('hid_descriptor', `the descriptor ends with ${open.length} collection${open.length === 1 ? '' : 's'} still open (truncated?)`);
  }

  const freeze = (m: Map<number, ReportBuilder>): ReadonlyMap<number, HidReport> =>
    new Map([...m].map(([id, b]) => [id, { kind: b.kind, reportId: b.reportId, bits: b.bits, fields: b.fields }]));
  return {
    usesReportIds,
    collections,
    applications,
    reports: { input: freeze(builders.input), output: freeze(builders.output), feature: freeze(builders.feature) },
    warnings,
  };
}

function applicationOf(collections: readonly HidCollection[], index: number): number {
  for (let i = index; i >= 0; i = collections[i].parent) {
    if (collections[i].type === 'application') return collections[i].usage;
  }
  return 0;
}

/** Parses the descriptor dumps people paste: "05 01 09 04", "0x05, 0x01", any spacing. */
export function descriptorFromHex(text: string): Uint8Array {
  const cleaned = text.replace(/0x/gi, ' ').replace(/[,\s]+/g, ' ').trim();
  if (cleaned === '') return new Uint8Array(0);
  const parts = cleaned.split(' ');
  const out = new Uint8Array(parts.length);
  parts.forEach((p, i) => {
    if (!/^[0-9a-f]{1,2}$/i.test(p)) throw axonError('hid_descriptor', `"${p}" is not a hex byte (item ${i + 1} of the dump)`);
    out[i] = parseInt(p, 16);
  });
  return out;
}
