/**
 * DrumLink: the host end of the serial link to the drum board (firmware/PROTOCOL.md, version 1).
 *
 * Main thread only. serialport's callbacks and the link's timers run there and the link keeps
 * no locks, so call it from the main thread (the drum manager), never from a worker.
 *
 * Who calls what:
 *   const link = new DrumLink(new SerialTransport(path));   // or any ByteTransport
 *   link.on('state', s => ...);   // 'connecting' | 'connected' (board info) | 'disconnected' (error, retry)
 *   link.start();                 // connects, and reconnects with backoff until stop() (at once
 *                                 // when a vanished port comes back: transport.watchReturn)
 *   await link.strike(drum, velocity);
 *   await link.strikeAt(drum, velocity, link.toDeviceTime(link.now() + 50_000));
 *   await link.stop();            // ALL_STOP if connected, then closes the port
 *
 * Requests (strike, strikeAt, setTable, getTable, saveTables, allStop, status, defaultTables,
 * timeSync) work while `state` is 'connected' and resolve with the board's answer. They reject
 * with an AxonError: `drum_nack` (a DrumNackError; `.protocolError` names the error, e.g. 'late'),
 * `drum_timeout` (no answer in `requestTimeoutMs`; repeatable requests are asked REPEATABLE_TRIES
 * times first), `drum_not_connected`, `drum_busy` (256 requests in flight), `drum_field` /
 * `drum_table` (bad arguments; nothing sent), or the error the link went down with
 * (`drum_port_closed`, `drum_no_answer`, `drum_board_reset`, `drum_stopped`).
 *
 * Events:
 *   'state'    LinkState on every change. 'connected' comes after HELLO and a TIME_SYNC burst, so
 *              the clock is usable then; it carries HELLO_REPLY's board info and BOOT's reset
 *              causes (null when the board was already running). After every 'connected' the board
 *              holds the tables of its EEPROM and an empty strike queue: resend what it needs.
 *   'boot'     every BOOT frame (a reset noticed mid-session also re-handshakes: 'connecting').
 *   'event'    every EVENT frame (struck, refused, link_lost, ...); times are the board's: use
 *              toHostTime(event.deviceTime).
 *   'counters' LinkCounters every 2 s while connected, and on disconnect.
 *
 * Clock: `now()` is the host clock in microseconds (performance.now() unless injected);
 * toDeviceTime / toHostTime convert to and from the board's micros() (u32, wrapping every 71.6
 * minutes); `clock` says the offset, round trip and uncertainty.
 */
import { EventEmitter } from 'node:events';
import { AxonError, axonError } from '../../../shared/errors';
import type { Milliseconds } from '../../../shared/units';
import { MESSAGE_TYPES, PROTOCOL_VERSION, resetCauses, type MessageName, type ResetCauseName } from '../protocol/constants';
import { FrameDecoder, type FramingErrors } from '../protocol/frame-decoder';
import {
  decodeBoardMessage,
  encodeHostMessage,
  type BoardEvent,
  type BoardInfo,
  type BoardStatus,
  type BoardToHost,
  type BootInfo,
  type HostToBoard,
} from '../protocol/messages';
import { tableProblems, type StrikeTable } from '../protocol/table';
import { ClockSync, type ClockEstimate } from './clock-sync';
import { DrumNackError } from './drum-nack';
import type { ByteTransport } from './transport';

export const HEARTBEAT_MS = 150;
/** Consecutive heartbeats without an ACK that mean the board is gone. */
export const HEARTBEAT_MISSES = 3;
export const SYNC_INTERVAL_MS = 2000;
/** TIME_SYNC round trips right after HELLO. */
export const SYNC_BURST = 8;
export const BACKOFF_FIRST_MS = 250;
export const BACKOFF_MAX_MS = 4000;
/**
 * Requests that do the same when repeated (GET_TABLE, GET_STATUS, SET_TABLE, DEFAULT_TABLES) are
 * asked again when unanswered: a frame lost to line noise, or a board stalled for a moment, costs
 * a timeout instead of an error. Strikes are not: a late ACK may mean the drum was hit.
 */
export const REPEATABLE_TRIES = 3;

export interface DrumLinkOptions {
  /** Host clock, microseconds, monotonic (default: performance.now()). */
  now?: () => number;
  /** Per request (default 300 ms). */
  requestTimeoutMs?: Milliseconds;
  /** How long to wait for BOOT after opening before sending HELLO anyway (default 3000 ms). */
  bootWaitMs?: Milliseconds;
}

