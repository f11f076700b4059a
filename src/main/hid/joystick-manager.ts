/**
 * JoystickManager: finds USB joysticks and gamepads, reads them, and survives unplugging.
 *
 * Main thread only (node-hid's callbacks and the poll timer run there).
 *
 *   const joysticks = new JoystickManager();            // node-hid, or inject listDevices / open
 *   joysticks.on('connected', (device, { reconnected }) => ...);
 *   joysticks.on('axes', (values) => ...);              // every decoded report
 *   joysticks.on('disconnected', (device, error) => ...);
 *   joysticks.on('problem', (error) => log(error.message));
 *   joysticks.start();                                   // polls the device list every pollIntervalMs
 *   joysticks.stop();                                    // closes everything
 *
 * Which devices: list entries whose top-level usage is Generic Desktop Joystick (4), Gamepad (5)
 * or Multi-axis (8); entries without usage info are opened and kept if their report descriptor
 * has joystick controls. Every such device is opened; pick one with `accept` if needed.
 *
 * Hot-plug: every poll lists devices. A device whose path vanished, or whose read fails, is
 * closed and 'disconnected' is emitted (after one last 'axes' with rest values when onUnplug is
 * 'recentre', the default, so nothing downstream stays stuck at full deflection). When a device
 * with the same vendor id, product id and serial number appears again (any path) it is reopened
 * under the same `id` and 'connected' says `reconnected: true`.
 *
 * Values ('axes' event): `axes` are calibrated (axis-calibration.ts) when a calibration is given
 * for the device, else the decoder's normalised values; see report-decoder.ts for ranges, hats
 * and buttons. The same JoystickValues object is reused for every report of a device: copy what
 * you keep beyond the listener call.
 */
import { EventEmitter } from 'node:events';
import { AxonError, axonError } from '../../shared/errors';
import type { Milliseconds } from '../../shared/units';
import { applyCalibration, type JoystickCalibration } from './axis-calibration';
import { listNodeHidDevices, openNodeHid, type HidDeviceInfo, type ListHidDevices, type OpenHid, type OpenHidDevice } from './hid-backend';
import { GD_GAMEPAD, GD_JOYSTICK, GD_MULTI_AXIS, PAGE_GENERIC_DESKTOP } from './hid-usages';
import { hasControls, joystickLayout, type JoystickKind, type JoystickLayout } from './joystick-layout';
import { ReportDecoder, type HatState } from './report-decoder';
import { parseReportDescriptor } from './report-descriptor';

export const DEFAULT_POLL_INTERVAL_MS: Milliseconds = 1000;

export interface JoystickManagerOptions {
  listDevices?: ListHidDevices;
  open?: OpenHid;
  /** How often the device list is checked for plugs and unplugs (default 1000 ms). */
  pollIntervalMs?: Milliseconds;
  /** On unplug: 'recentre' (default) sends rest values once; 'keep' leaves the last values. */
  onUnplug?: 'recentre' | 'keep';
  /** Extra filter over the joystick candidates (e.g. one vendor/product). */
  accept?: (info: HidDeviceInfo) => boolean;
  /** Calibration per device, looked up at every (re)connect. */
  calibration?: (device: JoystickDevice) => JoystickCalibration | undefined;
}

export interface JoystickDevice {
  /** Stable across replugs: "vvvv:pppp:serial" (hex ids), "#2", "#3" appended for identical devices. */
  readonly id: string;
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber: string;
  readonly product: string;
  /** Current (or last) OS path. */
  path: string;
  readonly kind: JoystickKind | null;
  readonly layout: JoystickLayout;
}

export interface JoystickValues {
  readonly device: JoystickDevice;
  /** By axis key ('x', 'y', 'rz', 'slider', ...): -1..1 centred, 0..1 unipolar. */
  readonly axes: Record<string, number>;
  /** Raw logical values by axis key. */
  readonly raw: Record<string, number>;
  readonly hats: readonly HatState[];
  /** buttons[n - 1] = button n. */
  readonly buttons: readonly boolean[];
}

