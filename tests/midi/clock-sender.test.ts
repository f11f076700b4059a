import { describe, expect, it } from 'vitest';
import { AxonError } from '../../src/shared/errors';
import { ClockSender } from '../../src/main/midi/clock-sender';
import { MidiOut } from '../../src/main/midi/midi-out';
import { FakeTimers, seeded } from './fake-time';

class Recorder {
  readonly sent: { time: number; bytes: number[] }[] = [];
  constructor(private readonly timers: FakeTimers) {}
  send(bytes: readonly number[]): void {
    this.sent.push({ time: this.timers.time, bytes: [...bytes] });
  }
  clocks(): number[] {
    return this.sent.filter((s) => s.bytes[0] === 0xf8).map((s) => s.time);
  }
}

describe('ClockSender', () => {
  it('sends start then 24 clocks per beat with no drift despite late timers', () => {
    const timers = new FakeTimers();
    const r = seeded(5);
    timers.lateness = () => r() * 3; // every timer fires up to 3 ms late
    const out = new Recorder(timers);
    const sender = new ClockSender(out, 120, timers);
    sender.start();
    timers.advance(60_000 - 4); // a minute: 120 beats
    expect(out.sent[0].bytes).toEqual([0xfa]);
    const clocks = out.clocks();
    expect(clocks.length).toBe(120 * 24);
    // Each clock is at most one timer's lateness after its ideal time: lateness never accumulates.
    clocks.forEach((t, n) => {
      const ideal = (n * 60_000) / (120 * 24);
      expect(t - ideal).toBeGreaterThanOrEqual(0);
      expect(t - ideal).toBeLessThan(3.01);
    });
    expect(sender.position).toBe(120 * 24);
  });

  it('stop holds the position, continue resumes it, a song position pointer moves it', () => {
    const timers = new FakeTimers();
    const out = new Recorder(timers);
    const sender = new ClockSender(out, 100, timers);
    sender.start();
    timers.advance(1000 - 1); // 100 BPM: 40 clocks/s, clocks at 0, 25, ... 975
    sender.stop();
    expect(sender.position).toBe(40);
    timers.advance(500);
    expect(out.clocks().length).toBe(40);
    sender.continue();
    sender.continue(); // already running: nothing
    timers.advance(10);
    expect(sender.position).toBe(41);
    sender.continue(16); // bar 1 (0-based): stop, SPP, continue
    expect(out.sent.slice(-4).map((s) => s.bytes)).toEqual([[0xfc], [0xf2, 16, 0], [0xfb], [0xf8]]);
    expect(sender.position).toBe(16 * 6 + 1);
    expect(out.sent.filter((s) => s.bytes[0] === 0xfb).length).toBe(2);
  });

  it('changes tempo at the next clock, keeping phase', () => {
    const timers = new FakeTimers();
    const out = new Recorder(timers);
    const sender = new ClockSender(out, 120, timers);
    sender.start();
    timers.advance(1000 - 1); // clocks at 0..979.2, 48 of them
    sender.setTempo(60);
    timers.advance(1000);
    const clocks = out.clocks();
    expect(clocks[48]).toBeCloseTo(1000, 6); // the next clock at the old period
    expect(clocks[49] - clocks[48]).toBeCloseTo(60_000 / (60 * 24), 6);
    expect(() => sender.setTempo(0)).toThrow(AxonError);
    expect(() => new ClockSender(out, 1000, timers)).toThrow(/20-400 BPM, got 1000/);
  });

  it('re-anchors after a long stall instead of bursting', () => {
    const timers = new FakeTimers();
    const out = new Recorder(timers);
    const sender = new ClockSender(out, 120, timers);
    sender.start();
    timers.advance(100);
    timers.lateness = () => 500;
    timers.advance(1000);
    expect(sender.late).toBeGreaterThan(0);
    expect(out.clocks().length).toBeLessThan(20);
    sender.stop();
    expect(timers.pending).toBe(0);
  });
});

describe('MidiOut', () => {
  it('schedules note-offs for notes with a length and releases held notes on panic', () => {
    const timers = new FakeTimers();
    const out = new Recorder(timers);
    const midi = new MidiOut(out, timers);
    midi.noteOn(1, 60, 100, 250);
    midi.noteOn(2, 62, 90);
    midi.cc(1, 74, 64);
    timers.advance(200);
    midi.noteOn(1, 60, 110, 250); // retrigger: the first note-off moves
    timers.advance(100);
    expect(out.sent.filter((s) => s.bytes[0] === 0x80).length).toBe(0);
    timers.advance(200);
    expect(out.sent.at(-1)).toEqual({ time: 450, bytes: [0x80, 60, 0] });
    expect(midi.heldNotes).toEqual([[2, 62]]);
    midi.panic();
    expect(out.sent.slice(-3).map((s) => s.bytes)).toEqual([[0x81, 62, 0], [0xb0, 123, 0], [0xb1, 123, 0]]);
    expect(midi.heldNotes).toEqual([]);
  });

  it('close releases everything, cancels pending note-offs and sends nothing after', () => {
    const timers = new FakeTimers();
    const out = new Recorder(timers);
    const midi = new MidiOut(out, timers);
    midi.noteOn(3, 40, 1, 1000);
    midi.close();
    expect(out.sent.map((s) => s.bytes)).toEqual([[0x92, 40, 1], [0x82, 40, 0], [0xb2, 123, 0]]);
    expect(timers.pending).toBe(0);
    midi.noteOn(3, 41, 1);
    midi.clock();
    expect(out.sent.length).toBe(3);
  });

  it('plays engine OutEvents, clamping their numbers, ignoring drums', () => {
    const timers = new FakeTimers();
    const out = new Recorder(timers);
    const midi = new MidiOut(out, timers);
    midi.play({ frame: 0, type: 'noteOn', channel: 1, note: 60.4, velocity: 200 });
    midi.play({ frame: 0, type: 'noteOn', channel: 1, note: 61, velocity: 0 });
    midi.play({ frame: 0, type: 'noteOff', channel: 1, note: 60 });
    midi.play({ frame: 0, type: 'cc', channel: 17, cc: 1, value: -3 });
    midi.play({ frame: 0, type: 'drum', drum: 1, velocity: 100 });
    midi.pitchBend(1, 0.5);
    expect(out.sent.map((s) => s.bytes)).toEqual([[0x90, 60, 127], [0x80, 61, 0], [0x80, 60, 0], [0xbf, 1, 0], [0xe0, 0, 96]]);
  });
});
