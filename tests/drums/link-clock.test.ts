import { describe, expect, it } from 'vitest';
import { CLOCK_SAMPLES, ClockSync } from '../../src/main/drums/link/clock-sync';
import { SeededRandom } from '../../src/main/reservoir/reservoir-build';
import { axonErrorOf } from '../support/errors';

const U32 = 2 ** 32;

/** One round trip at host time `sentUs` over a line with the given one-way delays. */
function roundTrip(clock: ClockSync, sentUs: number, offsetUs: number, upUs: number, downUs: number): void {
  const atBoard = sentUs + upUs;
  clock.add(sentUs, atBoard + downUs, Math.round(atBoard + offsetUs) % U32);
}

describe('ClockSync', () => {
  it('is not usable before the first sample', () => {
    const clock = new ClockSync();
    expect(clock.estimate).toBeNull();
    expect(axonErrorOf(() => clock.toDeviceTime(0))).toBe("drum_not_synced: the drum board's clock is not synchronised yet");
  });

  it('the sample with the shortest round trip sets the offset: error within rtt/2, far below a plain average', () => {
    const rng = new SeededRandom(4, 4);
    const offset = 1_234_567_890;
    let worst = 0;
    let naiveWorst = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const clock = new ClockSync();
      let t = 0;
      const naive: number[] = [];
      for (let i = 0; i < CLOCK_SAMPLES; i++) {
        // Lopsided: host to board 300 µs plus an exponential tail of mean 4 ms; back 300-800 µs.
        const up = 300 + -Math.log(1 - rng.uniform()) * 4000;
        const down = 300 + rng.uniform() * 500;
        roundTrip(clock, t, offset, up, down);
        naive.push(offset + up - (up + down) / 2);
        t += 2e6;
      }
      const e = clock.estimate;
      if (!e) throw new Error('no estimate');
      const error = Math.abs(e.offsetUs - offset);
      expect(error).toBeLessThanOrEqual(e.uncertaintyUs + 0.5);
      worst = Math.max(worst, error);
      naiveWorst = Math.max(naiveWorst, Math.abs(naive.reduce((a, b) => a + b) / naive.length - offset));
    }
    console.log(`[clock] worst error over 2000 windows: best-sample ${worst.toFixed(0)} µs, averaged midpoints ${naiveWorst.toFixed(0)} µs`);
    expect(worst).toBeLessThan(naiveWorst / 2);
  });

  it('keeps the last 8 samples: a board clock that moves is followed within 8 syncs', () => {
    const clock = new ClockSync();
    roundTrip(clock, 0, 1000, 100, 100); // an excellent sample
    for (let i = 1; i <= CLOCK_SAMPLES; i++) roundTrip(clock, i * 2e6, 50_000, 1000, 1000);
    expect(clock.estimate).toMatchObject({ offsetUs: 50_000, rttUs: 2000, uncertaintyUs: 1000, samples: CLOCK_SAMPLES });
  });

  it("unwraps the board's 32-bit micros(): the offset stays continuous and conversions work on both sides of the wrap", () => {
    const clock = new ClockSync();
    const offset = U32 - 5_000_000; // board micros() wraps at host time 5 s
    for (let t = 0; t <= 12e6; t += 2e6) roundTrip(clock, t, offset, 500, 500);
    const e = clock.estimate;
    expect(e?.offsetUs).toBeCloseTo(offset, 6);
    expect(clock.toDeviceTime(4_000_000)).toBe(U32 - 1_000_000);
    expect(clock.toDeviceTime(6_000_000)).toBe(1_000_000);
    expect(clock.toHostTime(U32 - 1_000_000)).toBeCloseTo(4_000_000, 6);
    expect(clock.toHostTime(1_000_000)).toBeCloseTo(6_000_000, 6);
    // Many wraps later (the 71.6-minute period, five times over), still continuous.
    for (let t = 14e6; t <= 5 * 4295e6; t += 60e6) roundTrip(clock, t, offset, 500, 500);
    expect(clock.estimate?.offsetUs).toBeCloseTo(offset, 6);
    const late = 5 * 4295e6;
    expect(clock.toHostTime(clock.toDeviceTime(late))).toBeCloseTo(late, 0);
  });

  it("follows a board clock that runs fast: a strike 10 s after the last sync still lands within 0.5 ms", () => {
    // A resonator 300 ppm fast, synced every 2 s over a line with 0.2-3 ms of jitter each way.
    const ppm = 300;
    const rng = new SeededRandom(8, 0);
    const clock = new ClockSync();
    const boardAt = (hostUs: number) => 7_000_000 + hostUs * (1 + ppm * 1e-6);
    let t = 0;
    for (; t <= 60e6; t += 2e6) {
      const up = 200 + 2800 * rng.uniform();
      const down = 200 + 2800 * rng.uniform();
      clock.add(t, t + up + down, Math.round(boardAt(t + up)) % U32);
    }
    const later = t + 10e6;
    const error = clock.toDeviceTime(later) - (boardAt(later) % U32);
    console.log(`[clock] 300 ppm drift, 10 s after the last sync: ${error.toFixed(0)} us off; rate estimate ${clock.estimate?.ratePpm.toFixed(0)} ppm`);
    expect(Math.abs(error)).toBeLessThan(500);
    expect(clock.estimate?.ratePpm).toBeGreaterThan(250);
    expect(clock.estimate?.ratePpm).toBeLessThan(350);
  });

  it('reset forgets the board (it rebooted: its clock restarted)', () => {
    const clock = new ClockSync();
    roundTrip(clock, 0, 123, 10, 10);
    clock.reset();
    expect(clock.estimate).toBeNull();
    roundTrip(clock, 10e6, -10e6, 10, 10);
    expect(clock.estimate?.offsetUs).toBe(-10e6);
  });
});
