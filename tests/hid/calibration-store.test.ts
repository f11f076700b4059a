import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { AxonError } from '../../src/shared/errors';
import { defaultAxisCalibration, type JoystickCalibration } from '../../src/main/hid/axis-calibration';
import {
  CALIBRATION_FILE_NAME,
  calibrationFromStore,
  deviceKey,
  JoystickCalibrationStore,
  type CalibrationDeviceRef,
} from '../../src/main/hid/calibration-store';
import type { HidDeviceHandlers, HidDeviceInfo } from '../../src/main/hid/hid-backend';
import { JoystickManager } from '../../src/main/hid/joystick-manager';
import { useTempDataDir } from '../support/data-dir';
import { descriptorBytes } from './fixture-data';

const dir = useTempDataDir('joysticks');
const file = () => path.join(dir, CALIBRATION_FILE_NAME);

const FIXED = new Date('2024-05-01T20:15:00.000Z');
const store = () => new JoystickCalibrationStore({ now: () => FIXED });

const x52: CalibrationDeviceRef = { vendorId: 0x06a3, productId: 0x0255, serialNumber: 'SN123', product: 'Saitek X52' };
const pad: CalibrationDeviceRef = { vendorId: 0x0738, productId: 0x0255, serialNumber: '', product: 'Mad Catz pad' };

const stick = (centre: number, over: Partial<ReturnType<typeof defaultAxisCalibration>> = {}) => ({
  ...defaultAxisCalibration({ logicalMin: 0, logicalMax: 2047, unipolar: false }),
  centre,
  min: 12,
  max: 2030,
  ...over,
});
const calA: JoystickCalibration = { x: stick(1010, { curve: 2 }), y: stick(1040, { invert: true }) };
const calB: JoystickCalibration = { x: stick(990), slider: { ...defaultAxisCalibration({ logicalMin: 0, logicalMax: 255, unipolar: true }), min: 3, max: 250 } };

/** The AxonError `fn` throws (fails the test when it throws nothing or something else). */
function thrown(fn: () => unknown): AxonError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AxonError) return err;
    throw err;
  }
  throw new Error('expected an AxonError');
}

beforeEach(() => {
  rmSync(file(), { force: true });
});

describe('joystick device keys', () => {
  it('are vendor:product:serial in lower-case hex, vendor:product without a serial, and ignore path and product name', () => {
    expect(deviceKey(x52)).toBe('06a3:0255:SN123');
    expect(deviceKey(pad)).toBe('0738:0255');
    expect(deviceKey({ vendorId: 0x0738, productId: 0x0255 })).toBe('0738:0255');
    expect(deviceKey({ vendorId: 0x0738, productId: 0x0255, serialNumber: '   ' })).toBe('0738:0255');
    expect(deviceKey({ vendorId: 0xabcd, productId: 0xef01, serialNumber: ' X 1 ' })).toBe('abcd:ef01:X 1');
    const info: HidDeviceInfo = { path: '/dev/hidraw9', vendorId: 0x06a3, productId: 0x0255, serialNumber: 'SN123', product: 'renamed' };
    expect(deviceKey(info)).toBe(deviceKey(x52));
    expect(deviceKey({ ...x52, serialNumber: 'SN124' })).not.toBe(deviceKey(x52));
  });
});

