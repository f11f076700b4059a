import { SerialPort } from 'serialport';
import { AxonError, axonError } from '../../../shared/errors';

type PortInfo = Awaited<ReturnType<typeof SerialPort.list>>[number];

/** USB VID:PID of the boards and USB-serial chips the drum board comes on (lower-case hex, as serialport reports them). */
export const KNOWN_USB_IDS: readonly { vendorId: string; productId: string; kind: string }[] = [
  { vendorId: '2341', productId: '0043', kind: 'Arduino Uno' },
  { vendorId: '2341', productId: '0001', kind: 'Arduino Uno' },
  { vendorId: '2a03', productId: '0043', kind: 'Arduino Uno' },
  { vendorId: '2341', productId: '0243', kind: 'Arduino Uno' },
  { vendorId: '1a86', productId: '7523', kind: 'CH340 USB serial' },
  { vendorId: '0403', productId: '6001', kind: 'FTDI USB serial' },
  { vendorId: '10c4', productId: 'ea60', kind: 'CP210x USB serial' },
];

export interface PortCandidate {
  path: string;
  /** What the USB id says it is, or 'given path'. */
  kind: string;
  manufacturer?: string;
  serialNumber?: string;
}

export interface PortListing {
  ports: PortCandidate[];
  /** Why listing failed (then `ports` is empty): on Linux it needs udevadm, and it never lists ptys. */
  error: AxonError | null;
}

/**
 * Serial ports that may hold a drum board. An explicit path (a pty, a port the list misses) is
 * taken as given without listing. `list` is serialport's unless a test passes its own.
 */
export async function findDrumPorts(
  options: { explicitPath?: string; list?: () => Promise<PortInfo[]> } = {},
): Promise<PortListing> {
  if (options.explicitPath) return { ports: [{ path: options.explicitPath, kind: 'given path' }], error: null };
  let infos: PortInfo[];
  try {
    infos = await (options.list ?? SerialPort.list)();
  } catch (err) {
    return { ports: [], error: axonError('drum_port_list', err instanceof Error ? err.message : String(err)) };
  }
  const ports: PortCandidate[] = [];
  for (const info of infos) {
    const vid = info.vendorId?.toLowerCase();
    const pid = info.productId?.toLowerCase();
    const known = KNOWN_USB_IDS.find((k) => k.vendorId === vid && k.productId === pid);
    if (known) ports.push({ path: info.path, kind: known.kind, manufacturer: info.manufacturer, serialNumber: info.serialNumber });
  }
  return { ports, error: null };
}
