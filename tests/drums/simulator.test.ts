import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvrBoard, type MotorChange, type MotorDirection } from '../../src/main/drums/simulator/avr-board';
import { IntelHexError, parseIntelHex } from '../../src/main/drums/simulator/intel-hex';
import { buildFixtures, type FixtureBuild } from './sim-fixtures/compile';

// The simulated Uno: real AVR programs (tests/drums/sim-fixtures/*.c, compiled here with
// avr-gcc) run inside avr8js; the tests talk to them over the simulated USART and a real pty,
// and read the motor shield's pins back as a timeline in simulated time.

const US_PER_HOST_BYTE = (10 * 1e6) / 115200; // 86.8 µs

let fx: FixtureBuild;
beforeAll(() => {
  fx = buildFixtures(['echo', 'eeprom-wdt', 'shield']);
});
afterAll(() => fx?.cleanup());

/** Collects what the firmware transmits. */
function collect(board: AvrBoard): { bytes: number[]; times: number[] } {
  const out = { bytes: [] as number[], times: [] as number[] };
  board.onSerialData((bytes, at) => {
    out.bytes.push(...bytes);
    out.times.push(at);
  });
  return out;
}

function runUntilBytes(board: AvrBoard, out: { bytes: number[] }, count: number, maxMicros = 200_000): void {
  const ok = board.runUntil(() => out.bytes.length >= count, maxMicros);
  if (!ok) throw new Error(`expected ${count} bytes from the firmware, got ${out.bytes.length}: [${out.bytes.join(', ')}]`);
}

describe('Intel HEX reader', () => {
  it('reads avr-objcopy output byte for byte', () => {
    const image = parseIntelHex(readFileSync(fx.hex('shield'), 'utf8'), 32768, 'shield.hex');
    const bin = readFileSync(fx.bin('shield'));
    expect(image.end).toBe(bin.length);
    expect(Buffer.from(image.bytes.subarray(0, image.end)).equals(bin)).toBe(true);
    expect(image.bytes[image.end]).toBe(0xff); // erased flash beyond the program
  });

  it('rejects a corrupted file with the line and the reason', () => {
    const lines = readFileSync(fx.hex('echo'), 'utf8').split('\n');
    // Flip one data digit on line 3: the record's checksum no longer matches.
    const l = lines[2];
    lines[2] = l.slice(0, 12) + (l[12] === '0' ? '1' : '0') + l.slice(13);
    const bad = join(fx.dir, 'corrupt.hex');
    writeFileSync(bad, lines.join('\n'));
    expect(() => AvrBoard.fromHexFile(bad)).toThrow(IntelHexError);
    expect(() => AvrBoard.fromHexFile(bad)).toThrow(`${bad}, line 3: checksum mismatch`);
    expect(() => AvrBoard.fromHexFile(bad)).toThrow(/the file is corrupted/);
  });

  it('rejects a truncated file, garbage and data past the flash', () => {
    const text = readFileSync(fx.hex('echo'), 'utf8');
    const truncated = text.split('\n').slice(0, 5).join('\n');
    expect(() => parseIntelHex(truncated, 32768, 'x.hex')).toThrow('x.hex: no end-of-file record (":00000001FF"): the file is truncated');
    expect(() => parseIntelHex('hello\n', 32768, 'x.hex')).toThrow(`x.hex, line 1: a record must start with ':'`);
    expect(() => parseIntelHex(':0400000A0C94ZZ00B2\n', 32768, 'x.hex')).toThrow('non-hexadecimal');
    // 4 bytes at 0x8000 (extended linear address 0 is implied): one past a 32 KiB flash.
    expect(() => parseIntelHex(':048000000102030472\n:00000001FF\n', 32768, 'x.hex')).toThrow('past the end of the 32768-byte flash');
    expect(() => parseIntelHex(':00000001FF\n', 32768, 'x.hex')).toThrow('no data records');
  });
});

