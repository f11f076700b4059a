import { AxonError, axonError } from '../../src/shared/errors';
import { MESSAGE_TYPES, PROTOCOL_VERSION, type MessageName, type ProtocolErrorName } from '../../src/main/drums/protocol/constants';
import { FrameDecoder } from '../../src/main/drums/protocol/frame-decoder';
import { decodeHostMessage, encodeBoardMessage, type BoardToHost, type HostToBoard } from '../../src/main/drums/protocol/messages';
import type { StrikeTable } from '../../src/main/drums/protocol/table';
import type { ByteTransport, TransportHandlers } from '../../src/main/drums/link/transport';

// A drum board small enough to read: the protocol as the link sees it (handshake, ACKs, time
// replies from a controllable clock, NACKs, BOOT on demand, silence), none of the motors.

export const DEFAULT_TABLE: StrikeTable = {
  minIntervalMs: 80,
  points: [
    { velocity: 1, forwardUs: 4000, pauseUs: 2000, backUs: 6000, forwardPwm: 120, backPwm: 90 },
    { velocity: 40, forwardUs: 7000, pauseUs: 2000, backUs: 8000, forwardPwm: 170, backPwm: 100 },
    { velocity: 90, forwardUs: 10000, pauseUs: 3000, backUs: 10000, forwardPwm: 220, backPwm: 110 },
    { velocity: 127, forwardUs: 12000, pauseUs: 3000, backUs: 12000, forwardPwm: 255, backPwm: 120 },
  ],
};

export const RESET_EXTERNAL = 0b0010;

export interface FakeBoardOptions {
  /** The protocol version it announces (BOOT, HELLO_REPLY) and accepts in HELLO. */
  protocol?: number;
  /** Its micros(), any number (sent mod 2^32). */
  micros: () => number;
}

export class FakeBoard {
  protocol: number;
  micros: () => number;
  /** Every valid frame from the host, with the board's clock when it arrived. */
  readonly received: { micros: number; message: HostToBoard }[] = [];
  /** Answers nothing at all. */
  silent = false;
  /** Loses this many of the next frames of these types, as line noise would. */
  readonly lose: Partial<Record<MessageName, number>> = {};
  /** Answers these types only after a delay (ms). */
  readonly replyDelayMs: Partial<Record<MessageName, number>> = {};
  /** Which HELLO versions it takes (else NACK version). */
  helloAccepts: (version: number) => boolean = (version) => version === this.protocol;
  /** Answers these types with a NACK. */
  readonly refuse: Partial<Record<MessageName, ProtocolErrorName>> = {};
  /** Where its bytes go; set by whatever carries them. */
  output: (bytes: Uint8Array) => void = () => undefined;
  readonly tables: StrikeTable[] = [DEFAULT_TABLE, DEFAULT_TABLE, DEFAULT_TABLE, DEFAULT_TABLE];
  private readonly decoder = new FrameDecoder();
  private seq = 0;

  constructor(options: FakeBoardOptions) {
    this.protocol = options.protocol ?? PROTOCOL_VERSION;
    this.micros = options.micros;
  }

  /** Host bytes in. */
  input(bytes: Uint8Array): void {
    for (const frame of this.decoder.push(bytes)) {
      const decoded = decodeHostMessage(frame);
      if (!decoded.ok || this.silent) continue;
      const m = decoded.message;
      const lost = this.lose[m.type] ?? 0;
      if (lost > 0) {
        this.lose[m.type] = lost - 1;
        continue;
      }
      this.received.push({ micros: this.micros(), message: m });
      const delay = this.replyDelayMs[m.type];
      if (delay === undefined) this.answer(m, frame.seq);
      else setTimeout(() => this.answer(m, frame.seq), delay);
    }
  }

  send(message: BoardToHost): void {
    this.output(encodeBoardMessage(message, this.seq));
    this.seq = (this.seq + 1) & 0xff;
  }

  boot(resetCause = RESET_EXTERNAL): void {
    this.seq = 0;
    this.send({ type: 'boot', protocol: this.protocol, firmware: { major: 0, minor: 1, patch: 0 }, resetCause, shield: 2, drums: 4 });
  }

  count(type: MessageName): number {
    return this.received.filter((r) => r.message.type === type).length;
  }

