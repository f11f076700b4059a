import { axonError, type AxonError } from '../../shared/errors';
import type { Milliseconds } from '../../shared/units';

// OSC 1.0 (opensoundcontrol.org/spec-1_0) encoding and decoding, plus the common extra types
// h, d, T, F, N and I. Everything is big-endian and every field is padded to 4 bytes.

export type OscArg =
  | { readonly type: 'i'; readonly value: number }
  | { readonly type: 'f'; readonly value: number }
  | { readonly type: 's'; readonly value: string }
  | { readonly type: 'b'; readonly value: Uint8Array }
  | { readonly type: 'h'; readonly value: bigint }
  | { readonly type: 'd'; readonly value: number }
  | { readonly type: 'T' }
  | { readonly type: 'F' }
  | { readonly type: 'N' }
  | { readonly type: 'I' };

export interface OscMessage {
  readonly kind: 'message';
  readonly address: string;
  readonly args: readonly OscArg[];
}

export interface OscBundle {
  readonly kind: 'bundle';
  /** 64-bit NTP time: seconds since 1900 in the high 32 bits, fraction in the low 32. */
  readonly timetag: bigint;
  readonly elements: readonly OscPacket[];
}

export type OscPacket = OscMessage | OscBundle;

export type OscDecoded = { readonly ok: true; readonly packet: OscPacket } | { readonly ok: false; readonly error: AxonError };

/** The special timetag "now" (the spec's 63 zero bits then a one). */
export const OSC_IMMEDIATELY = 1n;

const NTP_UNIX_OFFSET_S = 2208988800n;
const BUNDLE_TAG = Buffer.from('#bundle\0', 'latin1');
/** Deeper bundles are refused: nothing legitimate nests this far and it bounds the recursion. */
const MAX_BUNDLE_DEPTH = 16;

/** NTP timetag of a Unix time in milliseconds (e.g. Date.now()). */
export function ntpTimetag(ms: Milliseconds): bigint {
  const whole = Math.floor(ms / 1000);
  const fraction = BigInt(Math.floor(((ms - whole * 1000) / 1000) * 2 ** 32));
  return ((BigInt(whole) + NTP_UNIX_OFFSET_S) << 32n) | fraction;
}

/** Unix time in milliseconds of an NTP timetag. */
export function timetagMs(timetag: bigint): Milliseconds {
  const seconds = Number((timetag >> 32n) - NTP_UNIX_OFFSET_S);
  return seconds * 1000 + (Number(timetag & 0xffffffffn) / 2 ** 32) * 1000;
}

const align4 = (n: number) => (n + 3) & ~3;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Bytes of an OSC address and type tag string (`tags` without the comma), precomputed for hot send paths. */
export function oscHead(address: string, tags: string): Buffer {
  return new OscWriter(64).head(address, tags).bytes();
}

/**
 * Writes OSC packets into one growing buffer that is reused between packets, so a sender that
 * keeps a writer allocates nothing per message. Element sizes inside bundles are reserved and
 * filled in when the element ends. `bytes()` is a view: copy it before the next `reset()`.
 */
export class OscWriter {
  private buf: Buffer;
  private pos = 0;
  /** Per open bundle: where its size word is, or -1 at the top level. */
  private readonly bundles: number[] = [];
  private messageSizeAt = -1;

  constructor(initialBytes = 1024) {
    this.buf = Buffer.alloc(initialBytes);
  }

  get length(): number {
    return this.pos;
  }

  reset(): this {
    this.pos = 0;
    this.bundles.length = 0;
    this.messageSizeAt = -1;
    return this;
  }

  /** The bytes written since the last reset (a view into the writer's buffer). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  beginBundle(timetag: bigint): this {
    this.bundles.push(this.reserveSize());
    this.raw(BUNDLE_TAG);
    return this.uint64(timetag);
  }

  endBundle(): this {
    const sizeAt = this.bundles.pop();
    if (sizeAt === undefined) throw axonError('osc_encode', 'endBundle without beginBundle');
    this.patchSize(sizeAt);
    return this;
  }

  /** Starts a message from a head made by `oscHead`; write its arguments, then `endMessage()`. */
  beginMessage(head: Uint8Array): this {
    this.messageSizeAt = this.reserveSize();
    return this.raw(head);
  }

  endMessage(): this {
    this.patchSize(this.messageSizeAt);
    this.messageSizeAt = -1;
    return this;
  }

  /** Address and type tag string; used by `oscHead` and `encodeOsc`. */
  head(address: string, tags: string): this {
    if (!address.startsWith('/')) throw axonError('osc_encode', `address "${address}" must start with "/"`);
    this.string(address);
    return this.string(`,${tags}`);
  }

