import { describe, expect, it } from 'vitest';
import { clock, count, describeEvent, noteName, percent, signed } from '../../src/renderer/src/lib/format';

describe('readout text', () => {
  it('signs every number so the digits never shift', () => {
    expect(signed(0.1234)).toBe('+0.123');
    expect(signed(-0.1234)).toBe('\u22120.123');
    expect(signed(0)).toBe(' 0.000');
    expect(signed(-0.0001)).toBe(' 0.000');
    expect(signed(1, 2)).toBe('+1.00');
    expect(signed(NaN)).toBe('\u2014');
    expect(signed(Infinity)).toBe('\u2014');
    for (const v of [0.5, -0.5, 0, -0.00001]) expect(signed(v)).toHaveLength(6);
  });

  it('formats load, counts and clock time', () => {
    expect(percent(0.0234)).toBe('2.3%');
    expect(percent(1.5)).toBe('150.0%');
    expect(percent(NaN)).toBe('\u2014');
    expect(count(3)).toBe('3');
    expect(count(undefined)).toBe('\u2014');
    expect(clock(0)).toBe('0:00.0');
    expect(clock(65.25)).toBe('1:05.3');
    expect(clock(-1)).toBe('\u2014');
  });

  it('names MIDI notes', () => {
    expect(noteName(60)).toBe('C4');
    expect(noteName(69)).toBe('A4');
    expect(noteName(61)).toBe('C#4');
    expect(noteName(0)).toBe('C-1');
    expect(noteName(127)).toBe('G9');
  });
});

describe('recent events', () => {
  it('describes notes, drum hits and NaN recoveries with engine time', () => {
    expect(describeEvent({ frame: 48000, type: 'noteOn', channel: 1, note: 62, velocity: 100 }, 48000)).toEqual({ kind: 'note', time: 1, text: 'Note D4 vel 100 ch 1' });
    expect(describeEvent({ frame: 24000, type: 'drum', drum: 3, velocity: 90 }, 48000)).toEqual({ kind: 'drum', time: 0.5, text: 'Drum 3 vel 90' });
    expect(describeEvent({ frame: 0, type: 'nan', module: 'voice', count: 4 }, 48000)?.text).toBe('NaN recovered in voice (4 total)');
  });

  it('leaves out note offs and CCs', () => {
    expect(describeEvent({ frame: 0, type: 'noteOff', channel: 1, note: 60 }, 48000)).toBeNull();
    expect(describeEvent({ frame: 0, type: 'cc', channel: 1, cc: 74, value: 3 }, 48000)).toBeNull();
  });
});