  private answer(m: HostToBoard, seq: number): void {
    const refusal = this.refuse[m.type] ?? this.check(m);
    if (refusal) return this.send({ type: 'nack', ackedSeq: seq, ackedType: MESSAGE_TYPES[m.type], error: refusal });
    switch (m.type) {
      case 'hello':
        return this.send({
          type: 'hello_reply',
          ackedSeq: seq,
          protocol: this.protocol,
          firmware: { major: 0, minor: 1, patch: 0 },
          shield: 2,
          drums: 4,
          velocityPoints: 4,
          queueSize: 16,
          maxPhaseMs: 60,
          dutyWindowMs: 10000,
          dutyBudgetMs: 3000,
        });
      case 'time_sync':
        return this.send({ type: 'time_reply', ackedSeq: seq, token: m.token, deviceTime: u32(this.micros()) });
      case 'get_table':
        return this.send({ type: 'table', ackedSeq: seq, drum: m.drum, table: this.tables[m.drum] });
      case 'get_status':
        return this.send({
          type: 'status',
          ackedSeq: seq,
          uptimeMs: 1234,
          linkOk: true,
          eepromBusy: false,
          tablesFromDefaults: false,
          queued: 0,
          drums: this.tables.map(() => ({ state: 'idle', dutyUsedMs: 0 })),
          counters: { framesOk: this.received.length, cobs: 0, crc: 0, overflow: 0, short: 0, refused: 0 },
        });
      case 'set_table':
        this.tables[m.drum] = m.table;
        break;
      case 'strike':
        this.send({ type: 'ack', ackedSeq: seq, ackedType: MESSAGE_TYPES[m.type] });
        return this.send({ type: 'event', kind: 'struck', drum: m.drum, deviceTime: u32(this.micros()), arg: m.velocity });
    }
    this.send({ type: 'ack', ackedSeq: seq, ackedType: MESSAGE_TYPES[m.type] });
  }

  private check(m: HostToBoard): ProtocolErrorName | null {
    if (m.type === 'hello' && !this.helloAccepts(m.version)) return 'version';
    if ('drum' in m && m.drum >= this.tables.length) return 'drum';
    if ((m.type === 'strike' || m.type === 'strike_at') && (m.velocity < 1 || m.velocity > 127)) return 'velocity';
    if (m.type === 'strike_at') {
      const ahead = (m.deviceTime - u32(this.micros())) | 0;
      if (ahead < -2000) return 'late';
      if (ahead > 10_000_000) return 'range';
    }
    return null;
  }
}

const u32 = (x: number) => ((Math.round(x) % 2 ** 32) + 2 ** 32) % 2 ** 32;

/**
 * The host's end of an in-memory serial line to a FakeBoard: bytes arrive in order after a
 * per-direction delay (ms, on the fake timers); the port can be unplugged and plugged back. Opening
 * it resets the board like an Uno's DTR does, when `resetOnOpenMs` is set.
 */
export class MemoryLine implements ByteTransport {
  readonly name = 'memory';
  plugged = true;
  opens = 0;
  /** Board BOOT this long after every open (null: the board keeps running, sends nothing). */
  resetOnOpenMs: number | null = null;
  toBoardDelayMs: () => number = () => 1;
  toHostDelayMs: () => number = () => 1;
  private handlers: TransportHandlers | null = null;
  private lastToBoard = 0;
  private lastToHost = 0;

  constructor(readonly board: FakeBoard) {
    board.output = (bytes) => this.toHost(bytes);
  }

  async open(handlers: TransportHandlers): Promise<void> {
    if (!this.plugged) throw axonError('drum_port_open', this.name, 'no such device');
    this.handlers = handlers;
    this.opens++;
    const reset = this.resetOnOpenMs;
    if (reset !== null) setTimeout(() => this.board.boot(), reset);
  }

  write(bytes: Uint8Array): void {
    const copy = bytes.slice();
    this.lastToBoard = this.schedule(this.lastToBoard, this.toBoardDelayMs(), () => this.board.input(copy));
  }

  async close(): Promise<void> {
    this.handlers = null;
  }

  /** Bytes from nowhere (line noise) towards the host. */
  noise(bytes: Uint8Array): void {
    this.toHost(bytes);
  }

  unplug(): void {
    this.plugged = false;
    const handlers = this.handlers;
    this.handlers = null;
    handlers?.closed(axonError('drum_port_closed', this.name, 'unplugged'));
  }

  private toHost(bytes: Uint8Array): void {
    const handlers = this.handlers;
    if (!handlers) return;
    this.lastToHost = this.schedule(this.lastToHost, this.toHostDelayMs(), () => {
      if (this.handlers === handlers) handlers.data(bytes);
    });
  }

  /** A serial line keeps order: nothing overtakes what was sent before it. */
  private schedule(last: number, delayMs: number, deliver: () => void): number {
    const at = Math.max(Date.now() + delayMs, last);
    setTimeout(deliver, at - Date.now());
    return at;
  }
}

/** `code: message` of an AxonError, for assertions. */
export const described = (err: unknown): string => (err instanceof AxonError ? `${err.code}: ${err.message}` : String(err));
