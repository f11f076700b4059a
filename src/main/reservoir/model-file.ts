import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { axonError, withDetails } from '../../shared/errors';
import { formatIssues } from '../../shared/patch/validate';
import { modelProblems, type ReservoirModel } from '../../worker/reservoir/reservoir-model';
import { writeFileAtomic } from '../files';

// A trained reservoir on disk: "AXRM", a little-endian uint32 header length, a JSON header
// (parameters, grains, the arrays' names, types and lengths, a CRC-32 of the data, the format
// version), zero padding to a multiple of 4, then the arrays as little-endian float32/int32.

const MAGIC = 'AXRM';
export const MODEL_FORMAT = 'axon-reservoir-model';
export const MODEL_VERSION = 1;
export const MODEL_EXTENSION = '.axrm';

const ARRAYS = ['rowPtr', 'colIdx', 'values', 'win', 'bias', 'd', 'wout', 'conceptors', 'starts'] as const;
type ArrayName = (typeof ARRAYS)[number];
const INT_ARRAYS: ReadonlySet<ArrayName> = new Set(['rowPtr', 'colIdx']);

const Header = z.strictObject({
  format: z.literal(MODEL_FORMAT),
  version: z.number().int(),
  // Grains were cut at an audio rate; a tiny one would make them last forever.
  sampleRate: z.number().min(1000).max(768_000),
  hyper: z.strictObject({
    neurons: z.number().int().min(1).max(4096),
    connections: z.number().min(1),
    spectralRadius: z.number(),
    inputScaling: z.number(),
    biasScaling: z.number(),
    leak: z.number().min(0).max(1),
    kind: z.enum(['full', 'diagonal']),
    apertureMin: z.number().positive(),
    apertureMax: z.number().positive(),
    washout: z.number().int().min(0),
    repeats: z.number().int().min(1),
    ridgeInput: z.number().min(0),
    ridgeReadout: z.number().min(0),
    seed: z.number().int(),
  }),
  grains: z.array(z.strictObject({ length: z.number().int().min(1), aperture: z.number().positive(), nrmse: z.number().nullable() })).min(1),
  arrays: z.array(z.strictObject({ name: z.enum(ARRAYS), type: z.enum(['f32', 'i32']), length: z.number().int().min(0) })),
  crc32: z.string().regex(/^[0-9a-f]{8}$/),
  app: z.string().optional(),
});

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3) as 8 hex digits. */
export function crc32(bytes: Uint8Array): string {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0');
}

export function encodeModel(m: ReservoirModel): Uint8Array {
  const arrays = ARRAYS.map((name) => ({ name, data: m[name] }));
  const dataBytes = arrays.reduce((s, a) => s + a.data.length * 4, 0);
  const data = new Uint8Array(dataBytes);
  let at = 0;
  for (const a of arrays) {
    data.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.length * 4), at);
    at += a.data.length * 4;
  }
  const header = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    sampleRate: m.sampleRate,
    hyper: m.hyper,
    // JSON has no Infinity: a grain that did not re-synthesise is stored with nrmse null.
    grains: m.grains.map((g) => ({ ...g, nrmse: Number.isFinite(g.nrmse) ? g.nrmse : null })),
    arrays: arrays.map((a) => ({ name: a.name, type: INT_ARRAYS.has(a.name) ? 'i32' : 'f32', length: a.data.length })),
    crc32: crc32(data),
    app: 'axon-stage',
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerEnd = 8 + json.length;
  const start = Math.ceil(headerEnd / 4) * 4;
  const out = new Uint8Array(start + dataBytes);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  out.set(data, start);
  return out;
}

/** Parses a model file; a foreign, corrupt or inconsistent file throws an AxonError naming why. */
export function decodeModel(bytes: Uint8Array, where: string): ReservoirModel {
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) throw axonError('model_foreign', where);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  if (8 + headerLength > bytes.length) throw axonError('model_corrupt', where, `the header says ${headerLength} bytes but the file ends before`);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (err) {
    throw axonError('model_corrupt', where, `the header is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const version = (raw as { version?: unknown })?.version;
  if (typeof version === 'number' && version !== MODEL_VERSION) throw axonError('model_version', where, version, MODEL_VERSION);
  const parsed = Header.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues);
    throw withDetails(axonError('model_corrupt', where, problems[0] ?? 'bad header'), problems);
  }
  const h = parsed.data;
  const start = Math.ceil((8 + headerLength) / 4) * 4;
  const dataBytes = h.arrays.reduce((s, a) => s + a.length * 4, 0);
  if (bytes.length !== start + dataBytes) throw axonError('model_corrupt', where, `the data should be ${dataBytes} bytes but ${Math.max(0, bytes.length - start)} are there`);
  const data = bytes.slice(start);
  if (crc32(data) !== h.crc32) throw axonError('model_corrupt', where, 'its checksum does not match (the file was changed or damaged)');
  const out = new Map<ArrayName, Float32Array | Int32Array>();
  let at = 0;
  for (const a of h.arrays) {
    const buf = data.buffer.slice(data.byteOffset + at, data.byteOffset + at + a.length * 4);
    out.set(a.name, a.type === 'i32' ? new Int32Array(buf) : new Float32Array(buf));
    at += a.length * 4;
  }
  const get = <T extends Float32Array | Int32Array>(name: ArrayName, type: 'f32' | 'i32'): T => {
    const arr = out.get(name);
    if (!arr || (type === 'i32') !== arr instanceof Int32Array) throw axonError('model_corrupt', where, `array "${name}" is missing or of the wrong type`);
    return arr as T;
  };
  const model: ReservoirModel = {
    hyper: h.hyper,
    sampleRate: h.sampleRate,
    rowPtr: get<Int32Array>('rowPtr', 'i32'),
    colIdx: get<Int32Array>('colIdx', 'i32'),
    values: get<Float32Array>('values', 'f32'),
    win: get<Float32Array>('win', 'f32'),
    bias: get<Float32Array>('bias', 'f32'),
    d: get<Float32Array>('d', 'f32'),
    wout: get<Float32Array>('wout', 'f32'),
    conceptors: get<Float32Array>('conceptors', 'f32'),
    starts: get<Float32Array>('starts', 'f32'),
    grains: h.grains.map((g) => ({ ...g, nrmse: g.nrmse ?? Infinity })),
  };
  const problems = modelProblems(model);
  if (problems.length) throw withDetails(axonError('model_corrupt', where, problems[0]), problems);
  return model;
}

export function saveModel(file: string, m: ReservoirModel): void {
  writeFileAtomic(file, encodeModel(m));
}

export function loadModel(file: string): ReservoirModel {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw axonError('file_read', file, err instanceof Error ? err.message : String(err));
  }
  return decodeModel(bytes, file);
}
