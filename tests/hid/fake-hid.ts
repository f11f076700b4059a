import type { HidDeviceHandlers, HidDeviceInfo, OpenHid } from '../../src/main/hid/hid-backend';

// A HID bus in memory: devices plugged and unplugged by the test, reports sent by hand.

export const x52Info = (path: string, serialNumber = 'SN1'): HidDeviceInfo => ({ path, vendorId: 0x06a3, productId: 0x0255, serialNumber, product: 'Saitek X52', usagePage: 1, usage: 4 });
/** An X52 report: X and Y 11-bit, button 1 optionally pressed, hat centred. */
export const x52Report = (x: number, y: number, button1 = false) => {
  const r = new Uint8Array(14);
  r[0] = x & 0xff;
  r[1] = ((x >> 8) & 0x07) | ((y & 0x1f) << 3);
  r[2] = (y >> 5) & 0x3f;
  r[3] = 0x80; // Rz (bits 22..31) = 512: its bit 9 is report bit 31, the top of byte 3
  if (button1) r[8] = 1;
  return r;
};

export class FakeDevice {
  closed = false;
  constructor(
    readonly path: string,
    readonly descriptor: Uint8Array,
    readonly handlers: HidDeviceHandlers,
  ) {}
  send(report: Uint8Array) {
    if (!this.closed) this.handlers.report(report);
  }
  fail(message: string) {
    if (!this.closed) this.handlers.error(new Error(message));
  }
}

export class FakeBus {
  readonly listed: HidDeviceInfo[] = [];
  readonly descriptors = new Map<string, Uint8Array>();
  readonly open: Map<string, FakeDevice> = new Map();
  opens = 0;
  listError: Error | null = null;

  plug(info: HidDeviceInfo, descriptor: Uint8Array) {
    this.listed.push(info);
    this.descriptors.set(info.path, descriptor);
  }
  unplug(path: string, readError = true) {
    const i = this.listed.findIndex((d) => d.path === path);
    if (i >= 0) this.listed.splice(i, 1);
    if (readError) this.open.get(path)?.fail('could not read from HID device');
  }
  device(path: string): FakeDevice {
    const d = this.open.get(path);
    if (!d || d.closed) throw new Error(`${path} is not open`);
    return d;
  }
  readonly listDevices = () => {
    if (this.listError) throw this.listError;
    return [...this.listed];
  };
  readonly openDevice: OpenHid = (path, handlers) => {
    const descriptor = this.descriptors.get(path);
    if (!descriptor || !this.listed.some((d) => d.path === path)) throw new Error('No such device');
    this.opens++;
    const d = new FakeDevice(path, descriptor, handlers);
    this.open.set(path, d);
    return {
      reportDescriptor: () => d.descriptor,
      close: () => {
        d.closed = true;
      },
    };
  };
}
