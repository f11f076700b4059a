import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/main/backend';
import { LiveRig } from '../../src/main/rig/live-rig';
import { answer, type DevicesState, type Notice } from '../../src/shared/api';
import { controlInputIndex } from '../../src/shared/inputs';
import { decodeTelemetry } from '../../src/shared/telemetry';
import { FakeBus, x52Info, x52Report } from '../hid/fake-hid';
import { descriptorBytes } from '../hid/fixture-data';
import { useTempDataDir } from '../support/data-dir';
import { jackRunning } from '../support/jack-metro';
import { until } from '../support/until';

// The Devices part of the API on a real backend and rig: the audio output moved between
// devices while the engine plays, the audio input opened and closed, and a joystick (an X52 on
// an in-memory HID bus) calibrated through rest and sweep and saved for its next connection.

const DATA = useTempDataDir('devices-api');
// Needs a JACK server (the test setup starts the dummy one where jackd is installed, as in CI):
// elsewhere there is no audio device to open, and these tests are skipped.
const haveJack = jackRunning();

describe('devices through the API', () => {
  let backend: Backend;
  let rig: LiveRig;
  const bus = new FakeBus();
  const notices: DevicesState[] = [];

  beforeAll(async () => {
    backend = await Backend.start({ seed: 1, output: { kind: 'none' } });
    backend.on('notice', (n: Notice) => {
      if (n.type === 'devices') notices.push(n.state);
    });
    await backend.loadPatch('dual-neuron');
    bus.plug(x52Info('/dev/hidraw7'), descriptorBytes('saitek-x52'));
    rig = await LiveRig.start(backend, { hid: { listDevices: bus.listDevices, open: bus.openDevice, pollIntervalMs: 100 } });
    await until('the joystick to connect', () => backend.getDevices().then((d) => d.joysticks?.[0]?.connected), 5000);
  }, 30_000);

  afterAll(async () => {
    await rig?.close();
    await backend?.close();
  });

  it('lists the joystick, MIDI off, no audio input, and the output with its latency', async () => {
    const d = await backend.getDevices();
    expect(d.joysticks).toMatchObject([{ id: '06a3:0255:SN1', product: 'Saitek X52', connected: true, calibrated: false, calibration: null }]);
    expect(d.joysticks![0].axes.find((a) => a.key === 'x')).toEqual({ key: 'x', deadZone: 0.04, curve: 1, invert: false });
    expect(d.midi.state).toBe('off');
    expect(d.audioIn.state).toBe('off');
    expect(d.audioOut).toMatchObject({ sink: 'clock', detail: 'audio output off' });
    expect(d.audioOut.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('calibrates the joystick: rest, sweep, save; the file keeps it and the device uses it', async () => {
    const id = '06a3:0255:SN1';
    const dev = () => bus.device('/dev/hidraw7');
    await backend.calibrateJoystick(id, 'start');
    // At rest a little off centre (1100 of 0..2047), then every corner of X and Y.
    const restEnd = Date.now() + 1300;
    while (Date.now() < restEnd) {
      dev().send(x52Report(1100 + (Date.now() % 3), 1000));
      await new Promise((r) => setTimeout(r, 20));
    }
    await until('the range phase', () => backend.getDevices().then((d) => d.joysticks?.[0]?.calibration?.phase === 'range'), 3000);
    for (const [x, y] of [[0, 0], [2047, 2047], [0, 2047], [2047, 0], [1100, 1000]]) dev().send(x52Report(x, y));
    const during = await backend.getDevices();
    const xAxis = during.joysticks![0].calibration!.axes.find((a) => a.key === 'x')!;
    expect(xAxis).toMatchObject({ min: 0, max: 2047, moved: true });
    const { devices, warnings } = await backend.calibrateJoystick(id, 'save');
    expect(devices.joysticks![0]).toMatchObject({ calibrated: true, calibration: null });
    // The twist and throttle were left alone: kept as they were, with a warning each.
    expect(warnings.length).toBeGreaterThan(0);
    const file = JSON.parse(readFileSync(path.join(DATA, 'joysticks.json'), 'utf8')) as { devices: Record<string, { axes: Record<string, { centre: number }> }> };
    expect(Math.abs(file.devices[id].axes.x.centre - 1101)).toBeLessThanOrEqual(1);
    // The learned centre is applied to the live device: its rest reads 0 (uncalibrated, 1101 of
    // 0..2047 read +0.076, outside the default dead zone), its end 1.
    let x = NaN;
    const onTelemetry = (w: Float64Array) => (x = decodeTelemetry(w).inputs[controlInputIndex('joystick.x')]);
    backend.on('telemetry', onTelemetry);
    dev().send(x52Report(1101, 1000));
    await until('joystick.x at rest', () => x === 0, 3000);
    dev().send(x52Report(2047, 1000));
    await until('joystick.x at its end', () => x === 1, 3000);
    backend.off('telemetry', onTelemetry);
    expect(notices.some((n) => n.joysticks?.[0]?.calibration?.phase === 'rest')).toBe(true);
  }, 20_000);

  it("sets an axis's response: inverted X reads -1 at its right end, kept in the file", async () => {
    const id = '06a3:0255:SN1';
    let x = NaN;
    const onTelemetry = (w: Float64Array) => (x = decodeTelemetry(w).inputs[controlInputIndex('joystick.x')]);
    backend.on('telemetry', onTelemetry);
    const d = await backend.setJoystickAxis(id, 'x', { deadZone: 0.1, curve: 2, invert: true });
    expect(d.joysticks![0].axes.find((a) => a.key === 'x')).toEqual({ key: 'x', deadZone: 0.1, curve: 2, invert: true });
    bus.device('/dev/hidraw7').send(x52Report(2047, 1000));
    await until('joystick.x at -1', () => x === -1, 3000);
    backend.off('telemetry', onTelemetry);
    const file = JSON.parse(readFileSync(path.join(DATA, 'joysticks.json'), 'utf8')) as { devices: Record<string, { axes: Record<string, { invert: boolean; curve: number }> }> };
    expect(file.devices[id].axes.x).toMatchObject({ invert: true, curve: 2 });
    await expect(backend.setJoystickAxis(id, 'w', { deadZone: 0, curve: 1, invert: false })).rejects.toThrow('has no axis "w" (it has x, y,');
    const bad = await answer(backend, 'setJoystickAxis', [id, 'x', { deadZone: 0, curve: 9, invert: false }]);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.message).toContain('curve');
  });

  it('refuses calibration calls for an unknown joystick or one not being calibrated', async () => {
    await expect(backend.calibrateJoystick('dead:beef', 'start')).rejects.toThrow('no joystick "dead:beef"');
    await expect(backend.calibrateJoystick('06a3:0255:SN1', 'save')).rejects.toThrow('is not being calibrated');
    const bad = await answer(backend, 'calibrateJoystick', ['06a3:0255:SN1', 'wiggle']);
    expect(bad.ok).toBe(false);
  });

  it.runIf(haveJack)('moves the sound to JACK and back to off while the engine plays', async () => {
    const on = await backend.setAudioOutput({ backend: 'audify', device: 'jack' });
    expect(on.audioOut).toMatchObject({ sink: 'audify', device: 'jack:system' });
    await until('a reported output latency', () => backend.getDevices().then((d) => d.audioOut.latencyMs > 0), 3000);
    // Listing devices probes every host API, and audify hands those probes' errors to the open
    // stream's error callback (one per process): the stream must play on regardless.
    const sinks: string[] = [];
    const onSink = (s: { sink: string }) => sinks.push(s.sink);
    backend.engine.on('sink', onSink);
    for (let i = 0; i < 3; i++) expect((await backend.listAudioDevices()).outputs[0].devices.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    backend.engine.off('sink', onSink);
    expect(sinks).toEqual([]);
    const off = await backend.setAudioOutput(null);
    expect(off.audioOut).toMatchObject({ sink: 'clock', detail: 'audio output off' });
    const bad = await answer(backend, 'setAudioOutput', [{ backend: 'portaudio', device: null }]);
    expect(bad.ok).toBe(false);
  }, 20_000);

  it.runIf(haveJack)('opens and closes the audio input', async () => {
    const on = await backend.setAudioInput({ device: 'jack', channel: 2 });
    expect(on.audioIn).toMatchObject({ state: 'on', device: 'jack:system', channel: 2 });
    await backend.listAudioDevices();
    await new Promise((r) => setTimeout(r, 300));
    expect((await backend.getDevices()).audioIn.state).toBe('on');
    const off = await backend.setAudioInput(null);
    expect(off.audioIn.state).toBe('off');
    const wrong = await answer(backend, 'setAudioInput', [{ device: 'jack', channel: 0 }]);
    expect(wrong.ok).toBe(false);
    await expect(backend.setAudioInput({ device: 'jack', channel: 9 })).resolves.toMatchObject({ audioIn: { state: 'failed' } });
    await backend.setAudioInput(null);
  }, 20_000);
});
