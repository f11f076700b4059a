/**
 * Routes one joystick's values to the engine's control inputs (src/shared/inputs.ts).
 *
 *   const router = new JoystickInputRouter((input, value) => backend.setInput(input, value));
 *   router.attach(joysticks);     // a JoystickManager
 *
 * It follows the first connected device (by connection order); when that one goes, the next
 * connected one takes over. Only changed values are sent, so a stick at rest costs nothing and
 * the engine's control queue is not flooded at the device's report rate (125-1000 Hz).
 */
import { axonError } from '../../shared/errors';
import { controlInputIndex, JOYSTICK_BUTTONS } from '../../shared/inputs';
import type { JoystickDevice, JoystickManager, JoystickValues } from './joystick-manager';

export interface JoystickAxisRoute {
  readonly input: string;
  /** Axis keys tried in order; the first the device has is used. */
  readonly from: readonly string[];
  readonly invert?: boolean;
}

export interface JoystickButtonRoute {
  readonly input: string;
  /** 1-based button number. */
  readonly button: number;
}

export interface JoystickMapping {
  readonly axes: readonly JoystickAxisRoute[];
  readonly buttons: readonly JoystickButtonRoute[];
}

/**
 * X -> joystick.x, Y -> joystick.y, twist -> joystick.z (Rz on most sticks, Z on some, Rudder on
 * the Saitek ff0d), buttons 1-8 -> joystick.button1..8.
 */
export const DEFAULT_JOYSTICK_MAPPING: JoystickMapping = {
  axes: [
    { input: 'joystick.x', from: ['x'] },
    { input: 'joystick.y', from: ['y'] },
    { input: 'joystick.z', from: ['rz', 'z', 'rudder'] },
  ],
  buttons: Array.from({ length: JOYSTICK_BUTTONS }, (_, i) => ({ input: `joystick.button${i + 1}`, button: i + 1 })),
};

export type SetInput = (input: string, value: number) => void;

interface ResolvedRoute {
  readonly input: string;
  readonly read: (v: JoystickValues) => number | undefined;
}

export class JoystickInputRouter {
  private followed: JoystickDevice | null = null;
  private routes: ResolvedRoute[] = [];
  private readonly sent = new Map<string, number>();
  private readonly connectedIds: string[] = [];

  constructor(
    private readonly setInput: SetInput,
    private readonly mapping: JoystickMapping = DEFAULT_JOYSTICK_MAPPING,
  ) {
    const unknown = [...mapping.axes, ...mapping.buttons].map((r) => r.input).filter((id) => controlInputIndex(id) < 0);
    if (unknown.length > 0) throw axonError('input_unknown', unknown[0]);
  }

  /** The device whose values are routed now. */
  get device(): JoystickDevice | null {
    return this.followed;
  }

  /** Listens to a manager; returns a function that stops listening. */
  attach(manager: JoystickManager): () => void {
    const onConnected = (device: JoystickDevice) => {
      if (!this.connectedIds.includes(device.id)) this.connectedIds.push(device.id);
      if (!this.followed) this.follow(manager, device);
    };
    const onDisconnected = (device: JoystickDevice) => {
      const i = this.connectedIds.indexOf(device.id);
      if (i >= 0) this.connectedIds.splice(i, 1);
      if (this.followed?.id !== device.id) return;
      this.followed = null;
      const next = manager.devices.find((d) => d.id === this.connectedIds[0]);
      if (next) this.follow(manager, next);
    };
    const onAxes = (values: JoystickValues) => {
      if (values.device.id === this.followed?.id) this.route(values);
    };
    manager.on('connected', onConnected);
    manager.on('disconnected', onDisconnected);
    manager.on('axes', onAxes);
    return () => {
      manager.off('connected', onConnected);
      manager.off('disconnected', onDisconnected);
      manager.off('axes', onAxes);
    };
  }

  /** Sends the inputs whose value changed since the last call. */
  route(values: JoystickValues): void {
    for (const r of this.routes) {
      const v = r.read(values);
      if (v === undefined || this.sent.get(r.input) === v) continue;
      this.sent.set(r.input, v);
      this.setInput(r.input, v);
    }
  }

  private follow(manager: JoystickManager, device: JoystickDevice): void {
    this.followed = device;
    const keys = new Set(device.layout.axes.map((a) => a.key));
    this.routes = [];
    for (const a of this.mapping.axes) {
      const key = a.from.find((k) => keys.has(k));
      if (key === undefined) continue;
      const sign = a.invert ? -1 : 1;
      this.routes.push({ input: a.input, read: (v) => sign * v.axes[key] + 0 });
    }
    for (const b of this.mapping.buttons) {
      if (b.button > device.layout.buttonCount) continue;
      this.routes.push({ input: b.input, read: (v) => (v.buttons[b.button - 1] ? 1 : 0) });
    }
    const current = manager.values(device.id);
    if (current) this.route(current);
  }
}
