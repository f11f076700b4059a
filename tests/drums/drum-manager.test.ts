import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { DrumManager, type BoardLink } from '../../src/main/drums/drum-manager';
import type { LinkState } from '../../src/main/drums/link/link';
import { PROFILE_FORMAT, PROFILE_VERSION, type DrumProfile } from '../../src/main/drums/profile';
import type { BoardEvent, BoardInfo } from '../../src/main/drums/protocol/messages';
import type { StrikeTable } from '../../src/main/drums/protocol/table';
import { axonError } from '../../src/shared/errors';
import type { LoggedEvent } from '../../src/shared/events';

// The drum manager's routing and timing, with a stand-in link whose clock we set: the board's
// clock runs 1 000 000 us ahead of the host's.

const OFFSET = 1_000_000;
const board: BoardInfo = { protocol: 1, firmware: { major: 1, minor: 0, patch: 0 }, shield: 1, drums: 4, velocityPoints: 4, queueSize: 16, maxPhaseMs: 60, dutyWindowMs: 10000, dutyBudgetMs: 3000 };

class FakeLink extends EventEmitter<{ state: [LinkState]; event: [BoardEvent] }> {
  host = 5_000_000;
  readonly sent: { kind: string; drum: number; velocity?: number; deviceTime?: number }[] = [];
  started = false;
  stopped = false;
  readonly now = () => this.host;
  start(): void {
    this.started = true;
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
  async strike(drum: number, velocity: number): Promise<void> {
    this.sent.push({ kind: 'strike', drum, velocity });
  }
  async strikeAt(drum: number, velocity: number, deviceTime: number): Promise<void> {
    this.sent.push({ kind: 'strikeAt', drum, velocity, deviceTime });
  }
  toDeviceTime(hostUs: number): number {
    return (hostUs + OFFSET) >>> 0;
  }
  async setTable(drum: number): Promise<void> {
    this.sent.push({ kind: 'setTable', drum });
  }
  /** HELLO_REPLY's board info once connected (DrumLink's getter). */
  get board(): BoardInfo {
    return board;
  }
}

const table: StrikeTable = {
  minIntervalMs: 80,
  points: [1, 40, 90, 127].map((velocity, i) => ({ velocity, forwardUs: 15000 + 5000 * i, pauseUs: 6000, backUs: 22000, forwardPwm: 200, backPwm: 200 })),
};
const profile: DrumProfile = {
  format: PROFILE_FORMAT,
  version: PROFILE_VERSION,
  name: 'test',
  drums: [
    { drum: 0, table, latency: [{ velocity: 1, ms: 30 }, { velocity: 127, ms: 20 }] },
    { drum: 1, table },
  ],
  notes: { '60': 1 },
};

function setup() {
  const events: LoggedEvent[] = [];
  const link = new FakeLink();
  const manager = new DrumManager({ send: (e) => events.push(e) }, { openLink: () => link as unknown as BoardLink });
  manager.setProfile(profile);
  return { events, link, manager };
}

describe('drum manager', () => {
  it('without a board every hit sounds on the virtual kit', () => {
    const { events, manager } = setup();
    manager.hit(2, 100);
    manager.noteOn(38, 90);
    manager.noteOn(61, 90); // no drum for this note
    expect(events).toEqual([
      { type: 'drum', drum: 2, velocity: 100 },
      { type: 'drum', drum: 1, velocity: 90 },
    ]);
    expect(manager.state.mode).toBe('virtual');
  });

  it('connecting keeps the kit playing; once connected the board plays its drums and gets the profile tables', async () => {
    const { events, link, manager } = setup();
    manager.connect('/dev/ttyACM0');
    expect(link.started).toBe(true);
    expect(manager.state).toMatchObject({ mode: 'connecting', port: '/dev/ttyACM0' });
    link.emit('state', { state: 'connected', board, resetCauses: ['power_on'] });
    expect(manager.state).toMatchObject({ mode: 'board', board: { firmware: '1.0.0', shield: board.shield, drums: board.drums } });
    expect(events).toEqual([
      { type: 'virtualDrums', on: true },
      { type: 'virtualDrums', on: false },
    ]);
    await Promise.resolve();
    expect(link.sent.filter((s) => s.kind === 'setTable').map((s) => s.drum)).toEqual([0, 1]);
  });

  it('a board hit is sent ahead by its velocity-dependent latency, in board time', () => {
    const { link, manager } = setup();
    manager.connect('p');
    link.emit('state', { state: 'connected', board, resetCauses: null });
    link.sent.length = 0;
    const at = link.host + 100_000;
    manager.hit(0, 127, at);
    manager.hit(0, 1, at);
    // Drum 1 has no measured latency: its table's forward time plus 2 ms.
    manager.hit(1, 40, at);
    expect(link.sent).toEqual([
      { kind: 'strikeAt', drum: 0, velocity: 127, deviceTime: at - 20_000 + OFFSET },
      { kind: 'strikeAt', drum: 0, velocity: 1, deviceTime: at - 30_000 + OFFSET },
      { kind: 'strikeAt', drum: 1, velocity: 40, deviceTime: at - 22_000 + OFFSET },
    ]);
    expect(manager.state.late).toBe(0);
  });

  it("tells the event log of the board's strikes the engine did not make, when they are to sound", () => {
    const { link, manager } = setup();
    manager.connect('p');
    link.emit('state', { state: 'connected', board, resetCauses: null });
    const strikes: unknown[] = [];
    manager.on('strike', (s) => strikes.push(s));
    const at = link.host + 100_000;
    manager.hit(0, 127, at);
    manager.hit(0, 90, at, 'engine');
    expect(strikes).toEqual([{ drum: 0, velocity: 127, atUs: at }]);
  });

  it('a hit asked for too soon goes out at once and is counted late; drums the board lacks use the kit', () => {
    const { events, link, manager } = setup();
    manager.connect('p');
    link.emit('state', { state: 'connected', board, resetCauses: null });
    link.sent.length = 0;
    events.length = 0;
    manager.hit(0, 127, link.host + 5000);
    expect(link.sent).toEqual([{ kind: 'strikeAt', drum: 0, velocity: 127, deviceTime: link.host + 3000 + OFFSET }]);
    expect(manager.state.late).toBe(1);
    manager.hit(7, 80, link.host);
    expect(events).toEqual([{ type: 'drum', drum: 7, velocity: 80 }]);
  });

  it('notes played live wait for the slowest drum, so every drum lands together', () => {
    const { link, manager } = setup();
    manager.connect('p');
    link.emit('state', { state: 'connected', board, resetCauses: null });
    link.sent.length = 0;
    // Slowest: drum 1 at velocity 127, 30 ms forward + 2 ms; plus the 3 ms send margin.
    expect(manager.lookaheadMs()).toBe(35);
    manager.noteOn(60, 127); // the profile maps note 60 to drum 1
    manager.noteOn(36, 127); // General MIDI kick: drum 0
    const land = link.host + 35_000;
    expect(link.sent).toEqual([
      { kind: 'strikeAt', drum: 1, velocity: 127, deviceTime: land - 32_000 + OFFSET },
      { kind: 'strikeAt', drum: 0, velocity: 127, deviceTime: land - 20_000 + OFFSET },
    ]);
  });

  it('losing the board hands the drums back to the kit and says why', async () => {
    const { events, link, manager } = setup();
    manager.connect('p');
    link.emit('state', { state: 'connected', board, resetCauses: null });
    events.length = 0;
    link.emit('state', { state: 'disconnected', error: axonError('drum_port_closed', 'p', 'unplugged'), retryInMs: 250 });
    expect(manager.state).toMatchObject({ mode: 'connecting', board: null, lastError: { code: 'drum_port_closed' } });
    expect(events).toEqual([{ type: 'virtualDrums', on: true }]);
    manager.hit(0, 100);
    expect(events[1]).toEqual({ type: 'drum', drum: 0, velocity: 100 });
    await manager.disconnect();
    expect(link.stopped).toBe(true);
    expect(manager.state.mode).toBe('virtual');
  });

  it('test strikes go to the board now, or to the kit', async () => {
    const { events, link, manager } = setup();
    await manager.testStrike(0, 64);
    expect(events).toEqual([{ type: 'drum', drum: 0, velocity: 64 }]);
    manager.connect('p');
    link.emit('state', { state: 'connected', board, resetCauses: null });
    await manager.testStrike(0, 64);
    expect(link.sent.at(-1)).toEqual({ kind: 'strike', drum: 0, velocity: 64 });
  });

  it('without a board, a hit asked for later sounds on the kit at its time, not at once', async () => {
    const events: LoggedEvent[] = [];
    const manager = new DrumManager({ send: (e) => events.push(e) });
    manager.hit(3, 90, performance.now() * 1000 + 40_000);
    expect(events).toEqual([]);
    await new Promise((r) => setTimeout(r, 80));
    expect(events).toEqual([{ type: 'drum', drum: 3, velocity: 90 }]);
    manager.hit(4, 90, performance.now() * 1000 + 40_000);
    manager.cancelPending();
    await new Promise((r) => setTimeout(r, 80));
    expect(events).toHaveLength(1);
  });

  it('an edited table is checked against the board, loaded into it, plays unsaved, and keeps the latencies that still hold', async () => {
    const { link, manager } = setup();
    manager.connect('p');
    link.emit('state', { state: 'connected', board, resetCauses: null });
    link.sent.length = 0;
    const bad = structuredClone(table);
    bad.points[1].backUs = 61_000;
    await expect(manager.editTable(0, bad)).rejects.toMatchObject({ code: 'drum_table', details: ["points[1].backUs must be an integer 0..60000 (the board's max phase is 60 ms), got 61000"] });
    await expect(manager.editTable(4, table)).rejects.toMatchObject({ code: 'drum_not_on_board' });
    expect(link.sent).toEqual([]);
    expect(manager.isEdited(0)).toBe(false);

    // Velocity 1's push changes: its measured latency goes, velocity 127's stays.
    const edited = structuredClone(table);
    edited.points[0].forwardUs = 12_000;
    await manager.editTable(0, edited);
    expect(link.sent).toEqual([{ kind: 'setTable', drum: 0 }]);
    expect(manager.isEdited(0)).toBe(true);
    expect(manager.drumEntry(0)).toEqual({ drum: 0, table: edited, latency: [{ velocity: 127, ms: 20 }] });
    // A calibration gives its own latencies.
    await manager.editTable(0, edited, [{ velocity: 1, ms: 25 }]);
    expect(manager.drumEntry(0)?.latency).toEqual([{ velocity: 1, ms: 25 }]);
    // Choosing the profile again drops the edits.
    manager.setProfile(profile);
    expect(manager.isEdited(0)).toBe(false);
    expect(manager.drumEntry(0)?.table).toEqual(table);
  });

  it('a drum being calibrated is left alone: its hits go to the kit, test strikes and edits are refused', async () => {
    const { events, link, manager } = setup();
    manager.connect('p');
    link.emit('state', { state: 'connected', board, resetCauses: null });
    link.sent.length = 0;
    events.length = 0;
    manager.reserve(1);
    manager.hit(1, 100);
    manager.hit(0, 100);
    expect(events).toEqual([{ type: 'drum', drum: 1, velocity: 100 }]);
    expect(link.sent.map((s) => s.drum)).toEqual([0]);
    await expect(manager.testStrike(1, 100)).rejects.toMatchObject({ code: 'drum_calibration_busy' });
    await expect(manager.editTable(1, table)).rejects.toMatchObject({ code: 'drum_calibration_busy' });
    manager.reserve(null);
    await manager.testStrike(1, 100);
    expect(link.sent.at(-1)).toEqual({ kind: 'strike', drum: 1, velocity: 100 });
  });

  it("counts each drum's strikes and refusals from the board's events, from each connection on", () => {
    const { link, manager } = setup();
    manager.connect('p');
    link.emit('state', { state: 'connected', board, resetCauses: null });
    const ev = (kind: 'struck' | 'refused' | 'saved', drum: number | null) => link.emit('event', { kind, drum, deviceTime: 0, arg: 0 });
    ev('struck', 2);
    ev('struck', 2);
    ev('refused', 2);
    ev('saved', null);
    ev('struck', 9);
    expect(manager.strikeCounts[2]).toEqual({ drum: 2, struck: 2, refused: 1 });
    expect(manager.strikeCounts).toHaveLength(4);
    link.emit('state', { state: 'connected', board, resetCauses: null });
    expect(manager.strikeCounts[2]).toEqual({ drum: 2, struck: 0, refused: 0 });
  });
});
