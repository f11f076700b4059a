import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/main/reservoir/reservoir-build';
import { phaseErrors, scheduledErrors, simultaneousSpreads, watchdogRelease } from '../../src/main/drums/bench/drum-bench';
import { expectedPhases, SimRig, sleep } from '../../src/main/drums/bench/sim-rig';
import { DrumManager } from '../../src/main/drums/drum-manager';
import { firmwareImage } from '../../src/main/drums/firmware/firmware-image';
import { DrumLink, type LinkState } from '../../src/main/drums/link/link';
import { SerialTransport } from '../../src/main/drums/link/serial-transport';
import { readProfile, type DrumProfile } from '../../src/main/drums/profile';
import { saveCalibration } from '../../src/main/drums/calibration/save';
import { useTempDataDir } from '../support/data-dir';
import { until } from '../support/until';
import { AvrBoard } from '../../src/main/drums/simulator/avr-board';
import type { LoggedEvent } from '../../src/shared/events';

// The compiled firmware (build/firmware/axon_drums.hex) in the simulated Uno, behind a pty, driven
// by the real host driver. Pin timings are in simulated time, so a busy test machine slows these
// tests but does not change what they measure.

useTempDataDir('board-sim');
let hex: string;

beforeAll(() => {
  hex = firmwareImage('axon_drums');
}, 300_000);

describe('the drum firmware on a simulated board, through the host driver', () => {
  let rig: SimRig;

  beforeAll(async () => {
    rig = await SimRig.start(hex);
  }, 30_000);
  afterAll(() => rig?.stop());

  it('plays every phase of a strike for its table time (pins, simulated µs), at the table PWM', async () => {
    const errors = await phaseErrors(rig, 3);
    expect(errors).toHaveLength(3 * 4 * 3);
    expect(Math.max(...errors.map(Math.abs))).toBeLessThanOrEqual(50);
    const tables = await rig.tables();
    const last = rig.strikes(0).at(-1)!;
    const velocity = rig.struck.filter((s) => s.drum === 0).at(-1)!.velocity;
    const p = tables[0].points;
    const i = p.findIndex((q) => q.velocity >= velocity);
    // Between two points the PWM lies between theirs.
    const [lo, hi] = i <= 0 ? [p[0], p[0]] : [p[i - 1], p[i]];
    expect(last.forwardPwm).toBeGreaterThanOrEqual(Math.min(lo.forwardPwm, hi.forwardPwm));
    expect(last.forwardPwm).toBeLessThanOrEqual(Math.max(lo.forwardPwm, hi.forwardPwm));
  }, 20_000);

  it('starts four strikes scheduled together within a millisecond of each other', async () => {
    const spreads = await simultaneousSpreads(rig, 3);
    expect(Math.max(...spreads)).toBeLessThanOrEqual(1000);
  }, 20_000);

  it('fires scheduled strikes on time whatever the host jitter before sending', async () => {
    const errors = await scheduledErrors(rig, 12);
    expect(Math.max(...errors.map(Math.abs))).toBeLessThanOrEqual(200);
  }, 20_000);

  it('drops garbage, truncated and corrupted frames without moving a motor, and stays connected', async () => {
    await sleep(200);
    const before = await rig.link.status();
    const strikesBefore = [0, 1, 2, 3].map((d) => rig.board.strikes(d + 1).length);
    // Line noise: 200 bursts of 1-20 random non-zero bytes, each ended by a zero, then a STRIKE
    // frame cut short.
    const rng = new SeededRandom(9, 0);
    const bursts = 200;
    const noise: number[] = [];
    for (let b = 0; b < bursts; b++) {
      const n = 1 + Math.floor(rng.uniform() * 20);
      for (let i = 0; i < n; i++) noise.push(1 + Math.floor(rng.uniform() * 255));
      noise.push(0);
    }
    rig.board.writeSerial([...noise, 0x05, 0x06, 0x01, 0]);
    await sleep(600);
    const after = await rig.link.status();
    const dropped = (c: typeof before.counters) => c.cobs + c.crc + c.short + c.overflow;
    expect(dropped(after.counters) - dropped(before.counters)).toBe(bursts + 1);
    expect([0, 1, 2, 3].map((d) => rig.board.strikes(d + 1).length)).toEqual(strikesBefore);
    expect(rig.board.anyMotorDriven()).toBe(false);
    expect(rig.link.state).toBe('connected');
    // And it still plays.
    await rig.link.strike(1, 64);
    await sleep(150);
    expect(rig.board.strikes(2).length).toBe(strikesBefore[1] + 1);
  }, 20_000);

  it('saves a calibration to the profile file and the EEPROM, which keeps it across a reset', async () => {
    const table = await rig.link.getTable(3);
    const calibration = {
      table: { ...table, points: table.points.map((p) => ({ ...p, forwardUs: p.forwardUs + 1234 })) },
      latency: table.points.map((p) => ({ velocity: p.velocity, ms: 20 })),
    };
    const profile: DrumProfile = { format: 'axon-drum-profile', version: 1, name: 'stage-left', drums: [] };
    const saved = await saveCalibration(rig.link, profile, 3, calibration);
    expect(readProfile('stage-left')).toEqual(saved);
    expect(saved.drums).toEqual([{ drum: 3, table: calibration.table, latency: calibration.latency }]);
    rig.board.reset('external');
    await sleep(100);
    await rig.connected();
    expect(await rig.link.getTable(3)).toEqual(calibration.table);
    expect((await rig.link.status()).tablesFromDefaults).toBe(false);
    await rig.link.defaultTables();
  }, 20_000);

  it('releases the motors when the board resets mid-strike; the driver re-handshakes and plays on', async () => {
    const states: LinkState['state'][] = [];
    const onState = (s: LinkState) => states.push(s.state);
    rig.link.on('state', onState);
    const boots = rig.link.counters.boots;
    const motor = 1;
    const before = rig.board.strikes(motor).length;
    await rig.link.strike(0, 127);
    // Acknowledged once started; its forward phase runs 35 ms. Reset at once, mid-event.
    expect(rig.board.anyMotorDriven()).toBe(true);
    rig.board.reset('external');
    const resetAt = rig.board.nowMicros();
    await sleep(30);
    expect(rig.board.anyMotorDriven()).toBe(false);
    // The cut strike: its forward phase ended at the reset, not after 35 ms.
    const timeline = rig.board.motorTimeline(motor);
    const release = timeline.find((c) => c.us >= resetAt - 1000 && c.direction === 'release');
    expect(release).toBeDefined();
    // Its BOOT, though the reset cut the STRUCK event it was sending (it starts with a lone delimiter).
    await until('the driver to see the board boot', () => rig.link.counters.boots === boots + 1);
    await rig.connected();
    rig.link.off('state', onState);
    expect(states).toContain('connecting');
    expect(states.at(-1)).toBe('connected');
    expect(rig.link.counters.boots).toBe(boots + 1);
    await rig.link.strike(0, 80);
    await sleep(150);
    expect(rig.strikes(0).length).toBeGreaterThanOrEqual(before + 1);
    const last = rig.strikes(0).at(-1)!;
    const tables = await rig.tables();
    expect(Math.abs(last.forwardUs - expectedPhases(tables[0], 80).forwardUs)).toBeLessThanOrEqual(50);
  }, 20_000);
});

