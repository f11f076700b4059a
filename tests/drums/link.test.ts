import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DrumNackError } from '../../src/main/drums/link/drum-nack';
import { BACKOFF_MAX_MS, DrumLink, HEARTBEAT_MS, SYNC_BURST, type LinkState } from '../../src/main/drums/link/link';
import type { BoardEvent, BootInfo } from '../../src/main/drums/protocol/messages';
import { SeededRandom } from '../../src/main/reservoir/reservoir-build';
import { DEFAULT_TABLE, described, FakeBoard, MemoryLine } from './link-fake-board';

// Fake timers drive everything: the line's delays, the link's timers, and both clocks (the host's
// is Date.now() in µs, the board's is that plus an offset), so timings are exact and nothing flakes.

const hostNow = () => Date.now() * 1000;

function rig(o: { resetOnOpenMs?: number | null; protocol?: number; boardOffsetUs?: number } = {}) {
  const offset = o.boardOffsetUs ?? 5_000_000;
  const board = new FakeBoard({ protocol: o.protocol, micros: () => hostNow() + offset });
  const line = new MemoryLine(board);
  line.resetOnOpenMs = o.resetOnOpenMs === undefined ? 800 : o.resetOnOpenMs;
  const link = new DrumLink(line, { now: hostNow });
  const states: LinkState[] = [];
  const events: BoardEvent[] = [];
  const boots: BootInfo[] = [];
  link.on('state', (s) => states.push(s));
  link.on('event', (e) => events.push(e));
  link.on('boot', (b) => boots.push(b));
  const summary = () =>
    states.map((s) =>
      s.state === 'disconnected' ? `disconnected ${s.error.code} retry ${s.retryInMs}` : s.state === 'connecting' ? `connecting ${s.attempt}` : 'connected',
    );
  return { board, line, link, states, events, boots, summary };
}

const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

/** Lets the fake time run, 1 ms at a time, until `promise` settles; its value or rejection. */
async function run<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) await advance(1);
  return promise;
}
/** The rejection of `promise`, as `code: message`. */
const failure = async (promise: Promise<unknown>): Promise<string> =>
  run(promise).then(
    () => 'no error',
    (e: unknown) => described(e),
  );

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('DrumLink handshake', () => {
  it('waits for BOOT, then HELLO, then a TIME_SYNC burst; connected with the board info and reset cause', async () => {
    const { board, link, states } = rig({ resetOnOpenMs: 800 });
    link.start();
    await advance(700);
    expect(board.received).toEqual([]); // nothing sent before BOOT (but the flushing zero)
    expect(link.state).toBe('connecting');
    await advance(400);
    expect(board.received.map((r) => r.message.type).slice(0, 1 + SYNC_BURST)).toEqual(['hello', ...Array(SYNC_BURST).fill('time_sync')]);
    expect(board.received[0].micros - 5_000_000).toBe(802_000); // BOOT sent at 800 ms, 1 ms each way
    expect(link.state).toBe('connected');
    const connected = states.at(-1);
    expect(connected).toMatchObject({ state: 'connected', resetCauses: ['external'], board: { protocol: 1, drums: 4, maxPhaseMs: 60, queueSize: 16 } });
    expect(link.clock?.samples).toBe(SYNC_BURST);
    await run(link.stop());
  });

  it('without BOOT (the board was running) sends HELLO after 3 s anyway', async () => {
    const { board, link, states } = rig({ resetOnOpenMs: null });
    link.start();
    await advance(2999);
    expect(board.count('hello')).toBe(0);
    await advance(100);
    expect(board.received[0]).toEqual({ micros: 5_000_000 + 3_001_000, message: { type: 'hello', version: 1 } });
    expect(states.at(-1)).toMatchObject({ state: 'connected', resetCauses: null });
    await run(link.stop());
  });

  it('refuses a board of another protocol version, from BOOT, HELLO_REPLY or a NACK of HELLO, and does not retry', async () => {
    for (const how of ['boot', 'reply', 'nack'] as const) {
      const { board, line, link, states, summary } = rig({ resetOnOpenMs: how === 'boot' ? 100 : null, protocol: 2 });
      // A board that answers any HELLO with its own version; one that refuses HELLO 1 without saying its version.
      if (how === 'reply') board.helloAccepts = () => true;
      if (how === 'nack') board.protocol = 1;
      if (how === 'nack') board.refuse.hello = 'version';
      link.start();
      await advance(4000);
      const last = states.at(-1);
      expect(last?.state).toBe('disconnected');
      if (last?.state !== 'disconnected') return;
      expect(last.retryInMs).toBeNull();
      expect(described(last.error)).toBe(
        `drum_version: the drum board speaks protocol ${how === 'nack' ? 'a version other than 1' : 'version 2'}, this Axon Stage speaks version 1: flash the firmware that comes with this Axon Stage`,
      );
      if (how === 'boot') expect(board.count('hello')).toBe(0);
      await advance(20_000);
      expect(line.opens).toBe(1);
      expect(summary()).toEqual(['connecting 1', 'disconnected drum_version retry null']);
    }
  });
});

