import type { Milliseconds } from '../../../shared/units';
import { PayloadReader, PayloadWriter } from './bytes';
import {
  DRUM_STATES,
  EVENT_KINDS,
  MESSAGE_TYPES,
  NO_DRUM,
  PAYLOAD_LENGTHS,
  PROTOCOL_ERRORS,
  STATUS_DRUMS,
  STATUS_FLAG_BITS,
  TABLE_BYTES,
  nameOfCode,
  protocolErrorName,
  type DrumStateName,
  type EventKindName,
  type MessageName,
  type ProtocolErrorName,
} from './constants';
import { encodeFrame, type RawFrame } from './frame';
import { decodeTable, encodeTable, tableBytes, type StrikeTable } from './table';

// Every message of PROTOCOL.md as a typed object, both directions (the host sends one half and
// reads the other; test boards and simulators do the reverse). Device times are the board's
// micros() as u32.

export type HostToBoard =
  | { type: 'hello'; version: number }
  | { type: 'heartbeat' }
  | { type: 'time_sync'; token: number }
  | { type: 'strike'; drum: number; velocity: number }
  | { type: 'strike_at'; drum: number; velocity: number; deviceTime: number }
  | { type: 'set_table'; drum: number; table: StrikeTable }
  | { type: 'get_table'; drum: number }
  | { type: 'save_tables' }
  | { type: 'all_stop' }
  | { type: 'get_status' }
  | { type: 'default_tables' };

export interface FirmwareVersion {
  major: number;
  minor: number;
  patch: number;
}

/** What HELLO_REPLY says about the board. */
export interface BoardInfo {
  protocol: number;
  firmware: FirmwareVersion;
  /** Motor shield generation, 1 or 2. */
  shield: number;
  drums: number;
  velocityPoints: number;
  queueSize: number;
  maxPhaseMs: Milliseconds;
  dutyWindowMs: Milliseconds;
  dutyBudgetMs: Milliseconds;
}

export interface DrumStatus {
  state: DrumStateName;
  dutyUsedMs: Milliseconds;
}

/** The board's own counters, cumulative since boot, wrapping at 65535. */
export interface BoardCounters {
  framesOk: number;
  cobs: number;
  crc: number;
  overflow: number;
  short: number;
  refused: number;
}

export interface BoardStatus {
  uptimeMs: Milliseconds;
  linkOk: boolean;
  eepromBusy: boolean;
  tablesFromDefaults: boolean;
  queued: number;
  /** Always STATUS_DRUMS slots. */
  drums: DrumStatus[];
  counters: BoardCounters;
}

export interface BootInfo {
  protocol: number;
  firmware: FirmwareVersion;
  /** MCUSR bits; `resetCauses()` names them. */
  resetCause: number;
  shield: number;
  drums: number;
}

export interface BoardEvent {
  kind: EventKindName;
  /** null for events about no drum. */
  drum: number | null;
  deviceTime: number;
  /** By kind: velocity (struck), error code (refused), bytes written (saved), reason (defaults). */
  arg: number;
}

export type BoardToHost =
  | { type: 'ack'; ackedSeq: number; ackedType: number }
  | { type: 'nack'; ackedSeq: number; ackedType: number; error: ProtocolErrorName }
  | ({ type: 'hello_reply'; ackedSeq: number } & BoardInfo)
  | { type: 'time_reply'; ackedSeq: number; token: number; deviceTime: number }
  | { type: 'table'; ackedSeq: number; drum: number; table: StrikeTable }
  | ({ type: 'status'; ackedSeq: number } & BoardStatus)
  | ({ type: 'boot' } & BootInfo)
  | ({ type: 'event' } & BoardEvent);

export type Message = HostToBoard | BoardToHost;

/** Why a frame with a good CRC still carries no message: PROTOCOL.md's `unknown` and `length`, or a value outside its set. */
export type DecodeFailure = { ok: false; error: 'type' | 'length' | 'value'; detail: string };
export type Decoded<M> = { ok: true; message: M } | DecodeFailure;

const HOST_TYPES = new Set<MessageName>([
  'hello',
  'heartbeat',
  'time_sync',
  'strike',
  'strike_at',
  'set_table',
  'get_table',
  'save_tables',
  'all_stop',
  'get_status',
  'default_tables',
]);

export function isHostToBoard(message: Message): message is HostToBoard {
  return HOST_TYPES.has(message.type);
}

export function encodeHostMessage(message: HostToBoard, seq: number): Uint8Array {
  return encodeFrame(MESSAGE_TYPES[message.type], seq, encodePayload(message));
}

