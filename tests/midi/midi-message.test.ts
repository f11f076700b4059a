import { describe, expect, it } from 'vitest';
import { AxonError } from '../../src/shared/errors';
import { encodeMidiMessage, parseMidiMessage, pitchBendToUnit, unitToPitchBend, type MidiMessage } from '../../src/main/midi/midi-message';
import { seeded } from './fake-time';

const cases: [MidiMessage, number[]][] = [
  [{ type: 'noteOn', channel: 1, note: 60, velocity: 100 }, [0x90, 60, 100]],
  [{ type: 'noteOff', channel: 16, note: 0, velocity: 64 }, [0x8f, 0, 64]],
  [{ type: 'polyPressure', channel: 3, note: 127, pressure: 5 }, [0xa2, 127, 5]],
  [{ type: 'cc', channel: 10, cc: 74, value: 127 }, [0xb9, 74, 127]],
  [{ type: 'programChange', channel: 2, program: 42 }, [0xc1, 42]],
  [{ type: 'channelPressure', channel: 5, pressure: 99 }, [0xd4, 99]],
  [{ type: 'pitchBend', channel: 1, value: 8192 }, [0xe0, 0x00, 0x40]],
  [{ type: 'pitchBend', channel: 1, value: 16383 }, [0xe0, 0x7f, 0x7f]],
  [{ type: 'pitchBend', channel: 1, value: 0 }, [0xe0, 0, 0]],
  [{ type: 'pitchBend', channel: 1, value: 0x1234 }, [0xe0, 0x34, 0x24]],
  [{ type: 'songPosition', sixteenths: 300 }, [0xf2, 300 & 0x7f, 300 >> 7]],
  [{ type: 'clock' }, [0xf8]],
  [{ type: 'start' }, [0xfa]],
  [{ type: 'continue' }, [0xfb]],
  [{ type: 'stop' }, [0xfc]],
];

describe('MIDI messages', () => {
  it.each(cases)('encodes and parses %j', (message, bytes) => {
    expect(encodeMidiMessage(message)).toEqual(bytes);
    expect(parseMidiMessage(bytes)).toEqual(message);
    expect(parseMidiMessage(Uint8Array.from(bytes))).toEqual(message);
  });

  it('reads a note-on with velocity 0 as a note-off', () => {
    expect(parseMidiMessage([0x93, 64, 0])).toEqual({ type: 'noteOff', channel: 4, note: 64, velocity: 0 });
  });

  it('maps pitch bend to -1..1 and back', () => {
    expect(pitchBendToUnit(8192)).toBe(0);
    expect(pitchBendToUnit(0)).toBe(-1);
    expect(pitchBendToUnit(16383)).toBeCloseTo(1, 3);
    expect(unitToPitchBend(0)).toBe(8192);
    expect(unitToPitchBend(-1)).toBe(0);
    expect(unitToPitchBend(1)).toBe(16383);
    expect(unitToPitchBend(Number.NaN)).toBe(8192);
  });

  it('returns null for sysex, other system messages, truncation and stray data bytes', () => {
    for (const bytes of [
      [],
      [0xf0, 0x7e, 0x7f, 0x06, 0x01, 0xf7], // sysex
      [0xf7],
      [0xf1, 0x10], // MTC quarter frame
      [0xf3, 1], // song select
      [0xf6],
      [0xfe], // active sensing
      [0xff],
      [0xf4],
      [0xf9],
      [0xfd],
      [0x90, 60], // truncated
      [0x90],
      [0xc0],
      [0xf2, 1], // truncated song position
      [0x40, 0x40], // running-status data without status
      [0x90, 0x80, 1], // status where data belongs
      [0xb0, 7, 200],
      [0x90, 1.5, 3],
      [Number.NaN],
      [-1, 3, 4],
      [256, 1, 1],
    ]) {
      expect(parseMidiMessage(bytes), JSON.stringify(bytes)).toBeNull();
    }
  });

  it('never throws on random garbage', () => {
    const random = seeded(7);
    let parsed = 0;
    for (let i = 0; i < 20_000; i++) {
      const bytes = Array.from({ length: Math.floor(random() * 5) }, () => Math.floor(random() * 256));
      if (parseMidiMessage(bytes) !== null) parsed++;
    }
    expect(parsed).toBeGreaterThan(0);
  });

  it('refuses to encode values out of range, naming the field', () => {
    const bad: [MidiMessage, RegExp][] = [
      [{ type: 'noteOn', channel: 0, note: 60, velocity: 1 }, /channel must be an integer 1-16, got 0/],
      [{ type: 'noteOn', channel: 1, note: 128, velocity: 1 }, /note must be an integer 0-127, got 128/],
      [{ type: 'noteOn', channel: 1, note: 60, velocity: 0 }, /note-on velocity must be an integer 1-127/],
      [{ type: 'cc', channel: 1, cc: 1, value: 1.5 }, /value must be an integer/],
      [{ type: 'pitchBend', channel: 1, value: 16384 }, /pitch bend must be an integer 0-16383/],
      [{ type: 'songPosition', sixteenths: -1 }, /song position/],
    ];
    for (const [message, text] of bad) {
      let error: unknown = null;
      try {
        encodeMidiMessage(message);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AxonError);
      expect((error as AxonError).code).toBe('midi_message');
      expect((error as AxonError).message).toMatch(text);
    }
  });
});