describe('DrumLink requests', () => {
  async function connected(o: Parameters<typeof rig>[0] = {}) {
    const r = rig({ resetOnOpenMs: 100, ...o });
    r.link.start();
    await advance(500);
    expect(r.link.state).toBe('connected');
    return r;
  }

  it('every request gets its typed answer', async () => {
    const { board, link, events } = await connected();
    await run(link.strike(1, 100));
    const table = { ...DEFAULT_TABLE, minIntervalMs: 120 };
    await run(link.setTable(2, table));
    expect(await run(link.getTable(2))).toEqual(table);
    await run(link.strikeAt(0, 64, link.toDeviceTime(link.now() + 50_000)));
    await run(link.saveTables());
    await run(link.allStop());
    await run(link.defaultTables());
    expect(await run(link.status())).toMatchObject({ uptimeMs: 1234, linkOk: true, drums: [{ state: 'idle' }, {}, {}, {}] });
    expect((await run(link.timeSync())).samples).toBe(SYNC_BURST);
    expect(events).toEqual([{ type: 'event', kind: 'struck', drum: 1, deviceTime: expect.any(Number), arg: 100 }]);
    expect(board.tables[2]).toEqual(table);
    await run(link.stop());
  });

  it('a NACK becomes a DrumNackError naming the protocol error', async () => {
    const { link } = await connected();
    const err = await run(link.strike(0, 0)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DrumNackError);
    expect((err as DrumNackError).protocolError).toBe('velocity');
    expect(described(err)).toBe('drum_nack: the drum board refused STRIKE: velocity (velocity outside 1..127)');
    const late = await run(link.strikeAt(0, 10, link.toDeviceTime(link.now() - 5000))).catch((e: unknown) => e);
    expect((late as DrumNackError).protocolError).toBe('late');
    expect(link.counters.nacks).toBe(2);
    await run(link.stop());
  });

  it('bad arguments are refused before anything is sent', async () => {
    const { board, link } = await connected();
    const before = board.received.length;
    const badTable = { ...DEFAULT_TABLE, points: DEFAULT_TABLE.points.map((p, i) => (i === 3 ? { ...p, backUs: 61_000 } : p)) };
    expect(await failure(link.setTable(0, badTable))).toBe(
      "drum_table: invalid strike table: points[3].backUs must be an integer 0..60000 (the board's max phase is 60 ms), got 61000",
    );
    expect(await failure(link.strike(256, 1))).toBe('drum_field: strike.drum must be an integer 0..255, got 256');
    await advance(1);
    expect(board.received.slice(before).filter((r) => r.message.type !== 'heartbeat')).toEqual([]);
    await run(link.stop());
  });

  it('an unanswered request times out after 300 ms; its late answer is counted, not taken for another', async () => {
    const { board, link } = await connected();
    board.replyDelayMs.strike = 500;
    const started = Date.now();
    const err = await Promise.all([link.strike(0, 10).catch((e: unknown) => e), advance(300)]).then(([e]) => e);
    expect(described(err)).toBe('drum_timeout: the drum board did not answer STRIKE within 300 ms');
    expect(Date.now() - started).toBe(300);
    await advance(300);
    expect(link.counters).toMatchObject({ timeouts: 1, unmatched: 1 });
    expect(board.count('strike')).toBe(1);
    expect(link.state).toBe('connected');
    delete board.replyDelayMs.strike;
    await run(link.strike(0, 10));
    await run(link.stop());
  });

  it('a repeatable request is asked again when unanswered: lost frames cost 300 ms each, not an error', async () => {
    const { board, link } = await connected();
    const table = { ...DEFAULT_TABLE, points: DEFAULT_TABLE.points.map((p) => ({ ...p, forwardUs: p.forwardUs + 1000 })) };
    board.lose.set_table = 1;
    let started = Date.now();
    await run(link.setTable(2, table));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(board.tables[2]).toEqual(table);
    board.lose.get_table = 2;
    started = Date.now();
    expect(await run(link.getTable(2))).toEqual(table);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(Date.now() - started).toBeLessThan(700);
    expect(link.counters.timeouts).toBe(3);
  });

  it('a read that stays unanswered fails after 3 tries, saying so; the link stays up', async () => {
    const { board, link } = await connected();
    board.replyDelayMs.get_status = 500;
    const started = Date.now();
    expect(await failure(link.status())).toBe('drum_timeout: the drum board did not answer GET_STATUS within 300 ms, asked 3 times');
    expect(Date.now() - started).toBe(900);
    expect(board.count('get_status')).toBe(3);
    await advance(300);
    expect(link.counters).toMatchObject({ timeouts: 3, unmatched: 3 });
    expect(link.state).toBe('connected');
    await run(link.stop());
  });

  it('requests need a connection', async () => {
    const { link } = rig();
    expect(await failure(link.strike(0, 1))).toBe('drum_not_connected: the drum board is not connected (idle)');
    expect(() => link.toDeviceTime(0)).toThrow("the drum board's clock is not synchronised yet");
  });

  it('stop() sends ALL_STOP, closes, and stays down', async () => {
    const { board, line, link, summary } = await connected();
    await Promise.all([link.stop(), advance(10)]);
    expect(board.received.at(-1)?.message.type).toBe('all_stop');
    await advance(10_000);
    expect(line.opens).toBe(1);
    expect(summary()).toEqual(['connecting 1', 'connected', 'disconnected drum_stopped retry null']);
    expect(await failure(link.strike(0, 1))).toBe('drum_not_connected: the drum board is not connected (disconnected)');
  });
});

