import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Frames, Hertz } from '../../shared/units';
import { SET_EVENTS_FILE } from './event-journal';
import { MASTER_FILE, type SetManifest } from './set-manifest';
import { WAV_STREAM_HEADER_BYTES } from './wav-stream';

// A set's MIDI file (midi.mid), made from its event log when the set closes (and by `axon
// repair`): SMF type 1 at 960 ticks per quarter note. Track 1 holds the tempo map (the MIDI
// clock's tempo as the rig followed it; 120 BPM when none played), track 2 the notes that came
// in, track 3 the notes and controllers the patch sent out, track 4 every drum strike, on
// channel 10 from note 36 (General MIDI's kick) up. Times are from the first recorded frame.

export const SET_MIDI_FILE = 'midi.mid';
export const MIDI_PPQ = 960;
const DEFAULT_BPM = 120;
/** The tempos a file can hold: its tempo is 1..0xFFFFFF microseconds per beat (a slower one wrapped round). */
const MIN_FILE_BPM = 60_000_000 / 0xffffff;
const MAX_FILE_BPM = 60_000_000;
/** Drum n strikes note DRUM_NOTE_BASE + n. */
export const DRUM_NOTE_BASE = 36;
const DRUM_CHANNEL = 9;
/** A strike is a short note: its note-off follows after this long. */
const DRUM_NOTE_SECONDS = 0.05;

interface TrackEvent {
  tick: number;
  bytes: number[];
}

/** The lines of a log that the MIDI file reads (anything else, or a line cut short, is passed over). */
type MidiLine =
  | { type: 'record'; frame: Frames }
  | { type: 'tempo'; frame: Frames; bpm: number }
  | { type: 'noteOn'; frame: Frames; note: number; velocity: number }
  | { type: 'noteOff'; frame: Frames; note: number }
  | { type: 'drum'; frame: Frames; drum: number; velocity: number }
  | { type: 'out'; frame: Frames; kind: 'noteOn' | 'noteOff' | 'cc' | 'drum'; channel?: number; note?: number; velocity?: number; cc?: number; value?: number; drum?: number };

/** Fields the file reads as numbers besides the frame: a line where one is anything else (damaged) is passed over too. */
const NUMBERS = ['bpm', 'note', 'velocity', 'drum', 'channel', 'cc', 'value'] as const;

function readLines(text: string): MidiLine[] {
  const lines: MidiLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.startsWith('{')) continue;
    try {
      const v = JSON.parse(raw) as Record<string, unknown>;
      // A note that is not a number would start on one key and stop on another: a stuck note.
      if (Number.isFinite(v.frame) && NUMBERS.every((k) => !(k in v) || Number.isFinite(v[k]))) lines.push(v as MidiLine);
    } catch {
      // A line cut short by a crash: the rest of the log still counts.
    }
  }
  return lines;
}

const clamp7 = (v: number | undefined) => Math.max(0, Math.min(127, Math.round(v ?? 0)));
const channelOf = (c: number | undefined) => Math.max(0, Math.min(15, Math.round(c ?? 1) - 1));

/** The MIDI file of the span [recordFrame, recordFrame + frames) of a log's lines. */
export function encodeSetMidi(logText: string, sampleRate: Hertz, frames: Frames, title: string): Buffer {
  const lines = readLines(logText);
  const record = lines.find((l) => l.type === 'record');
  const start = record ? record.frame : 0;
  const end = start + frames;

  // Tempo map: the tempo in force at the start, then each change inside the set.
  const tempos = lines
    .filter((l): l is Extract<MidiLine, { type: 'tempo' }> => l.type === 'tempo' && l.bpm > 0)
    .map((t) => ({ ...t, bpm: Math.min(MAX_FILE_BPM, Math.max(MIN_FILE_BPM, t.bpm)) }))
    .sort((a, b) => a.frame - b.frame);
  const segments: { frame: Frames; tick: number; bpm: number }[] = [{ frame: start, tick: 0, bpm: tempos.filter((t) => t.frame <= start).at(-1)?.bpm ?? DEFAULT_BPM }];
  const tickAt = (frame: Frames): number => {
    let s = segments[0];
    for (const seg of segments) if (seg.frame <= frame) s = seg;
    return s.tick + Math.round((((frame - s.frame) / sampleRate) * s.bpm * MIDI_PPQ) / 60);
  };
  for (const t of tempos) if (t.frame > start && t.frame < end) segments.push({ frame: t.frame, tick: tickAt(t.frame), bpm: t.bpm });
  const conductor: TrackEvent[] = [{ tick: 0, bytes: meta(0x58, [4, 2, 24, 8]) }];
  for (const s of segments) {
    const us = Math.round(60_000_000 / s.bpm);
    conductor.push({ tick: s.tick, bytes: meta(0x51, [(us >> 16) & 0xff, (us >> 8) & 0xff, us & 0xff]) });
  }

  const notesIn = new NoteTrack();
  const notesOut = new NoteTrack();
  const drums: TrackEvent[] = [];
  for (const l of lines) {
    // Before the set, notes only count as held into it; after it, nothing counts.
    if (l.frame >= end) continue;
    const inside = l.frame >= start;
    const tick = inside ? tickAt(l.frame) : 0;
    if (l.type === 'noteOn') notesIn.on(0, clamp7(l.note), clamp7(l.velocity), tick, inside);
    else if (l.type === 'noteOff') notesIn.off(0, clamp7(l.note), tick, inside);
    else if (l.type === 'drum' || (l.type === 'out' && l.kind === 'drum')) {
      if (!inside) continue;
      const note = clamp7(DRUM_NOTE_BASE + (l.drum ?? 0));
      const off = Math.max(tick + 1, tickAt(l.frame + DRUM_NOTE_SECONDS * sampleRate));
      drums.push({ tick, bytes: [0x90 | DRUM_CHANNEL, note, Math.max(1, clamp7(l.velocity))] }, { tick: off, bytes: [0x80 | DRUM_CHANNEL, note, 0] });
    } else if (l.type === 'out') {
      const ch = channelOf(l.channel);
      if (l.kind === 'noteOn') notesOut.on(ch, clamp7(l.note), clamp7(l.velocity), tick, inside);
      else if (l.kind === 'noteOff') notesOut.off(ch, clamp7(l.note), tick, inside);
      else if (l.kind === 'cc' && inside) notesOut.events.push({ tick, bytes: [0xb0 | ch, clamp7(l.cc), clamp7(l.value)] });
    }
  }
  const endTick = tickAt(end);
  const tracks = [
    { name: title, events: conductor },
    { name: 'notes in', events: notesIn.finish(endTick) },
    { name: 'notes out', events: notesOut.finish(endTick) },
    { name: 'drums', events: drums },
  ];
  const header = Buffer.alloc(14);
  header.write('MThd', 0, 'latin1');
  header.writeUInt32BE(6, 4);
  header.writeUInt16BE(1, 8);
  header.writeUInt16BE(tracks.length, 10);
  header.writeUInt16BE(MIDI_PPQ, 12);
  return Buffer.concat([header, ...tracks.map((t) => encodeTrack(t.name, t.events, endTick))]);
}