describe('joystick calibration store', () => {
  it('starts empty without creating a file', () => {
    const s = store();
    expect(s.get(x52)).toBeUndefined();
    expect(s.list()).toEqual([]);
    expect(s.forget(x52)).toBe(false);
    expect(existsSync(file())).toBe(false);
  });

  it('saves and reads back two devices, with and without serial, in the documented format', () => {
    const s = store();
    expect(s.save(x52, calA)).toEqual({ key: '06a3:0255:SN123', product: 'Saitek X52', axes: calA, updated: FIXED.toISOString() });
    s.save(pad, calB);
    // A new store instance reads the file, not a cache.
    const again = new JoystickCalibrationStore();
    expect(again.get(x52)).toEqual(calA);
    expect(again.get(pad)).toEqual(calB);
    expect(again.get({ ...x52, serialNumber: 'OTHER' })).toBeUndefined();
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toEqual({
      version: 1,
      devices: {
        '06a3:0255:SN123': { product: 'Saitek X52', axes: calA, updated: '2024-05-01T20:15:00.000Z' },
        '0738:0255': { product: 'Mad Catz pad', axes: calB, updated: '2024-05-01T20:15:00.000Z' },
      },
    });
    expect(again.list().map((e) => `${e.key} ${e.product} ${Object.keys(e.axes).join(',')}`)).toEqual([
      '06a3:0255:SN123 Saitek X52 x,y',
      '0738:0255 Mad Catz pad x,slider',
    ]);
  });

  it('replaces a device calibration on save and keeps its product name when the new one has none', () => {
    const s = store();
    s.save(x52, calA);
    s.save({ ...x52, product: '' }, calB);
    expect(s.list()).toEqual([{ key: '06a3:0255:SN123', product: 'Saitek X52', axes: calB, updated: FIXED.toISOString() }]);
  });

  it('finds the calibration of a device replugged at another path, through JoystickManager', async () => {
    store().save(x52, { x: stick(1000, { min: 0, max: 2000 }) });
    // A fresh manager (as after a restart) sees the same X52 at a new path.
    const info: HidDeviceInfo = { path: '/dev/hidraw7', vendorId: 0x06a3, productId: 0x0255, serialNumber: 'SN123', product: 'Saitek X52', usagePage: 1, usage: 4 };
    let handlers: HidDeviceHandlers | null = null;
    const manager = new JoystickManager({
      listDevices: () => [info],
      open: (_path, h) => {
        handlers = h;
        return { reportDescriptor: () => descriptorBytes('saitek-x52'), close: () => {} };
      },
      calibration: calibrationFromStore(new JoystickCalibrationStore()),
      pollIntervalMs: 60_000,
    });
    const seen: number[] = [];
    manager.on('axes', (v) => seen.push(v.axes.x));
    manager.start();
    await manager.poll();
    const report = new Uint8Array(14);
    report[0] = 2000 & 0xff; // X (11 bits at bit 0) = 2000: the calibrated max
    report[1] = (2000 >> 8) & 0x07;
    (handlers as HidDeviceHandlers | null)?.report(report);
    await manager.stop();
    // Uncalibrated, 2000 would read 2000 / 2047 * 2 - 1 = 0.954.
    expect(seen).toEqual([1]);
  });

  it('forgets one device and leaves the others', () => {
    const s = store();
    s.save(x52, calA);
    s.save(pad, calB);
    expect(s.forget(x52)).toBe(true);
    expect(s.forget(x52)).toBe(false);
    expect(s.get(x52)).toBeUndefined();
    expect(s.get(pad)).toEqual(calB);
    expect(Object.keys((JSON.parse(readFileSync(file(), 'utf8')) as { devices: object }).devices)).toEqual(['0738:0255']);
  });

  it('refuses to save an invalid calibration and leaves the file as it was', () => {
    const s = store();
    s.save(x52, calA);
    const before = readFileSync(file());
    const err = thrown(() => s.save(x52, { x: stick(3000) }));
    expect(err.code).toBe('hid_calibration_invalid');
    expect(readFileSync(file())).toEqual(before);
  });

  const damaged: [string, string, string, string[]][] = [
    ['corrupt JSON', '{"version": 1, "devices": {', 'hid_calibration_file', ['not JSON']],
    ['a foreign file', JSON.stringify({ theme: 'dark' }), 'hid_calibration_file', ['not an Axon Stage joystick calibration file']],
    ['a wrong version', JSON.stringify({ version: 0, devices: {} }), 'hid_calibration_file', ['version:']],
    ['a newer version', JSON.stringify({ version: 7, devices: {} }), 'hid_calibration_version', []],
    [
      'invalid axis values',
      JSON.stringify({
        version: 1,
        devices: {
          '06a3:0255:SN123': { product: 'X52', updated: '2024-05-01T20:15:00.000Z', axes: { x: { ...stick(1000), deadZone: 2 }, y: stick(5000) } },
        },
      }),
      'hid_calibration_file',
      ['devices.06a3:0255:SN123.axes.x.deadZone', 'devices.06a3:0255:SN123.axes.y: need min <= centre <= max'],
    ],
    [
      'a bad key and date',
      JSON.stringify({ version: 1, devices: { 'X52!': { product: 'X52', updated: 'yesterday', axes: {} } } }),
      'hid_calibration_file',
      ['devices', 'updated'],
    ],
  ];

  for (const [what, text, code, details] of damaged) {
    it(`names the problem of ${what}, then refuses to save or forget and leaves the bytes unchanged`, () => {
      writeFileSync(file(), text);
      const s = store();
      const err = thrown(() => s.get(x52));
      expect(err.code).toBe(code);
      expect(err.message).toContain(file());
      for (const d of details) expect(err.details.some((line) => line.includes(d)), `${d} in ${err.details.join(' | ')}`).toBe(true);
      expect(err.details).toHaveLength(details.length);
      expect(thrown(() => s.list()).code).toBe(code);
      expect(thrown(() => s.save(x52, calA)).code).toBe(code);
      expect(thrown(() => s.forget(x52)).code).toBe(code);
      expect(readFileSync(file(), 'utf8')).toBe(text);
    });
  }

  it('says a newer file is of another version rather than listing its fields', () => {
    writeFileSync(file(), JSON.stringify({ version: 2, devices: { anything: 'goes' }, extra: true }));
    expect(thrown(() => store().get(x52)).message).toBe(
      `${file()} holds joystick calibrations of format version 2; this version of Axon Stage reads version 1 and will not overwrite it`,
    );
  });

  it('as the manager option, reports a damaged file once and runs the device uncalibrated', () => {
    writeFileSync(file(), 'not json');
    const problems: AxonError[] = [];
    const lookup = calibrationFromStore(store(), (e) => problems.push(e));
    const device = { id: '06a3:0255:SN123', ...x52, serialNumber: 'SN123', product: 'Saitek X52', path: '/dev/hidraw3', kind: null, layout: { kind: null, usesReportIds: false, axes: [], hats: [], buttons: [], buttonArrays: [], buttonCount: 0, reportBytes: new Map() } };
    expect(lookup(device)).toBeUndefined();
    expect(lookup(device)).toBeUndefined();
    expect(problems.map((p) => p.code)).toEqual(['hid_calibration_file']);
    rmSync(file());
    store().save(x52, calA);
    expect(lookup(device)).toEqual(calA);
  });
});