  int32(v: number): this {
    if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) throw axonError('osc_encode', `${v} is not a 32-bit integer`);
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  float32(v: number): this {
    this.ensure(4);
    this.buf.writeFloatBE(v, this.pos);
    this.pos += 4;
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  int64(v: bigint): this {
    if (v < INT64_MIN || v > INT64_MAX) throw axonError('osc_encode', `${v} is not a 64-bit integer`);
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
    return this;
  }

  /** UTF-8, NUL-terminated, padded with NULs to a multiple of 4 bytes (at least one NUL). */
  string(s: string): this {
    if (s.includes('\0')) throw axonError('osc_encode', `string ${JSON.stringify(s)} contains a NUL character`);
    const len = Buffer.byteLength(s, 'utf8');
    const padded = align4(len + 1);
    this.ensure(padded);
    this.buf.write(s, this.pos, 'utf8');
    this.buf.fill(0, this.pos + len, this.pos + padded);
    this.pos += padded;
    return this;
  }

  blob(bytes: Uint8Array): this {
    this.int32(bytes.length);
    const padded = align4(bytes.length);
    this.ensure(padded);
    this.buf.set(bytes, this.pos);
    this.buf.fill(0, this.pos + bytes.length, this.pos + padded);
    this.pos += padded;
    return this;
  }

  private uint64(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigUInt64BE(BigInt.asUintN(64, v), this.pos);
    this.pos += 8;
    return this;
  }

  private raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** Inside a bundle every element is preceded by its size: reserve it (-1 at the top level). */
  private reserveSize(): number {
    if (this.bundles.length === 0) return -1;
    const at = this.pos;
    this.ensure(4);
    this.pos += 4;
    return at;
  }

  private patchSize(sizeAt: number): void {
    if (sizeAt >= 0) this.buf.writeInt32BE(this.pos - sizeAt - 4, sizeAt);
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

function writePacket(w: OscWriter, packet: OscPacket): void {
  if (packet.kind === 'bundle') {
    w.beginBundle(packet.timetag);
    for (const e of packet.elements) writePacket(w, e);
    w.endBundle();
    return;
  }
  w.beginMessage(oscHead(packet.address, packet.args.map((a) => a.type).join('')));
  for (const a of packet.args) {
    switch (a.type) {
      case 'i':
        w.int32(a.value);
        break;
      case 'f':
        w.float32(a.value);
        break;
      case 's':
        w.string(a.value);
        break;
      case 'b':
        w.blob(a.value);
        break;
      case 'h':
        w.int64(a.value);
        break;
      case 'd':
        w.float64(a.value);
        break;
      default:
        // T, F, N and I carry no bytes: the tag is the value.
        break;
    }
  }
  w.endMessage();
}

/** Encodes a message or bundle into a new buffer; throws `osc_encode` for values OSC cannot carry. */
export function encodeOsc(packet: OscPacket): Buffer {
  const w = new OscWriter(256);
  writePacket(w, packet);
  return Buffer.from(w.bytes());
}

// ---- Decoding: datagrams come from anyone on the network, so every read is bounds-checked and
// every problem becomes a result naming what is wrong and where, never an exception. ----

class Malformed {
  constructor(readonly problem: string) {}
}

const utf8 = new TextDecoder('utf-8');

class Reader {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(pos: number, count: number, end: number, what: string): void {
    if (pos + count > end) throw new Malformed(`${what} at byte ${pos} needs ${count} bytes but the ${end === this.bytes.length ? 'packet' : 'element'} ends at byte ${end}`);
  }

  int32(pos: number): number {
    return this.view.getInt32(pos);
  }

  /** A padded string starting at `pos`; returns the string and where the next field starts. */
  string(pos: number, end: number, what: string): { value: string; next: number } {
    let nul = pos;
    while (nul < end && this.bytes[nul] !== 0) nul++;
    if (nul >= end) throw new Malformed(`${what} at byte ${pos} has no NUL terminator before byte ${end}`);
    const next = align4(nul + 1);
    if (next > end) throw new Malformed(`${what} at byte ${pos}: its padding runs past byte ${end}`);
    for (let i = nul + 1; i < next; i++) if (this.bytes[i] !== 0) throw new Malformed(`${what} at byte ${pos}: bad padding (non-zero byte at ${i})`);
    return { value: utf8.decode(this.bytes.subarray(pos, nul)), next };
  }

  packet(pos: number, end: number, depth: number): OscPacket {
    if ((end - pos) % 4 !== 0) throw new Malformed(`size ${end - pos} of the ${depth === 0 ? 'packet' : `element at byte ${pos}`} is not a multiple of 4`);
    if (end - pos === 0) throw new Malformed(depth === 0 ? 'the packet is empty' : `empty element at byte ${pos}`);
    const first = this.bytes[pos];
    if (first === 0x2f /* '/' */) return this.message(pos, end);
    if (first === 0x23 /* '#' */) return this.bundle(pos, end, depth);
    throw new Malformed(`${depth === 0 ? 'the packet' : `the element at byte ${pos}`} starts with byte 0x${first.toString(16).padStart(2, '0')}, neither "/" (a message) nor "#bundle"`);
  }

  bundle(pos: number, end: number, depth: number): OscBundle {
    if (depth >= MAX_BUNDLE_DEPTH) throw new Malformed(`bundles nested deeper than ${MAX_BUNDLE_DEPTH} levels at byte ${pos}`);
    this.need(pos, 16, end, 'bundle header');
    for (let i = 0; i < BUNDLE_TAG.length; i++) {
      if (this.bytes[pos + i] !== BUNDLE_TAG[i]) throw new Malformed(`byte ${pos} starts with "#" but not with "#bundle\\0"`);
    }
    const timetag = this.view.getBigUint64(pos + 8);
    const elements: OscPacket[] = [];
    let at = pos + 16;
    while (at < end) {
      this.need(at, 4, end, 'bundle element size');
      const size = this.int32(at);
      if (size <= 0 || size % 4 !== 0) throw new Malformed(`bundle element size ${size} at byte ${at} is not a positive multiple of 4`);
      if (at + 4 + size > end) throw new Malformed(`bundle element at byte ${at} claims ${size} bytes, beyond the end of its bundle (byte ${end})`);
      elements.push(this.packet(at + 4, at + 4 + size, depth + 1));
      at += 4 + size;
    }
    return { kind: 'bundle', timetag, elements };
  }

  message(pos: number, end: number): OscMessage {
    const address = this.string(pos, end, 'address');
    let at = address.next;
    // The spec asks readers to accept messages from old senders that omit the type tag string.
    if (at === end) return { kind: 'message', address: address.value, args: [] };
    if (this.bytes[at] !== 0x2c /* ',' */) throw new Malformed(`type tag string at byte ${at} of ${address.value} does not start with a comma`);
    const tags = this.string(at, end, 'type tag string');
    at = tags.next;
    const args: OscArg[] = [];
    for (let t = 1; t < tags.value.length; t++) {
      const tag = tags.value[t];
      switch (tag) {
        case 'i':
          this.need(at, 4, end, 'int32 argument');
          args.push({ type: 'i', value: this.int32(at) });
          at += 4;
          break;
        case 'f':
          this.need(at, 4, end, 'float32 argument');
          args.push({ type: 'f', value: this.view.getFloat32(at) });
          at += 4;
          break;
        case 'h':
          this.need(at, 8, end, 'int64 argument');
          args.push({ type: 'h', value: this.view.getBigInt64(at) });
          at += 8;
          break;
        case 'd':
          this.need(at, 8, end, 'float64 argument');
          args.push({ type: 'd', value: this.view.getFloat64(at) });
          at += 8;
          break;
        case 's': {
          const s = this.string(at, end, 'string argument');
          args.push({ type: 's', value: s.value });
          at = s.next;
          break;
        }
        case 'b': {
          this.need(at, 4, end, 'blob size');
          const size = this.int32(at);
          if (size < 0) throw new Malformed(`blob size ${size} at byte ${at} is negative`);
          const next = align4(at + 4 + size);
          if (next > end) throw new Malformed(`blob at byte ${at} claims ${size} bytes, beyond the end of the message (byte ${end})`);
          for (let i = at + 4 + size; i < next; i++) if (this.bytes[i] !== 0) throw new Malformed(`blob at byte ${at}: bad padding (non-zero byte at ${i})`);
          // A plain copy: callers keep no reference to (a Buffer of) the datagram.
          args.push({ type: 'b', value: new Uint8Array(this.bytes.subarray(at + 4, at + 4 + size)) });
          at = next;
          break;
        }
        case 'T':
        case 'F':
        case 'N':
        case 'I':
          args.push({ type: tag });
          break;
        default:
          throw new Malformed(`unknown type tag ${JSON.stringify(tag)} in ${JSON.stringify(tags.value)} of ${address.value}`);
      }
    }
    if (at !== end) throw new Malformed(`${end - at} bytes after the last argument of ${address.value}`);
    return { kind: 'message', address: address.value, args };
  }
}

/** Decodes one datagram; never throws: a bad packet gives `{ok: false}` with an `osc_malformed` error. */
export function decodeOsc(bytes: Uint8Array): OscDecoded {
  try {
    return { ok: true, packet: new Reader(bytes).packet(0, bytes.length, 0) };
  } catch (err) {
    // Anything else would be a decoder bug; a datagram must still not take the listener down.
    const problem = err instanceof Malformed ? err.problem : `decoder fault (${err instanceof Error ? err.message : String(err)})`;
    return { ok: false, error: axonError('osc_malformed', problem) };
  }
}
