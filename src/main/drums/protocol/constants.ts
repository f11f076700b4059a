// The numbers of firmware/PROTOCOL.md (version 1), declared once: the codec, the link, the drum
// manager and the UI read them from here. Keep in step with the firmware.

export const PROTOCOL_VERSION = 1;

/** Message type codes: 0x01-0x0B host to board, 0x80 and up board to host. */
export const MESSAGE_TYPES = {
  hello: 0x01,
  heartbeat: 0x02,
  time_sync: 0x03,
  strike: 0x04,
  strike_at: 0x05,
  set_table: 0x06,
  get_table: 0x07,
  save_tables: 0x08,
  all_stop: 0x09,
  get_status: 0x0a,
  default_tables: 0x0b,
  ack: 0x80,
  nack: 0x81,
  hello_reply: 0x82,
  time_reply: 0x83,
  table: 0x87,
  status: 0x8a,
  boot: 0x90,
  event: 0x91,
} as const;
export type MessageName = keyof typeof MESSAGE_TYPES;

/** Payload bytes of each type; any other length is the `length` error. */
export const PAYLOAD_LENGTHS: Readonly<Record<MessageName, number>> = {
  hello: 1,
  heartbeat: 0,
  time_sync: 4,
  strike: 2,
  strike_at: 6,
  set_table: 41,
  get_table: 1,
  save_tables: 0,
  all_stop: 0,
  get_status: 0,
  default_tables: 0,
  ack: 2,
  nack: 3,
  hello_reply: 15,
  time_reply: 9,
  table: 42,
  status: 31,
  boot: 7,
  event: 8,
};

/** Decoded frame: type, seq, payload, CRC. */
export const FRAME_OVERHEAD = 4;
export const MAX_PAYLOAD = 56;
/** A receiver skips anything longer than this before a delimiter (PROTOCOL.md "overflow"). */
export const MAX_ENCODED_FRAME = 62;

/** Strike tables: 4 velocity points of 9 bytes after a 4-byte header. */
export const TABLE_BYTES = 40;
// Table limits are declared in src/shared/drum-table.ts, where the UI reads them too.
export { DEFAULT_MAX_PHASE_MS, TABLE_POINTS, VELOCITY_MAX, VELOCITY_MIN } from '../../../shared/drum-table';
/** STATUS always carries this many drum slots, whatever the board's drum count. */
export const STATUS_DRUMS = 4;
/** EVENT drum value meaning "no drum". */
export const NO_DRUM = 255;

/** NACK and `refused` error codes. */
export const PROTOCOL_ERRORS = {
  length: { code: 1, meaning: 'payload length wrong for the type' },
  type: { code: 2, meaning: 'unknown type' },
  drum: { code: 3, meaning: 'no such drum' },
  velocity: { code: 4, meaning: 'velocity outside 1..127' },
  busy: { code: 5, meaning: 'the drum is mid-strike' },
  too_soon: { code: 6, meaning: "inside the drum's minimum re-strike interval" },
  duty: { code: 7, meaning: "the strike would exceed the motor's duty budget" },
  queue_full: { code: 8, meaning: '16 strikes already scheduled' },
  late: { code: 9, meaning: 'scheduled time more than 2 ms past' },
  range: { code: 10, meaning: 'scheduled time more than 10 s ahead' },
  table: { code: 11, meaning: 'table values out of range or not increasing in velocity' },
  eeprom_busy: { code: 12, meaning: 'a save is still being written' },
  link: { code: 13, meaning: 'motors are released after link loss' },
  version: { code: 14, meaning: 'HELLO with a protocol version the board does not speak' },
} as const;
export type ProtocolErrorName = keyof typeof PROTOCOL_ERRORS;

export const DRUM_STATES = { idle: 0, forward: 1, pause: 2, back: 3, cooldown: 4 } as const;
export type DrumStateName = keyof typeof DRUM_STATES;

export const EVENT_KINDS = { struck: 1, refused: 2, link_lost: 3, link_ok: 4, saved: 5, save_failed: 6, defaults: 7 } as const;
export type EventKindName = keyof typeof EVENT_KINDS;

/** BOOT reset cause: bits of the AVR's MCUSR. */
export const RESET_CAUSE_BITS = { power_on: 0, external: 1, brown_out: 2, watchdog: 3 } as const;
export type ResetCauseName = keyof typeof RESET_CAUSE_BITS;

/** STATUS flags bits. */
export const STATUS_FLAG_BITS = { link_ok: 0, eeprom_busy: 1, tables_from_defaults: 2 } as const;

/** The name a code stands for in one of the tables above, or undefined for an unknown code. */
export function nameOfCode<K extends string>(table: Readonly<Record<K, number>>, code: number): K | undefined {
  for (const name of Object.keys(table) as K[]) if (table[name] === code) return name;
  return undefined;
}

export function protocolErrorName(code: number): ProtocolErrorName | undefined {
  for (const name of Object.keys(PROTOCOL_ERRORS) as ProtocolErrorName[]) if (PROTOCOL_ERRORS[name].code === code) return name;
  return undefined;
}

export function resetCauses(mcusr: number): ResetCauseName[] {
  return (Object.keys(RESET_CAUSE_BITS) as ResetCauseName[]).filter((name) => (mcusr >> RESET_CAUSE_BITS[name]) & 1);
}
