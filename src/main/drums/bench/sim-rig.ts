import type { Microseconds } from '../../../shared/units';
import { DrumLink } from '../link/link';
import { SerialTransport } from '../link/serial-transport';
import { waitConnected } from '../link/wait-connected';
import type { BoardEvent } from '../protocol/messages';
import type { StrikeTable } from '../protocol/table';
import { AvrBoard, type Strike } from '../simulator/avr-board';

/** The simulation keeps pace when its lag behind the wall clock moves less than this... */
const STEADY_SWING_MS = 3;
/** ...over this long before a clock measurement and during it. */
const STEADY_CALM_MS = 100;

/**
 * The real firmware in the simulator, behind a real serial port (a pty), driven by the real
 * link: what the drum tests and `axon drums bench` measure. Motor m of the shield plays drum m-1.
 */
export class SimRig {
  /** Every STRUCK event: the firmware's own micros() at each strike's start. */
  readonly struck: { drum: number; deviceTime: number; velocity: number }[] = [];
  readonly events: BoardEvent[] = [];

  private constructor(
    readonly board: AvrBoard,
    readonly link: DrumLink,
    readonly path: string,
  ) {
    link.on('event', (e) => {
      this.events.push(e);
      if (e.kind === 'struck' && e.drum !== null) this.struck.push({ drum: e.drum, deviceTime: e.deviceTime, velocity: e.arg });
    });
  }

  /** Boots `hex` in the simulator and connects a link to it through a pty. */
  static async start(hex: string, timeoutMs = 10_000): Promise<SimRig> {
    const board = AvrBoard.fromHexFile(hex);
    const path = await board.attachPty();
    board.start();
    // The port was opened after the board booted (open() flushes the banner): do not wait long for BOOT.
    const link = new DrumLink(new SerialTransport(path), { bootWaitMs: 200 });
    const rig = new SimRig(board, link, path);
    link.start();
    try {
      await rig.connected(timeoutMs);
      await rig.steady();
    } catch (err) {
      // No socat or simulation left running behind a rig that never started.
      await rig.stop();
      throw err;
    }
    return rig;
  }

  /**
   * Waits for the simulation to keep pace with the wall clock, then has the link measure the
   * board's clock afresh. avr8js falls behind while it warms up and on a loaded machine, which a
   * real board never does: round trips taken while it caught up put the host's idea of the board's
   * clock off by the lag (150 ms was seen), and strikes scheduled from it arrived late. A steady
   * lag is only an offset; a changing one is what breaks the timing.
   */
  async steady(timeoutMs = 10_000): Promise<void> {
    // Behind the wall clock since start(), counting the time the pacing gave up on.
    const lagMs = (): number => {
      const p = this.board.pacingInfo();
      if (!p) throw new Error('the simulated board is not running in real time');
      return p.wallMs - p.simMicros / 1000 + this.board.stats().lagDroppedMicros / 1000;
    };
    const deadline = performance.now() + timeoutMs;
    let swing = 0;
    while (performance.now() < deadline) {
      let low = lagMs();
      let high = low;
      const watch = setInterval(() => {
        const lag = lagMs();
        low = Math.min(low, lag);
        high = Math.max(high, lag);
      }, 2);
      try {
        await sleep(STEADY_CALM_MS);
        if (high - low < STEADY_SWING_MS) await this.link.resyncClock();
      } finally {
        clearInterval(watch);
      }
      swing = Math.max(high, lagMs()) - low;
      if (swing < STEADY_SWING_MS) return;
    }
    throw new Error(`the simulated board did not keep pace with the wall clock for ${timeoutMs} ms (its lag swung ${swing.toFixed(1)} ms)`);
  }


  /** Resolves when the link is (again) connected. */
  connected(timeoutMs = 10_000): Promise<void> {
    return waitConnected(this.link, this.path, timeoutMs);
  }

  async tables(): Promise<StrikeTable[]> {
    const out: StrikeTable[] = [];
    for (let d = 0; d < 4; d++) out.push(await this.link.getTable(d));
    return out;
  }

  /** The completed strikes of drum d's motor. */
  strikes(drum: number): Strike[] {
    return this.board.strikes(drum + 1).filter((s) => s.complete);
  }

  /**
   * Simulated µs minus the firmware's micros(): from every strike whose pin change and STRUCK
   * event can be paired (the n-th of each drum). Its spread says how far apart the two are.
   */
  clockOffset(): { offsetUs: Microseconds; spreadUs: Microseconds } {
    const diffs: number[] = [];
    for (let d = 0; d < 4; d++) {
      const pins = this.board.strikes(d + 1);
      const events = this.struck.filter((s) => s.drum === d);
      for (let i = 0; i < Math.min(pins.length, events.length); i++) diffs.push(pins[i].start - events[i].deviceTime);
    }
    if (diffs.length === 0) throw new Error('no strikes to pair');
    diffs.sort((a, b) => a - b);
    return { offsetUs: diffs[diffs.length >> 1], spreadUs: diffs[diffs.length - 1] - diffs[0] };
  }

  async stop(): Promise<void> {
    await this.link.stop().catch(() => undefined);
    await this.board.stop();
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Firmware-style linear interpolation of a table at a velocity (what a strike should do). */
export function expectedPhases(table: StrikeTable, velocity: number): { forwardUs: number; pauseUs: number; backUs: number } {
  const p = table.points;
  const at = (f: (q: (typeof p)[number]) => number) => {
    if (velocity <= p[0].velocity) return f(p[0]);
    for (let i = 1; i < p.length; i++) {
      if (velocity <= p[i].velocity) return f(p[i - 1]) + ((f(p[i]) - f(p[i - 1])) * (velocity - p[i - 1].velocity)) / (p[i].velocity - p[i - 1].velocity);
    }
    return f(p[p.length - 1]);
  };
  return { forwardUs: at((q) => q.forwardUs), pauseUs: at((q) => q.pauseUs), backUs: at((q) => q.backUs) };
}
