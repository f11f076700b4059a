import dgram from 'node:dgram';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/main/backend';
import { LiveRig } from '../../src/main/rig/live-rig';
import { answer, type DevicesState, type Notice } from '../../src/shared/api';
import { controlInputIndex } from '../../src/shared/inputs';
import { decodeTelemetry } from '../../src/shared/telemetry';
import { encodeOsc } from '../../src/main/osc/osc-codec';
import { FakeBus, x52Info, x52Report } from '../hid/fake-hid';
import { OscReceiver } from '../osc/osc-receiver';
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

  it.runIf(haveJack)('keeps the device queue chosen: more queue, more latency; a pick without one keeps it; null is the sink\'s own', async () => {
    await backend.setAudioOutput({ backend: 'audify', device: 'jack', queueMs: null });
    await until('a reported output latency', () => backend.getDevices().then((d) => d.audioOut.latencyMs > 0), 3000);
    const usual = (await backend.getDevices()).audioOut;
    expect(usual.queueMs).toBeNull();
    const deeper = await backend.setAudioOutput({ backend: 'audify', device: 'jack', queueMs: 43 });
    expect(deeper.audioOut.queueMs).toBe(43);
    // 43 ms where 4 periods (21 ms at JACK's 256 frames) were.
    await until('the deeper queue', () => backend.getDevices().then((d) => d.audioOut.latencyMs > usual.latencyMs + 20), 3000);
    expect((await backend.setAudioOutput({ backend: 'audify', device: 'jack' })).audioOut.queueMs).toBe(43);
    expect(JSON.parse(readFileSync(path.join(DATA, 'settings.json'), 'utf8')).audioOut).toEqual({ backend: 'audify', device: 'jack', queueMs: 43 });
    expect((await backend.setAudioOutput({ backend: 'audify', device: 'jack', queueMs: null })).audioOut.queueMs).toBeNull();
    const tooShort = await answer(backend, 'setAudioOutput', [{ backend: 'audify', device: 'jack', queueMs: 4 }]);
    expect(tooShort.ok).toBe(false);
    await backend.setAudioOutput(null);
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

  it.runIf(haveJack)('remembers the devices chosen, and the next start opens them again', async () => {
    await backend.setAudioOutput({ backend: 'audify', device: 'jack' });
    await backend.setAudioInput({ device: 'jack', channel: 2 });
    // A failed input is not kept: the next start would fail the same way.
    await backend.setAudioInput({ device: 'jack', channel: 9 });
    const file = path.join(DATA, 'settings.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ format: 'axon-settings', version: 1, audioOut: { backend: 'audify', device: 'jack', queueMs: null }, audioIn: { device: 'jack', channel: 2 } });
    // Free the devices for the next "start".
    await backend.setAudioInput(null);
    await backend.setAudioOutput(null);
    writeFileSync(file, JSON.stringify({ format: 'axon-settings', version: 1, audioOut: { backend: 'audify', device: 'jack' }, audioIn: { device: 'jack', channel: 2 } }));

    const next = await Backend.start({ seed: 1, output: { kind: 'none' } });
    const nextRig = await LiveRig.start(next, {});
    try {
      expect(await next.restoreDevices()).toEqual([]);
      const d = await next.getDevices();
      expect(d.audioOut).toMatchObject({ sink: 'audify', device: 'jack:system' });
      expect(d.audioIn).toMatchObject({ state: 'on', device: 'jack:system', channel: 2 });
    } finally {
      await nextRig.close();
      await next.close();
    }
  }, 30_000);

  it('a damaged settings file is reported, kept as it is, and the choice still applies', async () => {
    const file = path.join(DATA, 'settings.json');
    writeFileSync(file, '{"format":"axon-settings","version":1,"audioOut":{"backend":"portaudio"}}');
    const problems = await backend.restoreDevices();
    expect(problems.map((e) => e.message)).toEqual([expect.stringMatching(/settings\.json is not a valid settings file \(\d problems?\); fix or move it away/)]);
    const errors: string[] = [];
    const onNotice = (n: Notice) => n.type === 'error' && errors.push(n.error.code);
    backend.on('notice', onNotice);
    const off = await backend.setAudioOutput(null);
    backend.off('notice', onNotice);
    expect(off.audioOut.sink).toBe('clock');
    expect(errors).toEqual(['stored_file_invalid']);
    expect(readFileSync(file, 'utf8')).toContain('portaudio');
  });

  it('sets up OSC in and out from the API; a bad or busy address keeps the setting before', async () => {
    // The test before left a damaged settings file; this one checks what is kept.
    rmSync(path.join(DATA, 'settings.json'), { force: true });
    const receiver = await OscReceiver.open();
    const blocker = await OscReceiver.open();
    const listen = await freeUdpPort();
    try {
      const on = await backend.setOsc({ listen: `127.0.0.1:${listen}`, targets: [`127.0.0.1:${receiver.port}`] });
      expect(on.osc).toMatchObject({ state: 'on', listening: `127.0.0.1:${listen}`, targets: [`127.0.0.1:${receiver.port}`] });
      // Something to the input moves the engine's joystick.x; the output sends neuron frames.
      const sock = dgram.createSocket('udp4');
      sock.send(encodeOsc({ kind: 'message', address: '/axon/input/joystick.x', args: [{ type: 'f', value: 0.5 }] }), listen, '127.0.0.1');
      await until('the packet counted', () => backend.getDevices().then((d) => d.osc.packetsIn === 1), 3000);
      sock.close();
      await until('neuron frames out', () => receiver.messages.some((m) => m.address.startsWith('/axon/neuron/')), 3000);

      const typo = await answer(backend, 'setOsc', [{ listen: 'localhost:99999', targets: [] }]);
      expect(typo).toMatchObject({ ok: false, error: { code: 'osc_endpoint' } });
      const busy = await answer(backend, 'setOsc', [{ listen: `127.0.0.1:${blocker.port}`, targets: [] }]);
      expect(busy).toMatchObject({ ok: false, error: { code: 'osc_listen' } });
      expect((await backend.getDevices()).osc).toMatchObject({ state: 'on', listening: `127.0.0.1:${listen}` });
      expect(JSON.parse(readFileSync(path.join(DATA, 'settings.json'), 'utf8')).osc).toEqual({ listen: `127.0.0.1:${listen}`, targets: [`127.0.0.1:${receiver.port}`] });

      expect((await backend.setOsc(null)).osc.state).toBe('off');
    } finally {
      await receiver.close();
      await blocker.close();
    }
  });
});

/** A UDP port nothing listens on now. */
async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