describe('USART', () => {
  it('boots, reports power-on in MCUSR and echoes every byte at the 115200-baud byte rate', () => {
    const board = AvrBoard.fromHexFile(fx.hex('echo'));
    const out = collect(board);
    runUntilBytes(board, out, 2, 10_000);
    expect(out.bytes).toEqual([0xb0, 0x01]);

    const all = Array.from({ length: 256 }, (_, i) => i).filter((b) => b !== 0xfe); // 0xFE: see echo.c
    const sentAt = board.nowMicros();
    board.writeSerial(all);
    expect(board.serialBacklog).toBe(255);
    runUntilBytes(board, out, 2 + 255);
    expect(out.bytes.slice(2)).toEqual(all);
    // The line, not the CPU, limits the echo: 255 bytes take 255 x 86.8 µs to arrive, and the
    // last echo is out one character time (85 µs at the firmware's 117647 baud) later.
    const lastEcho = out.times[out.times.length - 1] - sentAt;
    expect(lastEcho).toBeGreaterThan(255 * US_PER_HOST_BYTE + 85);
    expect(lastEcho).toBeLessThan(255 * US_PER_HOST_BYTE + 100);
    expect(board.serialBacklog).toBe(0);
    expect(board.stats()).toMatchObject({ rxOverruns: 0, rxDropped: 0, txBytes: 257 });
  });

  it('overruns like the chip when the firmware stops reading: 3 bytes kept, the rest lost', () => {
    const board = AvrBoard.fromHexFile(fx.hex('echo'));
    const out = collect(board);
    runUntilBytes(board, out, 2, 10_000);
    // 0xFE makes the firmware block interrupts for 2 ms; bytes 1..20 all arrive inside it.
    board.writeSerial([0xfe, ...Array.from({ length: 20 }, (_, i) => i + 1)]);
    board.runFor(5000);
    expect(out.bytes.slice(2)).toEqual([0xfe, 1, 2, 3]);
    expect(board.stats().rxOverruns).toBe(17);
    board.writeSerial([0x42]);
    runUntilBytes(board, out, 7);
    expect(out.bytes[6]).toBe(0x42);
  });
});

describe('reset, EEPROM and watchdog', () => {
  it('keeps the EEPROM across resets and reports each reset cause', () => {
    const board = AvrBoard.fromHexFile(fx.hex('eeprom-wdt'));
    const out = collect(board);
    const boots: number[][] = [];
    const nextBoot = () => {
      const from = out.bytes.length;
      runUntilBytes(board, out, from + 3, 100_000);
      boots.push(out.bytes.slice(from, from + 3));
    };
    nextBoot(); // power-on: EEPROM erased, first boot
    board.reset(); // the reset button
    nextBoot();
    board.writeSerial([...Buffer.from('W')]); // the firmware lets the watchdog bite (15 ms)
    nextBoot();
    board.reset('power-on');
    nextBoot();
    expect(boots).toEqual([
      [0xb1, 0x01, 1], // PORF
      [0xb1, 0x02, 2], // EXTRF
      [0xb1, 0x08, 3], // WDRF
      [0xb1, 0x01, 4], // PORF again; the EEPROM is non-volatile
    ]);
    expect(board.eeprom[0]).toBe(4);
    expect(board.stats()).toMatchObject({ resets: 3, watchdogResets: 1 });

    // After the watchdog reset the firmware disabled it: alive 200 ms later, no further reset.
    board.runFor(200_000);
    board.writeSerial([...Buffer.from('Q')]);
    runUntilBytes(board, out, out.bytes.length + 1, 10_000);
    expect(out.bytes[out.bytes.length - 1]).toBe('q'.charCodeAt(0));
    expect(board.stats().resets).toBe(3);
  });

  it('starts from a given EEPROM image', () => {
    const board = AvrBoard.fromHexFile(fx.hex('eeprom-wdt'), { eeprom: Uint8Array.of(41) });
    const out = collect(board);
    runUntilBytes(board, out, 3, 100_000);
    expect(out.bytes).toEqual([0xb1, 0x01, 42]);
  });
});

