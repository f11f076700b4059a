import { readFileSync } from 'node:fs';
import { axonError, ERRORS } from '../../shared/errors';
import type { Frames, Hertz } from '../../shared/units';

/** A whole WAV file decoded to float samples, one array per channel. */
export interface DecodedAudio {
  sampleRate: Hertz;
  channels: number;
  frames: Frames;
  /** How the file stored its samples: "pcm8", "pcm16", "pcm24", "pcm32", "float32" or "float64". */
  format: string;
  /** One array per channel; integer formats map to [-1, 1) (32-bit PCM's top 64 values round to 1 in float32), float formats are kept as stored. */
  data: Float32Array[];
  /** Problems the file had that did not stop it being decoded (e.g. a cut-off last chunk). */
  warnings: string[];
}

const TAG_PCM = 0x0001;
const TAG_FLOAT = 0x0003;
const TAG_EXTENSIBLE = 0xfffe;

// WAVE_FORMAT_EXTENSIBLE names its real format with a GUID whose first four bytes are the old
// format tag and whose last twelve are fixed (KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT and kin).
const SUBFORMAT_GUID_TAIL = [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

// RF64/BW64 put 0xFFFFFFFF in a 32-bit chunk size and the real size in the ds64 chunk.
const SIZE_IN_DS64 = 0xffffffff;

/** Names of format tags people are likely to meet, so the error says what the file is. */
const TAG_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'mu-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG audio',
  0x0055: 'MPEG layer 3 (MP3)',
  0x00ff: 'AAC',
  0x0161: 'Windows Media Audio',
  0xf1ac: 'FLAC',
};

/** Magic numbers of other audio files, so "not a WAV file" can say what it is instead. */
const OTHER_FILES: readonly (readonly [string, string])[] = [
  ['fLaC', 'a FLAC file'],
  ['OggS', 'an Ogg file'],
  ['ID3', 'an MP3 file'],
  ['FORM', 'an AIFF file'],
  ['caff', 'a Core Audio file'],
];

interface Fmt {
  tag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bits: number;
}

interface DataChunk {
  start: number;
  declared: number;
}

/** Decode a RIFF/RF64 WAVE file held in memory; `where` names it in error messages. Throws AxonError. */
export function decodeWav(bytes: Uint8Array, where: string): DecodedAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = bytes.length;
  const warnings: string[] = [];

  if (len === 0) throw axonError('audio_empty', where, 'the file is empty');
  checkRiffHeader(bytes, where);

  const { fmtStart, fmtSize, data } = findChunks(bytes, view);
  if (fmtStart === undefined) throw axonError('audio_header', where, 'it has no fmt chunk');
  const fmt = parseFmt(bytes, view, fmtStart, fmtSize, where);

  const bytesPerSample = fmt.bits / 8;
  const stride = fmt.channels * bytesPerSample;
  if (fmt.blockAlign !== stride) {
    // The block align is redundant; trust channels x sample size, which every decoder must anyway.
    warnings.push(
      `${where}: the fmt chunk says ${fmt.blockAlign} bytes per frame, but ${fmt.channels} channel(s) of ${fmt.bits}-bit samples take ${stride}; using ${stride}`,
    );
  }

  if (data === undefined) throw axonError('audio_empty', where, 'it has no data chunk');
  if (data.declared === 0) throw axonError('audio_empty', where, 'its data chunk is empty');
  const present = Math.min(data.declared, len - data.start);
  const frames = Math.floor(present / stride);
  if (present < data.declared) {
    if (frames === 0) throw axonError('audio_truncated', where, data.declared, present);
    warnings.push(`${ERRORS.audio_truncated(where, data.declared, present)}; decoded the ${frames} whole frames there`);
  } else if (frames === 0) {
    throw axonError('audio_empty', where, `its data chunk holds ${present} bytes, less than one ${stride}-byte frame`);
  } else if (present % stride !== 0) {
    warnings.push(`${where}: the data chunk ends with a partial frame (${present % stride} bytes), which was dropped`);
  }

  const data32 = decodeSamples(view, data.start, frames, fmt);
  const nonFinite = zeroNonFinite(data32);
  if (nonFinite > 0) {
    warnings.push(`${where}: ${nonFinite} sample(s) were NaN or infinite and were replaced by 0`);
  }

  const format = `${fmt.tag === TAG_FLOAT ? 'float' : 'pcm'}${fmt.bits}`;
  return { sampleRate: fmt.sampleRate, channels: fmt.channels, frames, format, data: data32, warnings };
}

/** Read and decode a WAV file. Throws AxonError (`file_read` if the file cannot be read). */
export function readWav(path: string): DecodedAudio {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw axonError('file_read', path, err instanceof Error ? err.message : String(err));
  }
  return decodeWav(bytes, path);
}