export interface JoystickManagerEvents {
  connected: [JoystickDevice, { reconnected: boolean }];
  disconnected: [JoystickDevice, AxonError];
  axes: [JoystickValues];
  /** Something failed that the manager retries or skips (listing, opening, a bad descriptor). */
  problem: [AxonError];
}

const JOYSTICK_USAGES: ReadonlySet<number> = new Set([GD_JOYSTICK, GD_GAMEPAD, GD_MULTI_AXIS]);

/** A list entry worth opening: a joystick / gamepad / multi-axis interface, or one that does not say. */
export function isJoystickCandidate(info: HidDeviceInfo): boolean {
  if (info.usagePage === undefined || info.usage === undefined) return true;
  return info.usagePage === PAGE_GENERIC_DESKTOP && JOYSTICK_USAGES.has(info.usage);
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
const describe = (info: HidDeviceInfo): string => `${info.product ?? 'HID device'} (${hex4(info.vendorId)}:${hex4(info.productId)} at ${info.path})`;

interface Tracked {
  readonly device: JoystickDevice;
  readonly decoder: ReportDecoder;
  readonly values: JoystickValues & { axes: Record<string, number> };
  calibration: JoystickCalibration | undefined;
  handle: OpenHidDevice | null;
  /** Bumps on every open and close: callbacks of an older open are ignored. */
  session: number;
}

export class JoystickManager extends EventEmitter<JoystickManagerEvents> {
  private readonly listDevices: ListHidDevices;
  private readonly openDevice: OpenHid;
  private readonly pollIntervalMs: Milliseconds;
  private readonly onUnplug: 'recentre' | 'keep';
  private readonly accept: (info: HidDeviceInfo) => boolean;
  private readonly calibrationFor: (device: JoystickDevice) => JoystickCalibration | undefined;
  private readonly tracked: Tracked[] = [];
  /** Paths that are not joysticks or failed: skipped until they leave the list. */
  private readonly skipped = new Set<string>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private polling: Promise<void> | null = null;
  private running = false;
  private lastListError = '';

  constructor(options: JoystickManagerOptions = {}) {
    super();
    this.listDevices = options.listDevices ?? listNodeHidDevices;
    this.openDevice = options.open ?? openNodeHid;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.onUnplug = options.onUnplug ?? 'recentre';
    this.accept = options.accept ?? (() => true);
    this.calibrationFor = options.calibration ?? (() => undefined);
  }

  /** Devices seen so far, connected or not, in the order they first connected. */
  get devices(): readonly JoystickDevice[] {
    return this.tracked.map((t) => t.device);
  }

  isConnected(id: string): boolean {
    return this.tracked.some((t) => t.device.id === id && t.handle !== null);
  }

  /** Latest values of a device (the live object), or undefined. */
  values(id: string): JoystickValues | undefined {
    return this.tracked.find((t) => t.device.id === id)?.values;
  }

  /** Lists at once, then every pollIntervalMs. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.pollIntervalMs);
  }

  /** Stops polling and closes every device (no 'disconnected' events). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
    for (const t of this.tracked) this.closeHandle(t);
  }

  /** Sets a device's calibration now (e.g. after a calibration run). */
  setCalibration(id: string, calibration: JoystickCalibration | undefined): void {
    const t = this.tracked.find((x) => x.device.id === id);
    if (t) t.calibration = calibration;
  }

  /** One listing pass; concurrent calls share it. Resolves when done (tests await it). */
  poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    let list: readonly HidDeviceInfo[];
    try {
      list = await this.listDevices();
    } catch (err) {
      const error = err instanceof AxonError ? err : axonError('hid_list', err instanceof Error ? err.message : String(err));
      // Same failure every second is one problem, not a flood.
      if (error.message !== this.lastListError) this.emit('problem', error);
      this.lastListError = error.message;
      return;
    }
    this.lastListError = '';
    if (!this.running) return;

    const present = new Set(list.map((d) => d.path));
    for (const path of this.skipped) if (!present.has(path)) this.skipped.delete(path);
    for (const t of this.tracked) {
      if (t.handle && !present.has(t.device.path)) this.lose(t, axonError('hid_device_lost', t.device.id, 'unplugged'));
    }
    for (const info of list) {
      if (!this.running) return;
      if (this.skipped.has(info.path) || !isJoystickCandidate(info) || !this.accept(info)) continue;
      if (this.tracked.some((t) => t.handle && t.device.path === info.path)) continue;
      this.connect(info);
    }
  }

  private connect(info: HidDeviceInfo): void {
    const serial = info.serialNumber ?? '';
    const returning = this.tracked.find(
      (t) => !t.handle && t.device.vendorId === info.vendorId && t.device.productId === info.productId && t.device.serialNumber === serial,
    );
    const session = returning ? ++returning.session : 0;
    let handle: OpenHidDevice;
    let layout: JoystickLayout;
    // Reports that arrive before the descriptor is parsed find no target yet and are dropped.
    let target: Tracked | null = returning ?? null;
    try {
      handle = this.openDevice(info.path, {
        report: (data) => {
          if (target && target.session === session && target.handle) this.onReport(target, data);
        },
        error: (err) => {
          if (target && target.session === session && target.handle) this.lose(target, axonError('hid_device_lost', target.device.id, err.message));
        },
      });
    } catch (err) {
      this.skip(info, err instanceof AxonError ? err : axonError('hid_open', describe(info), err instanceof Error ? err.message : String(err)));
      return;
    }
    try {
      layout = joystickLayout(parseReportDescriptor(handle.reportDescriptor()));
    } catch (err) {
      handle.close();
      const error = err instanceof AxonError ? err : axonError('hid_no_descriptor', describe(info), String(err));
      this.skip(info, error.code === 'hid_descriptor' ? axonError('hid_no_descriptor', describe(info), error.message) : error);
      return;
    }
    if (!hasControls(layout) || (info.usagePage === undefined && layout.kind === null)) {
      handle.close();
      this.skip(info, axonError('hid_not_joystick', describe(info)));
      return;
    }

    if (!target) {
      const base = `${hex4(info.vendorId)}:${hex4(info.productId)}:${serial}`;
      const twins = this.tracked.filter((t) => t.device.id === base || t.device.id.startsWith(`${base}#`)).length;
      const device: JoystickDevice = {
        id: twins === 0 ? base : `${base}#${twins + 1}`,
        vendorId: info.vendorId,
        productId: info.productId,
        serialNumber: serial,
        product: info.product ?? '',
        path: info.path,
        kind: layout.kind,
        layout,
      };
      const decoder = new ReportDecoder(layout);
      target = {
        device,
        decoder,
        values: { device, axes: { ...decoder.state.axes }, raw: decoder.state.raw, hats: decoder.state.hats, buttons: decoder.state.buttons },
        calibration: undefined,
        handle: null,
        session,
      };
      this.tracked.push(target);
    }
    target.device.path = info.path;
    target.handle = handle;
    target.calibration = this.calibrationFor(target.device);
    this.emit('connected', target.device, { reconnected: returning !== undefined });
  }

  private skip(info: HidDeviceInfo, error: AxonError): void {
    this.skipped.add(info.path);
    this.emit('problem', error);
  }

  private onReport(t: Tracked, data: Uint8Array): void {
    if (!t.decoder.decode(data)) return;
    this.refreshAxes(t);
    this.emit('axes', t.values);
  }

  private refreshAxes(t: Tracked): void {
    const { axes: normalised, raw } = t.decoder.state;
    const out = t.values.axes;
    for (const key in normalised) {
      const cal = t.calibration?.[key];
      out[key] = cal ? applyCalibration(raw[key], cal) : normalised[key];
    }
  }

  private lose(t: Tracked, error: AxonError): void {
    this.closeHandle(t);
    if (this.onUnplug === 'recentre') {
      t.decoder.recentre();
      const out = t.values.axes;
      // Rest is 0 whatever the calibration: the engine's joystick inputs rest at 0.
      for (const key in out) out[key] = 0;
      this.emit('axes', t.values);
    }
    this.emit('disconnected', t.device, error);
  }

  private closeHandle(t: Tracked): void {
    if (!t.handle) return;
    const handle = t.handle;
    t.handle = null;
    t.session++;
    handle.close();
  }
}
