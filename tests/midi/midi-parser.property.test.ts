import fc from 'fast-check';
import { parseMidi, type MidiData, type MidiEvent } from 'midi-file';
import { describe, expect, it } from 'vitest';
import { encodeMidiMessage, parseMidiMessage, pitchBendToUnit, unitToPitchBend, type MidiMessage } from '../../src/main/midi/midi-message';
import { DRUM_NOTE_BASE, encodeSetMidi, MIDI_PPQ } from '../../src/main/record/set-midi';
import { AxonError } from '../../src/shared/errors';

// Properties of the MIDI message parser (bytes from devices) and of a set's MIDI file, read
// back with a standard parser (midi-file): the app has no SMF reader of its own. The worked
// examples are in midi-message.test.ts and record/set-midi.test.ts.

const SEED = 0x3d1;

const channel = fc.integer({ min: 1, max: 16 });
const data7 = fc.integer({ min: 0, max: 127 });
const data14 = fc.integer({ min: 0, max: 16383 });

const messageArb: fc.Arbitrary<MidiMessage> = fc.oneof(
  fc.record({ type: fc.constant('noteOn' as const), channel, note: data7, velocity: fc.integer({ min: 1, max: 127 }) }),
  fc.record({ type: fc.constant('noteOff' as const), channel, note: data7, velocity: data7 }),
  fc.record({ type: fc.constant('polyPressure' as const), channel, note: data7, pressure: data7 }),
  fc.record({ type: fc.constant('cc' as const), channel, cc: data7, value: data7 }),
  fc.record({ type: fc.constant('programChange' as const), channel, program: data7 }),
  fc.record({ type: fc.constant('channelPressure' as const), channel, pressure: data7 }),
  fc.record({ type: fc.constant('pitchBend' as const), channel, value: data14 }),
  fc.record({ type: fc.constant('songPosition' as const), sixteenths: data14 }),
  fc.constantFrom<MidiMessage>({ type: 'clock' }, { type: 'start' }, { type: 'continue' }, { type: 'stop' }),
);

/** The declared range of every field of a parsed message. */
function rangeViolations(m: MidiMessage): string[] {
  const out: string[] = [];
  const within = (field: string, v: number, min: number, max: number) => (Number.isInteger(v) && v >= min && v <= max) || out.push(`${field} = ${v}`);
  for (const [k, v] of Object.entries(m)) {
    if (k === 'type') continue;
    if (k === 'channel') within(k, v as number, 1, 16);
    else if (m.type === 'pitchBend' || m.type === 'songPosition') within(k, v as number, 0, 16383);
    else within(k, v as number, 0, 127);
  }
  if (m.type === 'noteOn' && m.velocity === 0) out.push('a note-on of velocity 0');
  return out;
}

