import { cobsDecode } from './cobs';
import { MAX_ENCODED_FRAME } from './constants';
import { parseFrame, type RawFrame } from './frame';

/** Frames a receiver dropped, by PROTOCOL.md's receiver rules (cumulative). */
export interface FramingErrors {
  cobs: number;
  overflow: number;
  short: number;
  crc: number;
}

/**
 * Splits a byte stream at zero delimiters and yields only intact frames, fed chunks of any size.
 * Anything else is counted and dropped; after an overflow the rest up to the next zero is skipped.
 */
export class FrameDecoder {
  readonly errors: FramingErrors = { cobs: 0, overflow: 0, short: 0, crc: 0 };
  private readonly buffer = new Uint8Array(MAX_ENCODED_FRAME);
  private length = 0;
  private skipping = false;

  /** Drops a partial frame (a new connection starts clean); the counts stay. */
  reset(): void {
    this.length = 0;
    this.skipping = false;
  }

  /** The intact frames completed by `chunk`, in order. */
  push(chunk: Uint8Array): RawFrame[] {
    const frames: RawFrame[] = [];
    for (const byte of chunk) {
      if (byte !== 0) {
        if (this.skipping) continue;
        if (this.length === MAX_ENCODED_FRAME) {
          this.errors.overflow++;
          this.skipping = true;
          this.length = 0;
          continue;
        }
        this.buffer[this.length++] = byte;
        continue;
      }
      const length = this.length;
      this.length = 0;
      if (this.skipping) {
        this.skipping = false;
        continue;
      }
      if (length === 0) continue; // an empty frame: a sender's flush
      const decoded = cobsDecode(this.buffer.subarray(0, length));
      if (decoded === null) {
        this.errors.cobs++;
        continue;
      }
      const frame = parseFrame(decoded);
      if (frame === 'short' || frame === 'crc') this.errors[frame]++;
      else frames.push(frame);
    }
    return frames;
  }
}