export type LinkState =
  | { state: 'connecting'; attempt: number; reason: AxonError | null }
  | { state: 'connected'; board: BoardInfo; resetCauses: ResetCauseName[] | null }
  | { state: 'disconnected'; error: AxonError; retryInMs: Milliseconds | null };

export interface LinkCounters extends FramingErrors {
  framesIn: number;
  framesOut: number;
  /** Intact frames with a payload length wrong for their type. */
  length: number;
  /** Intact frames of an unknown type (or one the board does not send). */
  type: number;
  /** Intact frames with a value outside its set (error code, event kind, drum state). */
  value: number;
  /** Answers no request was waiting for (e.g. after its timeout). */
  unmatched: number;
  timeouts: number;
  nacks: number;
  heartbeatsMissed: number;
  boots: number;
  /** Times the link reached 'connected', and times it fell from there. */
  connects: number;
  disconnects: number;
}

export interface DrumLinkEvents {
  state: [LinkState];
  boot: [BootInfo];
  event: [BoardEvent];
  counters: [LinkCounters];
}

type ReplyType = BoardToHost['type'];
type Reply<K extends ReplyType> = Extract<BoardToHost, { type: K }>;

interface Answer<R extends BoardToHost = BoardToHost> {
  reply: R;
  sentUs: number;
  receivedUs: number;
}

interface Pending {
  request: MessageName;
  expect: ReplyType;
  sentUs: number;
  timer: ReturnType<typeof setTimeout>;
  resolve(answer: Answer): void;
  reject(error: AxonError): void;
}

const label = (type: MessageName): string => type.toUpperCase();

export class DrumLink extends EventEmitter<DrumLinkEvents> {
  readonly now: () => number;
  private readonly requestTimeoutMs: Milliseconds;
  private readonly bootWaitMs: Milliseconds;

  private phase: 'idle' | LinkState['state'] = 'idle';
  private running = false;
  /** Bumps on every open and every disconnect: transport callbacks of an older open are ignored. */
  private session = 0;
  private sessionOpen = false;
  /** Bumps on every handshake and every disconnect: async steps of an older one stop. */
  private generation = 0;
  private failures = 0;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly decoder = new FrameDecoder();
  private clockSync = new ClockSync();
  private boardInfo: BoardInfo | null = null;
  private lastBoot: BootInfo | null = null;
  private bootWaiter: (() => void) | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private syncTimer: ReturnType<typeof setInterval> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Stops the transport's watch for a vanished port coming back, while a retry waits. */
  private stopWatching: (() => void) | null = null;
  private missedHeartbeats = 0;
  private readonly counts: Omit<LinkCounters, keyof FramingErrors> = {
    framesIn: 0,
    framesOut: 0,
    length: 0,
    type: 0,
    value: 0,
    unmatched: 0,
    timeouts: 0,
    nacks: 0,
    heartbeatsMissed: 0,
    boots: 0,
    connects: 0,
    disconnects: 0,
  };

  constructor(
    private readonly transport: ByteTransport,
    options: DrumLinkOptions = {},
  ) {
    super();
    this.now = options.now ?? (() => performance.now() * 1000);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 300;
    this.bootWaitMs = options.bootWaitMs ?? 3000;
  }

  get state(): 'idle' | LinkState['state'] {
    return this.phase;
  }

  /** HELLO_REPLY of the current connection. */
  get board(): BoardInfo | null {
    return this.boardInfo;
  }

  get clock(): ClockEstimate | null {
    return this.clockSync.estimate;
  }

  get counters(): LinkCounters {
    return { ...this.counts, ...this.decoder.errors };
  }

  /** Connects, and keeps reconnecting after losses until `stop()`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.failures = 0;
    void this.connect(null);
  }

  /** Sends ALL_STOP when connected, then closes the port; ends in 'disconnected' with `drum_stopped`. */
  async stop(): Promise<void> {
    if (!this.running) return;
    if (this.phase === 'connected') await this.allStop().catch(() => undefined);
    this.running = false;
    this.cancelRetry();
    this.fail(axonError('drum_stopped'), false);
    await this.transport.close();
  }

  strike(drum: number, velocity: number): Promise<void> {
    return this.acked({ type: 'strike', drum, velocity });
  }