/** The average of all channels (a copy, even for mono). */
export function toMono(a: DecodedAudio): Float32Array {
  const out = new Float32Array(a.frames);
  if (a.data.length === 0) return out;
  const scale = 1 / a.data.length;
  for (const ch of a.data) {
    for (let i = 0; i < out.length; i++) out[i] += ch[i] * scale;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function checkRiffHeader(bytes: Uint8Array, where: string): void {
  const magic = ascii(bytes, 0, Math.min(4, bytes.length));
  const isRiff = magic === 'RIFF' || magic === 'RF64' || magic === 'BW64';
  if (bytes.length < 12) {
    const prefixOfRiff = ['RIFF', 'RF64', 'BW64'].some((m) => m.startsWith(magic));
    if (prefixOfRiff) {
      throw axonError('audio_header', where, `the file is only ${bytes.length} bytes, too short for the 12-byte RIFF header`);
    }
    throw axonError('audio_not_wav', where, describeStart(bytes));
  }
  if (magic === 'RIFX') throw axonError('audio_format', where, 'big-endian WAV (RIFX)');
  if (!isRiff) throw axonError('audio_not_wav', where, describeStart(bytes));
  const form = ascii(bytes, 8, 4);
  if (form !== 'WAVE') {
    throw axonError('audio_not_wav', where, `"${printable(magic)}" but holds "${printable(form)}" rather than "WAVE"`);
  }
}

/**
 * Walk the chunk list after the RIFF header and return where the first fmt and data chunks are.
 * Unknown chunks (LIST, fact, bext, junk...) are skipped. Never reads past the end.
 */
function findChunks(
  bytes: Uint8Array,
  view: DataView,
): { fmtStart: number | undefined; fmtSize: number; data: DataChunk | undefined } {
  const len = bytes.length;
  const rf64 = ascii(bytes, 0, 4) !== 'RIFF';
  const ds64Sizes = new Map<string, number>();
  let fmtStart: number | undefined;
  let fmtSize = 0;
  let data: DataChunk | undefined;

  let pos = 12;
  while (pos + 8 <= len && (fmtStart === undefined || data === undefined)) {
    const id = ascii(bytes, pos, 4);
    const body = pos + 8;
    let size = view.getUint32(pos + 4, true);
    if (rf64 && size === SIZE_IN_DS64) size = ds64Sizes.get(id) ?? size;

    if (id === 'ds64' && rf64) readDs64(view, body, size, ds64Sizes);
    else if (id === 'fmt ' && fmtStart === undefined) {
      fmtStart = body;
      fmtSize = size;
    } else if (id === 'data' && data === undefined) data = { start: body, declared: size };

    let next = body + size + (size & 1); // chunks are padded to an even length
    // Some writers forget the pad byte; if the unpadded position holds a chunk id and the padded
    // one does not, follow the writer rather than the spec. Both can look like ids (the id's
    // last three letters and a printable size byte): then a pad byte (0 by the spec) that is
    // a letter, digit or _ is the first letter of the id.
    if (size & 1 && next + 4 <= len && looksLikeId(bytes, next - 1) && (!looksLikeId(bytes, next) || /[A-Za-z0-9_]/.test(String.fromCharCode(bytes[next - 1])))) {
      next -= 1;
    }
    pos = next;
  }
  return { fmtStart, fmtSize, data };
}

/** The ds64 chunk of RF64/BW64: 64-bit sizes for the RIFF form, the data chunk and any others. */
function readDs64(view: DataView, body: number, size: number, sizes: Map<string, number>): void {
  if (size < 28 || body + 28 > view.byteLength) return;
  sizes.set('data', u64(view, body + 8));
  const tableLength = view.getUint32(body + 24, true);
  for (let i = 0, p = body + 28; i < tableLength && p + 12 <= body + size && p + 12 <= view.byteLength; i++, p += 12) {
    const id = String.fromCharCode(view.getUint8(p), view.getUint8(p + 1), view.getUint8(p + 2), view.getUint8(p + 3));
    sizes.set(id, u64(view, p + 4));
  }
}

function parseFmt(bytes: Uint8Array, view: DataView, start: number, size: number, where: string): Fmt {
  if (size < 16) throw axonError('audio_header', where, `its fmt chunk is ${size} bytes; it needs at least 16`);
  if (start + 16 > bytes.length) throw axonError('audio_header', where, 'its fmt chunk is cut off by the end of the file');
  let tag = view.getUint16(start, true);
  const channels = view.getUint16(start + 2, true);
  const sampleRate = view.getUint32(start + 4, true);
  const blockAlign = view.getUint16(start + 12, true);
  const bits = view.getUint16(start + 14, true);

  if (tag === TAG_EXTENSIBLE) {
    if (size < 40) {
      throw axonError('audio_header', where, `its WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes; it needs 40`);
    }
    if (start + 40 > bytes.length) throw axonError('audio_header', where, 'its fmt chunk is cut off by the end of the file');
    const guid = bytes.subarray(start + 24, start + 40);
    const standard = SUBFORMAT_GUID_TAIL.every((b, i) => guid[4 + i] === b);
    const subTag = view.getUint32(start + 24, true);
    if (!standard) throw axonError('audio_format', where, `the extensible subformat ${guidString(guid)}`);
    if (subTag !== TAG_PCM && subTag !== TAG_FLOAT) {
      throw axonError('audio_format', where, `the extensible subformat ${tagName(subTag)}`);
    }
    // The valid-bits field (e.g. 20 of 24) needs no handling: samples are left-justified in
    // their container, so decoding the whole container gives the right value.
    tag = subTag;
  }

  if (tag !== TAG_PCM && tag !== TAG_FLOAT) throw axonError('audio_format', where, tagName(tag));
  if (channels === 0) throw axonError('audio_header', where, 'it declares 0 channels');
  if (sampleRate === 0) throw axonError('audio_header', where, 'it declares a sample rate of 0 Hz');
  const supported = tag === TAG_PCM ? [8, 16, 24, 32] : [32, 64];
  if (!supported.includes(bits)) {
    throw axonError('audio_format', where, `${bits}-bit ${tag === TAG_PCM ? 'integer PCM' : 'float'} samples`);
  }
  return { tag, channels, sampleRate, blockAlign, bits };
}

/** De-interleave `frames` frames starting at byte `start`; the caller has checked they are all there. */
function decodeSamples(view: DataView, start: number, frames: number, fmt: Fmt): Float32Array[] {
  const { channels, bits } = fmt;
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  const size = bits / 8;
  const read = sampleReader(view, fmt);
  let p = start;
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++, p += size) out[c][f] = read(p);
  }
  return out;
}

