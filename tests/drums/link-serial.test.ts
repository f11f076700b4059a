import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrumLink, type LinkState } from '../../src/main/drums/link/link';
import { SerialTransport } from '../../src/main/drums/link/serial-transport';
import { DEFAULT_TABLE, described, FakeBoard } from './link-fake-board';

// The real serial path: a socat pty pair, SerialTransport (the serialport package) on both ends,
// the link on one and the fake board on the other. A pty ignores the baud rate and has no DTR,
// so the board does not reset on open: the link waits for BOOT, then says HELLO anyway.

let socat: ChildProcess;
let paths: [string, string];

beforeAll(async () => {
  socat = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0']);
  paths = await new Promise<[string, string]>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`socat did not make a pty pair in 5 s:\n${log}`)), 5000);
    socat.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(err.code === 'ENOENT' ? 'socat is not installed (apt-get install socat): the serial test needs a pty pair' : err.message));
    });
    socat.stderr?.setEncoding('utf8').on('data', (d: string) => {
      log += d;
      const ptys = [...log.matchAll(/PTY is (\S+)/g)].map((m) => m[1]);
      if (ptys.length === 2 && log.includes('starting data transfer loop')) {
        clearTimeout(timer);
        resolve([ptys[0], ptys[1]]);
      }
    });
  });
});

afterAll(() => {
  socat?.kill();
});

function nextState(link: DrumLink, state: LinkState['state'], ms = 5000): Promise<LinkState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${state}' within ${ms} ms (now ${link.state})`)), ms);
    const on = (s: LinkState) => {
      if (s.state !== state) return;
      clearTimeout(timer);
      link.off('state', on);
      resolve(s);
    };
    link.on('state', on);
  });
}

describe('DrumLink over a real pty pair', () => {
  it('connects, answers every kind of request, survives a board reset, and notices the line going away', async () => {
    const offset = 3_000_000_000;
    const board = new FakeBoard({ micros: () => performance.now() * 1000 + offset });
    const boardPort = new SerialTransport(paths[1]);
    board.output = (bytes) => boardPort.write(bytes);
    await boardPort.open({ data: (bytes) => board.input(bytes), closed: () => undefined });

    const link = new DrumLink(new SerialTransport(paths[0]), { bootWaitMs: 200 });
    const connected = nextState(link, 'connected');
    link.start();
    expect(await connected).toMatchObject({ state: 'connected', resetCauses: null, board: { protocol: 1, drums: 4 } });

    await link.strike(1, 90);
    await link.setTable(3, { ...DEFAULT_TABLE, minIntervalMs: 99 });
    expect((await link.getTable(3)).minIntervalMs).toBe(99);
    expect((await link.status()).linkOk).toBe(true);
    const clock = await link.timeSync();
    expect(clock.uncertaintyUs).toBeLessThan(20_000);
    // The board's clock and the link's idea of it agree to within the measured uncertainty (plus scheduling slack).
    const error = Math.abs((link.toDeviceTime(link.now()) - Math.round(board.micros())) | 0); // difference mod 2^32, signed
    expect(error).toBeLessThan(clock.uncertaintyUs + 5000);
    await link.strikeAt(0, 60, link.toDeviceTime(link.now() + 30_000));

    const reconnected = nextState(link, 'connected');
    board.boot(0b0001);
    expect(await reconnected).toMatchObject({ resetCauses: ['power_on'] });
    await link.allStop();
    const c = link.counters;
    expect(c.cobs + c.overflow + c.short + c.crc + c.length + c.type + c.value).toBe(0);

    const lost = nextState(link, 'disconnected');
    socat.kill();
    const down = await lost;
    expect(down.state === 'disconnected' && described(down.error)).toMatch(/^drum_port_closed: the serial port \/dev\/pts\/\d+ closed/);
    await link.stop();
    await boardPort.close();
  });
});
