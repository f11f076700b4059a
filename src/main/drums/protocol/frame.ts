import { cobsEncode } from './cobs';
import { FRAME_OVERHEAD, MAX_PAYLOAD } from './constants';
import { crc16 } from './crc16';

/** One intact frame: its CRC checked, its payload not yet interpreted. */
export interface RawFrame {
  type: number;
  seq: number;
  payload: Uint8Array;
}

/** The wire bytes of a frame: COBS-encoded type, seq, payload and CRC (little-endian), then the zero delimiter. */
export function encodeFrame(type: number, seq: number, payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_PAYLOAD) throw new RangeError(`payload of ${payload.length} bytes is over ${MAX_PAYLOAD}`);
  const body = new Uint8Array(payload.length + FRAME_OVERHEAD);
  body[0] = type;
  body[1] = seq & 0xff;
  body.set(payload, 2);
  const crc = crc16(body, 0, body.length - 2);
  body[body.length - 2] = crc & 0xff;
  body[body.length - 1] = crc >> 8;
  const encoded = cobsEncode(body);
  const wire = new Uint8Array(encoded.length + 1);
  wire.set(encoded);
  return wire;
}

/** Checks a COBS-decoded frame: `short` under 4 bytes, `crc` on a mismatch, else the frame. */
export function parseFrame(decoded: Uint8Array): RawFrame | 'short' | 'crc' {
  if (decoded.length < FRAME_OVERHEAD) return 'short';
  const end = decoded.length - 2;
  if (crc16(decoded, 0, end) !== (decoded[end] | (decoded[end + 1] << 8))) return 'crc';
  return { type: decoded[0], seq: decoded[1], payload: decoded.slice(2, end) };
}
