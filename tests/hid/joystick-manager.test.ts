import { afterEach, describe, expect, it, vi } from 'vitest';
import { AxonError } from '../../src/shared/errors';
import { defaultAxisCalibration } from '../../src/main/hid/axis-calibration';
import { listNodeHidDevices, readSysfsDescriptor } from '../../src/main/hid/hid-backend';
import { JoystickInputRouter } from '../../src/main/hid/joystick-input-router';
import { JoystickManager, type JoystickManagerOptions } from '../../src/main/hid/joystick-manager';
import { FakeBus, x52Info, x52Report } from './fake-hid';
import { descriptorBytes, hexBytes } from './fixture-data';

// Hot-plug with an injected device list and fake devices carrying real descriptors.

const X52 = descriptorBytes('saitek-x52');
const DS4 = descriptorBytes('sony-dualshock4-usb');
// A keyboard-ish descriptor: Generic Desktop Keyboard application, no joystick controls.
const KEYBOARD = Uint8Array.from([0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0xc0]);

function setup(options: JoystickManagerOptions = {}) {
  const bus = new FakeBus();
  const manager = new JoystickManager({ listDevices: bus.listDevices, open: bus.openDevice, ...options });
  const log: string[] = [];
  const problems: AxonError[] = [];
  manager.on('connected', (d, { reconnected }) => log.push(`connected ${d.id} ${d.path}${reconnected ? ' (again)' : ''}`));
  manager.on('disconnected', (d, e) => log.push(`disconnected ${d.id}: ${e.message}`));
  manager.on('axes', (v) => log.push(`axes ${v.device.id} x=${v.axes.x.toFixed(3)} y=${v.axes.y.toFixed(3)} b1=${v.buttons[0]}`));
  manager.on('problem', (e) => problems.push(e));
  // Polls without the timer, as start() would.
  (manager as unknown as { running: boolean }).running = true;
  return { bus, manager, log, problems };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('joystick manager hot-plug', () => {
  it('opens joysticks and gamepads from the list, skips other HID devices, and decodes reports', async () => {
    const { bus, manager, log, problems } = setup();
    bus.plug(x52Info('/dev/hidraw3'), X52);
    bus.plug({ path: '/dev/hidraw4', vendorId: 0x054c, productId: 0x05c4, product: 'Wireless Controller', usagePage: 1, usage: 5 }, DS4);
    bus.plug({ path: '/dev/hidraw0', vendorId: 0x046d, productId: 0xc31c, usagePage: 1, usage: 6 }, KEYBOARD);
    await manager.poll();
    expect(log).toEqual(['connected 06a3:0255:SN1 /dev/hidraw3', 'connected 054c:05c4: /dev/hidraw4']);
    expect(bus.opens).toBe(2); // the keyboard is never opened
    bus.device('/dev/hidraw3').send(x52Report(2047, 0, true));
    expect(log.at(-1)).toBe('axes 06a3:0255:SN1 x=1.000 y=-1.000 b1=true');
    expect(manager.values('06a3:0255:SN1')?.raw.rz).toBe(512);
    await manager.poll(); // nothing changes: nothing reopened
    expect(bus.opens).toBe(2);
    expect(problems).toEqual([]);
  });

  it('unplug (read error) recentres and says disconnected; replug with the same vid/pid/serial reconnects under the same id', async () => {
    const { bus, manager, log } = setup();
    bus.plug(x52Info('/dev/hidraw3'), X52);
    await manager.poll();
    bus.device('/dev/hidraw3').send(x52Report(2047, 2047, true));
    log.length = 0;

    bus.unplug('/dev/hidraw3');
    expect(log).toEqual([
      'axes 06a3:0255:SN1 x=0.000 y=0.000 b1=false',
      'disconnected 06a3:0255:SN1: the joystick 06a3:0255:SN1 went away (could not read from HID device)',
    ]);
    expect(manager.isConnected('06a3:0255:SN1')).toBe(false);
    await manager.poll();
    expect(log).toHaveLength(2); // gone from the list: nothing more to say

    bus.plug(x52Info('/dev/hidraw7'), X52);
    await manager.poll();
    expect(log.at(-1)).toBe('connected 06a3:0255:SN1 /dev/hidraw7 (again)');
    expect(manager.devices).toHaveLength(1);
    bus.device('/dev/hidraw7').send(x52Report(0, 2047));
    expect(log.at(-1)).toBe('axes 06a3:0255:SN1 x=-1.000 y=1.000 b1=false');
  });

  it("with onUnplug 'keep' the last values stay; an unplug seen only in the list is noticed on the next poll", async () => {
    const { bus, manager, log } = setup({ onUnplug: 'keep' });
    bus.plug(x52Info('/dev/hidraw3'), X52);
    await manager.poll();
    bus.device('/dev/hidraw3').send(x52Report(2047, 0, true));
    log.length = 0;
    bus.unplug('/dev/hidraw3', false);
    await manager.poll();
    expect(log).toEqual(['disconnected 06a3:0255:SN1: the joystick 06a3:0255:SN1 went away (unplugged)']);
    const kept = manager.values('06a3:0255:SN1')!;
    expect([kept.axes.x, kept.axes.y, kept.buttons[0]]).toEqual([1, -1, true]);
    // A late report from the closed device is ignored.
    expect(bus.open.get('/dev/hidraw3')!.closed).toBe(true);
  });

  it('a different device (another serial) is a new joystick, not a reconnection; identical serial-less twins get #2', async () => {
    const { bus, manager, log } = setup();
    bus.plug(x52Info('/dev/hidraw3', 'SN1'), X52);
    await manager.poll();
    bus.unplug('/dev/hidraw3');
    bus.plug(x52Info('/dev/hidraw3', 'SN2'), X52);
    await manager.poll();
    expect(log.filter((l) => l.startsWith('connected'))).toEqual(['connected 06a3:0255:SN1 /dev/hidraw3', 'connected 06a3:0255:SN2 /dev/hidraw3']);
    expect(manager.isConnected('06a3:0255:SN1')).toBe(false);

    bus.plug(x52Info('/dev/hidraw5', ''), X52);
    bus.plug(x52Info('/dev/hidraw6', ''), X52);
    await manager.poll();
    expect(manager.devices.map((d) => d.id)).toEqual(['06a3:0255:SN1', '06a3:0255:SN2', '06a3:0255:', '06a3:0255:#2']);
  });

  it('a device whose descriptor is malformed or has no joystick controls is reported once and skipped until replugged', async () => {
    const { bus, manager, log, problems } = setup();
    bus.plug({ path: '/dev/hidraw8', vendorId: 1, productId: 2, usagePage: 1, usage: 4 }, X52.subarray(0, 40));
    bus.plug({ path: '/dev/hidraw9', vendorId: 1, productId: 3 }, KEYBOARD); // no usage info: probed
    await manager.poll();
    await manager.poll();
    expect(log).toEqual([]);
    expect(problems.map((p) => p.code)).toEqual(['hid_no_descriptor', 'hid_not_joystick']);
    expect(problems[0].message).toMatch(/^cannot read the HID report descriptor of HID device \(0001:0002 at \/dev\/hidraw8\): malformed HID report descriptor: /);
    expect(problems[1].message).toBe('HID device (0001:0003 at /dev/hidraw9) reports no joystick axes, hat or buttons in its HID report descriptor');
    expect(bus.open.get('/dev/hidraw8')!.closed).toBe(true);
    expect(bus.opens).toBe(2);
    // Replugged (gone from one listing, back in the next): tried again.
    bus.unplug('/dev/hidraw9');
    await manager.poll();
    bus.plug({ path: '/dev/hidraw9', vendorId: 1, productId: 3 }, KEYBOARD);
    await manager.poll();
    expect(bus.opens).toBe(3);
  });

  it('an open failure and a failing device list are problems, each said once, never a crash', async () => {
    const { bus, manager, problems } = setup();
    bus.listed.push(x52Info('/dev/hidraw3')); // listed but no descriptor: the fake open throws
    await manager.poll();
    expect(problems.map((p) => p.message)).toEqual(['cannot open the joystick Saitek X52 (06a3:0255 at /dev/hidraw3): No such device']);
    bus.listError = new Error('udev went away');
    await manager.poll();
    await manager.poll();
    expect(problems.map((p) => p.code)).toEqual(['hid_open', 'hid_list']);
    expect(problems[1].message).toBe('cannot list HID devices: udev went away');
  });

  it('applies a per-device calibration to the axes it covers', async () => {
    const { bus, manager } = setup({
      calibration: (d) => (d.id === '06a3:0255:SN1' ? { x: { ...defaultAxisCalibration({ logicalMin: 0, logicalMax: 2047, unipolar: false }), centre: 1000, deadZone: 0, invert: true } } : undefined),
    });
    bus.plug(x52Info('/dev/hidraw3'), X52);
    await manager.poll();
    bus.device('/dev/hidraw3').send(x52Report(1000, 2047));
    const v = manager.values('06a3:0255:SN1')!;
    expect(v.axes.x).toBe(0);
    expect(v.axes.y).toBe(1); // uncalibrated: the decoder's value
    bus.device('/dev/hidraw3').send(x52Report(0, 2047));
    expect(v.axes.x).toBe(1);
  });

  it('start() polls at once and then every pollIntervalMs; stop() closes the devices', async () => {
    vi.useFakeTimers();
    const bus = new FakeBus();
    const manager = new JoystickManager({ listDevices: bus.listDevices, open: bus.openDevice, pollIntervalMs: 250 });
    const connected: string[] = [];
    manager.on('connected', (d) => connected.push(d.path));
    manager.start();
    await vi.advanceTimersByTimeAsync(0);
    bus.plug(x52Info('/dev/hidraw3'), X52);
    expect(connected).toEqual([]);
    await vi.advanceTimersByTimeAsync(250);
    expect(connected).toEqual(['/dev/hidraw3']);
    await manager.stop();
    expect(bus.open.get('/dev/hidraw3')!.closed).toBe(true);
    bus.plug(x52Info('/dev/hidraw4', 'SN9'), X52);
    await vi.advanceTimersByTimeAsync(1000);
    expect(connected).toEqual(['/dev/hidraw3']);
  });
});

describe('joystick input router', () => {
  it('routes the first joystick to joystick.x/y/z and buttons 1-8, sending only changes, and fails over on unplug', async () => {
    const { bus, manager } = setup();
    const sent: [string, number][] = [];
    const router = new JoystickInputRouter((input, value) => sent.push([input, value]));
    router.attach(manager);
    bus.plug(x52Info('/dev/hidraw3'), X52);
    bus.plug({ path: '/dev/hidraw4', vendorId: 0x054c, productId: 0x05c4, usagePage: 1, usage: 5 }, DS4);
    await manager.poll();
    expect(router.device?.id).toBe('06a3:0255:SN1');
    sent.length = 0;

    bus.device('/dev/hidraw3').send(x52Report(2047, 0, true));
    expect(sent).toEqual([
      ['joystick.x', 1],
      ['joystick.y', -1],
      ['joystick.z', (512 / 1023) * 2 - 1],
      ['joystick.button1', 1],
    ]);
    sent.length = 0;
    bus.device('/dev/hidraw3').send(x52Report(2047, 0, true));
    expect(sent).toEqual([]); // nothing changed
    bus.device('/dev/hidraw4').send(Uint8Array.from([1, 255, 255, 0, 0, 8, ...new Array(58).fill(0)]));
    expect(sent).toEqual([]); // not the followed device

    bus.unplug('/dev/hidraw3');
    // Rest values first, then the pad that takes over sends what it holds (sticks right / down, Rz at -1).
    expect(sent).toEqual([
      ['joystick.x', 0],
      ['joystick.y', 0],
      ['joystick.z', 0],
      ['joystick.button1', 0],
      ['joystick.x', 1],
      ['joystick.y', 1],
      ['joystick.z', -1],
    ]);
    expect(router.device?.id).toBe('054c:05c4:');
    sent.length = 0;
    bus.device('/dev/hidraw4').send(Uint8Array.from([1, 255, 0, 0, 0, 8, ...new Array(58).fill(0)]));
    expect(sent).toEqual([['joystick.y', -1]]);
  });

  it('refuses a mapping to an unknown control input', () => {
    expect(() => new JoystickInputRouter(() => {}, { axes: [{ input: 'joystick.w', from: ['x'] }], buttons: [] })).toThrow('unknown control input "joystick.w"');
  });
});

describe('node-hid backend', () => {
  it('listing on this machine resolves or fails with a hid_ error, never a crash', async () => {
    try {
      const list = await listNodeHidDevices();
      expect(Array.isArray(list)).toBe(true);
    } catch (err) {
      expect(err).toBeInstanceOf(AxonError);
      expect(['hid_unavailable', 'hid_list']).toContain((err as AxonError).code);
    }
  });

  it('a manager on the real backend reports an unusable HID library as a problem', async () => {
    const manager = new JoystickManager();
    const problems: AxonError[] = [];
    manager.on('problem', (e) => problems.push(e));
    (manager as unknown as { running: boolean }).running = true;
    await manager.poll();
    expect(problems.every((p) => p.code === 'hid_unavailable' || p.code === 'hid_list')).toBe(true);
  });

  // Report descriptors come from /sys/class/hidraw, which only Linux has.
  it.runIf(process.platform === 'linux')('reads descriptors from sysfs for hidraw paths and names the device when it cannot', () => {
    const seen: string[] = [];
    const bytes = readSysfsDescriptor('/dev/hidraw12', (file) => {
      seen.push(file);
      return hexBytes('05 01 09 04');
    });
    expect(seen).toEqual(['/sys/class/hidraw/hidraw12/device/report_descriptor']);
    expect([...bytes]).toEqual([5, 1, 9, 4]);
    expect(() => readSysfsDescriptor('0001:0005:00')).toThrow(/cannot read the HID report descriptor of 0001:0005:00/);
    expect(() =>
      readSysfsDescriptor('/dev/hidraw99', () => {
        throw new Error('ENOENT: no such file');
      }),
    ).toThrow('cannot read the HID report descriptor of /dev/hidraw99: ENOENT: no such file');
  });
});
