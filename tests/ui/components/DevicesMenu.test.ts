import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import DevicesMenu from '../../../src/renderer/src/components/DevicesMenu.svelte';
import type { AudioDevices, DevicesState, JoystickCalibrationProgress } from '../../../src/shared/api';
import { ApiError } from '../../../src/shared/api-client';
import { axonError, toErrorPayload } from '../../../src/shared/errors';
import { deferred, fakeClient } from './fake-client';
import { devicesState, joystick, telemetry } from './fixtures';

const LIST: AudioDevices = {
  outputs: [
    {
      backend: 'audify',
      devices: [
        { id: 0, name: 'jack:system', host: 'Jack', isDefault: true, channels: 2 },
        { id: 3, name: 'hw:USB Audio', host: 'ALSA', isDefault: false, channels: 2 },
      ],
      problem: null,
    },
    { backend: 'naudiodon', devices: [], problem: 'the naudiodon audio backend is not available (no prebuilt binary)' },
  ],
  inputs: { devices: [{ id: 3, name: 'hw:USB Audio', host: 'ALSA', isDefault: false, channels: 2 }], problem: null },
};

type OnError = (err: unknown, context: string) => void;

/** A backend that lists LIST and answers each change with the devices as changed. */
function backend(devices: DevicesState) {
  return fakeClient({
    listAudioDevices: async () => LIST,
    setAudioOutput: async (choice) => ({ ...devices, audioOut: choice ? { sink: choice.backend, device: choice.device ?? 'default', detail: '', latencyMs: 5.3, sampleRate: 48000, blockSize: 128, priority: { nice: -11, realtime: 5, note: '' }, queueMs: null } : { sink: 'clock', device: '', detail: 'audio output off', latencyMs: 0, sampleRate: 48000, blockSize: 128, priority: { nice: -11, realtime: 5, note: '' }, queueMs: null } }),
    setMidiInput: async (query) => ({ ...devices, midi: { ...devices.midi, input: query, inputOpen: query !== null } }),
    reopenAudioOutput: async () => devices,
    setAudioFormat: async (sampleRate, blockSize) => ({ ...devices, audioOut: { ...devices.audioOut, sampleRate, blockSize } }),
    setAudioInput: async (choice) => ({ ...devices, audioIn: { ...devices.audioIn, state: choice ? 'on' : 'off', device: choice?.device ?? '', channel: choice?.channel ?? 1 } }),
    calibrateJoystick: async () => ({ devices, warnings: [] }),
    setJoystickAxis: async () => devices,
  });
}

function show(devices: DevicesState, client = backend(devices).client, onerror: OnError = () => undefined, audioIn: ReturnType<typeof telemetry>['audioIn'] | null = null) {
  return render(DevicesMenu, { devices, audioIn, client, onerror });
}

/** Opens the menu and waits for the device list to arrive (the selects enable on it). */
async function open(): Promise<HTMLElement> {
  await userEvent.click(screen.getByTestId('devices'));
  const menu = screen.getByRole('dialog', { name: 'Devices' });
  await waitFor(() => expect(within(menu).getByTestId<HTMLSelectElement>('devices-output-select').disabled).toBe(false));
  return menu;
}

const optionLabels = (select: HTMLElement) => [...select.querySelectorAll('option')].map((o) => o.textContent);

