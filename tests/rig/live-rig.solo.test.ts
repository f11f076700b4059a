import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Backend } from '../../src/main/backend';
import { loadMidiBinding } from '../../src/main/midi/midi-binding';
import { MidiPorts, type MidiInputEvent } from '../../src/main/midi/midi-ports';
import { RtMidiBackend } from '../../src/main/midi/rtmidi-backend';
import type { Answer } from '../../src/main/phrase/phrase';
import { ANSWER_CHANNEL, LiveRig } from '../../src/main/rig/live-rig';
import { controlInputIndex } from '../../src/shared/inputs';
import { decodeTelemetry, type Telemetry } from '../../src/shared/telemetry';
import { OscReceiver } from '../osc/osc-receiver';
import { ROOT } from '../support/engine-harness';
import { ensureJackd } from '../support/jack';
import { until } from '../support/until';

// The live rig around a real backend playing neural-midi, with real MIDI through a JACK server
// (the JACK build of the MIDI addon) and OSC over UDP: another program's view of Axon Stage.

// Linux only: elsewhere MIDI runs on the system's own API, which CI has no virtual-port server for.
const linux = process.platform === 'linux';
// Not the default "Axon Stage": other tests (axon perform) may run a rig on the same JACK server.
const VIRTUAL = 'Rig under test';