export function encodeBoardMessage(message: BoardToHost, seq: number): Uint8Array {
  return encodeFrame(MESSAGE_TYPES[message.type], seq, encodePayload(message));
}

export function decodeHostMessage(frame: RawFrame): Decoded<HostToBoard> {
  const decoded = decodeMessage(frame);
  if (decoded.ok && !isHostToBoard(decoded.message)) return { ok: false, error: 'type', detail: `${decoded.message.type} is not sent by the host` };
  return decoded as Decoded<HostToBoard>;
}

export function decodeBoardMessage(frame: RawFrame): Decoded<BoardToHost> {
  const decoded = decodeMessage(frame);
  if (decoded.ok && isHostToBoard(decoded.message)) return { ok: false, error: 'type', detail: `${decoded.message.type} is not sent by the board` };
  return decoded as Decoded<BoardToHost>;
}

function encodePayload(m: Message): Uint8Array {
  const w = new PayloadWriter(PAYLOAD_LENGTHS[m.type], m.type);
  switch (m.type) {
    case 'hello':
      return w.u8('version', m.version).done();
    case 'heartbeat':
    case 'save_tables':
    case 'all_stop':
    case 'get_status':
    case 'default_tables':
      return w.done();
    case 'time_sync':
      return w.u32('token', m.token).done();
    case 'strike':
      return w.u8('drum', m.drum).u8('velocity', m.velocity).done();
    case 'strike_at':
      return w.u8('drum', m.drum).u8('velocity', m.velocity).u32('deviceTime', m.deviceTime).done();
    case 'set_table':
      return w.u8('drum', m.drum).raw(encodeTable(m.table)).done();
    case 'get_table':
      return w.u8('drum', m.drum).done();
    case 'ack':
      return w.u8('ackedSeq', m.ackedSeq).u8('ackedType', m.ackedType).done();
    case 'nack':
      return w.u8('ackedSeq', m.ackedSeq).u8('ackedType', m.ackedType).u8('error', PROTOCOL_ERRORS[m.error].code).done();
    case 'hello_reply':
      return firmware(w.u8('ackedSeq', m.ackedSeq).u8('protocol', m.protocol), m.firmware)
        .u8('shield', m.shield)
        .u8('drums', m.drums)
        .u8('velocityPoints', m.velocityPoints)
        .u8('queueSize', m.queueSize)
        .u16('maxPhaseMs', m.maxPhaseMs)
        .u16('dutyWindowMs', m.dutyWindowMs)
        .u16('dutyBudgetMs', m.dutyBudgetMs)
        .done();
    case 'time_reply':
      return w.u8('ackedSeq', m.ackedSeq).u32('token', m.token).u32('deviceTime', m.deviceTime).done();
    case 'table':
      return w.u8('ackedSeq', m.ackedSeq).u8('drum', m.drum).raw(tableBytes(m.table)).done();
    case 'status': {
      const flags =
        (Number(m.linkOk) << STATUS_FLAG_BITS.link_ok) |
        (Number(m.eepromBusy) << STATUS_FLAG_BITS.eeprom_busy) |
        (Number(m.tablesFromDefaults) << STATUS_FLAG_BITS.tables_from_defaults);
      w.u8('ackedSeq', m.ackedSeq).u32('uptimeMs', m.uptimeMs).u8('flags', flags).u8('queued', m.queued);
      for (let i = 0; i < STATUS_DRUMS; i++) {
        const d = m.drums[i] ?? { state: 'idle', dutyUsedMs: 0 };
        w.u8(`drums[${i}].state`, DRUM_STATES[d.state]).u16(`drums[${i}].dutyUsedMs`, d.dutyUsedMs);
      }
      const c = m.counters;
      return w.u16('framesOk', c.framesOk).u16('cobs', c.cobs).u16('crc', c.crc).u16('overflow', c.overflow).u16('short', c.short).u16('refused', c.refused).done();
    }
    case 'boot':
      return firmware(w.u8('protocol', m.protocol), m.firmware).u8('resetCause', m.resetCause).u8('shield', m.shield).u8('drums', m.drums).done();
    case 'event':
      return w
        .u8('kind', EVENT_KINDS[m.kind])
        .u8('drum', m.drum ?? NO_DRUM)
        .u32('deviceTime', m.deviceTime)
        .u16('arg', m.arg)
        .done();
  }
}

function firmware(w: PayloadWriter, v: FirmwareVersion): PayloadWriter {
  return w.u8('firmware.major', v.major).u8('firmware.minor', v.minor).u8('firmware.patch', v.patch);
}