  /** At the board's micros() `deviceTime` (from toDeviceTime); `late` past 2 ms ago, `range` over 10 s ahead. */
  strikeAt(drum: number, velocity: number, deviceTime: number): Promise<void> {
    return this.acked({ type: 'strike_at', drum, velocity, deviceTime });
  }

  /** Checks the table against PROTOCOL.md's rules and the board's max phase first (`drum_table`). */
  setTable(drum: number, table: StrikeTable): Promise<void> {
    const problems = tableProblems(table, this.boardInfo?.maxPhaseMs);
    if (problems.length > 0) return Promise.reject(axonError('drum_table', problems.join('; ')));
    return this.repeated({ type: 'set_table', drum, table }, 'ack').then(() => undefined);
  }

  async getTable(drum: number): Promise<StrikeTable> {
    const { reply } = await this.repeated({ type: 'get_table', drum }, 'table');
    if (reply.drum !== drum) throw axonError('drum_reply', `GET_TABLE ${drum}`, `the table of drum ${reply.drum}`);
    return reply.table;
  }

  /** ACKed at once; the EEPROM write runs on the board, ending in EVENT saved or save_failed. */
  saveTables(): Promise<void> {
    return this.acked({ type: 'save_tables' });
  }

  allStop(): Promise<void> {
    return this.acked({ type: 'all_stop' });
  }

  async status(): Promise<BoardStatus> {
    return (await this.repeated({ type: 'get_status' }, 'status')).reply;
  }

  /** The built-in tables, in the board's RAM (saveTables() stores them). */
  defaultTables(): Promise<void> {
    return this.repeated({ type: 'default_tables' }, 'ack').then(() => undefined);
  }

  /** One TIME_SYNC round trip now (the link also runs them every 2 s). */
  timeSync(): Promise<ClockEstimate> {
    return this.sync(false);
  }

  /**
   * Forgets the clock estimate and measures it again with a burst of round trips: for a board
   * whose clock is known to have stepped (a simulated one that fell behind the wall clock).
   */
  async resyncClock(): Promise<ClockEstimate> {
    // Measured into a fresh estimate, swapped in whole: strikes scheduled meanwhile use the old one.
    const fresh = new ClockSync();
    const gen = this.generation;
    for (let i = 0; i < SYNC_BURST; i++) await this.sync(false, fresh);
    // A board that reconnected meanwhile has its own estimate from the handshake.
    if (gen === this.generation) this.clockSync = fresh;
    return fresh.estimate as ClockEstimate;
  }

  /** The board's micros() (u32) at host time `hostUs` (on `now()`'s clock). Throws `drum_not_synced` before the first sync. */
  toDeviceTime(hostUs: number): number {
    return this.clockSync.toDeviceTime(hostUs);
  }

  /** The host time (on `now()`'s clock) of a board time from the last half hour or so. */
  toHostTime(deviceMicros: number): number {
    return this.clockSync.toHostTime(deviceMicros);
  }

  // ---- connection

  private async connect(reason: AxonError | null): Promise<void> {
    const gen = ++this.generation;
    const session = ++this.session;
    this.setState({ state: 'connecting', attempt: this.failures + 1, reason });
    this.decoder.reset();
    this.lastBoot = null;
    try {
      await this.transport.open({
        data: (bytes) => {
          if (session === this.session) this.onData(bytes);
        },
        closed: (error) => {
          if (session === this.session) this.fail(error, true);
        },
      });
    } catch (err) {
      if (gen === this.generation) this.fail(this.asAxonError(err, 'drum_port_open'), true);
      return;
    }
    if (gen !== this.generation) {
      await this.transport.close();
      return;
    }
    this.sessionOpen = true;
    // A leading zero ends whatever partial frame the board's receiver holds.
    this.transport.write(Uint8Array.of(0));
    await this.waitForBoot();
    if (gen === this.generation) await this.handshake(gen);
  }

