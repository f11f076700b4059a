import { describe, expect, it } from 'vitest';
import { cobsDecode, cobsEncode } from '../../src/main/drums/protocol/cobs';
import {
  MAX_ENCODED_FRAME,
  MESSAGE_TYPES,
  PAYLOAD_LENGTHS,
  PROTOCOL_ERRORS,
  protocolErrorName,
  resetCauses,
  type MessageName,
} from '../../src/main/drums/protocol/constants';
import { crc16 } from '../../src/main/drums/protocol/crc16';
import { FrameDecoder } from '../../src/main/drums/protocol/frame-decoder';
import {
  decodeBoardMessage,
  decodeHostMessage,
  decodeMessage,
  encodeBoardMessage,
  encodeHostMessage,
  isHostToBoard,
  type Message,
} from '../../src/main/drums/protocol/messages';
import { decodeTable, encodeTable, tableProblems, type StrikeTable } from '../../src/main/drums/protocol/table';
import { axonErrorOf } from '../support/errors';

const bytes = (...b: number[]) => Uint8Array.from(b);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/(..)(?!$)/g, '$1 ');
const ascii = (s: string) => Uint8Array.from(Buffer.from(s, 'ascii'));

const TABLE: StrikeTable = {
  minIntervalMs: 80,
  points: [
    { velocity: 1, forwardUs: 4000, pauseUs: 2000, backUs: 6000, forwardPwm: 120, backPwm: 90 },
    { velocity: 40, forwardUs: 7000, pauseUs: 2000, backUs: 8000, forwardPwm: 170, backPwm: 100 },
    { velocity: 90, forwardUs: 10000, pauseUs: 3000, backUs: 10000, forwardPwm: 220, backPwm: 110 },
    { velocity: 127, forwardUs: 12000, pauseUs: 3000, backUs: 12000, forwardPwm: 255, backPwm: 120 },
  ],
};

describe('COBS', () => {
  const roundTrip = (data: Uint8Array) => {
    const encoded = cobsEncode(data);
    expect(encoded.includes(0)).toBe(false);
    expect(cobsDecode(encoded)).toEqual(data);
    return encoded;
  };

  it('matches the textbook examples', () => {
    expect(hex(roundTrip(bytes()))).toBe('01');
    expect(hex(roundTrip(bytes(0)))).toBe('01 01');
    expect(hex(roundTrip(bytes(0, 0)))).toBe('01 01 01');
    expect(hex(roundTrip(bytes(0x11, 0x22, 0, 0x33)))).toBe('03 11 22 02 33');
    expect(hex(roundTrip(bytes(0x11, 0, 0, 0)))).toBe('02 11 01 01 01');
  });

  it('round-trips runs of 254 and more non-zero bytes (block boundaries), with and without zeros around them', () => {
    for (const n of [253, 254, 255, 256, 507, 508, 509, 1000]) {
      const run = Uint8Array.from({ length: n }, (_, i) => (i % 255) + 1);
      const encoded = roundTrip(run);
      // One code byte per started block of 254 (canonical: no empty block after a full one at the end).
      expect(encoded.length).toBe(n + Math.ceil(n / 254));
      roundTrip(Uint8Array.from([0, ...run, 0]));
      roundTrip(Uint8Array.from([...run, 0, ...run]));
    }
    // The canonical form: 254 non-zero bytes are one full block, no empty block after it.
    expect(cobsEncode(new Uint8Array(254).fill(7)).length).toBe(255);
  });

  it('round-trips zeros everywhere', () => {
    for (let n = 0; n < 12; n++) {
      for (let mask = 0; mask < 1 << n; mask++) {
        roundTrip(Uint8Array.from({ length: n }, (_, i) => ((mask >> i) & 1 ? 0 : i + 1)));
      }
    }
    roundTrip(new Uint8Array(600));
  });

  it('refuses a block that points past the end, and a zero inside', () => {
    expect(cobsDecode(bytes(0x05, 1, 2))).toBeNull();
    expect(cobsDecode(bytes(0x03, 1, 0, 4))).toBeNull();
    expect(cobsDecode(bytes(0x00))).toBeNull();
  });
});