class BadValue extends Error {}

function named<K extends string>(table: Readonly<Record<K, number>>, code: number, field: string): K {
  const name = nameOfCode(table, code);
  if (name === undefined) throw new BadValue(`${field} ${code} is not a known value`);
  return name;
}

/** A frame whose CRC checked out, as a message; never throws. */
export function decodeMessage(frame: RawFrame): Decoded<Message> {
  const type = nameOfCode(MESSAGE_TYPES, frame.type);
  if (type === undefined) return { ok: false, error: 'type', detail: `type 0x${frame.type.toString(16)} is unknown` };
  if (frame.payload.length !== PAYLOAD_LENGTHS[type]) {
    return { ok: false, error: 'length', detail: `${type} has ${frame.payload.length} payload bytes, not ${PAYLOAD_LENGTHS[type]}` };
  }
  try {
    return { ok: true, message: decodePayload(type, new PayloadReader(frame.payload)) };
  } catch (err) {
    if (err instanceof BadValue) return { ok: false, error: 'value', detail: `${type}: ${err.message}` };
    throw err;
  }
}

function decodePayload(type: MessageName, r: PayloadReader): Message {
  switch (type) {
    case 'hello':
      return { type, version: r.u8() };
    case 'heartbeat':
    case 'save_tables':
    case 'all_stop':
    case 'get_status':
    case 'default_tables':
      return { type };
    case 'time_sync':
      return { type, token: r.u32() };
    case 'strike':
      return { type, drum: r.u8(), velocity: r.u8() };
    case 'strike_at':
      return { type, drum: r.u8(), velocity: r.u8(), deviceTime: r.u32() };
    case 'set_table':
      return { type, drum: r.u8(), table: decodeTable(r.raw(TABLE_BYTES)) };
    case 'get_table':
      return { type, drum: r.u8() };
    case 'ack':
      return { type, ackedSeq: r.u8(), ackedType: r.u8() };
    case 'nack': {
      const ackedSeq = r.u8();
      const ackedType = r.u8();
      const code = r.u8();
      const error = protocolErrorName(code);
      if (error === undefined) throw new BadValue(`error code ${code} is not a known value`);
      return { type, ackedSeq, ackedType, error };
    }
    case 'hello_reply':
      return {
        type,
        ackedSeq: r.u8(),
        protocol: r.u8(),
        firmware: readFirmware(r),
        shield: r.u8(),
        drums: r.u8(),
        velocityPoints: r.u8(),
        queueSize: r.u8(),
        maxPhaseMs: r.u16(),
        dutyWindowMs: r.u16(),
        dutyBudgetMs: r.u16(),
      };
    case 'time_reply':
      return { type, ackedSeq: r.u8(), token: r.u32(), deviceTime: r.u32() };
    case 'table':
      return { type, ackedSeq: r.u8(), drum: r.u8(), table: decodeTable(r.raw(TABLE_BYTES)) };
    case 'status': {
      const ackedSeq = r.u8();
      const uptimeMs = r.u32();
      const flags = r.u8();
      const queued = r.u8();
      const drums: DrumStatus[] = [];
      for (let i = 0; i < STATUS_DRUMS; i++) drums.push({ state: named(DRUM_STATES, r.u8(), `drums[${i}].state`), dutyUsedMs: r.u16() });
      const counters = { framesOk: r.u16(), cobs: r.u16(), crc: r.u16(), overflow: r.u16(), short: r.u16(), refused: r.u16() };
      const bit = (b: number) => ((flags >> b) & 1) === 1;
      return {
        type,
        ackedSeq,
        uptimeMs,
        linkOk: bit(STATUS_FLAG_BITS.link_ok),
        eepromBusy: bit(STATUS_FLAG_BITS.eeprom_busy),
        tablesFromDefaults: bit(STATUS_FLAG_BITS.tables_from_defaults),
        queued,
        drums,
        counters,
      };
    }
    case 'boot':
      return { type, protocol: r.u8(), firmware: readFirmware(r), resetCause: r.u8(), shield: r.u8(), drums: r.u8() };
    case 'event': {
      const kind = named(EVENT_KINDS, r.u8(), 'kind');
      const drum = r.u8();
      return { type, kind, drum: drum === NO_DRUM ? null : drum, deviceTime: r.u32(), arg: r.u16() };
    }
  }
}

function readFirmware(r: PayloadReader): FirmwareVersion {
  return { major: r.u8(), minor: r.u8(), patch: r.u8() };
}