  /** Resolves on BOOT or after bootWaitMs (the board may have been running already), or on a disconnect. */
  private waitForBoot(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.bootWaiter = null;
        resolve();
      };
      const timer = setTimeout(done, this.bootWaitMs);
      this.bootWaiter = done;
    });
  }

  private async handshake(gen: number): Promise<void> {
    this.clockSync.reset();
    this.boardInfo = null;
    this.missedHeartbeats = 0;
    let board: BoardInfo;
    try {
      if (this.lastBoot && this.lastBoot.protocol !== PROTOCOL_VERSION) throw this.versionError(this.lastBoot.protocol);
      board = (await this.exchange({ type: 'hello', version: PROTOCOL_VERSION }, 'hello_reply', true)).reply;
      if (board.protocol !== PROTOCOL_VERSION) throw this.versionError(board.protocol);
      if (gen !== this.generation) return;
      this.boardInfo = board;
      this.startTimers();
      for (let i = 0; i < SYNC_BURST; i++) {
        await this.sync(true).catch(() => undefined);
        if (gen !== this.generation) return;
      }
      if (!this.clockSync.synced) throw axonError('drum_timeout', 'any TIME_SYNC', this.requestTimeoutMs);
    } catch (err) {
      if (gen !== this.generation) return;
      const refused = err instanceof DrumNackError && err.protocolError === 'version';
      const error = refused ? this.versionError(null) : this.asAxonError(err, 'drum_port_closed');
      this.fail(error, error.code !== 'drum_version');
      return;
    }
    this.failures = 0;
    this.counts.connects++;
    this.setState({ state: 'connected', board, resetCauses: this.lastBoot ? resetCauses(this.lastBoot.resetCause) : null });
  }

  private versionError(board: number | null): AxonError {
    return axonError('drum_version', board === null ? `a version other than ${PROTOCOL_VERSION}` : `version ${board}`, PROTOCOL_VERSION);
  }

  /** A transport's own failure, when it threw something other than an AxonError. */
  private asAxonError(err: unknown, code: 'drum_port_open' | 'drum_port_closed'): AxonError {
    return err instanceof AxonError ? err : axonError(code, this.transport.name, err instanceof Error ? err.message : String(err));
  }

  /** Ends the connection; retries with exponential backoff when `retry` and still running. */
  private fail(error: AxonError, retry: boolean): void {
    const wasConnected = this.phase === 'connected';
    this.session++;
    this.generation++;
    this.sessionOpen = false;
    this.bootWaiter?.();
    this.stopTimers();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
    void this.transport.close();
    if (!retry) this.running = false;
    let retryInMs: number | null = null;
    if (this.running) {
      retryInMs = Math.min(BACKOFF_FIRST_MS * 2 ** this.failures, BACKOFF_MAX_MS);
      this.failures++;
      this.cancelRetry();
      const retry = (): void => {
        this.cancelRetry();
        void this.connect(error);
      };
      this.retryTimer = setTimeout(retry, retryInMs);
      // A port that vanished (a cable pulled) and is back need not wait out the backoff (up to
      // BACKOFF_MAX_MS): it is tried at once, and the backoff starts over as on a first plug.
      this.stopWatching =
        this.transport.watchReturn?.(() => {
          this.failures = 0;
          retry();
        }) ?? null;
    }
    if (wasConnected) this.counts.disconnects++;
    this.setState({ state: 'disconnected', error, retryInMs });
    this.emit('counters', this.counters);
  }

  private cancelRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopWatching?.();
    this.stopWatching = null;
  }

  private setState(state: LinkState): void {
    this.phase = state.state;
    this.emit('state', state);
  }

  private startTimers(): void {
    this.stopTimers();
    this.heartbeatTimer = setInterval(() => this.heartbeat(), HEARTBEAT_MS);
    this.syncTimer = setInterval(() => {
      void this.sync(true).catch(() => undefined);
      if (this.phase === 'connected') this.emit('counters', this.counters);
    }, SYNC_INTERVAL_MS);
  }

  private stopTimers(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.syncTimer) clearInterval(this.syncTimer);
    this.heartbeatTimer = this.syncTimer = null;
  }

  private heartbeat(): void {
    this.exchange({ type: 'heartbeat' }, 'ack', true).then(
      () => {
        this.missedHeartbeats = 0;
      },
      (err: unknown) => {
        if (!(err instanceof AxonError) || err.code !== 'drum_timeout') return;
        this.counts.heartbeatsMissed++;
        if (++this.missedHeartbeats >= HEARTBEAT_MISSES) this.fail(axonError('drum_no_answer', this.missedHeartbeats), true);
      },
    );
  }

  private async sync(internal: boolean, into?: ClockSync): Promise<ClockEstimate> {
    const token = Math.round(this.now()) >>> 0;
    const { reply, sentUs, receivedUs } = await this.exchange({ type: 'time_sync', token }, 'time_reply', internal);
    if (reply.token !== token) throw axonError('drum_reply', `TIME_SYNC ${token}`, `the token ${reply.token}`);
    const clock = into ?? this.clockSync;
    clock.add(sentUs, receivedUs, reply.deviceTime);
    return clock.estimate as ClockEstimate;
  }

  // ---- requests

  private async acked(message: HostToBoard): Promise<void> {
    await this.exchange(message, 'ack', false);
  }

  /** Up to REPEATABLE_TRIES exchanges, while each times out; the last one's error says how often it asked. */
  private async repeated<K extends ReplyType>(message: HostToBoard, expect: K): Promise<Answer<Reply<K>>> {
    for (let tries = 1; ; tries++) {
      try {
        return await this.exchange(message, expect, false);
      } catch (err) {
        if (!(err instanceof AxonError) || err.code !== 'drum_timeout') throw err;
        if (tries === REPEATABLE_TRIES) throw axonError('drum_timeout', label(message.type), this.requestTimeoutMs, tries);
      }
    }
  }

  /** Sends a request and waits for the answer echoing its seq. `internal` requests may run during the handshake. */
  private exchange<K extends ReplyType>(message: HostToBoard, expect: K, internal: boolean): Promise<Answer<Reply<K>>> {
    return new Promise<Answer<Reply<K>>>((resolve, reject) => {
      if (internal ? !this.sessionOpen : this.phase !== 'connected') {
        reject(axonError('drum_not_connected', this.phase));
        return;
      }
      const seq = this.seq;
      if (this.pending.has(seq)) {
        reject(axonError('drum_busy', this.pending.size));
        return;
      }
      let bytes: Uint8Array;
      try {
        bytes = encodeHostMessage(message, seq);
      } catch (err) {
        reject(err);
        return;
      }
      this.seq = (seq + 1) & 0xff;
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        this.counts.timeouts++;
        reject(axonError('drum_timeout', label(message.type), this.requestTimeoutMs));
      }, this.requestTimeoutMs);
      const sentUs = this.now();
      // settle() resolves only with a reply of type `expect`.
      this.pending.set(seq, { request: message.type, expect, sentUs, timer, resolve: (a) => resolve(a as Answer<Reply<K>>), reject });
      this.transport.write(bytes);
      this.counts.framesOut++;
    });
  }

  // ---- receiving

  private onData(bytes: Uint8Array): void {
    const receivedUs = this.now();
    const session = this.session;
    for (const frame of this.decoder.push(bytes)) {
      if (session !== this.session) return;
      this.counts.framesIn++;
      const decoded = decodeBoardMessage(frame);
      if (decoded.ok) this.onMessage(decoded.message, receivedUs);
      else this.counts[decoded.error]++;
    }
  }

  private onMessage(m: BoardToHost, receivedUs: number): void {
    switch (m.type) {
      case 'boot':
        this.counts.boots++;
        this.emit('boot', m);
        this.onBoot(m);
        return;
      case 'event':
        this.emit('event', m);
        return;
      default:
        this.settle(m, receivedUs);
    }
  }

  private onBoot(boot: BootInfo): void {
    this.lastBoot = boot;
    if (this.bootWaiter) {
      this.bootWaiter();
      return;
    }
    if (!this.sessionOpen) return;
    // A reset mid-session: the board lost its queue, its clock and any unsaved tables, and knows
    // no HELLO; what was in flight will never be answered.
    const error = axonError('drum_board_reset', resetCauses(boot.resetCause).join(', ') || 'cause unknown');
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
    this.stopTimers();
    const gen = ++this.generation;
    this.setState({ state: 'connecting', attempt: this.failures + 1, reason: error });
    void this.handshake(gen);
  }

  private settle(m: Exclude<BoardToHost, { type: 'boot' | 'event' }>, receivedUs: number): void {
    const p = this.pending.get(m.ackedSeq);
    // An ACK or NACK names the type it answers: a mismatch is a stale answer to an older use of the seq.
    if (!p || ((m.type === 'ack' || m.type === 'nack') && m.ackedType !== MESSAGE_TYPES[p.request])) {
      this.counts.unmatched++;
      return;
    }
    this.pending.delete(m.ackedSeq);
    clearTimeout(p.timer);
    if (m.type === 'nack') {
      this.counts.nacks++;
      p.reject(new DrumNackError(p.request, m.error));
    } else if (m.type !== p.expect) {
      p.reject(axonError('drum_reply', label(p.request), label(m.type)));
    } else {
      p.resolve({ reply: m, sentUs: p.sentUs, receivedUs });
    }
  }
}
