/**
 * Joystick calibrations kept per physical device, in one file: `<data dir>/joysticks.json`.
 *
 *   const store = new JoystickCalibrationStore();
 *   const joysticks = new JoystickManager({ calibration: calibrationFromStore(store, report) });
 *   store.save(device, session.finish().calibration);   // then joysticks.setCalibration(device.id, ...)
 *
 * File format (version 1), devices sorted by key:
 *
 *   { "version": 1,
 *     "devices": { "06a3:0255:SN123": { "product": "Saitek X52", "axes": { "x": AxisCalibration, ... },
 *                                       "updated": "2024-05-01T20:15:00.000Z" } } }
 *
 * Key: vendor and product id as 4 lower-case hex digits, then the serial number when the device
 * has one ("06a3:0255:SN123", else "06a3:0255"). It leaves out the OS path, so a device plugged
 * into another port, or after a reboot, finds its calibration. Identical devices without a serial
 * number cannot be told apart and share one entry.
 *
 * The file is read on every call (calls are rare: a connect, a finished calibration), so hand
 * edits count at once and nothing goes stale. A file that cannot be read, is not JSON, is another
 * program's, has a newer version or holds invalid values throws a named error listing what is
 * wrong, and is never overwritten: `save` and `forget` throw too, so a performer's calibrations
 * are not lost to a file this version does not understand.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AxonError, axonError, withDetails } from '../../shared/errors';
import { formatIssues } from '../../shared/patch/validate';
import { writeFileAtomic } from '../files';
import { dataDir } from '../paths';
import { parseJoystickCalibration, type JoystickCalibration } from './axis-calibration';
import type { JoystickDevice } from './joystick-manager';

export const CALIBRATION_FILE_NAME = 'joysticks.json';
export const CALIBRATION_FILE_VERSION = 1;

/** What identifies a device: a JoystickDevice or a node-hid list entry both fit. */
export interface CalibrationDeviceRef {
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber?: string;
  /** Stored for people reading the file; not part of the key. */
  readonly product?: string;
}

export interface StoredJoystickCalibration {
  readonly key: string;
  readonly product: string;
  readonly axes: JoystickCalibration;
  /** ISO 8601 time of the last save. */
  readonly updated: string;
}

const hex4 = (n: number): string => (n & 0xffff).toString(16).padStart(4, '0');

/** The stable key of a device: "vvvv:pppp:serial", or "vvvv:pppp" without a serial number. */
export function deviceKey(device: CalibrationDeviceRef): string {
  // Some backends pad serials with spaces or report "" for none: both mean the same device.
  const serial = device.serialNumber?.trim() ?? '';
  const base = `${hex4(device.vendorId)}:${hex4(device.productId)}`;
  return serial === '' ? base : `${base}:${serial}`;
}

const KEY_PATTERN = /^[0-9a-f]{4}:[0-9a-f]{4}(:\S.*)?$/;

const EntrySchema = z.strictObject({
  product: z.string().max(200),
  // Axis values are checked by parseJoystickCalibration, so the rules live in one place.
  axes: z.unknown(),
  updated: z.iso.datetime({ offset: true }),
});

const FileSchema = z.strictObject({
  version: z.literal(CALIBRATION_FILE_VERSION),
  // Keys are checked below: zod's record key error neither names the key's rule nor checks the entry.
  devices: z.record(z.string(), EntrySchema),
});

interface FileData {
  version: typeof CALIBRATION_FILE_VERSION;
  devices: Record<string, { product: string; axes: JoystickCalibration; updated: string }>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates the text of a calibration file; throws hid_calibration_file / hid_calibration_version. */
export function parseCalibrationFile(text: string, where: string): FileData {
  const invalid = (problems: string[]): AxonError => withDetails(axonError('hid_calibration_file', where, problems.length), problems);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid([`not JSON (${err instanceof Error ? err.message : String(err)})`]);
  }
  if (!isObject(value) || !('version' in value) || !('devices' in value)) {
    throw invalid(['(top): not an Axon Stage joystick calibration file (expected an object with "version" and "devices")']);
  }
  // A newer file is fine, just not ours to read or rewrite: say so rather than list its fields.
  if (typeof value.version === 'number' && Number.isInteger(value.version) && value.version > CALIBRATION_FILE_VERSION) {
    throw axonError('hid_calibration_version', where, value.version, CALIBRATION_FILE_VERSION);
  }
  const parsed = FileSchema.safeParse(value, { reportInput: true });
  const problems = parsed.success ? [] : formatIssues(parsed.error.issues);
  const devices: FileData['devices'] = {};
  // Read from the raw value so every problem is listed at once, whatever the schema found.
  const rawDevices = isObject(value.devices) ? value.devices : {};
  for (const [key, entry] of Object.entries(rawDevices)) {
    if (!KEY_PATTERN.test(key)) problems.push(`devices.${key}: not a device key (like "06a3:0255" or "06a3:0255:SERIAL")`);
    if (!isObject(entry) || !('axes' in entry)) continue;
    const axes = axisProblems(key, entry.axes);
    problems.push(...axes.problems);
    if (parsed.success && axes.calibration) devices[key] = { ...parsed.data.devices[key], axes: axes.calibration };
  }
  if (problems.length > 0) throw invalid(problems);
  return { version: CALIBRATION_FILE_VERSION, devices };
}