/** Notes of one track: those held when the set starts begin at its first tick, those still held end at its last. */
class NoteTrack {
  readonly events: TrackEvent[] = [];
  /** Notes sounding, by channel * 128 + note: their velocity. */
  private readonly held = new Map<number, number>();
  private started = false;

  on(ch: number, note: number, velocity: number, tick: number, inside: boolean): void {
    if (inside) this.begin();
    const key = ch * 128 + note;
    if (velocity === 0) return this.off(ch, note, tick, inside);
    if (inside) {
      if (this.held.has(key)) this.events.push({ tick, bytes: [0x80 | ch, note, 0] });
      this.events.push({ tick, bytes: [0x90 | ch, note, velocity] });
    }
    this.held.set(key, velocity);
  }

  off(ch: number, note: number, tick: number, inside: boolean): void {
    if (inside) this.begin();
    const key = ch * 128 + note;
    if (!this.held.has(key)) return;
    this.held.delete(key);
    if (inside) this.events.push({ tick, bytes: [0x80 | ch, note, 0] });
  }

  finish(endTick: number): TrackEvent[] {
    this.begin();
    for (const key of this.held.keys()) this.events.push({ tick: endTick, bytes: [0x80 | (key >> 7), key & 127, 0] });
    this.held.clear();
    return this.events;
  }

  /** The first event inside the set: notes held from before it sound from tick 0. */
  private begin(): void {
    if (this.started) return;
    this.started = true;
    for (const [key, velocity] of this.held) this.events.push({ tick: 0, bytes: [0x90 | (key >> 7), key & 127, velocity] });
  }
}

function meta(type: number, data: number[]): number[] {
  return [0xff, type, data.length, ...data];
}

function vlq(n: number): number[] {
  const out = [n & 0x7f];
  for (let v = n >>> 7; v > 0; v >>>= 7) out.unshift((v & 0x7f) | 0x80);
  return out;
}

function encodeTrack(name: string, events: TrackEvent[], endTick: number): Buffer {
  const text = [...Buffer.from(name, 'utf8')];
  const all: TrackEvent[] = [{ tick: 0, bytes: [0xff, 0x03, ...vlq(text.length), ...text] }, ...events.map((e) => ({ ...e, tick: Math.min(e.tick, endTick) }))];
  // Stable: events on one tick keep the order they happened in.
  all.sort((a, b) => a.tick - b.tick);
  const body: number[] = [];
  let last = 0;
  for (const e of all) {
    body.push(...vlq(e.tick - last), ...e.bytes);
    last = e.tick;
  }
  body.push(...vlq(Math.max(0, endTick - last)), 0xff, 0x2f, 0x00);
  const head = Buffer.alloc(8);
  head.write('MTrk', 0, 'latin1');
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, Buffer.from(body)]);
}

/** Writes a set's midi.mid from its event log and the length of its master.wav. */
export function writeSetMidi(dir: string, manifest: SetManifest): void {
  const frames = Math.max(0, Math.floor((statSync(path.join(dir, MASTER_FILE)).size - WAV_STREAM_HEADER_BYTES) / (manifest.channels * 4)));
  const log = readFileSync(path.join(dir, SET_EVENTS_FILE), 'utf8');
  writeFileSync(path.join(dir, SET_MIDI_FILE), encodeSetMidi(log, manifest.sampleRate, frames, manifest.title ?? path.basename(dir)));
}
