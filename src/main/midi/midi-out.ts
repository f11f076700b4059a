/**
 * MidiOut: notes, controllers and clock to one MIDI output (any MidiSink).
 *
 * It remembers every note it has turned on and not off, so `panic()` and `close()` can release
 * exactly those (a note-off each, then All Notes Off on the channels used, for synths that hold
 * notes we never knew of). A note with a length schedules its own note-off; playing the same
 * note again before then moves the note-off to the new length instead of cutting the new note.
 */
import type { Milliseconds, MidiNote } from '../../shared/units';
import type { OutEvent } from '../../shared/events';
import { CC_ALL_NOTES_OFF, encodeMidiMessage, unitToPitchBend, type MidiMessage } from './midi-message';
import type { MidiSink } from './midi-ports';
import { systemTimers, type MidiTimers } from './midi-timers';

const clampInt = (v: number, min: number, max: number) => (Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : min);
const key = (channel: number, note: MidiNote) => channel * 128 + note;

export class MidiOut {
  /** Held notes: key -> the pending note-off timer (null: held until noteOff). */
  private readonly held = new Map<number, unknown>();
  private readonly channelsUsed = new Set<number>();
  private closed = false;

  constructor(
    private readonly sink: MidiSink,
    private readonly timers: MidiTimers = systemTimers,
  ) {}

  /** Notes currently on, as [channel, note]. */
  get heldNotes(): [number, MidiNote][] {
    return [...this.held.keys()].map((k) => [Math.floor(k / 128), k % 128]);
  }

  /** Throws `midi_message` for values out of range (nothing is sent then). */
  send(message: MidiMessage): void {
    const bytes = encodeMidiMessage(message);
    if (!this.closed) this.sink.send(bytes);
  }

  /** A note-on; with `length` its note-off follows that many ms later. */
  noteOn(channel: number, note: MidiNote, velocity: number, length?: Milliseconds): void {
    this.send({ type: 'noteOn', channel, note, velocity });
    if (this.closed) return;
    const k = key(channel, note);
    const pending = this.held.get(k);
    if (pending !== undefined && pending !== null) this.timers.clearTimer(pending);
    const timer = length === undefined ? null : this.timers.setTimer(() => this.noteOff(channel, note), Math.max(0, length));
    this.held.set(k, timer);
    this.channelsUsed.add(channel);
  }

  noteOff(channel: number, note: MidiNote, velocity = 0): void {
    const k = key(channel, note);
    const pending = this.held.get(k);
    if (pending !== undefined && pending !== null) this.timers.clearTimer(pending);
    this.held.delete(k);
    this.send({ type: 'noteOff', channel, note, velocity });
  }

  cc(channel: number, cc: number, value: number): void {
    this.send({ type: 'cc', channel, cc, value });
  }

  /** -1..1 (clamped). */
  pitchBend(channel: number, unit: number): void {
    this.send({ type: 'pitchBend', channel, value: unitToPitchBend(unit) });
  }

  clock(): void {
    this.send({ type: 'clock' });
  }

  /**
   * An engine OutEvent (notes and CCs; drums and NaN reports are not MIDI and are ignored). The
   * engine's numbers are rounded and clamped, never thrown on: a patch must not stop the show.
   */
  play(event: OutEvent): void {
    if (event.type !== 'noteOn' && event.type !== 'noteOff' && event.type !== 'cc') return;
    const channel = clampInt(event.channel, 1, 16);
    if (event.type === 'cc') return this.cc(channel, clampInt(event.cc, 0, 127), clampInt(event.value, 0, 127));
    const note = clampInt(event.note, 0, 127);
    const velocity = event.type === 'noteOn' ? clampInt(event.velocity, 0, 127) : 0;
    if (velocity > 0) this.noteOn(channel, note, velocity);
    else this.noteOff(channel, note);
  }

  /** Releases every held note, then All Notes Off on each channel this output has played on. */
  panic(): void {
    for (const [channel, note] of this.heldNotes) this.noteOff(channel, note);
    for (const channel of this.channelsUsed) this.send({ type: 'cc', channel, cc: CC_ALL_NOTES_OFF, value: 0 });
  }

  /** Releases every held note; nothing is sent afterwards. */
  close(): void {
    if (this.closed) return;
    this.panic();
    this.closed = true;
  }
}