describe('DrumLink liveness', () => {
  it(`sends a HEARTBEAT every ${HEARTBEAT_MS} ms`, async () => {
    const { board, link } = rig({ resetOnOpenMs: 100 });
    link.start();
    await advance(3000);
    const beats = board.received.filter((r) => r.message.type === 'heartbeat').map((r) => r.micros);
    expect(beats.length).toBeGreaterThanOrEqual(18);
    for (let i = 1; i < beats.length; i++) expect(beats[i] - beats[i - 1]).toBe(HEARTBEAT_MS * 1000);
    expect(link.counters.heartbeatsMissed).toBe(0);
    await run(link.stop());
  });

  it('three missed heartbeat ACKs: disconnected, and reconnects when the board answers again', async () => {
    const { board, line, link, summary } = rig({ resetOnOpenMs: 100 });
    link.start();
    await advance(1000);
    board.silent = true;
    const silentAt = Date.now();
    while (link.state === 'connected') await advance(10);
    // The last heartbeat before silence was answered; the next three time out 300 ms after each was sent.
    expect(Date.now() - silentAt).toBeGreaterThanOrEqual(2 * HEARTBEAT_MS + 300);
    expect(Date.now() - silentAt).toBeLessThanOrEqual(3 * HEARTBEAT_MS + 300 + 10);
    expect(link.counters.heartbeatsMissed).toBe(3);
    board.silent = false;
    await advance(2000);
    expect(summary()).toEqual(['connecting 1', 'connected', 'disconnected drum_no_answer retry 250', 'connecting 2', 'connected']);
    expect(line.opens).toBe(2);
    await run(link.stop());
  });

  it('reconnects with backoff (0.25 s doubling to 4 s) while the port is gone, and the backoff restarts after a success', async () => {
    const { line, link, states, summary } = rig({ resetOnOpenMs: 100 });
    link.start();
    await advance(1000);
    line.unplug();
    await advance(250 + 500 + 1000 + 2000 + 4000 + 4000 + 100);
    line.plugged = true;
    await advance(4000 + 1000);
    expect(link.state).toBe('connected');
    line.unplug();
    await advance(1);
    expect(summary()).toEqual([
      'connecting 1',
      'connected',
      'disconnected drum_port_closed retry 250',
      'connecting 2',
      'disconnected drum_port_open retry 500',
      'connecting 3',
      'disconnected drum_port_open retry 1000',
      'connecting 4',
      'disconnected drum_port_open retry 2000',
      'connecting 5',
      'disconnected drum_port_open retry 4000',
      'connecting 6',
      'disconnected drum_port_open retry 4000',
      'connecting 7',
      'disconnected drum_port_open retry 4000',
      'connecting 8',
      'connected',
      'disconnected drum_port_closed retry 250',
    ]);
    expect(BACKOFF_MAX_MS).toBe(4000);
    const reconnecting = states.find((s) => s.state === 'connecting' && s.attempt === 2);
    expect(reconnecting?.state === 'connecting' && described(reconnecting.reason)).toBe('drum_port_closed: the serial port memory closed: unplugged');
    expect(link.counters).toMatchObject({ connects: 2, disconnects: 2 });
    await run(link.stop());
  });

  it('a board reset mid-session (unexpected BOOT) fails what was in flight and re-handshakes', async () => {
    const { board, link, boots, summary, states } = rig({ resetOnOpenMs: 100 });
    link.start();
    await advance(1000);
    board.replyDelayMs.get_status = 50;
    const inFlight = link.status().catch((e: unknown) => e);
    await advance(5);
    board.boot(0b1000); // watchdog
    await advance(100);
    expect(described(await inFlight)).toBe('drum_board_reset: the drum board reset (watchdog); requests in flight are lost');
    expect(boots.map((b) => b.resetCause)).toEqual([0b0010, 0b1000]);
    expect(summary()).toEqual(['connecting 1', 'connected', 'connecting 1', 'connected']);
    expect(states.at(-1)).toMatchObject({ state: 'connected', resetCauses: ['watchdog'] });
    expect(board.count('hello')).toBe(2);
    expect(link.counters.boots).toBe(2);
    await run(link.stop());
  });

  it('garbage between frames is counted and does not disturb the link', async () => {
    const { line, link } = rig({ resetOnOpenMs: 100 });
    link.start();
    await advance(1000);
    const rng = new SeededRandom(5, 1);
    for (let i = 0; i < 50; i++) {
      line.noise(Uint8Array.from({ length: 1 + Math.floor(rng.uniform() * 90) }, () => Math.floor(rng.uniform() * 256)));
      line.noise(Uint8Array.of(0)); // garbage always ends at a delimiter here, so no real frame is hit
      await run(link.strike(i % 4, 1 + i));
    }
    const c = link.counters;
    expect(c.cobs + c.overflow + c.short + c.crc).toBeGreaterThanOrEqual(40);
    expect(c).toMatchObject({ timeouts: 0, unmatched: 0, heartbeatsMissed: 0, disconnects: 0 });
    expect(link.state).toBe('connected');
    await run(link.stop());
  });
});

