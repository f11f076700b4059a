import { describe, expect, it } from 'vitest';
import { detectOnsets } from '../../src/main/drums/calibration/onsets';
import { firmwareImage } from '../../src/main/drums/firmware/firmware-image';
import { AvrBoard, type Strike } from '../../src/main/drums/simulator/avr-board';
import { fullPushUs, MODEL_KIT, modelHit, ModelMicrophone, reachMs, type MotorPins } from '../../src/main/drums/simulator/model-drum';

// The model drum and microphone the simulated board sounds with: its physics, and that the
// microphone renders what the motor pins did, when they did it.

const drum = MODEL_KIT[0];

describe('the model drum', () => {
  it('reaches the skin later when driven slower, and only a push that long hits', () => {
    expect(reachMs(drum, 255)).toBe(drum.reachMs);
    expect(reachMs(drum, 255 / 4)).toBeCloseTo(2 * drum.reachMs, 9);
    expect(modelHit(drum, { forwardUs: drum.reachMs * 1000 - 1, forwardPwm: 255 })).toBeNull();
    expect(modelHit(drum, { forwardUs: drum.reachMs * 1000, forwardPwm: 255 })?.delayMs).toBe(drum.reachMs);
  });

  it('hits harder the longer it presses, up to full strength at 1.2 x the travel; slower hits are softer', () => {
    const level = (forwardUs: number, pwm = 255) => modelHit(drum, { forwardUs, forwardPwm: pwm })?.level ?? 0;
    const full = fullPushUs(drum, 255);
    expect(full).toBeCloseTo(1.2 * drum.reachMs * 1000, 9);
    expect(level(full)).toBeCloseTo(drum.level, 9);
    expect(level(60_000)).toBe(level(full));
    expect(level(drum.reachMs * 1000)).toBeCloseTo(drum.level * (0.5 / 0.7), 9);
    expect(level(0.95 * full)).toBeLessThan(level(full));
    expect(level(60_000, 128)).toBeLessThan(level(60_000, 255));
    expect(level(60_000, 60)).toBeCloseTo(drum.level * (0.3 + (0.7 * 60) / 255), 9);
    // Driven very slowly, the stick never gets there within the board's longest push.
    expect(level(60_000, 1)).toBe(0);
  });
});

/** A board that struck at given simulated times, its clock 1000 ms behind performance.now(). */
function pins(strikes: Record<number, Partial<Strike>[]>, nowUs: number): MotorPins {
  const offsetMs = 1000;
  return {
    strikes: (motor) => (strikes[motor] ?? []).map((s) => ({ start: 0, forwardUs: 0, pauseUs: 0, backUs: 0, forwardPwm: 255, backPwm: 200, complete: true, ...s })),
    nowMicros: () => nowUs,
    wallTimeOf: (us) => (us <= nowUs ? us / 1000 + offsetMs : null),
  };
}

describe('the model microphone', () => {
  it('hears each mounted drum when its stick lands, from the motor pins, and nothing else', async () => {
    const t0 = performance.now();
    // Simulated µs of each strike's start, so that it starts at t0 + 100 ms (and t0 + 300 ms).
    const at = (ms: number) => (t0 + ms - 1000) * 1000;
    const board = pins(
      {
        1: [{ start: at(100), forwardUs: 30_000 }],
        // Too short a push for drum 1: no hit.
        2: [{ start: at(150), forwardUs: 5_000 }],
        // Drum 2's motor, full push; drum 3 is not mounted.
        3: [{ start: at(300), forwardUs: 30_000 }],
        4: [{ start: at(200), forwardUs: 40_000 }],
      },
      at(1000),
    );
    const mic = new ModelMicrophone(board, { kit: [MODEL_KIT[0], MODEL_KIT[1], MODEL_KIT[2], null], noise: 0.001 });
    const heard = await mic.listen(t0, t0 + 500);
    expect(heard.startMs).toBe(t0);
    expect(heard.samples.length).toBe(24_000);
    const onsets = detectOnsets(heard.samples, heard.sampleRate);
    expect(onsets.map((o) => Math.round(o.time * 10_000) / 10)).toEqual([100 + MODEL_KIT[0].reachMs, 300 + MODEL_KIT[2].reachMs].map((ms) => expect.closeTo(ms, 0)));
    expect(mic.landed.map((h) => h.drum)).toEqual([0, 2]);
    expect(mic.landed[0].atMs).toBeCloseTo(t0 + 100 + MODEL_KIT[0].reachMs, 6);
    // Heard again, the same hits are not landed twice.
    await mic.listen(t0, t0 + 500);
    expect(mic.landed).toHaveLength(2);
  });

  it('waits for a simulation that has not got there yet, and gives up after a while', async () => {
    let now = 0;
    const board: MotorPins = { strikes: () => [], nowMicros: () => now, wallTimeOf: (us) => (us <= now ? performance.now() - (now - us) / 1000 : null) };
    const mic = new ModelMicrophone(board, { maxWaitMs: 100 });
    const t = performance.now();
    const heard = await mic.listen(t - 50, t + 20);
    expect(performance.now() - t).toBeGreaterThanOrEqual(19);
    expect(heard.samples.length).toBe(Math.round(0.07 * 48000));

  });
});

describe("the simulated board's clock against the wall clock", () => {
  it('says when it reached a simulated time while paced; nothing when never paced or not there yet', async () => {
    const board = AvrBoard.fromHexFile(firmwareImage('axon_drums'));
    board.runFor(1000);
    expect(board.wallTimeOf(500)).toBeNull();
    const start = performance.now();
    board.start();
    await new Promise((r) => setTimeout(r, 120));
    await board.stop();
    const reached = board.nowMicros();
    const at = board.wallTimeOf(reached);
    expect(at).not.toBeNull();
    expect(at!).toBeGreaterThanOrEqual(start);
    expect(at!).toBeLessThanOrEqual(performance.now());
    expect(board.wallTimeOf(reached + 1)).toBeNull();
    // Earlier simulated times were reached earlier, about as much earlier as they are.
    const before = board.wallTimeOf(reached - 50_000)!;
    expect(before).toBeLessThan(at!);
    expect(at! - before).toBeGreaterThan(10);
  });
});