describe('motor shield v1', () => {
  interface Expected {
    motor: number;
    direction: MotorDirection;
    pwm: number;
  }
  // What shield.c does, one line per STAMPED_WRITE (see the comments there).
  const expected: Expected[] = [
    { motor: 1, direction: 'forward', pwm: 0 },
    { motor: 1, direction: 'forward', pwm: 200 },
    { motor: 1, direction: 'release', pwm: 200 },
    { motor: 1, direction: 'back', pwm: 200 },
    { motor: 1, direction: 'back', pwm: 150 },
    { motor: 1, direction: 'release', pwm: 150 },
    { motor: 1, direction: 'release', pwm: 0 },
    { motor: 3, direction: 'forward', pwm: 0 },
    { motor: 3, direction: 'forward', pwm: 255 },
    { motor: 3, direction: 'back', pwm: 255 },
    { motor: 3, direction: 'back', pwm: 0 },
    { motor: 3, direction: 'release', pwm: 0 },
    { motor: 4, direction: 'release', pwm: 55 },
    { motor: 4, direction: 'release', pwm: 200 },
    { motor: 4, direction: 'forward', pwm: 200 },
    { motor: 4, direction: 'release', pwm: 200 },
    { motor: 4, direction: 'forward', pwm: 200 },
    { motor: 4, direction: 'forward', pwm: 0 },
    { motor: 4, direction: 'forward', pwm: 200 },
    { motor: 2, direction: 'forward', pwm: 0 },
    { motor: 2, direction: 'forward', pwm: 77 },
  ];

  function runShield(): { board: AvrBoard; stamps: number[]; changes: (MotorChange & { motor: number })[] } {
    const board = AvrBoard.fromHexFile(fx.hex('shield'));
    const out = collect(board);
    runUntilBytes(board, out, 2, 50_000);
    expect(out.bytes[0]).toBe(0xc0);
    const n = out.bytes[1];
    runUntilBytes(board, out, 2 + 4 * n, 50_000);
    const stamps = Array.from({ length: n }, (_, i) => Buffer.from(out.bytes.slice(2 + 4 * i, 6 + 4 * i)).readUInt32LE(0));
    const changes = [1, 2, 3, 4]
      .flatMap((motor) => board.motorTimeline(motor).slice(1).map((c) => ({ ...c, motor })))
      .sort((a, b) => a.cycles - b.cycles);
    return { board, stamps, changes };
  }

  it('decodes the 595 and the compare outputs into a timeline that matches the firmware clock cycle for cycle', () => {
    const { stamps, changes } = runShield();
    expect(stamps).toHaveLength(expected.length);
    expect(changes.map(({ motor, direction, pwm }) => ({ motor, direction, pwm }))).toEqual(expected);
    // Each stamp is Timer1 (clk/1) read a fixed 2 cycles after the write: one constant offset.
    const offsets = new Set(changes.map((c, i) => c.cycles - stamps[i]));
    expect([...offsets]).toHaveLength(1);
    for (const c of changes) expect(c.us).toBe(c.cycles / 16);
  });

  it('splits the timeline into strikes with exact phase lengths', () => {
    const { board, stamps, changes } = runShield();
    // Stamps count from Timer1's start; the timeline from power-on.
    const offset = changes[0].cycles - stamps[0];
    const us = (i: number) => (stamps[i] + offset) / 16;
    const t1 = board.motorTimeline(1);
    const [m1] = board.strikes(1);
    expect(board.strikes(1)).toHaveLength(1);
    expect(m1).toEqual({
      start: t1[2].us, // driven from the OCR write (stamp 1), not the direction latch
      forwardUs: us(2) - us(1),
      pauseUs: us(3) - us(2),
      backUs: us(5) - us(3), // a back phase at the old PWM for 2 instructions, then 150: one phase
      forwardPwm: 200,
      backPwm: 150,
      complete: true,
    });
    // The firmware's _delay_us(3000/500/2000) plus its own 595 shifting.
    expect(m1.forwardUs).toBeGreaterThanOrEqual(3000);
    expect(m1.forwardUs).toBeLessThan(3050);
    expect(m1.pauseUs).toBeGreaterThanOrEqual(500);
    expect(m1.pauseUs).toBeLessThan(550);
    expect(m1.backUs).toBeGreaterThanOrEqual(2000);
    expect(m1.backUs).toBeLessThan(2050);

    expect(board.strikes(3)).toEqual([
      { start: us(8), forwardUs: us(9) - us(8), pauseUs: 0, backUs: us(10) - us(9), forwardPwm: 255, backPwm: 255, complete: true },
    ]);
    // M4: forward, cut by /OE, forward again, a moment with its enable pin an input, then on.
    const m4 = board.strikes(4);
    expect(m4.map((s) => [s.start, s.forwardUs, s.complete])).toEqual([
      [us(14), us(15) - us(14), true],
      [us(16), us(17) - us(16), true],
      [us(18), board.nowMicros() - us(18), false],
    ]);
    expect(board.strikes(2)).toEqual([
      { start: us(20), forwardUs: board.nowMicros() - us(20), pauseUs: 0, backUs: 0, forwardPwm: 77, backPwm: 0, complete: false },
    ]);
  });

  it('releases every motor on reset while the 595 keeps its bits', () => {
    const { board } = runShield();
    expect(board.anyMotorDriven()).toBe(true);
    expect(board.motorState(2)).toEqual({ direction: 'forward', pwm: 77 });
    const resetAt = board.nowMicros();
    board.reset();
    expect(board.anyMotorDriven()).toBe(false);
    for (const motor of [2, 4]) {
      const last = board.motorTimeline(motor).at(-1);
      expect(last).toEqual({ us: resetAt, cycles: resetAt * 16, direction: 'release', pwm: 0 });
    }
    expect(board.shieldLatch()).toBe(0b11); // the 595 is not reset with the MCU
    board.reset('power-on');
    expect(board.shieldLatch()).toBe(0);
  });
});