describe('DrumLink clock', () => {
  it('offset within a fraction of a millisecond despite lopsided jitter (the short round trips win)', async () => {
    const offset = 987_654_321.4;
    const { line, link } = rig({ resetOnOpenMs: 100, boardOffsetUs: offset });
    const rng = new SeededRandom(9, 2);
    // Host to board: 1 ms plus a long tail (mean 3 ms more: a busy USB stack); board to host: 1-2 ms.
    line.toBoardDelayMs = () => 1 + Math.floor(-Math.log(1 - rng.uniform()) * 3);
    line.toHostDelayMs = () => 1 + Math.floor(rng.uniform() * 2);
    link.start();
    await advance(60_000);
    const clock = link.clock;
    if (!clock) throw new Error('no clock');
    const error = clock.offsetUs - offset;
    expect(Math.abs(error)).toBeLessThanOrEqual(clock.uncertaintyUs + 1);
    expect(Math.abs(error)).toBeLessThan(1000);
    // The board time a strike would be scheduled at, against the board's own clock.
    const hostUs = link.now() + 20_000;
    const truth = (hostUs + offset) % 2 ** 32;
    expect(Math.abs(link.toDeviceTime(hostUs) - truth)).toBeLessThan(1000);
    // Half the average round trip is what a naive midpoint would be off by: much worse.
    console.log(`[clock] offset error ${error.toFixed(0)} µs, uncertainty ${clock.uncertaintyUs} µs, last rtt ${clock.rttUs} µs`);
    await run(link.stop());
  });

  it("unwraps the board's micros() across 2^32", async () => {
    const offset = 2 ** 32 - 4_000_000; // the board's clock wraps 4 s after the host's zero
    const { board, link } = rig({ resetOnOpenMs: 100, boardOffsetUs: offset });
    link.start();
    await advance(1000);
    const before = link.clock?.offsetUs ?? NaN;
    await advance(9000); // four periodic syncs after the wrap
    const after = link.clock?.offsetUs ?? NaN;
    expect(Math.abs(after - before)).toBeLessThan(1000); // continuous, not 2^32 off
    const now = link.now();
    expect(Math.abs(link.toDeviceTime(now) - ((now + offset) % 2 ** 32))).toBeLessThan(1000);
    // A board time just after the wrap, and one just before it, map back to host time.
    expect(link.toHostTime(1_000_000) / 1000).toBeCloseTo(5000, 0);
    expect(link.toHostTime(2 ** 32 - 1_000_000) / 1000).toBeCloseTo(3000, 0);
    // A strike scheduled across the wrap is on time for the board.
    await run(link.strikeAt(0, 50, link.toDeviceTime(link.now() + 100_000)));
    expect(board.received.at(-1)?.message.type).toBe('strike_at');
    await run(link.stop());
  });
});
