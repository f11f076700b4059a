import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Heard } from '../../src/main/audio-in/audio-input';
import { LiveStrikeRig } from '../../src/main/drums/calibration/live-strike-rig';
import { sweepForward } from '../../src/main/drums/calibration/sweep';
import { DrumLink } from '../../src/main/drums/link/link';
import { SerialTransport } from '../../src/main/drums/link/serial-transport';
import { waitConnected } from '../../src/main/drums/link/wait-connected';
import { mulberry32 } from '../dsp/measure';
import { addHits, FOUR_POINT_TABLE } from '../support/drum-model';
import { useSimulatedBoard } from '../support/sim-board';

// Live calibration with the real firmware (simulated Uno behind a pty, real link) and a model
// drum heard by a model microphone: the stick reaches the skin REACH_MS after the motor starts
// forward at full PWM (longer when slower) and hits full once pressed 20 % longer. The "ear"
// renders what the microphone would have heard from the motor's actual pin timeline.

const RATE = 48000;
const REACH_MS = 14;

function modelEar(board: { strikes(motor: number): { start: number; forwardUs: number; forwardPwm: number }[]; nowMicros(): number }, motor: number) {
  const rng = mulberry32(3);
  /** When each hit it rendered landed (performance.now() ms). */
  const hits: number[] = [];
  return {
    hits,
    async listen(fromMs: number, toMs: number): Promise<Heard> {
      // Called right after the strike was acknowledged. The simulator keeps pace with the wall
      // clock but may lag it (up to 200 ms on a loaded machine): its µs map to performance.now()
      // by the offset seen now, and the sound is ready once its own clock has covered the window.
      const offsetMs = performance.now() - board.nowMicros() / 1000;
      const giveUp = toMs + 2000;
      while (board.nowMicros() / 1000 + offsetMs < toMs + 5 && performance.now() < giveUp) await new Promise((r) => setTimeout(r, 5));
      const x = Float32Array.from({ length: Math.round(((toMs - fromMs) / 1000) * RATE) }, () => 0.002 * (2 * rng() - 1));
      for (const s of board.strikes(motor)) {
        const reach = REACH_MS * Math.sqrt(255 / s.forwardPwm);
        const f = s.forwardUs / 1000;
        if (f < reach) continue;
        const push = Math.min(1, (f - 0.5 * reach) / (0.7 * reach));
        const at = s.start / 1000 + offsetMs + reach;
        if (at >= fromMs && at < toMs) hits.push(at);
        addHits(x, RATE, [{ at: (at - fromMs) / 1000, level: 0.6 * push, freq: 180 }]);
      }
      return { samples: x, sampleRate: RATE, startMs: fromMs };
    },
  };
}

const table = FOUR_POINT_TABLE;

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
    const ear = modelEar(sim.board, 2);
    const sent: number[] = [];
    const timed = { setTable: link.setTable.bind(link), strike: (d: number, v: number) => (sent.push(performance.now()), link.strike(d, v)) };
    const rig = new LiveStrikeRig(timed, ear, { beforeMs: 60, afterMs: 200, settleMs: 100 });
    await rig.setTable(1, table);
    const hit = await rig.strikeAndListen(1, 127);
    expect(hit.latency).not.toBeNull();
    expect(ear.hits).toHaveLength(1);
    const landed = ear.hits[0] - sent[0];
    // The 14 ms travel plus the serial hop to the board (measured 2.9-3.2 ms on a quiet machine).
    expect(landed).toBeGreaterThan(REACH_MS);
    expect(Math.abs(hit.latency! * 1000 - landed)).toBeLessThan(1);
    expect(hit.strength).toBeGreaterThan(0.3);
  }, 20_000);

  it('the sweep finds the shortest full-strength push on the board', async () => {
    const rig = new LiveStrikeRig(link, modelEar(sim.board, 2), { beforeMs: 60, afterMs: 200, settleMs: 100 });
    const found = await sweepForward(rig, 1, table, 3, { minUs: 2000, maxUs: 40000, resolutionUs: 1000, repeats: 1, full: 0.95 });
    // Fully pressed at 1.2 x 14 ms = 16.8 ms; 95 % strength is reached a little before.
    expect(found).toBeGreaterThan(15000);
    expect(found).toBeLessThanOrEqual(16800 + 1000);
  }, 60_000);

  it('a drum that makes no sound is measured as silent, not as a hit', async () => {
    const rig = new LiveStrikeRig(link, modelEar(sim.board, 4), { beforeMs: 60, afterMs: 200, settleMs: 100 });
    const hit = await rig.strikeAndListen(1, 127);
    expect(hit).toEqual({ latency: null, strength: 0 });
  }, 20_000);
});