describe('the link watchdog on a simulated board', () => {
  it('releases every motor within 600 ms of the last frame when the host goes silent mid-strike', async () => {
    const rig = await SimRig.start(hex);
    try {
      const { releaseMs, motorsReleased } = await watchdogRelease(rig);
      expect(releaseMs).toBeGreaterThanOrEqual(500);
      expect(releaseMs).toBeLessThanOrEqual(600);
      expect(motorsReleased).toBe(true);
      // The strike sent just before the silence really was driving when the watchdog fired.
      const forward = rig.board.motorTimeline(1).filter((c) => c.direction === 'forward');
      expect(forward.length).toBeGreaterThan(0);
    } finally {
      await rig.stop();
    }
  }, 30_000);
});

describe('the drum manager with the firmware', () => {
  it('schedules each hit ahead by its latency, so the impact (start + latency) lands on the time asked for', async () => {
    const board = AvrBoard.fromHexFile(hex);
    const path = await board.attachPty();
    board.start();
    const sent: LoggedEvent[] = [];
    let link: DrumLink | null = null;
    const manager = new DrumManager(
      { send: (e) => sent.push(e) },
      {
        openLink: (p) => {
          link = new DrumLink(new SerialTransport(p), { bootWaitMs: 200 });
          return link;
        },
      },
    );
    const profile: DrumProfile = {
      format: 'axon-drum-profile',
      version: 1,
      name: 'sim',
      drums: [{ drum: 2, latency: [{ velocity: 1, ms: 30 }, { velocity: 127, ms: 12 }] }],
    };
    manager.setProfile(profile);
    try {
      const connected = new Promise<void>((resolve) => manager.on('state', (s) => s.mode === 'board' && resolve()));
      manager.connect(path);
      await connected;
      expect(sent.at(-1)).toEqual({ type: 'virtualDrums', on: false });
      const l = link as unknown as DrumLink;
      const struck: number[] = [];
      l.on('event', (e) => e.kind === 'struck' && e.drum === 2 && struck.push(e.deviceTime));
      const targets: { at: number; velocity: number }[] = [];
      for (const velocity of [1, 127]) {
        const at = l.now() + 80_000;
        targets.push({ at, velocity });
        manager.hit(2, velocity, at);
        await sleep(200);
      }
      expect(struck).toHaveLength(2);
      targets.forEach((t, i) => {
        const impact = l.toHostTime(struck[i]) + (t.velocity === 1 ? 30_000 : 12_000);
        // The clock offset through a pty is known to about its round trip; allow for that.
        expect(Math.abs(impact - t.at)).toBeLessThan(2000);
      });
      // Drums the board does not have sound on the kit.
      manager.hit(9, 100);
      expect(sent.at(-1)).toEqual({ type: 'drum', drum: 9, velocity: 100 });
      expect(manager.state.late).toBe(0);
    } finally {
      await manager.disconnect();
      await board.stop();
    }
  }, 30_000);
});
