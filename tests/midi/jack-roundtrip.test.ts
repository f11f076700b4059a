// A real round trip through RtMidi's JACK backend: our virtual output -> JACK -> an input port.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMidiBinding } from '../../src/main/midi/midi-binding';
import { MidiPorts, type MidiInputEvent } from '../../src/main/midi/midi-ports';
import { RtMidiBackend } from '../../src/main/midi/rtmidi-backend';
import { ensureJackd } from '../support/jack';

const root = path.resolve(__dirname, '..', '..');
// Only on Linux (the JACK build is Linux-only); anywhere else the stock backend is the real one.
const linux = process.platform === 'linux';

describe.skipIf(!linux)('MIDI over JACK (real RtMidi, JACK build)', () => {
  let jack: { stop(): Promise<void> } | null = null;
  let midi: MidiPorts | null = null;

  beforeAll(async () => {
    process.env.JACK_NO_START_SERVER = '1';
    jack = await ensureJackd();
  });

  afterAll(async () => {
    midi?.stop();
    await jack?.stop();
  });

  it('sends 200 note-ons from a virtual output and receives them all, in order, with their bytes', async () => {
    const loaded = loadMidiBinding(root, { AXON_MIDI_BACKEND: 'jack' });
    expect(loaded.kind).toBe('jack');
    midi = new MidiPorts({ createBackend: () => new RtMidiBackend(loaded), pollMs: 100, virtualName: 'Axon test' });
    midi.start();
    expect(midi.status).toEqual({ state: 'available', backend: 'jack' });
    const out = midi.openVirtualOutput('Axon test out');
    expect(out.isOpen).toBe(true);
    const received: MidiInputEvent[] = [];
    midi.on('message', (e) => received.push(e));
    const input = midi.openInput('Axon test out'); // JACK names it "RtMidi Output Client:Axon test out"
    for (let i = 0; i < 50 && !input.isOpen; i++) {
      await new Promise((r) => setTimeout(r, 20));
      midi.poll();
    }
    expect(input.isOpen).toBe(true);
    expect(input.name).toMatch(/Axon test out$/);
    await new Promise((r) => setTimeout(r, 100)); // let JACK finish connecting the ports

    const expected = Array.from({ length: 200 }, (_, i) => [0x90 | (i % 16), i % 128, 1 + (i % 127)]);
    for (const [k, bytes] of expected.entries()) {
      out.send(bytes);
      if (k % 20 === 19) await new Promise((r) => setTimeout(r, 5));
    }
    const deadline = Date.now() + 5000;
    while (received.length < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));

    expect(received.length).toBe(200);
    received.forEach((e, i) => {
      const [status, note, velocity] = expected[i];
      expect(e.message).toEqual({ type: 'noteOn', channel: (status & 15) + 1, note, velocity });
      if (i > 0) expect(e.time).toBeGreaterThanOrEqual(received[i - 1].time);
    });
    expect(out.dropped).toBe(0);
  }, 30_000);
});