function sampleReader(view: DataView, fmt: Fmt): (p: number) => number {
  if (fmt.tag === TAG_FLOAT) {
    return fmt.bits === 32 ? (p) => view.getFloat32(p, true) : (p) => view.getFloat64(p, true);
  }
  switch (fmt.bits) {
    case 8:
      return (p) => (view.getUint8(p) - 128) / 128; // 8-bit WAV is unsigned, centred on 128
    case 16:
      return (p) => view.getInt16(p, true) / 32768;
    case 24:
      return (p) => ((view.getUint8(p) | (view.getUint8(p + 1) << 8) | (view.getInt8(p + 2) << 16)) / 8388608);
    default:
      return (p) => view.getInt32(p, true) / 2147483648;
  }
}

/** Float files can hold NaN or infinities, which would poison anything downstream. */
function zeroNonFinite(data: Float32Array[]): number {
  let count = 0;
  for (const ch of data) {
    for (let i = 0; i < ch.length; i++) {
      if (!Number.isFinite(ch[i])) {
        ch[i] = 0;
        count++;
      }
    }
  }
  return count;
}

// ---------------------------------------------------------------------------------------------

function ascii(bytes: Uint8Array, start: number, count: number): string {
  let s = '';
  for (let i = start; i < start + count && i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Non-printable characters as \xNN so an error message stays one readable line. */
function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function looksLikeId(bytes: Uint8Array, pos: number): boolean {
  for (let i = pos; i < pos + 4; i++) {
    if (i >= bytes.length || bytes[i] < 0x20 || bytes[i] > 0x7e) return false;
  }
  return true;
}

function describeStart(bytes: Uint8Array): string {
  const head = ascii(bytes, 0, 4);
  const other = OTHER_FILES.find(([magic]) => head.startsWith(magic));
  if (other) return `"${head.slice(0, other[0].length)}", so it looks like ${other[1]}`;
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0) {
    return 'an MPEG frame sync, so it looks like an MP3 file';
  }
  if (/^[\x20-\x7e]+$/.test(head)) return `"${head}"`;
  return `the bytes ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}

function tagName(tag: number): string {
  const hex = `0x${tag.toString(16).padStart(4, '0')}`;
  const name = TAG_NAMES[tag];
  return name ? `format tag ${tag} (${hex}, ${name})` : `format tag ${tag} (${hex})`;
}

function guidString(g: Uint8Array): string {
  const hex = (from: number, to: number, reverse: boolean) => {
    const part = Array.from(g.subarray(from, to), (b) => b.toString(16).padStart(2, '0'));
    return (reverse ? part.reverse() : part).join('');
  };
  // The first three GUID fields are stored little-endian, the last two as bytes.
  return `{${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}}`;
}

function u64(view: DataView, p: number): number {
  // Sizes beyond 2^53 cannot be real (no such file fits in memory); the caller bounds-checks anyway.
  return view.getUint32(p, true) + view.getUint32(p + 4, true) * 2 ** 32;
}
