#!/usr/bin/env node
// Writes the fuzzer's seed corpus (firmware/fuzz/corpus/*.bin) and dictionary
// (controller_fuzz.dict): short host sessions with every request type, intact and damaged, so
// the fuzzer starts from frames with good CRCs instead of having to find them. The outputs are
// checked in; rerun this after changing it or the protocol.
//
// Timing as controller_fuzz.cpp has it: micros() starts at 2^32 - 250000, a byte takes 87 us,
// and an empty frame (a zero after a zero) 10 ms.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpusDir = path.join(here, 'corpus');

const START = 2 ** 32 - 250000;
const BYTE_MICROS = 87;
const EMPTY_FRAME_MICROS = 10000;

const T = { hello: 1, heartbeat: 2, timeSync: 3, strike: 4, strikeAt: 5, setTable: 6, getTable: 7, saveTables: 8, allStop: 9, getStatus: 10, defaultTables: 11 };

function crc16(bytes) {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

// Frames stay far below 254 bytes, so no block is ever full.
function cobs(bytes) {
  const out = [0];
  let code = 0;
  for (const b of bytes) {
    if (b === 0) {
      out[code] = out.length - code;
      code = out.length;
      out.push(0);
    } else {
      out.push(b);
    }
  }
  out[code] = out.length - code;
  return out;
}

const u16 = (v) => [v & 0xff, (v >>> 8) & 0xff];
const u32 = (v) => [...u16(v & 0xffff), ...u16(v >>> 16)];

function raw(type, seq, payload) {
  const body = [type, seq & 0xff, ...payload];
  return [...body, ...u16(crc16(body))];
}

/** A host session: frames with consecutive seqs, pauses, and the time each byte arrives. */
class Session {
  constructor() {
    this.bytes = [0]; // the host's flush, as the driver sends it
    this.seq = 0;
    this.time = START + EMPTY_FRAME_MICROS;
  }

  push(bytes) {
    for (const b of bytes) {
      this.time += b === 0 && this.bytes.at(-1) === 0 ? EMPTY_FRAME_MICROS : BYTE_MICROS;
      this.bytes.push(b);
    }
    return this;
  }

  send(type, payload = [], damage) {
    const frame = cobs(raw(type, this.seq++, payload));
    if (damage) damage(frame);
    return this.push([...frame, 0]);
  }

  pause(millis) {
    return this.push(new Array(Math.round((millis * 1000) / EMPTY_FRAME_MICROS)).fill(0));
  }

  /** A device time `millis` after this frame would arrive. */
  later(millis) {
    return (this.time + 12 * BYTE_MICROS + millis * 1000) >>> 0;
  }
}

const point = (velocity, forward, pause, back, forwardPwm, backPwm) => [velocity, ...u16(forward), ...u16(pause), ...u16(back), forwardPwm, backPwm];
// Every phase at an edge: the max phase, a skipped pause, the lowest PWM.
const table = [
  ...u16(100),
  ...u16(0),
  ...point(1, 10000, 5000, 12000, 1, 1),
  ...point(50, 20000, 0, 25000, 160, 170),
  ...point(100, 40000, 3000, 45000, 220, 200),
  ...point(127, 60000, 0, 60000, 255, 255),
];

const hello = () => new Session().send(T.hello, [1]);

const seeds = {
  hello: hello(),
  requests: hello().send(T.heartbeat).send(T.timeSync, u32(0xdeadbeef)).send(T.getStatus).send(T.getTable, [1]).send(T.allStop).send(T.defaultTables),
  strike: hello().send(T.strike, [0, 100]).pause(120).send(T.heartbeat).send(T.strike, [0, 127]).pause(150),
  strikes_all_drums: hello().send(T.strike, [0, 1]).send(T.strike, [1, 40]).send(T.strike, [2, 90]).send(T.strike, [3, 127]).pause(100).send(T.getStatus),
  strike_refused: hello().send(T.strike, [0, 64]).send(T.strike, [0, 64]).send(T.strike, [9, 64]).send(T.strike, [1, 0]).pause(50),
  all_stop: hello().send(T.strike, [1, 127]).send(T.allStop).pause(100),
  tables: hello().send(T.setTable, [2, ...table]).send(T.getTable, [2]).send(T.strike, [2, 127]).send(T.saveTables).pause(200).send(T.saveTables).pause(500).send(T.getStatus),
};

{
  const s = hello();
  s.send(T.strikeAt, [1, 64, ...u32(s.later(30))]);
  s.send(T.strikeAt, [1, 1, ...u32(s.later(200))]);
  s.send(T.strikeAt, [2, 90, ...u32(s.later(-1))]); // just past: fires at once
  s.send(T.strikeAt, [3, 90, ...u32(s.later(-10))]); // late
  s.send(T.strikeAt, [3, 90, ...u32(s.later(20000))]); // too far ahead
  seeds.strike_at = s.pause(300);
}
{
  // Seventeen strikes due at once: a full queue, one start per pass, busy drums refused.
  const s = hello();
  const at = s.later(150);
  for (let i = 0; i < 17; i++) s.send(T.strikeAt, [i % 4, 20 + i, ...u32(at)]);
  seeds.strike_at_full = s.pause(300);
}
{
  // Silence past the link watchdog with a strike scheduled, then the link back.
  const s = hello();
  s.send(T.strikeAt, [3, 100, ...u32(s.later(450))]);
  seeds.link_lost = s.pause(600).send(T.heartbeat).send(T.strike, [3, 50]).pause(100);
}
{
  // Damaged strikes: a CRC bit, a code byte too long, a frame cut by a zero, one too long.
  const s = hello();
  s.send(T.strike, [0, 100], (f) => (f[f.length - 1] ^= 0x10));
  s.send(T.strike, [1, 100], (f) => (f[0] += 1));
  s.push([...cobs(raw(T.strike, 9, [2, 100])).slice(0, 3), 0]);
  s.push([...new Array(70).fill(0x33), 0]);
  seeds.damaged = s.send(T.heartbeat).pause(100);
}

{
  // The duty budget: one drum on the longest strike (60 + 60 ms driven) with no re-strike
  // interval, as often as it will go, until strikes are refused with `duty`.
  const s = hello().send(T.setTable, [0, ...u16(0), ...u16(0), ...point(1, 60000, 0, 60000, 255, 255), ...point(2, 60000, 0, 60000, 255, 255), ...point(3, 60000, 0, 60000, 255, 255), ...point(127, 60000, 0, 60000, 255, 255)]);
  for (let i = 0; i < 30; i++) s.send(T.strike, [0, 127]).pause(130);
  seeds.duty = s;
}

rmSync(corpusDir, { recursive: true, force: true });
mkdirSync(corpusDir, { recursive: true });
for (const [name, session] of Object.entries(seeds)) writeFileSync(path.join(corpusDir, `${name}.bin`), Buffer.from(session.bytes));

// Whole intact frames (seq 0) the mutator can splice in anywhere.
const entry = (bytes) => `"${bytes.map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}"`;
const frames = {
  hello: [T.hello, [1]],
  heartbeat: [T.heartbeat, []],
  time_sync: [T.timeSync, u32(0)],
  strike: [T.strike, [0, 100]],
  strike_at: [T.strikeAt, [0, 100, ...u32(START + 50000)]],
  set_table: [T.setTable, [0, ...table]],
  get_table: [T.getTable, [0]],
  save_tables: [T.saveTables, []],
  all_stop: [T.allStop, []],
  get_status: [T.getStatus, []],
  default_tables: [T.defaultTables, []],
};
const dict = ['# Intact frames, seq 0, delimiter included (written by make-corpus.mjs).'];
for (const [name, [type, payload]] of Object.entries(frames)) dict.push(`${name}=${entry([...cobs(raw(type, 0, payload)), 0])}`);
writeFileSync(path.join(here, 'controller_fuzz.dict'), `${dict.join('\n')}\n`);

console.log(`make-corpus: ${readdirSync(corpusDir).length} seeds in ${path.relative(process.cwd(), corpusDir) || '.'}, dictionary ${Object.keys(frames).length} frames`);
