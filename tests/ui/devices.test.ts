import { describe, expect, it } from 'vitest';
import type { AudioDevices, DevicesState } from '../../src/shared/api';
import { axisBar, calibrationStep, currentOutput, inputChoices, inputSummary, midiSummary, OFF, oscConfig, oscSummary, outputChoice, outputChoices, outputSummary, prioritySummary, queueChoices, queuePick, USUAL_QUEUE } from '../../src/renderer/src/lib/devices';

const list: AudioDevices = {
  outputs: [
    { backend: 'audify', devices: [{ id: 0, name: 'jack:system', host: 'Jack', isDefault: true, channels: 2 }], problem: null },
    { backend: 'naudiodon', devices: [], problem: 'the naudiodon audio backend is not available (x)' },
  ],
  inputs: { devices: [{ id: 0, name: 'jack:system', host: 'Jack', isDefault: true, channels: 2 }], problem: null },
};

const state = (over: Partial<DevicesState> = {}): DevicesState => ({
  audioOut: { sink: 'audify', device: 'jack:system', detail: '', latencyMs: 26.66, sampleRate: 48000, blockSize: 128, priority: { nice: -11, realtime: 5, note: '' }, queueMs: null },
  audioIn: { state: 'on', device: 'jack:system', channel: 2, latencyMs: 5.33, dropped: 0, detail: '' },
  midi: { state: 'available', detail: 'jack', input: null, inputOpen: false, ports: [], clockBpm: 120 },
  joysticks: [],
  osc: { state: 'off', listening: null, targets: [], packetsIn: 0, packetsOut: 0, errors: 0, lastProblem: null },
  ...over,
});

