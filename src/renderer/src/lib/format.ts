import type { OutEvent } from '../../../shared/events';

// Fixed-width number text for readouts that update every frame (pair with tabular numerals).

const MINUS = '\u2212';

/** "+0.123" / "−0.123": always a sign, so digits never shift; NaN and infinities read as a dash. */
export function signed(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return '\u2014';
  const text = Math.abs(v).toFixed(digits);
  // A value that rounds to zero shows no sign flicker.
  if (Number(text) === 0) return ` ${text}`;
  return `${v < 0 ? MINUS : '+'}${text}`;
}

/** Render load (1 = a whole core) as a percentage with one decimal. */
export function percent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '\u2014';
  return `${(fraction * 100).toFixed(1)}%`;
}

/** A count shown as a whole number; absent counts read as a dash. */
export function count(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? '\u2014' : String(Math.round(n));
}

const NOTE_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

/** MIDI note number as a name with octave (60 = C4). */
export function noteName(note: number): string {
  const n = Math.round(note);
  return `${NOTE_NAMES[((n % 12) + 12) % 12]}${Math.floor(n / 12) - 1}`;
}

export type EventKind = 'note' | 'drum' | 'nan';

export interface EventLine {
  kind: EventKind;
  text: string;
  /** Seconds of engine time. */
  time: number;
}

/** One line for the recent-events list, or null for events the list leaves out (note offs, CCs). */
export function describeEvent(e: OutEvent, sampleRate: number): EventLine | null {
  const time = e.frame / Math.max(1, sampleRate);
  switch (e.type) {
    case 'noteOn':
      return { kind: 'note', time, text: `Note ${noteName(e.note)} vel ${e.velocity} ch ${e.channel}` };
    case 'drum':
      return { kind: 'drum', time, text: `Drum ${e.drum} vel ${e.velocity}` };
    case 'nan':
      return { kind: 'nan', time, text: `NaN recovered in ${e.module} (${e.count} total)` };
    default:
      return null;
  }
}

/** Engine time as m:ss.s for the event list. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '\u2014';
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}