describe('CRC-16/CCITT-FALSE', () => {
  it('has the check value 0x29B1 for "123456789"', () => {
    expect(crc16(ascii('123456789'))).toBe(0x29b1);
  });

  it('is 0xFFFF (the init) for nothing, and covers a slice', () => {
    expect(crc16(bytes())).toBe(0xffff);
    expect(crc16(ascii('xx123456789yy'), 2, 11)).toBe(0x29b1);
  });
});

describe('golden frames', () => {
  // Written from PROTOCOL.md: type, seq, payload (little-endian), CRC-16/CCITT-FALSE little-endian
  // (the CRCs checked with Python's binascii.crc_hqx(data, 0xFFFF), an independent implementation),
  // COBS by hand, then the zero delimiter. The firmware must produce and accept exactly these.
  const golden: { name: string; message: Message; seq: number; wire: string }[] = [
    { name: 'HEARTBEAT seq 0', message: { type: 'heartbeat' }, seq: 0, wire: '02 02 03 6d 7b 00' },
    { name: 'HELLO v1 seq 1', message: { type: 'hello', version: 1 }, seq: 1, wire: '06 01 01 01 bc d8 00' },
    {
      name: 'STRIKE_AT drum 2 velocity 100 at 0x12345678, seq 5',
      message: { type: 'strike_at', drum: 2, velocity: 100, deviceTime: 0x12345678 },
      seq: 5,
      wire: '0b 05 05 02 64 78 56 34 12 47 cb 00',
    },
    { name: 'ACK of seq 5 (STRIKE_AT), seq 7', message: { type: 'ack', ackedSeq: 5, ackedType: 0x05 }, seq: 7, wire: '07 80 07 05 05 38 73 00' },
    {
      name: 'NACK late of seq 5, seq 8',
      message: { type: 'nack', ackedSeq: 5, ackedType: 0x05, error: 'late' },
      seq: 8,
      wire: '08 81 08 05 05 09 62 99 00',
    },
    {
      name: 'EVENT link_lost, no drum, time 0, seq 3 (zeros in the payload)',
      message: { type: 'event', kind: 'link_lost', drum: null, deviceTime: 0, arg: 0 },
      seq: 3,
      wire: '05 91 03 03 ff 01 01 01 01 01 03 9e be 00',
    },
    {
      name: 'TIME_REPLY of seq 3, token 0x01020304, device time 0xFFFFFFFF, seq 9',
      message: { type: 'time_reply', ackedSeq: 3, token: 0x01020304, deviceTime: 0xffffffff },
      seq: 9,
      wire: '0e 83 09 03 04 03 02 01 ff ff ff ff 24 42 00',
    },
  ];

  for (const g of golden) {
    it(`${g.name}: ${g.wire}`, () => {
      const wire = isHostToBoard(g.message) ? encodeHostMessage(g.message, g.seq) : encodeBoardMessage(g.message, g.seq);
      expect(hex(wire)).toBe(g.wire);
      const decoder = new FrameDecoder();
      const [frame] = decoder.push(wire);
      expect(frame.seq).toBe(g.seq);
      expect(decodeMessage(frame)).toEqual({ ok: true, message: g.message });
    });
  }

  it('SET_TABLE payload: drum, then the 40 table bytes laid out as in PROTOCOL.md', () => {
    const [frame] = new FrameDecoder().push(encodeHostMessage({ type: 'set_table', drum: 1, table: TABLE }, 0x20));
    expect(frame.type).toBe(0x06);
    expect(hex(frame.payload)).toBe(
      [
        '01', // drum
        '50 00 00 00', // re-strike interval 80 ms, reserved
        '01 a0 0f d0 07 70 17 78 5a', // velocity 1: 4000, 2000, 6000 µs, PWM 120, 90
        '28 58 1b d0 07 40 1f aa 64',
        '5a 10 27 b8 0b 10 27 dc 6e',
        '7f e0 2e b8 0b e0 2e ff 78',
      ].join(' '),
    );
  });
});

