import { axonError } from '../../../shared/errors';

/** Little-endian payload writer; a value that does not fit its field throws `drum_field` naming it. */
export class PayloadWriter {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private at = 0;

  constructor(
    length: number,
    private readonly message: string,
  ) {
    this.bytes = new Uint8Array(length);
    this.view = new DataView(this.bytes.buffer);
  }

  u8(field: string, value: number): this {
    this.view.setUint8(this.at, this.check(field, value, 0xff));
    this.at += 1;
    return this;
  }

  u16(field: string, value: number): this {
    this.view.setUint16(this.at, this.check(field, value, 0xffff), true);
    this.at += 2;
    return this;
  }

  u32(field: string, value: number): this {
    this.view.setUint32(this.at, this.check(field, value, 0xffffffff), true);
    this.at += 4;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.bytes.set(bytes, this.at);
    this.at += bytes.length;
    return this;
  }

  done(): Uint8Array {
    return this.bytes;
  }

  private check(field: string, value: number, max: number): number {
    if (Number.isInteger(value) && value >= 0 && value <= max) return value;
    throw axonError('drum_field', `${this.message}.${field}`, `an integer 0..${max}`, String(value));
  }
}

/** Little-endian payload reader; the caller has checked the payload length. */
export class PayloadReader {
  private readonly view: DataView;
  private at = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  u8(): number {
    return this.view.getUint8(this.at++);
  }

  u16(): number {
    const v = this.view.getUint16(this.at, true);
    this.at += 2;
    return v;
  }

  u32(): number {
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }

  raw(length: number): Uint8Array {
    this.at += length;
    return this.bytes.subarray(this.at - length, this.at);
  }
}