/** One device's axes checked axis by axis: parseJoystickCalibration stops its range checks at the first schema problem. */
function axisProblems(key: string, axes: unknown): { calibration: JoystickCalibration | null; problems: string[] } {
  const where = `devices.${key}.axes`;
  if (!isObject(axes)) return { calibration: null, problems: [`${where}: expected an object of axis calibrations`] };
  const calibration: JoystickCalibration = {};
  const problems: string[] = [];
  for (const [axis, cal] of Object.entries(axes)) {
    try {
      Object.assign(calibration, parseJoystickCalibration(where, { [axis]: cal }));
    } catch (err) {
      if (!(err instanceof AxonError)) throw err;
      problems.push(...err.details.map((d) => `${where}.${d}`));
    }
  }
  return { calibration: problems.length === 0 ? calibration : null, problems };
}

export interface JoystickCalibrationStoreOptions {
  /** The file (default `<dataDir()>/joysticks.json`, resolved at every call so AXON_DATA_DIR counts). */
  file?: string;
  /** Clock for `updated` (tests). */
  now?: () => Date;
}

export class JoystickCalibrationStore {
  private readonly fileOption: string | undefined;
  private readonly now: () => Date;

  constructor(options: JoystickCalibrationStoreOptions = {}) {
    this.fileOption = options.file;
    this.now = options.now ?? (() => new Date());
  }

  get file(): string {
    return this.fileOption ?? path.join(dataDir(), CALIBRATION_FILE_NAME);
  }

  /** The device's calibration, or undefined when none is stored. Throws when the file is unreadable. */
  get(device: CalibrationDeviceRef): JoystickCalibration | undefined {
    return this.read().devices[deviceKey(device)]?.axes;
  }

  /** Stores (replaces) the device's calibration; validated first, so a bad one never reaches the file. */
  save(device: CalibrationDeviceRef, calibration: JoystickCalibration): StoredJoystickCalibration {
    const key = deviceKey(device);
    const axes = parseJoystickCalibration(`the calibration of ${device.product || key}`, calibration);
    // Read before anything is written: a damaged file throws here and stays as it is.
    const data = this.read();
    const product = device.product?.trim() || data.devices[key]?.product || '';
    const entry = { product, axes, updated: this.now().toISOString() };
    data.devices[key] = entry;
    this.write(data);
    return { key, ...entry };
  }

  /** Removes the device's calibration; false when there was none (the file is then left alone). */
  forget(device: CalibrationDeviceRef): boolean {
    const key = deviceKey(device);
    const data = this.read();
    if (!(key in data.devices)) return false;
    delete data.devices[key];
    this.write(data);
    return true;
  }

  /** Every stored calibration, by key. */
  list(): StoredJoystickCalibration[] {
    return Object.entries(this.read().devices)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, e]) => ({ key, ...e }));
  }

  private read(): FileData {
    const file = this.file;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: CALIBRATION_FILE_VERSION, devices: {} };
      throw axonError('file_read', file, err instanceof Error ? err.message : String(err));
    }
    return parseCalibrationFile(text, file);
  }

  private write(data: FileData): void {
    const devices: FileData['devices'] = {};
    // Sorted keys keep the file diffable and independent of the order devices were calibrated in.
    for (const key of Object.keys(data.devices).sort()) devices[key] = data.devices[key];
    const file = this.file;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
    } catch (err) {
      throw axonError('file_write', file, err instanceof Error ? err.message : String(err));
    }
    writeFileAtomic(file, `${JSON.stringify({ version: CALIBRATION_FILE_VERSION, devices }, null, 2)}\n`);
  }
}

/**
 * The store as JoystickManager's `calibration` option. The manager looks up at every connect and
 * must not throw there, so a damaged file goes to `onProblem` (once per distinct message) and the
 * device runs uncalibrated.
 */
export function calibrationFromStore(
  store: JoystickCalibrationStore,
  onProblem: (error: AxonError) => void = () => {},
): (device: JoystickDevice) => JoystickCalibration | undefined {
  let lastProblem = '';
  return (device) => {
    try {
      const calibration = store.get(device);
      lastProblem = '';
      return calibration;
    } catch (err) {
      const error = err instanceof AxonError ? err : axonError('file_read', store.file, err instanceof Error ? err.message : String(err));
      if (error.message !== lastProblem) onProblem(error);
      lastProblem = error.message;
      return undefined;
    }
  };
}
