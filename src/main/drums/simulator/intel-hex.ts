// Intel HEX reader for AVR flash images (what avr-objcopy -O ihex and the Arduino tools write).
// Strict on purpose: a truncated or corrupted image must fail loudly, not run half a program.

export interface HexImage {
  /** Flash contents, unprogrammed bytes 0xFF (erased flash). */
  bytes: Uint8Array;
  /** One past the highest programmed byte address. */
  end: number;
  /** Number of programmed bytes. */
  programmed: number;
}

export class IntelHexError extends Error {
  override readonly name = 'IntelHexError';
}

const DATA = 0x00;
const EOF = 0x01;
const EXT_SEGMENT = 0x02;
const START_SEGMENT = 0x03;
const EXT_LINEAR = 0x04;
const START_LINEAR = 0x05;

function hex2(s: string): string {
  return `0x${s.padStart(2, '0')}`;
}

/**
 * Parses an Intel HEX text into a flash image of `flashSize` bytes. `where` names the source in
 * error messages (a path, usually). Checks every record's checksum and length, rejects data past
 * the flash end, overlapping records and anything after the end-of-file record, and requires
 * that end-of-file record (a truncated file has none).
 */
export function parseIntelHex(text: string, flashSize: number, where = 'HEX file'): HexImage {
  const bytes = new Uint8Array(flashSize).fill(0xff);
  const written = new Uint8Array(flashSize);
  let base = 0;
  let end = 0;
  let programmed = 0;
  let sawEof = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const at = `${where}, line ${i + 1}`;
    if (line === '') continue;
    if (sawEof) throw new IntelHexError(`${at}: data after the end-of-file record`);
    if (line[0] !== ':') throw new IntelHexError(`${at}: a record must start with ':' (got "${line.slice(0, 12)}")`);
    const body = line.slice(1);
    if (!/^[0-9A-Fa-f]*$/.test(body)) throw new IntelHexError(`${at}: non-hexadecimal characters in the record`);
    if (body.length < 10 || body.length % 2 !== 0) {
      throw new IntelHexError(`${at}: record too short or of odd length (${body.length} hex digits)`);
    }
    const rec = new Uint8Array(body.length / 2);
    for (let k = 0; k < rec.length; k++) rec[k] = parseInt(body.slice(2 * k, 2 * k + 2), 16);
    const count = rec[0];
    if (rec.length !== count + 5) {
      throw new IntelHexError(`${at}: the record says ${count} data bytes but holds ${rec.length - 5}`);
    }
    let sum = 0;
    for (let k = 0; k < rec.length - 1; k++) sum += rec[k];
    const expected = (0x100 - (sum & 0xff)) & 0xff;
    const stated = rec[rec.length - 1];
    if (stated !== expected) {
      throw new IntelHexError(
        `${at}: checksum mismatch (the record says ${hex2(stated.toString(16))}, its bytes sum to ${hex2(expected.toString(16))}): the file is corrupted`,
      );
    }
    const offset = (rec[1] << 8) | rec[2];
    const type = rec[3];
    const data = rec.subarray(4, 4 + count);
    switch (type) {
      case DATA: {
        const addr = base + offset;
        if (addr + count > flashSize) {
          throw new IntelHexError(
            `${at}: data at 0x${addr.toString(16)}..0x${(addr + count - 1).toString(16)} lies past the end of the ${flashSize}-byte flash`,
          );
        }
        for (let k = 0; k < count; k++) {
          if (written[addr + k]) throw new IntelHexError(`${at}: byte 0x${(addr + k).toString(16)} is written twice`);
          written[addr + k] = 1;
          bytes[addr + k] = data[k];
        }
        programmed += count;
        end = Math.max(end, addr + count);
        break;
      }
      case EOF:
        if (count !== 0) throw new IntelHexError(`${at}: end-of-file record with data`);
        sawEof = true;
        break;
      case EXT_SEGMENT:
        if (count !== 2) throw new IntelHexError(`${at}: extended segment address record needs 2 bytes`);
        base = ((data[0] << 8) | data[1]) * 16;
        break;
      case EXT_LINEAR:
        if (count !== 2) throw new IntelHexError(`${at}: extended linear address record needs 2 bytes`);
        base = ((data[0] << 8) | data[1]) * 0x10000;
        break;
      case START_SEGMENT:
      case START_LINEAR:
        // Entry points mean nothing to an AVR (it starts at the reset vector).
        break;
      default:
        throw new IntelHexError(`${at}: unknown record type ${hex2(type.toString(16))}`);
    }
  }
  if (!sawEof) throw new IntelHexError(`${where}: no end-of-file record (":00000001FF"): the file is truncated`);
  if (programmed === 0) throw new IntelHexError(`${where}: no data records: nothing to run`);
  return { bytes, end, programmed };
}