describe('MIDI messages: properties', () => {
  it('every message encodes and parses back to itself, whatever bytes follow it', () => {
    fc.assert(
      fc.property(messageArb, fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 3 }), (m, after) => {
        const bytes = encodeMidiMessage(m);
        expect(parseMidiMessage(bytes)).toEqual(m);
        expect(parseMidiMessage(Uint8Array.from([...bytes, ...after]))).toEqual(m);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('any bytes (or non-bytes: fractions, NaN, negatives, over 255) parse to null or to a message in range that encodes back to those bytes', () => {
    const element = fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0, max: 255 }) },
      { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -1, 256, 1.5, 0x90 + 0.5, -0, 2 ** 53) },
    );
    // Mostly with a status byte first, or nearly everything is a stray data byte (null).
    const bytesArb = fc.oneof(
      fc.array(element, { maxLength: 5 }),
      fc.tuple(fc.integer({ min: 0x80, max: 0xff }), fc.array(element, { maxLength: 4 })).map(([status, rest]) => [status, ...rest]),
    );
    let parsed = 0;
    fc.assert(
      fc.property(bytesArb, (bytes) => {
        const m = parseMidiMessage(bytes);
        if (m === null) return;
        parsed++;
        expect(rangeViolations(m)).toEqual([]);
        const again = encodeMidiMessage(m).map((b) => b + 0);
        // A note-on of velocity 0 is read as the note-off it means; it encodes as a real note-off.
        const running = bytes[0] >= 0x90 && bytes[0] <= 0x9f && bytes[2] === 0;
        const sent = bytes.map((b) => b + 0); // -0 is the byte 0
        expect(again).toEqual(running ? [sent[0] - 0x10, ...sent.slice(1, 3)] : sent.slice(0, again.length));
      }),
      { seed: SEED, numRuns: 2000 },
    );
    expect(parsed).toBeGreaterThan(200);
  });

  it('a value outside its field is a midi_message AxonError naming the field, never a wrong byte on the wire', () => {
    const bad = fc.oneof(fc.integer({ min: -1000, max: -1 }), fc.integer({ min: 128, max: 100000 }), fc.constantFrom(NaN, Infinity, -Infinity, 0.5, 60.5));
    const field = fc.constantFrom('channel', 'note', 'velocity');
    fc.assert(
      fc.property(bad, field, fc.constantFrom('noteOn' as const, 'noteOff' as const), (value, name, type) => {
        fc.pre(!(name === 'channel' && Number.isInteger(value) && value >= 1 && value <= 16));
        const m = { type, channel: 1, note: 60, velocity: 100, [name]: value } as MidiMessage;
        let caught: unknown;
        try {
          encodeMidiMessage(m);
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(AxonError);
        expect((caught as AxonError).code).toBe('midi_message');
        expect((caught as AxonError).message).toMatch(new RegExp(`${name === 'velocity' && type === 'noteOn' ? 'note-on velocity' : name} must be an integer`));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('pitch bend: every 14-bit value survives the unit range, and any number maps into 0..16383', () => {
    fc.assert(
      fc.property(data14, fc.double(), (v, unit) => {
        expect(unitToPitchBend(pitchBendToUnit(v))).toBe(v);
        const b = unitToPitchBend(unit);
        expect(Number.isInteger(b) && b >= 0 && b <= 16383).toBe(true);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// A set's MIDI file, from generated event logs.

type LogLine = Record<string, unknown> & { frame: number };

const RATES = [44100, 48000, 96000];

interface SetLog {
  rate: number;
  start: number;
  frames: number;
  lines: LogLine[];
}

/** A log as the journal writes it: a record line, tempo changes, notes in, notes and drums out. */
const setLogArb: fc.Arbitrary<SetLog> = fc
  .record({ rate: fc.constantFrom(...RATES), start: fc.integer({ min: 0, max: 500_000 }), seconds: fc.double({ min: 0.01, max: 300, noNaN: true }) })
  .chain(({ rate, start, seconds }) => {
    const frames = Math.max(1, Math.round(seconds * rate));
    const frame = fc.integer({ min: 0, max: start + frames + rate });
    const line: fc.Arbitrary<LogLine> = fc.oneof(
      // Slow tempos too: a clock that crawls, or a tempo line from before a clock settled.
      fc.record({ type: fc.constant('tempo'), frame, bpm: fc.oneof(fc.double({ min: 20, max: 400, noNaN: true }), fc.double({ min: 0.5, max: 20, noNaN: true })) }),
      fc.record({ type: fc.constant('noteOn'), frame, note: data7, velocity: fc.integer({ min: 1, max: 127 }) }),
      fc.record({ type: fc.constant('noteOff'), frame, note: data7 }),
      fc.record({ type: fc.constant('drum'), frame, drum: fc.integer({ min: 0, max: 15 }), velocity: fc.integer({ min: 1, max: 127 }) }),
      fc.record({ type: fc.constant('out'), frame, kind: fc.constant('noteOn'), channel, note: data7, velocity: fc.integer({ min: 1, max: 127 }) }),
      fc.record({ type: fc.constant('out'), frame, kind: fc.constant('noteOff'), channel, note: data7 }),
      fc.record({ type: fc.constant('out'), frame, kind: fc.constant('cc'), channel, cc: data7, value: data7 }),
      fc.record({ type: fc.constant('out'), frame, kind: fc.constant('drum'), drum: fc.integer({ min: 0, max: 15 }), velocity: fc.integer({ min: 1, max: 127 }) }),
      fc.record({ type: fc.constant('input'), frame, input: fc.constant('joystick.x'), value: fc.double({ min: -1, max: 1, noNaN: true }) }),
    );
    return fc.record({
      rate: fc.constant(rate),
      start: fc.constant(start),
      frames: fc.constant(frames),
      // The journal writes in time order; lines on one frame keep their order.
      lines: fc.array(line, { maxLength: 40 }).map((ls) => [{ type: 'record', frame: start }, ...ls].sort((a, b) => a.frame - b.frame)),
    });
  });

const text = (log: SetLog) => log.lines.map((l) => JSON.stringify(l)).join('\n');

/** Absolute ticks of a parsed track. */
function timed(track: MidiEvent[]): { tick: number; e: MidiEvent }[] {
  let tick = 0;
  return track.map((e) => ({ tick: (tick += e.deltaTime), e }));
}

type NoteEvent = MidiEvent & { channel: number; noteNumber: number; velocity: number };
const notes = (track: MidiEvent[], type: 'noteOn' | 'noteOff') => timed(track).filter((x): x is { tick: number; e: NoteEvent } => x.e.type === type);

/** What every set's file must be, whatever its log: SMF 1, four tracks ending together, notes paired. */
function structureViolations(midi: MidiData): string[] {
  const out: string[] = [];
  if (midi.header.format !== 1 || midi.header.numTracks !== 4 || midi.header.ticksPerBeat !== MIDI_PPQ) out.push(`header ${JSON.stringify(midi.header)}`);
  const ends = midi.tracks.map((t) => timed(t).at(-1));
  for (const [i, end] of ends.entries()) if (end?.e.type !== 'endOfTrack' || end.tick !== ends[0]?.tick) out.push(`track ${i} ends with ${end?.e.type} at ${end?.tick}`);
  midi.tracks.forEach((t, i) => {
    if (t.some((e) => !(Number.isInteger(e.deltaTime) && e.deltaTime >= 0))) out.push(`track ${i}: a bad delta`);
    // Each note starts before it stops, and is stopped by the end. Strikes of one drum may
    // overlap (each is a short note of its own, and drums ignore note-offs): only the notes
    // tracks must stop a note before starting it again.
    const held = new Map<string, number>();
    for (const { e } of timed(t)) {
      if (e.type !== 'noteOn' && e.type !== 'noteOff') continue;
      const n = e as NoteEvent;
      if (n.noteNumber > 127 || n.velocity > 127) out.push(`track ${i}: ${JSON.stringify(n)}`);
      const key = `${n.channel}:${n.noteNumber}`;
      const count = held.get(key) ?? 0;
      const on = e.type === 'noteOn' && n.velocity > 0;
      if (on && count > 0 && i !== 3) out.push(`track ${i}: note ${key} started twice`);
      if (!on && count === 0) out.push(`track ${i}: note ${key} stopped while silent`);
      if (on) held.set(key, count + 1);
      else if (count === 1) held.delete(key);
      else if (count > 1) held.set(key, count - 1);
    }
    if (held.size > 0) out.push(`track ${i}: ${[...held.keys()].join(', ')} still sounding at the end`);
  });
  return out;
}

/** The tempo a file holds for a BPM: 1..0xFFFFFF microseconds per beat. */
const fileBpm = (bpm: number) => Math.min(60_000_000, Math.max(60_000_000 / 0xffffff, bpm));

/** Ticks at `frame` through the log's tempo map, integrated exactly (the writer rounds as it goes). */
function exactTicks(log: SetLog, frame: number): number {
  const tempos = log.lines.filter((l) => l.type === 'tempo').sort((a, b) => a.frame - b.frame) as (LogLine & { bpm: number })[];
  let bpm = fileBpm(tempos.filter((t) => t.frame <= log.start).at(-1)?.bpm ?? 120);
  let at = log.start;
  let ticks = 0;
  for (const t of tempos) {
    if (t.frame <= log.start || t.frame >= log.start + log.frames || t.frame >= frame) continue;
    ticks += ((t.frame - at) / log.rate) * (bpm / 60) * MIDI_PPQ;
    at = t.frame;
    bpm = fileBpm(t.bpm);
  }
  return ticks + ((frame - at) / log.rate) * (bpm / 60) * MIDI_PPQ;
}

describe("a set's MIDI file: properties", () => {
  it('any log: a standard parser reads the file as SMF 1 at 960 PPQ, four tracks ending together, every note paired', () => {
    fc.assert(
      fc.property(setLogArb, (log) => {
        const midi = parseMidi(encodeSetMidi(text(log), log.rate, log.frames, 'set'));
        expect(structureViolations(midi)).toEqual([]);
        // The end is the set's length through the tempo map (each tempo segment rounds once).
        const segments = 1 + log.lines.filter((l) => l.type === 'tempo' && l.frame > log.start && l.frame < log.start + log.frames).length;
        expect(Math.abs(timed(midi.tracks[0]).at(-1)!.tick - exactTicks(log, log.start + log.frames))).toBeLessThanOrEqual(segments);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('the tempo map: the tempo at the start, then each change inside the set, each in microseconds per beat', () => {
    fc.assert(
      fc.property(setLogArb, (log) => {
        const midi = parseMidi(encodeSetMidi(text(log), log.rate, log.frames, 'set'));
        const tempos = log.lines.filter((l) => l.type === 'tempo') as (LogLine & { bpm: number })[];
        const inside = tempos.filter((t) => t.frame > log.start && t.frame < log.start + log.frames);
        const first = tempos.filter((t) => t.frame <= log.start).at(-1)?.bpm ?? 120;
        const got = timed(midi.tracks[0]).filter((x) => x.e.type === 'setTempo') as { tick: number; e: MidiEvent & { microsecondsPerBeat: number } }[];
        expect(got.map((x) => x.e.microsecondsPerBeat)).toEqual([first, ...inside.map((t) => t.bpm)].map((bpm) => Math.round(60_000_000 / fileBpm(bpm))));
        got.forEach((x, i) => {
          const frame = i === 0 ? log.start : inside[i - 1].frame;
          expect(Math.abs(x.tick - exactTicks(log, frame))).toBeLessThanOrEqual(i + 1);
        });
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('notes in, notes out, controllers and drum strikes: every one inside the set, on its tick, none from outside', () => {
    fc.assert(
      fc.property(setLogArb, (log) => {
        const midi = parseMidi(encodeSetMidi(text(log), log.rate, log.frames, 'set'));
        const end = log.start + log.frames;
        const inside = (l: LogLine) => l.frame >= log.start && l.frame < end;
        const segments = 1 + log.lines.filter((l) => l.type === 'tempo' && inside(l)).length;
        const near = (got: number[], frames: number[]) => {
          expect(got.length).toBe(frames.length);
          got.forEach((tick, i) => expect(Math.abs(tick - exactTicks(log, frames[i]))).toBeLessThanOrEqual(segments));
        };
        // Notes in: every note-on inside, plus those held from before the set at tick 0.
        const held = new Set<number>();
        for (const l of log.lines.filter((x) => x.frame < log.start)) {
          if (l.type === 'noteOn') held.add(l.note as number);
          if (l.type === 'noteOff') held.delete(l.note as number);
        }
        const ons = notes(midi.tracks[1], 'noteOn');
        expect(ons.slice(0, held.size).map((x) => [x.tick, x.e.noteNumber])).toEqual([...held].map((n) => [0, n]));
        near(
          ons.slice(held.size).map((x) => x.tick),
          log.lines.filter((l) => l.type === 'noteOn' && inside(l)).map((l) => l.frame),
        );
        // Notes out (by channel), the same way, and controllers.
        const heldOut = new Set<string>();
        for (const l of log.lines.filter((x) => x.type === 'out' && x.frame < log.start)) {
          if (l.kind === 'noteOn') heldOut.add(`${l.channel}:${l.note}`);
          if (l.kind === 'noteOff') heldOut.delete(`${l.channel}:${l.note}`);
        }
        near(
          notes(midi.tracks[2], 'noteOn').slice(heldOut.size).map((x) => x.tick),
          log.lines.filter((l) => l.type === 'out' && l.kind === 'noteOn' && inside(l)).map((l) => l.frame),
        );
        const ccs = timed(midi.tracks[2]).filter((x) => x.e.type === 'controller') as { tick: number; e: MidiEvent & { channel: number; controllerType: number; value: number } }[];
        const ccLines = log.lines.filter((l) => l.type === 'out' && l.kind === 'cc' && inside(l));
        expect(ccs.map((x) => [x.e.channel + 1, x.e.controllerType, x.e.value])).toEqual(ccLines.map((l) => [l.channel, l.cc, l.value]));
        near(ccs.map((x) => x.tick), ccLines.map((l) => l.frame));
        // Drums: one short note per strike inside, on channel 10 from note 36.
        const strikes = log.lines.filter((l) => (l.type === 'drum' || (l.type === 'out' && l.kind === 'drum')) && inside(l));
        const hits = notes(midi.tracks[3], 'noteOn');
        expect(hits.map((x) => [x.e.channel, x.e.noteNumber, x.e.velocity])).toEqual(strikes.map((l) => [9, DRUM_NOTE_BASE + (l.drum as number), l.velocity]));
        near(hits.map((x) => x.tick), strikes.map((l) => l.frame));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a log damaged any way (cut lines, junk lines, fields of the wrong type or size) still makes a file that reads as a set', () => {
    const junkValue = fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, 'x', '120', [], {}, -1, 1e9, -1e9, 0.5, 1e300, -0) },
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
    );
    // Tempos of thousands of BPM held for hours run past the 28-bit tick deltas of the format
    // itself; a damaged tempo here is any other junk, and slow ones the format cannot write.
    const junkBpm = fc.constantFrom<unknown>(null, true, 'x', '120', [], {}, -1, 0, -0, 1e-9, 0.5, 2, 3.5, 1000);
    const edit = fc.oneof(
      fc.tuple(fc.nat(), fc.constantFrom('note', 'velocity', 'drum', 'channel', 'cc', 'value', 'kind', 'type'), junkValue),
      fc.tuple(fc.nat(), fc.constant('bpm'), junkBpm),
    );
    const damaged = fc.tuple(setLogArb, fc.array(edit, { maxLength: 8 }), fc.nat(), fc.string({ maxLength: 30 }));
    fc.assert(
      fc.property(damaged, ([log, edits, cut, junk]) => {
        const lines = log.lines.map((l) => ({ ...l }));
        for (const [pick, field, value] of edits) if (lines.length > 0) (lines[pick % lines.length] as Record<string, unknown>)[field] = value;
        const whole = lines.map((l) => JSON.stringify(l)).join('\n');
        const damagedText = `${whole.slice(0, cut % (whole.length + 1))}\n${junk}\n{"type":"noteOn","fra`;
        for (const t of [whole, damagedText]) {
          const bytes = encodeSetMidi(t, log.rate, log.frames, 'set');
          expect(structureViolations(parseMidi(bytes))).toEqual([]);
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});

describe("a set's MIDI file: regressions found by the properties", () => {
  const RATE = 48000;
  const log = (...lines: object[]) => [{ type: 'record', frame: 0 }, ...lines].map((l) => JSON.stringify(l)).join('\n');

  it('a note that is not a number is passed over, not left sounding on another key', () => {
    // It used to start on channel 2 (note NaN, written as 0) and stop on channel 1.
    const midi = parseMidi(encodeSetMidi(log({ type: 'out', frame: 10, kind: 'noteOn', channel: 2, note: {}, velocity: 1 }), RATE, RATE, 'set'));
    expect(structureViolations(midi)).toEqual([]);
    expect(notes(midi.tracks[2], 'noteOn')).toEqual([]);
  });

  it('a tempo slower than a file can hold is written as the slowest it can, not wrapped round to a fast one', () => {
    const midi = parseMidi(encodeSetMidi(log({ type: 'tempo', frame: 0, bpm: 2 }), RATE, RATE, 'set'));
    const tempo = midi.tracks[0].find((e) => e.type === 'setTempo') as MidiEvent & { microsecondsPerBeat: number };
    expect(tempo.microsecondsPerBeat).toBe(0xffffff); // 30,000,000 wrapped to 13,222,784
    expect(timed(midi.tracks[0]).at(-1)!.tick).toBe(Math.round((60_000_000 / 0xffffff / 60) * MIDI_PPQ)); // one second at that tempo
  });
});
