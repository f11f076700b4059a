import { beforeAll, describe, expect, it } from 'vitest';
import { firmwareImage } from '../../src/main/drums/firmware/firmware-image';
import { AvrBoard } from '../../src/main/drums/simulator/avr-board';

// Smoke test: the real drum firmware (firmware/axon_drums, built by `npm run firmware:build`)
// boots in the simulated Uno and speaks. The protocol itself is tested with the host codec and
// driver elsewhere; here only the framing is looked at (a COBS frame ends with its only zero).

const BOOT_TYPE = 0x90;
// BOOT: type, seq, 7 payload bytes, CRC-16 = 11 bytes; COBS adds one, plus the delimiter.
const BOOT_WIRE_BYTES = 13;
let HEX: string;

beforeAll(() => {
  HEX = firmwareImage('axon_drums');
}, 300_000);

/** Splits a byte stream into wire frames (each up to and including its zero delimiter; lone delimiters skipped). */
function frames(bytes: readonly number[]): number[][] {
  const out: number[][] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0) {
      if (i > start) out.push(bytes.slice(start, i + 1));
      start = i + 1;
    }
  }
  return out;
}

describe('drum firmware in the simulator', () => {
  it('sends a BOOT frame after power-on and again after a reset, with every motor released', () => {
    const board = AvrBoard.fromHexFile(HEX);
    const rx: number[] = [];
    board.onSerialData((bytes) => rx.push(...bytes));
    expect(board.runUntil(() => frames(rx).length > 0, 100_000)).toBe(true);
    const [boot] = frames(rx);
    // A lone delimiter first: it ends a frame the reset cut short on the host's side.
    expect(rx[0]).toBe(0);
    expect(boot).toHaveLength(BOOT_WIRE_BYTES);
    // The first COBS code byte is followed by the frame's first byte, its type.
    expect(boot[0]).toBeGreaterThan(1);
    expect(boot[1]).toBe(BOOT_TYPE);
    expect(board.anyMotorDriven()).toBe(false);

    board.runFor(50_000);
    rx.length = 0;
    board.reset();
    expect(board.runUntil(() => frames(rx).length > 0, 100_000)).toBe(true);
    expect(rx[0]).toBe(0);
    const [again] = frames(rx);
    expect(again).toHaveLength(BOOT_WIRE_BYTES);
    expect(again[1]).toBe(BOOT_TYPE);
    expect(board.stats().resets).toBe(1);
  });

  it('runs a simulated second with its watchdog armed and fed, faster than real time', () => {
    const board = AvrBoard.fromHexFile(HEX);
    board.runFor(100_000); // boot, warm up the JIT
    const run = board.runFor(1_000_000);
    console.info(`avr8js speed, drum firmware idle: ${run.speed.toFixed(2)}x real time`);
    expect(board.stats()).toMatchObject({ resets: 0, watchdogResets: 0 });
    expect(run.speed).toBeGreaterThan(1);
  });
});