describe('the Devices menu text', () => {
  it('offers each backend device and off; a choice goes back to the API shape', () => {
    const choices = outputChoices(list);
    expect(choices.map((c) => c.label)).toEqual(['jack:system (audify, default)', 'Off (silent)']);
    expect(outputChoice(choices[0].value)).toEqual({ backend: 'audify', device: 'jack:system' });
    expect(outputChoice(OFF)).toBeNull();
    expect(currentOutput(state())).toBe(choices[0].value);
    expect(currentOutput(state({ audioOut: { sink: 'clock', device: '', detail: 'audio output off', latencyMs: 0, sampleRate: 48000, blockSize: 128, priority: { nice: -11, realtime: 5, note: '' }, queueMs: null } }))).toBe(OFF);
    expect(currentOutput(state({ audioOut: { sink: 'clock', device: '', detail: 'no sound: gone', latencyMs: 0, sampleRate: 48000, blockSize: 128, priority: { nice: -11, realtime: 5, note: '' }, queueMs: null } }))).toBe('');
    expect(inputChoices(list).map((c) => c.value)).toEqual([OFF, 'jack:system']);
  });

  it('offers the device queues, the one from --queue-ms too, and picks one for the output in use', () => {
    expect(queueChoices(null).map((c) => c.label)).toEqual(['4 periods', '11 ms', '21 ms', '32 ms', '43 ms', '64 ms', '85 ms']);
    expect(queueChoices(50).map((c) => c.value)).toEqual([USUAL_QUEUE, '11', '21', '32', '43', '50', '64', '85']);
    expect(queuePick(state(), '43')).toEqual({ backend: 'audify', device: 'jack:system', queueMs: 43 });
    expect(queuePick(state(), USUAL_QUEUE)).toEqual({ backend: 'audify', device: 'jack:system', queueMs: null });
    // No device plays: there is no queue to set.
    expect(queuePick(state({ audioOut: { ...state().audioOut, sink: 'clock', device: '', detail: 'audio output off' } }), '43')).toBeNull();
    expect(queuePick(state({ audioOut: { ...state().audioOut, sink: 'clock', device: '', detail: 'no sound: gone' } }), '43')).toBeNull();
  });

  it('says where the sound goes, what it listens to, and MIDI', () => {
    expect(outputSummary(state())).toBe('jack:system through audify, 26.7 ms to the device');
    expect(outputSummary(state({ audioOut: { sink: 'clock', device: '', detail: 'the audio device x failed: y; retrying audify:x', latencyMs: 0, sampleRate: 48000, blockSize: 128, priority: { nice: -11, realtime: 5, note: '' }, queueMs: null } }))).toBe('No sound: the audio device x failed: y; retrying audify:x');
    expect(prioritySummary(state())).toBe('Engine thread at real-time priority 5, above the UI');
    const refused = { nice: -11, realtime: 0, note: 'not permitted to raise the engine thread to real-time priority 5 (denied): allow it' };
    expect(prioritySummary(state({ audioOut: { ...state().audioOut, priority: refused } }))).toBe('Engine thread at nice -11: not permitted to raise the engine thread to real-time priority 5 (denied): allow it');
    expect(inputSummary(state())).toBe('jack:system channel 2, 5.3 ms');
    expect(inputSummary(state({ audioIn: { state: 'failed', device: 'x', channel: 1, latencyMs: 0, dropped: 0, detail: 'gone' } }))).toBe('Not listening: gone');
    expect(midiSummary(state())).toBe('jack: virtual ports "Axon Stage in/out", clock 120.0 BPM');
    expect(midiSummary(state({ midi: { state: 'available', detail: 'jack', input: 'FCB1010 MIDI 1', inputOpen: true, ports: [], clockBpm: null } }))).toBe('jack: virtual ports "Axon Stage in/out", in from FCB1010 MIDI 1, no clock');
    expect(midiSummary(state({ midi: { state: 'available', detail: 'jack', input: 'FCB', inputOpen: false, ports: [], clockBpm: null } }))).toBe('jack: virtual ports "Axon Stage in/out", waiting for "FCB", no clock');
    expect(midiSummary(state({ midi: { state: 'unavailable', detail: 'no ALSA sequencer', input: null, inputOpen: false, ports: [], clockBpm: null } }))).toBe('Unavailable: no ALSA sequencer');
  });

  it('guides a joystick calibration and draws each axis', () => {
    expect(calibrationStep({ phase: 'rest', restElapsedMs: 400, restMs: 1000, axes: [] })).toBe('Leave the stick alone… 0.6 s');
    expect(calibrationStep({ phase: 'range', restElapsedMs: 1000, restMs: 1000, axes: [] })).toMatch(/both ends/);
    expect(axisBar({ key: 'x', logicalMin: 0, logicalMax: 2047, raw: 1023.5, centre: 1023.5, min: 0, max: 1535.25, moved: true })).toEqual({ from: 0, to: 0.75, at: 0.5 });
    expect(axisBar({ key: 'x', logicalMin: 0, logicalMax: 2047, raw: null, centre: null, min: null, max: null, moved: false })).toEqual({ from: 0, to: 0, at: null });
  });
});

describe('the OSC line of the Devices menu', () => {
  it('says what runs, with its counts and last problem', () => {
    expect(oscSummary(state())).toMatch(/^Off/);
    const on = state({ osc: { state: 'on', listening: '127.0.0.1:9000', targets: ['10.0.0.2:9001'], packetsIn: 3, packetsOut: 120, errors: 1, lastProblem: 'bad OSC address' } });
    expect(oscSummary(on)).toBe('in on 127.0.0.1:9000, out to 10.0.0.2:9001 (3 in, 120 out, 1 problem); last problem: bad OSC address');
  });

  it('turns the two fields into the API call', () => {
    expect(oscConfig(' 127.0.0.1:9000 ', '10.0.0.2:9001, 10.0.0.3:9001  host:7')).toEqual({ listen: '127.0.0.1:9000', targets: ['10.0.0.2:9001', '10.0.0.3:9001', 'host:7'] });
    expect(oscConfig('', '')).toEqual({ listen: null, targets: [] });
  });
});
