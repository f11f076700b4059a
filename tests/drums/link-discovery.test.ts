import { describe, expect, it } from 'vitest';
import { findDrumPorts } from '../../src/main/drums/link/discovery';

const port = (path: string, vendorId?: string, productId?: string) => ({
  path,
  vendorId,
  productId,
  manufacturer: undefined,
  serialNumber: undefined,
  pnpId: undefined,
  locationId: undefined,
});

describe('serial port discovery', () => {
  it('keeps the ports whose USB id is a known board or USB-serial chip, whatever the hex case', async () => {
    const listing = await findDrumPorts({
      list: async () => [
        port('/dev/ttyACM0', '2341', '0043'),
        port('/dev/ttyACM1', '2A03', '0043'),
        port('/dev/ttyUSB0', '1a86', '7523'),
        port('/dev/ttyUSB1', '0403', '6001'),
        port('/dev/ttyUSB2', '10C4', 'EA60'),
        port('/dev/ttyACM2', '2341', '0243'),
        port('/dev/ttyACM3', '2341', '0001'),
        port('/dev/ttyS0'),
        port('/dev/ttyACM9', '046d', 'c52b'),
      ],
    });
    expect(listing.error).toBeNull();
    expect(listing.ports.map((p) => `${p.path} ${p.kind}`)).toEqual([
      '/dev/ttyACM0 Arduino Uno',
      '/dev/ttyACM1 Arduino Uno',
      '/dev/ttyUSB0 CH340 USB serial',
      '/dev/ttyUSB1 FTDI USB serial',
      '/dev/ttyUSB2 CP210x USB serial',
      '/dev/ttyACM2 Arduino Uno',
      '/dev/ttyACM3 Arduino Uno',
    ]);
  });

  it('a failed listing (no udevadm) gives no ports and the reason, without throwing', async () => {
    const listing = await findDrumPorts({
      list: async () => {
        throw new Error('spawn udevadm ENOENT');
      },
    });
    expect(listing.ports).toEqual([]);
    expect(listing.error?.message).toBe('cannot list serial ports (spawn udevadm ENOENT); give the port path instead');
    // The real listing, whatever this machine has: it never throws.
    await expect(findDrumPorts()).resolves.toHaveProperty('ports');
  });

  it('an explicit path is taken as given, without listing', async () => {
    const listing = await findDrumPorts({
      explicitPath: '/dev/pts/7',
      list: async () => {
        throw new Error('must not be called');
      },
    });
    expect(listing).toEqual({ ports: [{ path: '/dev/pts/7', kind: 'given path' }], error: null });
  });
});
