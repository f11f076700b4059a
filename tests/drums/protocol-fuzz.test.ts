import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD } from '../../src/main/drums/protocol/constants';
import { encodeFrame, type RawFrame } from '../../src/main/drums/protocol/frame';
import { FrameDecoder } from '../../src/main/drums/protocol/frame-decoder';
import { SeededRandom } from '../../src/main/reservoir/reservoir-build';

// The receiver must never act on a damaged frame. A damaged frame slips through only if its
// CRC-16 happens to match (about 1 in 65536 of those that reach the check); with a fixed seed the
// streams below are fixed, and none does.

const key = (f: RawFrame) => `${f.type}:${f.seq}:${Buffer.from(f.payload).toString('hex')}`;

function feed(decoder: FrameDecoder, stream: Uint8Array, rng: SeededRandom): RawFrame[] {
  const out: RawFrame[] = [];
  for (let at = 0; at < stream.length; ) {
    const size = rng.uniform() < 0.05 ? 1 + Math.floor(rng.uniform() * 4096) : 1 + Math.floor(rng.uniform() * 64);
    out.push(...decoder.push(stream.subarray(at, at + size)));
    at += size;
  }
  return out;
}

describe('frame decoder fuzz', () => {
  it('random bytes: counted as garbage, nothing comes out', () => {
    const rng = new SeededRandom(11, 1);
    const noise = Uint8Array.from({ length: 2_000_000 }, () => (rng.uniform() < 0.02 ? 0 : Math.floor(rng.uniform() * 256)));
    const decoder = new FrameDecoder();
    expect(feed(decoder, noise, rng)).toEqual([]);
    const { cobs, overflow, short, crc } = decoder.errors;
    console.log(`[fuzz] 2 MB of noise: cobs ${cobs}, overflow ${overflow}, short ${short}, crc ${crc}`);
    expect(crc).toBeGreaterThan(50); // some noise is valid COBS of a plausible length
    expect(cobs + overflow + short).toBeGreaterThan(40_000);
  });

  it('120k frames, a quarter damaged on the wire, garbage between some: exactly the intact frames come out, in order', () => {
    const rng = new SeededRandom(2026, 3);
    const int = (n: number) => Math.floor(rng.uniform() * n);
    const pieces: Uint8Array[] = [];
    const expected: string[] = [];
    // A frame is delivered only when the bytes before it ended with a delimiter; one that lost
    // only its delimiter is still delivered if a zero comes next.
    let boundary = true;
    let unterminated: string | null = null;
    const push = (piece: Uint8Array) => {
      if (unterminated !== null && piece[0] === 0) expected.push(unterminated);
      unterminated = null;
      pieces.push(piece);
    };
    let damaged = 0;
    for (let i = 0; i < 120_000; i++) {
      const frame: RawFrame = {
        type: int(256),
        seq: i & 0xff,
        payload: Uint8Array.from({ length: int(MAX_PAYLOAD + 1) }, () => (rng.uniform() < 0.15 ? 0 : int(256))),
      };
      const wire = encodeFrame(frame.type, frame.seq, frame.payload);
      if (rng.uniform() < 0.25) {
        damaged++;
        const { bytes, lostDelimiter } = damage(wire, rng);
        push(bytes);
        if (lostDelimiter && boundary) unterminated = key(frame);
        boundary = bytes[bytes.length - 1] === 0;
      } else {
        push(wire);
        if (boundary) expected.push(key(frame));
        boundary = true;
      }
      if (rng.uniform() < 0.05) {
        // Line noise between frames, sometimes ending in a zero, sometimes running into the next frame.
        const garbage = Uint8Array.from({ length: 1 + int(120) }, () => int(256));
        push(garbage);
        boundary = garbage[garbage.length - 1] === 0;
      }
      if (rng.uniform() < 0.02) {
        push(new Uint8Array(1 + int(3))); // zeros: a flush, then empty frames, ignored
        boundary = true;
      }
    }
    const stream = Buffer.concat(pieces);
    const decoder = new FrameDecoder();
    const out = feed(decoder, stream, rng).map(key);
    expect(out.length).toBe(expected.length);
    expect(out).toEqual(expected);
    const { cobs, overflow, short, crc } = decoder.errors;
    console.log(`[fuzz] ${damaged} damaged of 120000, ${out.length} delivered; cobs ${cobs}, overflow ${overflow}, short ${short}, crc ${crc}`);
    expect(cobs + overflow + short + crc).toBeGreaterThanOrEqual(damaged);
  });
});

/** The wire bytes of a frame, damaged the way a serial line does (never a no-op unless only the delimiter is lost). */
function damage(wire: Uint8Array, rng: SeededRandom): { bytes: Uint8Array; lostDelimiter: boolean } {
  const int = (n: number) => Math.floor(rng.uniform() * n);
  const bytes = Array.from(wire);
  const body = wire.length - 1; // the delimiter stays unless the damage is to drop it
  switch (int(6)) {
    case 0: {
      const at = int(body);
      bytes[at] ^= 1 << int(8);
      break;
    }
    case 1: {
      const at = int(body);
      bytes[at] = (bytes[at] + 1 + int(255)) & 0xff;
      break;
    }
    case 2:
      bytes.splice(int(body), 1);
      break;
    case 3:
      bytes.splice(1 + int(body - 1), 0, int(256)); // inside: a zero there splits the frame in two damaged ones
      break;
    case 4: {
      const at = 1 + int(body - 1);
      bytes.splice(at, body - at); // cut short, delimiter kept
      break;
    }
    default:
      bytes.pop(); // the delimiter lost: runs into the next frame
      return { bytes: Uint8Array.from(bytes), lostDelimiter: true };
  }
  return { bytes: Uint8Array.from(bytes), lostDelimiter: false };
}
