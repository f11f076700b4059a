import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveStrikeRig } from '../../src/main/drums/calibration/live-strike-rig';
import { sweepForward } from '../../src/main/drums/calibration/sweep';
import { DrumLink } from '../../src/main/drums/link/link';
import { SerialTransport } from '../../src/main/drums/link/serial-transport';
import { waitConnected } from '../../src/main/drums/link/wait-connected';
import { fullPushUs, MODEL_KIT, ModelMicrophone, reachMs } from '../../src/main/drums/simulator/model-drum';
import { FOUR_POINT_TABLE } from '../support/drum-model';
import { useSimulatedBoard } from '../support/sim-board';

// Live calibration with the real firmware (simulated Uno behind a pty, real link) and the
// product's model drum heard by its model microphone, which renders what it would have heard
// from the motors' actual pin timeline.

const table = FOUR_POINT_TABLE;
/** Drum 1 of the model kit, pushed at full PWM (the table's velocity 127 point). */
const drum = MODEL_KIT[1];
const FULL_PWM = table.points[3].forwardPwm;
const STRIKE = { beforeMs: 60, afterMs: 200, settleMs: 100 };

describe('live calibration: real firmware, a model drum and microphone', () => {
  const sim = useSimulatedBoard();
  let link: DrumLink;

  beforeAll(async () => {
    link = new DrumLink(new SerialTransport(sim.port), { bootWaitMs: 200 });
    link.start();
    await waitConnected(link, sim.port, 10_000);
  }, 30_000);

  afterAll(async () => {
    await link?.stop();
  });

  it('measures command-to-impact latency to within a millisecond of when the stick landed', async () => {
    const mic = new ModelMicrophone(sim.board);
    const sent: number[] = [];
    const timed = { setTable: link.setTable.bind(link), strike: (d: number, v: number) => (sent.push(performance.now()), link.strike(d, v)) };
    const rig = new LiveStrikeRig(timed, mic, STRIKE);
    await rig.setTable(1, table);
    const hit = await rig.strikeAndListen(1, 127);
    expect(hit.latency).not.toBeNull();
    const landedNow = mic.landed.filter((h) => h.drum === 1 && h.atMs > sent[0]);
    expect(landedNow).toHaveLength(1);
    const landed = landedNow[0].atMs - sent[0];
    // The model's travel plus the serial hop to the board (measured 2.9-3.2 ms on a quiet machine).
    expect(landed).toBeGreaterThan(reachMs(drum, FULL_PWM));
    expect(Math.abs(hit.latency! * 1000 - landed)).toBeLessThan(1);
    expect(hit.strength).toBeGreaterThan(0.3);
  }, 20_000);

  it('the sweep finds the shortest full-strength push on the board', async () => {
    const rig = new LiveStrikeRig(link, new ModelMicrophone(sim.board), STRIKE);
    const found = await sweepForward(rig, 1, table, 3, { minUs: 2000, maxUs: 40000, resolutionUs: 1000, repeats: 1, full: 0.95 });
    // Fully pressed at 1.2 x the travel; 95 % strength is reached a little before.
    expect(found).toBeGreaterThan(1.1 * reachMs(drum, FULL_PWM) * 1000);
    expect(found).toBeLessThanOrEqual(fullPushUs(drum, FULL_PWM) + 1000);
  }, 60_000);

  it('a drum that makes no sound is measured as silent, not as a hit', async () => {
    // No drum mounted on drum 1's motor.
    const rig = new LiveStrikeRig(link, new ModelMicrophone(sim.board, { kit: [MODEL_KIT[0], null, MODEL_KIT[2], MODEL_KIT[3]] }), STRIKE);
    const hit = await rig.strikeAndListen(1, 127);
    expect(hit).toEqual({ latency: null, strength: 0 });
  }, 20_000);
});
