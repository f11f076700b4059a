/**
 * The two things the joystick manager needs from the OS, as injectable functions, and their
 * default implementation on node-hid.
 *
 * node-hid 3.4.0 has no way to read a report descriptor (hidapi's hid_get_report_descriptor is not
 * bound), so the default reads it from sysfs on Linux (/sys/class/hidraw/hidrawN/device/
 * report_descriptor, world-readable) and uses `getReportDescriptor()` where a later node-hid
 * offers it. On Linux node-hid must use its hidraw driver: the libusb one detaches the kernel
 * driver and has no /dev/hidrawN path. Note that node-hid's Linux prebuilds link libusb-1.0 even
 * for hidraw, so the machine needs libusb-1.0-0 installed or loading fails (hid_unavailable).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import HID from 'node-hid';
import { AxonError, axonError } from '../../shared/errors';

/** What a device list entry tells (node-hid's Device, trimmed to what is used). */
export interface HidDeviceInfo {
  readonly path: string;
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber?: string;
  readonly manufacturer?: string;
  readonly product?: string;
  /** Top-level application collection of the interface, when the platform says. */
  readonly usagePage?: number;
  readonly usage?: number;
  readonly interface?: number;
}

/** What an open device tells its user. */
export interface HidDeviceHandlers {
  /** One input report: the report-ID byte first when the device uses IDs. */
  report(data: Uint8Array): void;
  /** A read failed: on an unplug this is the first sign. Not called after `close()`. */
  error(error: Error): void;
}

export interface OpenHidDevice {
  /** Throws hid_no_descriptor when it cannot be read. */
  reportDescriptor(): Uint8Array;
  /** Safe to call twice. */
  close(): void;
}

export type ListHidDevices = () => readonly HidDeviceInfo[] | Promise<readonly HidDeviceInfo[]>;
/** Opens and starts reading; throws (hid_open) when the device cannot be opened. */
export type OpenHid = (path: string, handlers: HidDeviceHandlers) => OpenHidDevice;

const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const isLoadFailure = (err: unknown): boolean =>
  (err as { code?: unknown } | null)?.code === 'ERR_DLOPEN_FAILED' || /Failed to find binding|cannot open shared object/.test(reason(err));

let driverChosen = false;
function chooseDriver(): void {
  // Must run before node-hid loads its binding (first devices() or open).
  if (!driverChosen && process.platform === 'linux') HID.setDriverType('hidraw');
  driverChosen = true;
}

/** node-hid's device list. Throws hid_unavailable when the native library cannot load, hid_list otherwise. */
export const listNodeHidDevices: ListHidDevices = async () => {
  chooseDriver();
  try {
    const devices = await HID.devicesAsync();
    return devices.flatMap((d) => (d.path ? [{ ...d, path: d.path }] : []));
  } catch (err) {
    throw isLoadFailure(err) ? axonError('hid_unavailable', reason(err)) : axonError('hid_list', reason(err));
  }
};

/** The descriptor from sysfs, for a hidraw path like /dev/hidraw3. */
export function readSysfsDescriptor(path: string, read: (file: string) => Uint8Array = readFileSync): Uint8Array {
  const node = basename(path);
  if (process.platform !== 'linux' || !/^hidraw\d+$/.test(node)) {
    throw axonError('hid_no_descriptor', path, `node-hid cannot read report descriptors here (${process.platform}); only Linux hidraw devices are supported`);
  }
  try {
    return read(`/sys/class/hidraw/${node}/device/report_descriptor`);
  } catch (err) {
    throw axonError('hid_no_descriptor', path, reason(err));
  }
}

interface MaybeDescriptor {
  getReportDescriptor?: unknown;
}

/** Opens with node-hid (`new HID.HID(path)`) and forwards its data and error events. */
export const openNodeHid: OpenHid = (path, handlers) => {
  chooseDriver();
  let device: HID.HID;
  try {
    device = new HID.HID(path);
  } catch (err) {
    throw isLoadFailure(err) ? axonError('hid_unavailable', reason(err)) : axonError('hid_open', path, reason(err));
  }
  let closed = false;
  device.on('data', (data: Buffer) => {
    if (!closed) handlers.report(data);
  });
  device.on('error', (err: unknown) => {
    if (!closed) handlers.error(err instanceof Error ? err : new Error(String(err)));
  });
  return {
    reportDescriptor: () => {
      const fn = (device as MaybeDescriptor).getReportDescriptor;
      if (typeof fn === 'function') {
        try {
          return Uint8Array.from(fn.call(device) as ArrayLike<number>);
        } catch (err) {
          throw err instanceof AxonError ? err : axonError('hid_no_descriptor', path, reason(err));
        }
      }
      return readSysfsDescriptor(path);
    },
    close: () => {
      if (closed) return;
      closed = true;
      try {
        device.close();
      } catch {
        // Closing an unplugged device can throw; it is gone either way.
      }
    },
  };
};