describe('real time and the pty', () => {
  it('paces simulated time to the wall clock within a few percent', async () => {
    const board = AvrBoard.fromHexFile(fx.hex('echo'));
    const fast = board.runFor(1_000_000);
    console.info(`avr8js speed, echo fixture idle: ${fast.speed.toFixed(2)}x real time`);
    board.start();
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const info = board.pacingInfo();
      if (!info) throw new Error('not running');
      const ratio = info.simMicros / 1000 / info.wallMs;
      expect(ratio).toBeGreaterThan(0.97);
      expect(ratio).toBeLessThan(1.01);
      expect(board.stats().lagDroppedMicros).toBe(0);
    } finally {
      await board.stop();
    }
  });

  it('bridges the USART to a pty that a host opens with serialport', async () => {
    const board = AvrBoard.fromHexFile(fx.hex('echo'));
    const hostPath = await board.attachPty();
    expect(hostPath).toMatch(/^\/dev\/pts\/\d+$/);
    const host = new SerialPort({ path: hostPath, baudRate: 115200, autoOpen: false });
    const received: number[] = [];
    host.on('data', (chunk: Buffer) => received.push(...chunk));
    const waitFor = async (count: number, ms: number) => {
      const until = Date.now() + ms;
      while (received.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      if (received.length < count) throw new Error(`host got ${received.length} of ${count} bytes: [${received.join(', ')}]`);
    };
    try {
      await new Promise<void>((resolve, reject) => host.open((err) => (err ? reject(err) : resolve())));
      board.start();
      await waitFor(2, 2000);
      expect(received).toEqual([0xb0, 0x01]);
      // The DTR reset of a real Uno when the host opens the port: the boot banner again.
      board.reset();
      await waitFor(4, 2000);
      expect(received.splice(0, 4)).toEqual([0xb0, 0x01, 0xb0, 0x02]);
      const payload = Array.from({ length: 200 }, (_, i) => (i * 7) & 0xff).filter((b) => b !== 0xfe);
      const t0 = performance.now();
      host.write(Buffer.from(payload));
      await waitFor(payload.length, 3000);
      const ms = performance.now() - t0;
      expect(received).toEqual(payload);
      // 199 bytes at 115200 baud take 17.3 ms on the line, in simulated (= real) time.
      expect(ms).toBeGreaterThan(17);
      expect(board.stats().rxOverruns).toBe(0);
    } finally {
      if (host.isOpen) await new Promise<void>((r) => host.close(() => r()));
      await board.stop();
    }
    // socat is gone, and with it the pty pair.
    expect(existsSync(hostPath)).toBe(false);
  });
});
