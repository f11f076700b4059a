import { describe, expect, it } from 'vitest';
import type { AudioDevices } from '../../src/shared/api';
import { runAxon } from '../support/cli-runner';
import { useTempDataDir } from '../support/data-dir';

// `axon perform`: the rig without a window, as a user runs it (stdout is a pipe here, so the
// status line is printed as log lines).

const DATA = useTempDataDir('perform-cli');

describe('axon perform', () => {
  it.each([
    [['perform'], 'missing --patch'],
    [['perform', '--patch', 'dual-neuron', '--audio', 'asio:x'], '--audio backend "asio" is not available'],
    [['perform', '--patch', 'dual-neuron', '--seconds', '0'], '--seconds must be between 0.1'],
    [['perform', '--patch', 'dual-neuron', '--serial', ''], '--serial needs auto or a serial port path'],
    [['perform', '--patch', 'dual-neuron', '--hid', 'maybe'], '--hid must be one of auto, none'],
    [['perform', '--patch', 'dual-neuron', '--osc', 'localhost:99999'], '--osc: bad OSC address'],
    [['perform', '--patch', 'no-such-patch', '--audio', 'none', '--seconds', '1'], 'no patch named "no-such-patch"'],
    [['perform', '--patch', 'dual-neuron', '--title', 'x'], '--title applies with --record'],
    [['repair'], 'missing the set to repair'],
    [['repair', 'no-such-set'], 'no recorded set at'],
  ])('%j is refused: %s', async (args, message) => {
    const r = await runAxon(DATA, ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('axon devices', () => {
  it('lists what it finds of audio, MIDI, joysticks and drum boards, and says why a kind is unavailable', async () => {
    const r = await runAxon(DATA, 'devices', '--json');
    expect(r.code).toBe(0);
    const { audio, ...rest } = JSON.parse(r.stdout) as { audio: AudioDevices } & Record<'midi' | 'joysticks' | 'drumBoards', { status: string }>;
    expect(Object.keys(rest)).toEqual(['midi', 'joysticks', 'drumBoards']);
    for (const kind of Object.values(rest)) expect(kind.status.length).toBeGreaterThan(0);
    expect(audio.outputs.map((o) => o.backend)).toEqual(['audify', 'naudiodon']);
    // Each backend lists devices or says why it cannot (under CI's JACK: jack:system on audify).
    for (const o of [...audio.outputs, audio.inputs]) expect(o.devices.length > 0 || (o.problem ?? '').length > 0).toBe(true);
    const text = await runAxon(DATA, 'devices');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Audio outputs \(audify\):/m);
    expect(text.stdout).toMatch(/^Audio inputs \(audify\):/m);
    expect(text.stdout).toMatch(/^MIDI/m);
    expect(text.stdout).toMatch(/^Joysticks:/m);
    expect(text.stdout).toMatch(/^Drum boards:/m);
  });
});