describe('DevicesMenu', () => {
  it('offers the MIDI inputs plugged in, and one asked for that is not; Reopen opens the output again', async () => {
    const devices = devicesState({ midi: { state: 'available', detail: 'ALSA', input: 'Launchkey', inputOpen: false, ports: ['nanoKONTROL2', 'FCB1010'], clockBpm: null } });
    const b = backend(devices);
    show(devices, b.client);
    const menu = await open();
    const midi = within(menu).getByTestId<HTMLSelectElement>('devices-midi-input');
    expect(optionLabels(midi)).toEqual(['Only the virtual port', 'Launchkey (not plugged in)', 'nanoKONTROL2', 'FCB1010']);
    expect(midi.selectedOptions[0].textContent).toBe('Launchkey (not plugged in)');
    expect(within(menu).getByTestId('devices-midi').textContent).toContain('waiting for "Launchkey"');
    await userEvent.selectOptions(midi, 'FCB1010');
    await userEvent.selectOptions(midi, 'Only the virtual port');
    expect(b.argsOf('setMidiInput')).toEqual([['FCB1010'], [null]]);
    await userEvent.click(within(menu).getByTestId('devices-output-reopen'));
    expect(b.calls.filter((c) => c.method === 'reopenAudioOutput')).toHaveLength(1);
  });

  it('shows the rate and buffer in use with each buffer as time, and sends a new one', async () => {
    const b = backend(devicesState());
    show(devicesState(), b.client);
    const menu = await open();
    const rate = within(menu).getByTestId<HTMLSelectElement>('devices-rate');
    const buffer = within(menu).getByTestId<HTMLSelectElement>('devices-buffer');
    expect(optionLabels(rate)).toEqual(['44.1 kHz', '48.0 kHz', '96.0 kHz']);
    expect(rate.selectedOptions[0].textContent).toBe('48.0 kHz');
    expect(optionLabels(buffer)).toEqual(['64 frames (1.3 ms)', '128 frames (2.7 ms)', '256 frames (5.3 ms)', '512 frames (10.7 ms)', '1024 frames (21.3 ms)']);
    expect(buffer.selectedOptions[0].textContent).toBe('128 frames (2.7 ms)');
    await userEvent.selectOptions(buffer, '256 frames (5.3 ms)');
    await userEvent.selectOptions(rate, '96.0 kHz');
    expect(b.argsOf('setAudioFormat')).toEqual([
      [48000, 256],
      [96000, 128],
    ]);
  });


  it('names the output device in the header, or warns "silent" without sound', async () => {
    const view = show(devicesState());
    const stat = screen.getByTestId('devices');
    expect(stat.textContent).toContain('jack:system');
    expect(stat.getAttribute('data-mode')).toBe('audify');
    await view.rerender({ devices: devicesState({ audioOut: { sink: 'clock', device: '', detail: 'the audio device failed: gone; retrying', latencyMs: 0, sampleRate: 48000, blockSize: 128, priority: { nice: -11, realtime: 5, note: '' }, queueMs: null } }) });
    expect(stat.textContent).toContain('silent');
    expect(stat.querySelector('.warn')).not.toBeNull();
    expect(stat.getAttribute('title')).toBe('No sound: the audio device failed: gone; retrying');
  });

  it('lists every output device when opened, with a backend\'s problem as a hint', async () => {
    const { client, calls } = backend(devicesState());
    show(devicesState(), client);
    const menu = await open();
    expect(calls.map((c) => c.method)).toEqual(['listAudioDevices']);
    expect(optionLabels(within(menu).getByTestId('devices-output-select'))).toEqual(['jack:system (audify, default)', 'hw:USB Audio (audify)', 'Off (silent)']);
    expect(within(menu).getByText('naudiodon: the naudiodon audio backend is not available (no prebuilt binary)')).toBeTruthy();
    expect(within(menu).getByTestId('devices-output').textContent).toBe('jack:system through audify, 5.3 ms to the device');
  });

  it('moves the sound to the chosen device', async () => {
    const fake = backend(devicesState());
    show(devicesState(), fake.client);
    await open();
    await userEvent.selectOptions(screen.getByTestId('devices-output-select'), 'hw:USB Audio (audify)');
    expect(fake.argsOf('setAudioOutput')).toEqual([[{ backend: 'audify', device: 'hw:USB Audio' }]]);
  });

  it('turns the output off with "Off (silent)"', async () => {
    const fake = backend(devicesState());
    show(devicesState(), fake.client);
    await open();
    await userEvent.selectOptions(screen.getByTestId('devices-output-select'), 'Off (silent)');
    expect(fake.argsOf('setAudioOutput')).toEqual([[null]]);
  });

  it('disables the selects while a change runs and re-enables them after', async () => {
    const pending = deferred<DevicesState>();
    const fake = fakeClient({ listAudioDevices: async () => LIST, setAudioOutput: () => pending.promise });
    show(devicesState(), fake.client);
    await open();
    const select = screen.getByTestId<HTMLSelectElement>('devices-output-select');
    await userEvent.selectOptions(select, 'hw:USB Audio (audify)');
    expect(select.disabled).toBe(true);
    expect(screen.getByTestId<HTMLSelectElement>('devices-input-select').disabled).toBe(true);
    pending.resolve(devicesState());
    await waitFor(() => expect(select.disabled).toBe(false));
  });

  it('reports a refused output change through onerror, with what it was doing', async () => {
    const refusal = new ApiError(toErrorPayload(axonError('rig_off', 'the audio output')));
    const onerror = vi.fn<OnError>();
    const fake = fakeClient({ listAudioDevices: async () => LIST, setAudioOutput: () => Promise.reject(refusal) });
    show(devicesState(), fake.client, onerror);
    await open();
    const select = screen.getByTestId<HTMLSelectElement>('devices-output-select');
    await userEvent.selectOptions(select, 'hw:USB Audio (audify)');
    await waitFor(() => expect(onerror).toHaveBeenCalledWith(refusal, 'Could not change the audio output'));
    expect(onerror).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(select.disabled).toBe(false));
  });

  it('shows why the device list could not be read, and keeps the output select disabled', async () => {
    const fake = fakeClient({ listAudioDevices: () => Promise.reject(new ApiError(toErrorPayload(axonError('engine_not_running')))) });
    show(devicesState(), fake.client);
    await userEvent.click(screen.getByTestId('devices'));
    const menu = screen.getByRole('dialog', { name: 'Devices' });
    expect(await within(menu).findByText('the engine is not running')).toBeTruthy();
    expect(within(menu).getByTestId<HTMLSelectElement>('devices-output-select').disabled).toBe(true);
  });

  it('listens on the chosen input at the channel in the field', async () => {
    const fake = backend(devicesState());
    show(devicesState(), fake.client);
    await open();
    expect(optionLabels(screen.getByTestId('devices-input-select'))).toEqual(['None', 'hw:USB Audio (2 ch)']);
    const channel = screen.getByRole('spinbutton', { name: 'Channel' });
    await userEvent.clear(channel);
    await userEvent.type(channel, '2');
    // No input is open yet: a channel alone sends nothing.
    await userEvent.tab();
    expect(fake.argsOf('setAudioInput')).toEqual([]);
    await userEvent.selectOptions(screen.getByTestId('devices-input-select'), 'hw:USB Audio (2 ch)');
    expect(fake.argsOf('setAudioInput')).toEqual([[{ device: 'hw:USB Audio', channel: 2 }]]);
  });

  it('moves an open input to another channel, and closes it with None', async () => {
    const on = devicesState({ audioIn: { state: 'on', device: 'hw:USB Audio', channel: 1, latencyMs: 5.3, dropped: 0, detail: '' } });
    const fake = backend(on);
    show(on, fake.client);
    await open();
    const channel = screen.getByRole('spinbutton', { name: 'Channel' });
    await userEvent.clear(channel);
    await userEvent.type(channel, '2');
    // Leaving the field commits the channel, as a browser fires change on blur.
    await userEvent.tab();
    await userEvent.selectOptions(screen.getByTestId('devices-input-select'), 'None');
    expect(fake.argsOf('setAudioInput')).toEqual([[{ device: 'hw:USB Audio', channel: 2 }], [null]]);
  });

  it('shows the open input\'s level and the pitch it hears', async () => {
    const on = devicesState({ audioIn: { state: 'on', device: 'hw:USB Audio', channel: 2, latencyMs: 5.3, dropped: 12, detail: '' } });
    const view = show(on, backend(on).client, undefined, telemetry({ neurons: 0, columns: 0, audioIn: { envelope: 0.42, pitch: 69 / 127, voiced: 1 } }).audioIn);
    await open();
    expect(screen.getByTestId('devices-input').textContent).toBe('hw:USB Audio channel 2, 5.3 ms, 12 frames lost');
    expect(screen.getByTestId('devices-input-pitch').textContent).toBe('A4');
    expect(screen.getByTestId('devices-input-meter').querySelector<HTMLElement>('.fill')?.style.width).toMatch(/^42(\.0)?%$/);
    await view.rerender({ audioIn: telemetry({ neurons: 0, columns: 0, audioIn: { envelope: 0.1, pitch: 69 / 127, voiced: 0 } }).audioIn });
    expect(screen.getByTestId('devices-input-pitch').textContent).toBe('\u2014');
  });

  it('marks a failed input and unavailable MIDI as problems', async () => {
    const bad = devicesState({
      audioIn: { state: 'failed', device: 'hw:USB Audio', channel: 1, latencyMs: 0, dropped: 0, detail: 'the device went away' },
      midi: { state: 'unavailable', detail: 'no ALSA sequencer', input: null, inputOpen: false, ports: [], clockBpm: null },
    });
    show(bad, backend(bad).client);
    await open();
    expect(screen.getByTestId('devices-input').textContent).toBe('Not listening: the device went away');
    expect(screen.getByTestId('devices-input').classList.contains('problem')).toBe(true);
    expect(screen.getByTestId('devices-midi').textContent).toBe('Unavailable: no ALSA sequencer');
    expect(screen.getByTestId('devices-midi').classList.contains('problem')).toBe(true);
    expect(screen.queryByTestId('devices-input-meter')).toBeNull();
  });

  it('sets up OSC from the fields typed, and turns it off', async () => {
    const osc: DevicesState['osc'] = { state: 'on', listening: '127.0.0.1:9000', targets: ['192.168.1.20:57120'], packetsIn: 12, packetsOut: 340, errors: 0, lastProblem: null };
    const fake = fakeClient({ listAudioDevices: async () => LIST, setOsc: async () => devicesState({ osc }) });
    const view = show(devicesState(), fake.client);
    await open();
    expect(screen.getByTestId('devices-osc').textContent).toBe('Off: give an address to listen on and where to send');
    // Off is already off.
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Off' }).disabled).toBe(true);
    await userEvent.type(screen.getByTestId('osc-listen'), '127.0.0.1:9000');
    await userEvent.type(screen.getByTestId('osc-targets'), '192.168.1.20:57120, 10.0.0.2:8000');
    await userEvent.click(screen.getByTestId('osc-apply'));
    await view.rerender({ devices: devicesState({ osc }) });
    expect(screen.getByTestId('devices-osc').textContent).toBe('in on 127.0.0.1:9000, out to 192.168.1.20:57120 (12 in, 340 out)');
    await userEvent.click(screen.getByRole('button', { name: 'Off' }));
    expect(fake.argsOf('setOsc')).toEqual([[{ listen: '127.0.0.1:9000', targets: ['192.168.1.20:57120', '10.0.0.2:8000'] }], [null]]);
  });

  it('says when joysticks are not watched or none is connected', async () => {
    const view = show(devicesState({ joysticks: null }));
    await open();
    expect(screen.getByText('Not watched in this app.')).toBeTruthy();
    await view.rerender({ devices: devicesState({ joysticks: [] }) });
    expect(screen.getByText(/None connected/)).toBeTruthy();
  });

  it('starts a calibration of a connected joystick, not of an unplugged one', async () => {
    const two = devicesState({ joysticks: [joystick(), joystick({ id: '044f:b10a:1', product: 'T.16000M', connected: false })] });
    const fake = backend(two);
    show(two, fake.client);
    await open();
    const [plugged, unplugged] = screen.getAllByTestId('devices-joystick');
    expect(within(unplugged).getByText('unplugged')).toBeTruthy();
    expect(within(unplugged).getByTestId<HTMLButtonElement>('joystick-calibrate').disabled).toBe(true);
    expect(within(plugged).getByText('not calibrated')).toBeTruthy();
    await userEvent.click(within(plugged).getByTestId('joystick-calibrate'));
    expect(fake.argsOf('calibrateJoystick')).toEqual([['046d:c215:0', 'start']]);
  });

  it('guides a calibration: Save only once the axes are being swept, warnings shown after', async () => {
    const axes: JoystickCalibrationProgress['axes'] = [{ key: 'x', logicalMin: 0, logicalMax: 1023, raw: 512, centre: 512, min: 100, max: 900, moved: true }];
    const resting = devicesState({ joysticks: [joystick({ calibration: { phase: 'rest', restElapsedMs: 400, restMs: 1500, axes } })] });
    const fake = fakeClient({
      listAudioDevices: async () => LIST,
      calibrateJoystick: async (_id, action) => ({ devices: resting, warnings: action === 'save' ? ['axis z never moved: it keeps its old range'] : [] }),
    });
    const view = show(resting, fake.client);
    await open();
    expect(screen.getByTestId('joystick-step').textContent).toBe('Leave the stick alone… 1.1 s');
    expect(screen.getByTestId<HTMLButtonElement>('joystick-save').disabled).toBe(true);
    // No Calibrate or Axes while one runs.
    expect(screen.queryByTestId('joystick-calibrate')).toBeNull();
    await view.rerender({ devices: devicesState({ joysticks: [joystick({ calibration: { phase: 'range', restElapsedMs: 1500, restMs: 1500, axes } })] }) });
    expect(screen.getByTestId('joystick-step').textContent).toBe('Move every axis to both ends, then Save');
    await userEvent.click(screen.getByTestId('joystick-save'));
    expect(await screen.findByTestId('joystick-warning')).toHaveProperty('textContent', 'axis z never moved: it keeps its old range');
    expect(fake.argsOf('calibrateJoystick')).toEqual([['046d:c215:0', 'save']]);
  });

  it('cancels a calibration', async () => {
    const calibrating = devicesState({ joysticks: [joystick({ calibration: { phase: 'rest', restElapsedMs: 0, restMs: 1500, axes: [] } })] });
    const fake = backend(calibrating);
    show(calibrating, fake.client);
    await open();
    await userEvent.click(screen.getByTestId('joystick-cancel'));
    expect(fake.argsOf('calibrateJoystick')).toEqual([['046d:c215:0', 'cancel']]);
  });

  it('sends an axis\'s three settings when one changes, and nothing for a field that is not a number', async () => {
    const one = devicesState({ joysticks: [joystick()] });
    const fake = backend(one);
    show(one, fake.client);
    await open();
    await userEvent.click(screen.getByTestId('joystick-axes'));
    const table = screen.getByTestId('joystick-axis-table');
    const x = table.querySelector<HTMLElement>('tr[data-axis="x"]');
    const y = table.querySelector<HTMLElement>('tr[data-axis="y"]');
    if (!x || !y) throw new Error('axis rows missing');
    await fireEvent.change(within(x).getByTestId('axis-deadzone'), { target: { value: '0.12' } });
    await fireEvent.change(within(x).getByTestId('axis-curve'), { target: { value: '' } });
    await userEvent.click(within(y).getByTestId('axis-invert'));
    expect(fake.argsOf('setJoystickAxis')).toEqual([
      ['046d:c215:0', 'x', { deadZone: 0.12, curve: 1, invert: false }],
      ['046d:c215:0', 'y', { deadZone: 0.05, curve: 1, invert: false }],
    ]);
  });

  it('keeps what the performer is typing in an axis field when new state arrives, and shows the state again on blur', async () => {
    const one = devicesState({ joysticks: [joystick()] });
    const view = show(one);
    await open();
    await userEvent.click(screen.getByTestId('joystick-axes'));
    const curve = () => screen.getAllByTestId<HTMLInputElement>('axis-curve')[0];
    expect(curve().value).toBe('1');
    curve().focus();
    curve().value = '9';
    // Another change of the devices (here: x inverted elsewhere) arrives before Enter.
    const inverted = joystick();
    inverted.axes = inverted.axes.map((a) => (a.key === 'x' ? { ...a, curve: 2.5, invert: true } : a));
    await view.rerender({ devices: devicesState({ joysticks: [inverted] }) });
    expect(curve().value).toBe('9');
    curve().blur();
    expect(curve().value).toBe('2.5');
    // Not focused: the field follows the state.
    await view.rerender({ devices: devicesState({ joysticks: [joystick()] }) });
    expect(curve().value).toBe('1');
  });

  it('reports a refused axis setting with the joystick and axis named', async () => {
    const one = devicesState({ joysticks: [joystick()] });
    const refusal = new ApiError(toErrorPayload(axonError('joystick_axis_unknown', '046d:c215:0', 'x', 'y')));
    const onerror = vi.fn<OnError>();
    show(one, fakeClient({ listAudioDevices: async () => LIST, setJoystickAxis: () => Promise.reject(refusal) }).client, onerror);
    await open();
    await userEvent.click(screen.getByTestId('joystick-axes'));
    await fireEvent.change(screen.getAllByTestId('axis-deadzone')[0], { target: { value: '0.2' } });
    await waitFor(() => expect(onerror).toHaveBeenCalledWith(refusal, 'Could not set axis x of Logitech Extreme 3D'));
  });
});
