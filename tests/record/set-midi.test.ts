import { parseMidi, type MidiEvent } from 'midi-file';
import { describe, expect, it } from 'vitest';
import { DRUM_NOTE_BASE, encodeSetMidi, MIDI_PPQ } from '../../src/main/record/set-midi';

// A set's MIDI file from its event log, read back with a standard parser (midi-file).

const RATE = 48000;
const START = 96_000; // the set starts 2 s into the engine's run
const log = [
  { type: 'start', frame: 0, sampleRate: RATE, blockSize: 128, startedAt: '2026-11-21T20:00:00.000Z' },
  { type: 'tempo', frame: 10_000, bpm: 100 },
  // Held from before the set: it sounds from the set's first tick.
  { type: 'noteOn', frame: 50_000, note: 60, velocity: 90 },
  { type: 'out', frame: 60_000, kind: 'drum', drum: 3, velocity: 70 }, // before the set: not in it
  { type: 'record', frame: START },
  { type: 'noteOff', frame: START + 24_000, note: 60 }, // 0.5 s at 100 BPM: 800 ticks
  { type: 'out', frame: START + 48_000, kind: 'noteOn', channel: 2, note: 67, velocity: 100 }, // 1 s: 1600
  { type: 'out', frame: START + 48_000, kind: 'cc', channel: 2, cc: 74, value: 64 },
  { type: 'tempo', frame: START + 96_000, bpm: 150 }, // at 2 s (tick 3200) the tempo changes
  { type: 'out', frame: START + 120_000, kind: 'drum', drum: 1, velocity: 127 }, // 2.5 s: 3200 + 0.5 s at 150 = 3200 + 1200
  { type: 'drum', frame: START + 120_000, drum: 0, velocity: 40 },
  { type: 'input', frame: START + 130_000, input: 'joystick.x', value: 0.5 }, // not MIDI
  { type: 'noteOn', frame: START + 140_000, note: 72, velocity: 50 }, // held past the end
  { type: 'out', frame: START + 200_000, kind: 'noteOn', channel: 1, note: 40, velocity: 1 }, // after the set
]
  .map((l) => JSON.stringify(l))
  .join('\n');
const FRAMES = 144_000; // 3 s: ends at 3200 + 1 s at 150 BPM = 5600 ticks

/** Absolute ticks and the events of a parsed track. */
function timed(track: MidiEvent[]): { tick: number; e: MidiEvent }[] {
  let tick = 0;
  return track.map((e) => ({ tick: (tick += e.deltaTime), e }));
}

describe("a set's MIDI file", () => {
  const midi = parseMidi(encodeSetMidi(log + '\n{"type":"noteOn","fra', RATE, FRAMES, 'Night set'));

  it('is SMF type 1 at 960 ticks per quarter, with a conductor and three named tracks', () => {
    expect(midi.header).toEqual({ format: 1, numTracks: 4, ticksPerBeat: MIDI_PPQ });
    expect(midi.tracks.map((t) => t.find((e) => e.type === 'trackName'))).toMatchObject([{ text: 'Night set' }, { text: 'notes in' }, { text: 'notes out' }, { text: 'drums' }]);
    for (const t of midi.tracks) expect(timed(t).at(-1)).toMatchObject({ tick: 5600, e: { type: 'endOfTrack' } });
  });

  it('keeps the tempo in force at the start and each change inside the set', () => {
    const tempos = timed(midi.tracks[0]).filter((x) => x.e.type === 'setTempo');
    expect(tempos.map((x) => [x.tick, (x.e as MidiEvent & { microsecondsPerBeat: number }).microsecondsPerBeat])).toEqual([
      [0, 600_000],
      [3200, 400_000],
    ]);
    expect(timed(midi.tracks[0]).find((x) => x.e.type === 'timeSignature')?.e).toMatchObject({ numerator: 4, denominator: 4 });
  });

  it('places notes in and out on their ticks through the tempo map, closing what is held at either end', () => {
    const notes = (k: number) => timed(midi.tracks[k]).filter((x) => x.e.type === 'noteOn' || x.e.type === 'noteOff' || x.e.type === 'controller').map((x) => ({ tick: x.tick, ...x.e }));
    expect(notes(1)).toHaveLength(4);
    expect(notes(1)).toMatchObject([
      { tick: 0, type: 'noteOn', channel: 0, noteNumber: 60, velocity: 90 },
      { tick: 800, type: 'noteOff', channel: 0, noteNumber: 60 },
      // 44,000 frames after the change: 0.917 s at 150 BPM.
      { tick: 3200 + 2200, type: 'noteOn', channel: 0, noteNumber: 72, velocity: 50 },
      { tick: 5600, type: 'noteOff', channel: 0, noteNumber: 72 },
    ]);
    expect(notes(2)).toHaveLength(3);
    expect(notes(2)).toMatchObject([
      { tick: 1600, type: 'noteOn', channel: 1, noteNumber: 67, velocity: 100 },
      { tick: 1600, type: 'controller', channel: 1, controllerType: 74, value: 64 },
      { tick: 5600, type: 'noteOff', channel: 1, noteNumber: 67 },
    ]);
  });

  it('has every strike inside the set as a short note on channel 10', () => {
    const hits = timed(midi.tracks[3]).filter((x) => x.e.type === 'noteOn');
    expect(hits.map((x) => ({ tick: x.tick, ...(x.e as MidiEvent & { channel: number; noteNumber: number; velocity: number }) }))).toMatchObject([
      { tick: 4400, channel: 9, noteNumber: DRUM_NOTE_BASE + 1, velocity: 127 },
      { tick: 4400, channel: 9, noteNumber: DRUM_NOTE_BASE, velocity: 40 },
    ]);
    const offs = timed(midi.tracks[3]).filter((x) => x.e.type === 'noteOff');
    // 50 ms at 150 BPM: 120 ticks.
    expect(offs.map((x) => x.tick)).toEqual([4520, 4520]);
  });
});