async function resendUntil(what: string, bytes: number[], out: { send(bytes: readonly number[]): void }, done: () => boolean): Promise<void> {
  const end = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    out.send(bytes);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(!linux)('the live rig: MIDI and OSC around the engine', () => {
  let jack: { stop(): Promise<void> } | null = null;
  let backend: Backend;
  let rig: LiveRig;
  let client: MidiPorts;
  let osc: OscReceiver;
  const problems: string[] = [];
  let telemetry: Telemetry | null = null;

  beforeAll(async () => {
    jack = await ensureJackd();
    backend = await Backend.start({ seed: 1 });
    backend.on('telemetry', (w) => (telemetry = decodeTelemetry(w)));
    await backend.loadPatchFile('neural-midi');
    osc = await OscReceiver.open();
    rig = await LiveRig.start(backend, {
      midi: { input: null, ports: { pollMs: 100, virtualName: VIRTUAL } },
      osc: { targets: [{ host: '127.0.0.1', port: osc.port }], listen: null },
      respond: { seed: 5, answerKind: 'note' },
      onProblem: (e) => problems.push(e.message),
    });
    client = new MidiPorts({ createBackend: () => new RtMidiBackend(loadMidiBinding(ROOT, { AXON_MIDI_BACKEND: 'jack' })), pollMs: 100, virtualName: 'Rig test' });
    client.start();
  }, 120_000);

  afterAll(async () => {
    client?.stop();
    await rig?.close();
    await backend?.close();
    await osc?.close();
    await jack?.stop();
  });

  it("offers virtual ports; the patch's notes come out of its virtual output", async () => {
    const heard: MidiInputEvent[] = [];
    client.on('message', (e) => heard.push(e));
    const input = client.openInput(`${VIRTUAL} out`);
    await until('our output port to be seen', () => input.isOpen, 5000);
    // neural-midi's comparator fires notes on its own within a few seconds.
    await until('a note from the patch', () => heard.some((e) => e.message.type === 'noteOn'), 10_000);
    const on = heard.find((e) => e.message.type === 'noteOn')!.message;
    expect(on).toMatchObject({ type: 'noteOn', channel: 1 });
    expect(rig.status()[0]).toMatch(/^midi jack/);
  }, 20_000);

  it('plays MIDI in: notes set the midi inputs, percussion-channel notes strike the drums', async () => {
    const noteOn = vi.spyOn(backend.drums, 'noteOn');
    const out = client.openOutput(`${VIRTUAL} in`);
    await until('our input port to be seen', () => out.isOpen, 5000);
    const noteSlot = controlInputIndex('midi.note');
    // Sent again until heard: JACK connects a newly seen port on its own schedule.
    await resendUntil('the engine to hear note 72', [0x90, 72, 100], out, () => telemetry !== null && Math.abs(telemetry.inputs[noteSlot] - 72 / 127) < 1e-6);
    await resendUntil('the drum note', [0x99, 38, 90], out, () => noteOn.mock.calls.length > 0);
    expect(noteOn).toHaveBeenCalledWith(38, 90);
    noteOn.mockRestore();
  }, 20_000);

  it('sends neuron frames and the patch notes over OSC', async () => {
    await until('OSC frames', () => osc.messages.some((m) => m.address === '/axon/note'), 10_000);
    const addresses = new Set(osc.messages.map((m) => m.address));
    for (const neuron of ['a', 'b', 'c']) expect(addresses.has(`/axon/neuron/${neuron}`)).toBe(true);
    expect(osc.problems).toEqual([]);
  }, 20_000);

  it('answers a phrase played into MIDI in, in its tempo, on MIDI out', async () => {
    const out = client.openOutput(`${VIRTUAL} in`);
    await until('our input port to be seen', () => out.isOpen, 5000);
    const heard: { note: number; time: number }[] = [];
    client.on('message', (e) => e.message.type === 'noteOn' && e.message.channel === ANSWER_CHANNEL && heard.push({ note: e.message.note, time: e.time }));
    const answers: Answer[] = [];
    // Only the answer to this phrase (the notes of the test before make a short call of their own;
    // a late timer under load may split this phrase in two, either half still counts).
    rig.on('answer', (a, call) => call.onsets.length >= 8 && answers.push(a));
    // Two bars of eighth notes at 120 BPM, as steady as this process's timers play them.
    const phrase = [60, 62, 64, 67, 69, 67, 64, 62, 60, 64, 67, 72, 67, 64, 62, 60];
    // A silence first: the notes of the test before end their own short call, and its answer
    // (a bar) plays out; input during an answer is not heard (the feedback guard).
    await new Promise((r) => setTimeout(r, 5000));
    const sentAt: number[] = [];
    const t0 = performance.now();
    for (const [k, note] of phrase.entries()) {
      // Each note on its own time from the start, so late timers do not add up.
      while (performance.now() < t0 + 250 * k) await new Promise((r) => setTimeout(r, 1));
      sentAt.push(performance.now());
      out.send([0x90, note, 96]);
      if (k > 0) out.send([0x80, phrase[k - 1], 0]);
    }
    out.send([0x80, phrase[phrase.length - 1], 0]);
    const answer = await until('an answer', () => answers[0], 12_000);
    // Its tempo is the call's, or half or double it: plain eighth notes fit both grids (the phrase
    // tests in tests/phrase check the estimate itself). Every event sits on the answer's grid.
    const played = 60 / (2 * ((sentAt[sentAt.length - 1] - sentAt[0]) / (sentAt.length - 1) / 1000));
    const octave = Math.log2(answer.bpm / played);
    expect(Math.abs(octave - Math.round(octave))).toBeLessThan(0.06);
    const step = 60 / answer.bpm / 4;
    for (const e of answer.events) {
      expect(Math.abs((e.time - answer.start) / step - Math.round((e.time - answer.start) / step))).toBeLessThan(1e-6);
      if (e.kind === 'note') expect(phrase.map((p) => p % 12)).toContain(e.note % 12);
    }
    const notes = answer.events.flatMap((e) => (e.kind === 'note' ? [e.note] : []));
    expect(notes.length).toBeGreaterThan(0);
    // And every one of them reaches MIDI out on the answer channel.
    // (An answer to the short call of the test before may still be playing: count from this one's start.)
    const ours = () => heard.filter((h) => h.time >= answer.start * 1000 - 20);
    await until('the answer on MIDI out', () => ours().length >= notes.length, 8000);
    expect(ours().map((h) => h.note)).toEqual(notes);
    expect(rig.status()).toContain(`answers ${rig.answers}`);
  }, 40_000);

  it('closes with every note released on MIDI out', async () => {
    const heard: number[][] = [];
    client.on('message', (e) => heard.push([e.message.type === 'cc' ? e.message.cc : -1]));
    await rig.close();
    await until('All Notes Off', () => heard.some(([cc]) => cc === 123), 3000);
    expect(problems.filter((p) => !/JACK|jack/.test(p))).toEqual([]);
  }, 10_000);
});