describe('messages', () => {
  const table: StrikeTable = TABLE;
  const messages: Message[] = [
    { type: 'hello', version: 1 },
    { type: 'heartbeat' },
    { type: 'time_sync', token: 0xdeadbeef },
    { type: 'strike', drum: 3, velocity: 127 },
    { type: 'strike_at', drum: 0, velocity: 1, deviceTime: 0 },
    { type: 'set_table', drum: 2, table },
    { type: 'get_table', drum: 1 },
    { type: 'save_tables' },
    { type: 'all_stop' },
    { type: 'get_status' },
    { type: 'default_tables' },
    { type: 'ack', ackedSeq: 255, ackedType: 0x02 },
    { type: 'nack', ackedSeq: 0, ackedType: 0x04, error: 'duty' },
    {
      type: 'hello_reply',
      ackedSeq: 9,
      protocol: 1,
      firmware: { major: 1, minor: 2, patch: 3 },
      shield: 2,
      drums: 4,
      velocityPoints: 4,
      queueSize: 16,
      maxPhaseMs: 60,
      dutyWindowMs: 10000,
      dutyBudgetMs: 3000,
    },
    { type: 'time_reply', ackedSeq: 1, token: 7, deviceTime: 0x80000000 },
    { type: 'table', ackedSeq: 4, drum: 2, table },
    {
      type: 'status',
      ackedSeq: 6,
      uptimeMs: 123456789,
      linkOk: true,
      eepromBusy: false,
      tablesFromDefaults: true,
      queued: 5,
      drums: [
        { state: 'idle', dutyUsedMs: 0 },
        { state: 'forward', dutyUsedMs: 120 },
        { state: 'back', dutyUsedMs: 2999 },
        { state: 'cooldown', dutyUsedMs: 65535 },
      ],
      counters: { framesOk: 65535, cobs: 1, crc: 2, overflow: 3, short: 4, refused: 5 },
    },
    { type: 'boot', protocol: 1, firmware: { major: 0, minor: 9, patch: 1 }, resetCause: 0b0101, shield: 1, drums: 4 },
    { type: 'event', kind: 'struck', drum: 1, deviceTime: 4294967295, arg: 100 },
    { type: 'event', kind: 'defaults', drum: null, deviceTime: 12, arg: 2 },
  ];

  it('covers every type', () => {
    expect(new Set(messages.map((m) => m.type))).toEqual(new Set(Object.keys(MESSAGE_TYPES)));
  });

  for (const m of messages) {
    it(`${m.type} encodes to its length and decodes to the same message`, () => {
      const wire = isHostToBoard(m) ? encodeHostMessage(m, 42) : encodeBoardMessage(m, 42);
      expect(wire.length).toBeLessThanOrEqual(MAX_ENCODED_FRAME + 1);
      const frames = new FrameDecoder().push(wire);
      expect(frames).toHaveLength(1);
      expect(frames[0].type).toBe(MESSAGE_TYPES[m.type]);
      expect(frames[0].payload.length).toBe(PAYLOAD_LENGTHS[m.type]);
      expect(decodeMessage(frames[0])).toEqual({ ok: true, message: m });
      const directional = isHostToBoard(m) ? decodeHostMessage(frames[0]) : decodeBoardMessage(frames[0]);
      expect(directional.ok).toBe(true);
    });
  }

  it('the largest message fits the frame limits', () => {
    const longest = Math.max(...Object.values(PAYLOAD_LENGTHS));
    expect(longest).toBeLessThanOrEqual(56);
  });

  it('a board decoder refuses host messages and vice versa; unknown types and wrong lengths are named', () => {
    const [hello] = new FrameDecoder().push(encodeHostMessage({ type: 'hello', version: 1 }, 0));
    expect(decodeBoardMessage(hello)).toMatchObject({ ok: false, error: 'type' });
    const [ack] = new FrameDecoder().push(encodeBoardMessage({ type: 'ack', ackedSeq: 0, ackedType: 1 }, 0));
    expect(decodeHostMessage(ack)).toMatchObject({ ok: false, error: 'type' });
    expect(decodeMessage({ type: 0x42, seq: 0, payload: bytes() })).toMatchObject({ ok: false, error: 'type' });
    expect(decodeMessage({ type: 0x80, seq: 0, payload: bytes(1) })).toEqual({
      ok: false,
      error: 'length',
      detail: 'ack has 1 payload bytes, not 2',
    });
  });

  it('values outside their sets are refused, not guessed', () => {
    expect(decodeMessage({ type: 0x81, seq: 0, payload: bytes(0, 4, 99) })).toMatchObject({ ok: false, error: 'value' });
    expect(decodeMessage({ type: 0x91, seq: 0, payload: bytes(8, 0, 0, 0, 0, 0, 0, 0) })).toMatchObject({ ok: false, error: 'value' });
    const status = new Uint8Array(PAYLOAD_LENGTHS.status);
    status[7] = 9; // drum 0 state
    expect(decodeMessage({ type: 0x8a, seq: 0, payload: status })).toMatchObject({ ok: false, error: 'value' });
  });

  it('a value that does not fit its field is an error naming the field; nothing is encoded', () => {
    expect(axonErrorOf(() => encodeHostMessage({ type: 'strike', drum: 1, velocity: 300 }, 0))).toBe(
      'drum_field: strike.velocity must be an integer 0..255, got 300',
    );
    expect(axonErrorOf(() => encodeHostMessage({ type: 'strike_at', drum: 1, velocity: 3, deviceTime: -1 }, 0))).toBe(
      'drum_field: strike_at.deviceTime must be an integer 0..4294967295, got -1',
    );
    expect(axonErrorOf(() => encodeHostMessage({ type: 'get_table', drum: 1.5 }, 0))).toBe(
      'drum_field: get_table.drum must be an integer 0..255, got 1.5',
    );
  });

  it('the error table, its names and meanings', () => {
    expect(Object.values(PROTOCOL_ERRORS).map((e) => e.code)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(protocolErrorName(9)).toBe('late');
    expect(protocolErrorName(15)).toBeUndefined();
    expect(resetCauses(0b1010)).toEqual(['external', 'watchdog']);
    const names: MessageName[] = ['hello', 'event'];
    expect(names.map((n) => MESSAGE_TYPES[n])).toEqual([0x01, 0x91]);
  });
});

describe('strike tables', () => {
  it('encode and decode are inverse', () => {
    expect(decodeTable(encodeTable(TABLE))).toEqual(TABLE);
  });

  it('the rules: velocities strictly increasing in 1..127, phases up to the max phase, PWM 1..255', () => {
    expect(tableProblems(TABLE)).toEqual([]);
    const bad: StrikeTable = {
      minIntervalMs: 70000,
      points: [
        { ...TABLE.points[0], velocity: 0 },
        { ...TABLE.points[1], forwardUs: 60001 },
        { ...TABLE.points[2], velocity: 40, backPwm: 0 },
        { ...TABLE.points[3], velocity: 128, pauseUs: 1.5 },
      ],
    };
    expect(tableProblems(bad)).toEqual([
      'minIntervalMs must be an integer 0..65535, got 70000',
      'points[0].velocity must be an integer 1..127, got 0',
      "points[1].forwardUs must be an integer 0..60000 (the board's max phase is 60 ms), got 60001",
      'points[2].backPwm must be an integer 1..255, got 0',
      'points[2].velocity (40) must be above points[1].velocity (40)',
      'points[3].velocity must be an integer 1..127, got 128',
      "points[3].pauseUs must be an integer 0..60000 (the board's max phase is 60 ms), got 1.5",
    ]);
    expect(tableProblems(TABLE, 10)).toContain("points[3].forwardUs must be an integer 0..10000 (the board's max phase is 10 ms), got 12000");
    expect(tableProblems({ ...TABLE, points: TABLE.points.slice(0, 3) })).toEqual(['points must hold 4 points, got 3']);
  });

  it('encoding a bad table throws drum_table naming the fields; SET_TABLE too', () => {
    const bad = { ...TABLE, points: TABLE.points.map((p, i) => (i === 1 ? { ...p, forwardPwm: 0 } : p)) };
    expect(axonErrorOf(() => encodeTable(bad))).toBe('drum_table: invalid strike table: points[1].forwardPwm must be an integer 1..255, got 0');
    expect(axonErrorOf(() => encodeHostMessage({ type: 'set_table', drum: 0, table: bad }, 0))).toMatch(/^drum_table: .*points\[1\]\.forwardPwm/);
  });
});
