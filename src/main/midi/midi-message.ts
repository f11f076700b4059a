/**
 * MIDI 1.0 messages: the channel voice messages, the system real-time transport (clock, start,
 * continue, stop) and the song position pointer, as plain objects, parsed from and encoded to bytes.
 *
 * Channels are 1-16 (as the engine's OutEvents and every synth's front panel say), not the wire's
 * 0-15. Parsing never throws: bytes come from devices, so anything this layer does not use (sysex,
 * MTC, active sensing, running status without a status byte, truncated or out-of-range data)
 * parses to null. Encoding checks its values and throws `midi_message`: those are our bugs.
 */
import { axonError } from '../../shared/errors';
import type { MidiNote } from '../../shared/units';

export type MidiMessage =
  | { type: 'noteOn'; channel: number; note: MidiNote; velocity: number }
  /** Also what a note-on with velocity 0 parses to (velocity 0 then; the common running-status "off"). */
  | { type: 'noteOff'; channel: number; note: MidiNote; velocity: number }
  | { type: 'polyPressure'; channel: number; note: MidiNote; pressure: number }
  | { type: 'cc'; channel: number; cc: number; value: number }
  | { type: 'programChange'; channel: number; program: number }
  | { type: 'channelPressure'; channel: number; pressure: number }
  /** 14-bit, 0-16383, centre 8192; `pitchBendToUnit` maps it to -1..1 for the engine. */
  | { type: 'pitchBend'; channel: number; value: number }
  /** In MIDI beats (sixteenth notes, 6 clocks each), 0-16383. */
  | { type: 'songPosition'; sixteenths: number }
  | { type: 'clock' }
  | { type: 'start' }
  | { type: 'continue' }
  | { type: 'stop' };

export type MidiMessageType = MidiMessage['type'];

export const CLOCK = 0xf8;
export const START = 0xfa;
export const CONTINUE = 0xfb;
export const STOP = 0xfc;
export const SONG_POSITION = 0xf2;
/** MIDI clocks per quarter note. */
export const PPQN = 24;
/** Clocks per song-position unit (a sixteenth note). */
export const CLOCKS_PER_SIXTEENTH = 6;
export const PITCH_BEND_CENTRE = 8192;
/** Channel mode messages (CC 120-127) the panic path sends. */
export const CC_ALL_SOUND_OFF = 120;
export const CC_ALL_NOTES_OFF = 123;

const isData = (b: number | undefined): b is number => b !== undefined && Number.isInteger(b) && b >= 0 && b < 0x80;

/**
 * One complete message as RtMidi delivers it (status byte first). Returns null for anything this
 * layer ignores or cannot read; bytes after a complete message are ignored.
 */
export function parseMidiMessage(bytes: ArrayLike<number>): MidiMessage | null {
  if (bytes.length === 0) return null;
  const status = bytes[0];
  if (!Number.isInteger(status) || status < 0x80 || status > 0xff) return null;
  if (status >= 0xf0) {
    switch (status) {
      case CLOCK:
        return { type: 'clock' };
      case START:
        return { type: 'start' };
      case CONTINUE:
        return { type: 'continue' };
      case STOP:
        return { type: 'stop' };
      case SONG_POSITION:
        return isData(bytes[1]) && isData(bytes[2]) ? { type: 'songPosition', sixteenths: bytes[1] | (bytes[2] << 7) } : null;
      default:
        return null; // sysex, MTC, song select, tune request, active sensing, reset, undefined
    }
  }
  const channel = (status & 0x0f) + 1;
  const d1 = bytes[1];
  if (!isData(d1)) return null;
  switch (status & 0xf0) {
    case 0xc0:
      return { type: 'programChange', channel, program: d1 };
    case 0xd0:
      return { type: 'channelPressure', channel, pressure: d1 };
  }
  const d2 = bytes[2];
  if (!isData(d2)) return null;
  switch (status & 0xf0) {
    case 0x80:
      return { type: 'noteOff', channel, note: d1, velocity: d2 };
    case 0x90:
      return d2 === 0 ? { type: 'noteOff', channel, note: d1, velocity: 0 } : { type: 'noteOn', channel, note: d1, velocity: d2 };
    case 0xa0:
      return { type: 'polyPressure', channel, note: d1, pressure: d2 };
    case 0xb0:
      return { type: 'cc', channel, cc: d1, value: d2 };
    default: // 0xe0
      return { type: 'pitchBend', channel, value: d1 | (d2 << 7) };
  }
}

function check(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw axonError('midi_message', `${field} must be an integer ${min}-${max}, got ${String(value)}`);
  }
  return value;
}

const status = (kind: number, channel: number) => kind | (check('channel', channel, 1, 16) - 1);
const data = (field: string, value: number) => check(field, value, 0, 127);

/** The wire bytes of a message; throws `midi_message` for a value out of its range. */
export function encodeMidiMessage(m: MidiMessage): number[] {
  switch (m.type) {
    case 'noteOn':
      // Velocity 0 would be read as a note-off by every receiver.
      return [status(0x90, m.channel), data('note', m.note), check('note-on velocity', m.velocity, 1, 127)];
    case 'noteOff':
      return [status(0x80, m.channel), data('note', m.note), data('velocity', m.velocity)];
    case 'polyPressure':
      return [status(0xa0, m.channel), data('note', m.note), data('pressure', m.pressure)];
    case 'cc':
      return [status(0xb0, m.channel), data('controller', m.cc), data('value', m.value)];
    case 'programChange':
      return [status(0xc0, m.channel), data('program', m.program)];
    case 'channelPressure':
      return [status(0xd0, m.channel), data('pressure', m.pressure)];
    case 'pitchBend': {
      const v = check('pitch bend', m.value, 0, 16383);
      return [status(0xe0, m.channel), v & 0x7f, v >> 7];
    }
    case 'songPosition': {
      const v = check('song position', m.sixteenths, 0, 16383);
      return [SONG_POSITION, v & 0x7f, v >> 7];
    }
    case 'clock':
      return [CLOCK];
    case 'start':
      return [START];
    case 'continue':
      return [CONTINUE];
    case 'stop':
      return [STOP];
  }
}

/** 14-bit pitch bend to -1..1 (centre 0; the top is 8191/8192, the bottom exactly -1). */
export const pitchBendToUnit = (value: number): number => (value - PITCH_BEND_CENTRE) / PITCH_BEND_CENTRE;

/** -1..1 to 14-bit pitch bend, clamped. */
export const unitToPitchBend = (unit: number): number =>
  Math.min(16383, Math.max(0, Math.round(PITCH_BEND_CENTRE + (Number.isFinite(unit) ? unit : 0) * PITCH_BEND_CENTRE)));
