import { describe, expect, it, vi } from 'vitest';
import type { InputHandler, MidiBackend, MidiInputPort, MidiOutputPort } from '../../src/main/midi/midi-backend';
import { matchPortName, MidiPorts, type MidiInputEvent } from '../../src/main/midi/midi-ports';

class FakeBackend implements MidiBackend {
  readonly kind = 'fake';
  alive = true;
  inputs: string[] = [];
  outputs: string[] = [];
  readonly handlers = new Map<string, InputHandler>();
  readonly sent: [string, number[]][] = [];
  failOpen = new Set<string>();

  inputNames(): string[] {
    if (!this.alive) throw new Error('the JACK server stopped');
    return [...this.inputs];
  }
  outputNames(): string[] {
    return [...this.outputs];
  }
  openInput(name: string, onMessage: InputHandler): MidiInputPort {
    if (this.failOpen.has(name)) throw new Error('device busy');
    this.handlers.set(name, onMessage);
    return { close: () => this.handlers.delete(name) };
  }
  openVirtualInput(name: string, onMessage: InputHandler): MidiInputPort {
    return this.openInput(`virtual:${name}`, onMessage);
  }
  openOutput(name: string): MidiOutputPort {
    if (this.failOpen.has(name)) throw new Error('device busy');
    return { send: (bytes) => void this.sent.push([name, [...bytes]]), close: () => undefined };
  }
  openVirtualOutput(name: string): MidiOutputPort {
    return this.openOutput(`virtual:${name}`);
  }
}

describe('matchPortName', () => {
  it('prefers the exact name, then a case-insensitive substring', () => {
    const names = ['Launchkey MK3 MIDI 2', 'Launchkey MK3 MIDI 1', 'Launchkey'];
    expect(matchPortName(names, 'Launchkey')).toBe('Launchkey');
    expect(matchPortName(names, 'midi 1')).toBe('Launchkey MK3 MIDI 1');
    expect(matchPortName(names, 'nothing')).toBeNull();
  });
});

describe('MidiPorts', () => {
  it('opens ports by name, routes parsed input messages and sends to outputs', () => {
    const backend = new FakeBackend();
    backend.inputs = ['Keys:in 1', 'Pads:in 1'];
    backend.outputs = ['Synth:out 1'];
    const midi = new MidiPorts({ createBackend: () => backend });
    const messages: MidiInputEvent[] = [];
    midi.on('message', (e) => messages.push(e));
    midi.start();
    expect(midi.status).toEqual({ state: 'available', backend: 'fake' });
    const keys = midi.openInput('keys');
    expect(keys.isOpen).toBe(true);
    expect(keys.name).toBe('Keys:in 1');
    backend.handlers.get('Keys:in 1')!(Uint8Array.from([0x90, 60, 100]), 12.5);
    backend.handlers.get('Keys:in 1')!(Uint8Array.from([0xf0, 1, 0xf7]), 13); // sysex: ignored
    expect(messages).toEqual([{ port: 'Keys:in 1', message: { type: 'noteOn', channel: 1, note: 60, velocity: 100 }, time: 12.5 }]);
    expect(midi.ignored).toBe(1);
    const synth = midi.openOutput('Synth');
    synth.send([0xb0, 1, 2]);
    expect(backend.sent).toEqual([['Synth:out 1', [0xb0, 1, 2]]]);
    expect(midi.openOutput('Synth')).toBe(synth); // one handle per wish
    midi.stop();
  });

  it('follows hot-plugging: waits for a port, closes it when it goes, reopens it when it returns', () => {
    vi.useFakeTimers();
    try {
      const backend = new FakeBackend();
      const midi = new MidiPorts({ createBackend: () => backend, pollMs: 250 });
      const log: string[] = [];
      midi.on('ports', (p) => log.push(`ports ${p.inputs.join(',')}`));
      midi.on('opened', (p) => log.push(`opened ${p.name}`));
      midi.on('closed', (p) => log.push(`closed ${p.name} ${p.error?.code ?? 'requested'}`));
      midi.on('problem', (e) => log.push(`problem ${e.code}`));
      midi.start();
      const keys = midi.openInput('Keys');
      expect(keys.isOpen).toBe(false);
      backend.inputs = ['Keys:in 1'];
      vi.advanceTimersByTime(250);
      expect(keys.isOpen).toBe(true);
      backend.inputs = [];
      vi.advanceTimersByTime(250);
      expect(keys.isOpen).toBe(false);
      vi.advanceTimersByTime(1000); // nothing changes while it is away
      backend.inputs = ['Other', 'Keys:in 1'];
      vi.advanceTimersByTime(250);
      expect(keys.isOpen).toBe(true);
      keys.close();
      vi.advanceTimersByTime(250);
      expect(log).toEqual([
        'problem midi_port_not_found',
        'ports Keys:in 1',
        'opened Keys:in 1',
        'ports ',
        'closed Keys:in 1 midi_port_lost',
        'ports Other,Keys:in 1',
        'opened Keys:in 1',
        'closed Keys:in 1 requested',
      ]);
      midi.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports a port that fails to open once, and opens it when it can', () => {
    const backend = new FakeBackend();
    backend.outputs = ['Busy'];
    backend.failOpen.add('Busy');
    const midi = new MidiPorts({ createBackend: () => backend });
    const problems: string[] = [];
    midi.on('problem', (e) => problems.push(e.message));
    midi.start();
    const out = midi.openOutput('Busy');
    midi.poll();
    midi.poll();
    out.send([0xf8]);
    expect(out.dropped).toBe(1);
    expect(problems).toEqual(['cannot open the MIDI output port "Busy": device busy']);
    backend.failOpen.clear();
    midi.poll();
    expect(out.isOpen).toBe(true);
    midi.stop();
  });

  it('offers virtual ports named after the app', () => {
    const backend = new FakeBackend();
    const midi = new MidiPorts({ createBackend: () => backend });
    midi.start();
    const vin = midi.openVirtualInput();
    const vout = midi.openVirtualOutput();
    expect([vin.name, vout.name]).toEqual(['Axon Stage in', 'Axon Stage out']);
    vout.send([0xfa]);
    expect(backend.sent).toEqual([['virtual:Axon Stage out', [0xfa]]]);
    midi.stop();
    expect(vin.isOpen).toBe(false);
  });

  it('without MIDI: a clear unavailable status, no throws, and retry() recovers', () => {
    let works = false;
    const backend = new FakeBackend();
    backend.inputs = ['Keys'];
    const midi = new MidiPorts({
      createBackend: () => {
        if (!works) throw new Error('Failed to initialise RtMidi');
        return backend;
      },
    });
    const statuses: string[] = [];
    midi.on('status', (s) => statuses.push(s.state === 'unavailable' ? `unavailable: ${s.error.message}` : s.state));
    midi.start();
    expect(midi.status.state).toBe('unavailable');
    expect(midi.status.state === 'unavailable' && midi.status.error.code).toBe('midi_unavailable');
    const keys = midi.openInput('Keys');
    const out = midi.openVirtualOutput();
    out.send([0x90, 1, 1]);
    midi.poll();
    expect(keys.isOpen).toBe(false);
    works = true;
    midi.retry();
    expect(keys.isOpen).toBe(true);
    expect(out.isOpen).toBe(true);
    expect(statuses).toEqual(['unavailable: MIDI is unavailable: Failed to initialise RtMidi; everything else keeps working', 'available']);
    midi.stop();
  });

  it('with the real RtMidi and no MIDI system, settles in unavailable instead of throwing', () => {
    const midi = new MidiPorts();
    expect(() => midi.start()).not.toThrow();
    expect(['available', 'unavailable']).toContain(midi.status.state);
    midi.stop();
  });

  it('when the MIDI system dies (jackd stops), drops every port, says unavailable, and reopens them on retry', () => {
    const backend = new FakeBackend();
    backend.inputs = ['Keys'];
    const midi = new MidiPorts({ createBackend: () => backend });
    const closed: string[] = [];
    midi.on('closed', (p) => closed.push(p.name));
    midi.start();
    const keys = midi.openInput('Keys');
    const virtualOut = midi.openVirtualOutput();
    expect(keys.isOpen && virtualOut.isOpen).toBe(true);
    backend.alive = false;
    midi.poll();
    expect(midi.status.state).toBe('unavailable');
    expect(keys.isOpen || virtualOut.isOpen).toBe(false);
    expect(closed.sort()).toEqual(['Axon Stage out', 'Keys']);
    backend.alive = true;
    midi.retry();
    expect(midi.status.state).toBe('available');
    expect(keys.isOpen && virtualOut.isOpen).toBe(true);
    midi.stop();
  });
});
