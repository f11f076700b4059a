import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { RingBuffer } from 'ringbuf.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/main/backend';
import { loadMidiBinding } from '../../src/main/midi/midi-binding';
import { MidiPorts, type OutputHandle } from '../../src/main/midi/midi-ports';
import { RtMidiBackend } from '../../src/main/midi/rtmidi-backend';
import { readManifest } from '../../src/main/record/set-manifest';
import { LiveRig } from '../../src/main/rig/live-rig';
import { decodeWav } from '../../src/main/wav/wav-reader';
import type { Notice } from '../../src/shared/api';
import type { LoggedEvent } from '../../src/shared/events';
import { CHANNELS, createEngineMemory, frameDelta, STATUS_MONITOR_POS, STATUS_UNDERRUNS } from '../../src/shared/engine-memory';
import { toErrorPayload, type ErrorPayload } from '../../src/shared/errors';
import { controlInputIndex } from '../../src/shared/inputs';
import { decodeTelemetry, type Telemetry } from '../../src/shared/telemetry';
import type { AudioSink, SinkSpec } from '../../src/worker/audio-out/audio-sink';
import { ClockSink } from '../../src/worker/audio-out/clock-sink';
import { MonitorTap } from '../../src/worker/audio-out/monitor-tap';
import { SinkSupervisor, type SinkReport } from '../../src/worker/audio-out/sink-supervisor';
import { FakeBus, x52Info, x52Report } from '../hid/fake-hid';
import { descriptorBytes } from '../hid/fixture-data';
import { useTempDataDir } from '../support/data-dir';
import { ROOT } from '../support/engine-harness';
import { until } from '../support/until';

// Device faults in the middle of a set: a real backend plays dual-neuron (joystick X, Y and Z
// into two neurons) and records, with the live rig around it wired as the app wires it (every
// problem to the UIs' error banner). A joystick (a Saitek X52 with its real report descriptor,
// on an in-memory HID bus) is unplugged and plugged back; a MIDI port another JACK client offers
// goes away and comes back. The audio output's own fault (the JACK server stopped and started
// again) is tests/rig/audio-vanish.solo.test.ts; its logic is checked here with fake devices.
//
// MIDI runs on a JACK server of this file's own (a named one, found by the JACK clients through
// JACK_DEFAULT_SERVER; the options of tests/support/jack.ts): the shared one other test runs on
// this machine start and stop is no part of the fault under test.

const DATA = useTempDataDir('device-faults');
const SR = 48000;
/** The engine's default block: the clock sink's unit of time. */
const BLOCK = 128;
const JOYSTICK = '06a3:0255:SN1';
const X52 = descriptorBytes('saitek-x52');
/** Not "Axon Stage": other tests may run a rig on the same JACK server. */
const RIG = 'Faults rig';
const SOURCE = 'Fault source';
// MIDI needs jackd (and the JACK build of the MIDI addon the test setup makes where it is installed).
const haveJack = process.platform === 'linux' && existsSync('/usr/bin/jackd');
const SERVER = `axon-device-faults-${process.pid}`;
const jackEnv = { ...process.env, JACK_NO_AUDIO_RESERVATION: '1', JACK_NO_START_SERVER: '1', JACK_DEFAULT_SERVER: SERVER };

const slot = (input: string) => controlInputIndex(input);

async function resendUntil(what: string, bytes: number[], out: OutputHandle, done: () => boolean): Promise<void> {
  // Sent again until heard: JACK connects a newly seen port on its own schedule.
  const end = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    out.send(bytes);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('device faults while a patch plays and a set records', () => {
  let backend: Backend;
  let rig: LiveRig;
  let source: MidiPorts | null = null;
  let jack: ChildProcess | null = null;
  const saved = { server: process.env.JACK_DEFAULT_SERVER, noStart: process.env.JACK_NO_START_SERVER };
  const bus = new FakeBus();
  const notices: Notice[] = [];
  let tele: Telemetry | null = null;

  const errorsSince = (n: number): ErrorPayload[] => notices.slice(n).flatMap((x) => (x.type === 'error' ? [x.error] : []));
  const hid = (e: ErrorPayload) => e.code.startsWith('hid_');
  const input = (id: string) => tele?.inputs[slot(id)];

  beforeAll(async () => {
    if (haveJack) {
      process.env.JACK_DEFAULT_SERVER = SERVER;
      process.env.JACK_NO_START_SERVER = '1';
      jack = spawn('jackd', ['-n', SERVER, '-r', '-d', 'dummy', '-r', String(SR), '-p', '256'], { env: jackEnv, stdio: 'ignore' });
      await promisify(execFile)('jack_wait', ['-w', '-t', '10'], { env: jackEnv, timeout: 15_000 });
    }
    backend = await Backend.start({ seed: 1, output: { kind: 'none' } });
    backend.on('notice', (n) => notices.push(n));
    backend.on('telemetry', (w) => (tele = decodeTelemetry(w)));
    await backend.loadPatch('dual-neuron');
    bus.plug(x52Info('/dev/hidraw3'), X52);
    rig = await LiveRig.start(backend, {
      hid: { listDevices: bus.listDevices, open: bus.openDevice, pollIntervalMs: 100 },
      midi: haveJack ? { input: `${SOURCE} out`, ports: { createBackend: () => new RtMidiBackend(loadMidiBinding(ROOT, { AXON_MIDI_BACKEND: 'jack' })), pollMs: 100, virtualName: RIG } } : null,
      // As electron/main.ts and axon serve wire it: what the rig survives reaches the error banner.
      onProblem: (err) => backend.emit('notice', { type: 'error', error: toErrorPayload(err) }),
    });
    await until('the joystick', () => backend.getDevices().then((d) => d.joysticks?.[0]?.connected), 5000);
  }, 30_000);

  afterAll(async () => {
    try {
      source?.stop();
      await rig?.close();
      await backend?.close();
    } finally {
      const server = jack;
      if (server && server.exitCode === null && server.signalCode === null) {
        await new Promise((resolve) => {
          server.once('exit', resolve);
          server.kill('SIGTERM');
        });
      }
      for (const [name, value] of [['JACK_DEFAULT_SERVER', saved.server], ['JACK_NO_START_SERVER', saved.noStart]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  /**
   * Runs `fault` while a set records, then checks the set: closed normally, nothing dropped, and
   * every frame: its timeline kept the wall clock's time through the fault (within a block or two,
   * and what underruns cost: a loaded machine's worker late, counted and shown), and it holds
   * every frame the output played from its start to the stop.
   */
  async function recordedThrough(title: string, fault: () => Promise<void>): Promise<void> {
    const underruns = backend.engine.underruns;
    const t0 = performance.now();
    const p0 = backend.engine.monitorPosition();
    /** How far the output (what the set records) is behind the wall clock since t0, in frames. */
    const behind = () => ((performance.now() - t0) / 1000) * SR - frameDelta(backend.engine.monitorPosition(), p0);
    // The least of it while on time (a worker late for a moment catches up: the clock sink keeps
    // 16 blocks rendered ahead).
    let onTime = Infinity;
    await backend.startRecording(title);
    await until('the set to start', async () => {
      onTime = Math.min(onTime, behind());
      return (await backend.getRecording()).elapsedSeconds > 0.3;
    }, 5000);
    await fault();
    const late = () => backend.engine.underruns - underruns;
    await until("the set to keep the wall clock's time", () => behind() - onTime <= (2 + late()) * BLOCK, 3000);
    const end = backend.engine.monitorPosition();
    const stopped = await backend.stopRecording();
    expect(stopped).toMatchObject({ state: 'idle', droppedFrames: 0, lastError: null });
    const dir = path.join(DATA, 'sets', stopped.set as string);
    const m = readManifest(dir);
    expect(m).toMatchObject({ closed: true, stoppedBy: 'user', droppedFrames: 0, title });
    const wav = decodeWav(readFileSync(path.join(dir, 'master.wav')), 'master.wav');
    expect(wav.frames).toBe(m.frames);
    // Up to the last frame played before the stop (the sink may take a block between the two looks).
    expect(Math.abs(frameDelta(end, m.startFrame + wav.frames))).toBeLessThanOrEqual(BLOCK);
    console.log(`[${title}] set of ${(wav.frames / SR).toFixed(3)} s, its timeline ${(((behind() - onTime) / SR) * 1000).toFixed(1)} ms behind the wall clock at the end, ${late()} underruns`);
  }

  it('a joystick unplugged and plugged back: rest values at once, the banner says so, it plays again with its calibration', async () => {
    // Its calibration as saved from the Devices menu: X inverted.
    await backend.setJoystickAxis(JOYSTICK, 'x', { deadZone: 0.04, curve: 1, invert: true });
    await recordedThrough('joystick', async () => {
      // Full right (inverted: -1), full forward, button 1 held: the neurons' inputs deflected.
      bus.device('/dev/hidraw3').send(x52Report(2047, 0, true));
      await until('the stick deflected', () => input('joystick.x') === -1 && input('joystick.y') === -1 && input('joystick.button1') === 1, 3000);
      // dual-neuron's sources x, y and z (its first columns) feed the neurons, smoothed.
      await until('the sources to follow', () => (tele?.columnValues[0] ?? 0) < -0.9 && (tele?.columnValues[1] ?? 0) < -0.9, 3000);

      const n = notices.length;
      bus.unplug('/dev/hidraw3'); // node-hid's read fails as the cable goes
      await until('rest values', () => ['joystick.x', 'joystick.y', 'joystick.z', 'joystick.button1'].every((i) => input(i) === 0), 3000);
      await until('the sources at rest', () => tele !== null && tele.columnValues.slice(0, 3).every((v) => Math.abs(v) < 0.01), 3000);
      // The banner shows: "the joystick 06a3:0255:SN1 went away (could not read from HID device)".
      expect(errorsSince(n).filter(hid)).toEqual([{ code: 'hid_device_lost', message: `the joystick ${JOYSTICK} went away (could not read from HID device)`, details: [] }]);
      // The Devices menu shows it disconnected.
      expect((await backend.getDevices()).joysticks).toMatchObject([{ id: JOYSTICK, connected: false, calibrated: true }]);
      expect(notices.slice(n).some((x) => x.type === 'devices' && x.state.joysticks?.[0]?.connected === false)).toBe(true);

      // Plugged back (on another path, as another USB port gives): the same joystick again.
      bus.plug(x52Info('/dev/hidraw5'), X52);
      await until('reconnected', () => backend.getDevices().then((d) => d.joysticks?.[0]?.connected), 5000);
      expect((await backend.getDevices()).joysticks).toMatchObject([{ id: JOYSTICK, product: 'Saitek X52', connected: true, calibrated: true }]);
      // It plays again, still inverted: its calibration came back with it.
      bus.device('/dev/hidraw5').send(x52Report(2047, 1024));
      await until('the stick plays again', () => input('joystick.x') === -1 && Math.abs(input('joystick.y') ?? 1) < 0.01, 3000);
      bus.device('/dev/hidraw5').send(x52Report(0, 1024));
      await until('inverted left', () => input('joystick.x') === 1, 3000);
      expect(errorsSince(n).filter(hid)).toHaveLength(1);
    });
  }, 30_000);

  it.runIf(haveJack)('a MIDI port goes away: midi_port_lost on the banner, the notes it held let go, it reopens when it returns', async () => {
    // Another program's port (its own JACK client) that the app's MIDI input listens to.
    source = new MidiPorts({ createBackend: () => new RtMidiBackend(loadMidiBinding(ROOT, { AXON_MIDI_BACKEND: 'jack' })), pollMs: 100, virtualName: SOURCE });
    source.start();
    let out = source.openVirtualOutput();
    await until("the app's input to open", () => backend.getDevices().then((d) => d.midi.inputOpen), 5000).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify((await backend.getDevices()).midi)}, the source's ${JSON.stringify(source?.status)}`);
    });
    const gate = () => input('midi.gate');
    await recordedThrough('midi', async () => {
      await resendUntil('note 60 held', [0x90, 60, 100], out, () => gate() === 1 && input('midi.note') === 60 / 127);
      // What the rig sends the engine from here on.
      let sent: LoggedEvent[] = [];
      const onControl = (e: LoggedEvent) => sent.push(e);
      backend.engine.on('control', onControl);
      out.send([0xe0, 0x7f, 0x7f]); // and the pitch bent up
      await until('the bend', () => sent.some((e) => e.type === 'pitchbend' && e.value > 0.99), 3000);

      const n = notices.length;
      sent = [];
      out.close(); // the program quits: its client and port leave the JACK graph
      await until('the port to be lost', () => errorsSince(n).length > 0, 5000);
      // The banner shows: the MIDI input port "…Fault source out" went away; it reopens when it comes back.
      expect(errorsSince(n)).toEqual([{ code: 'midi_port_lost', message: expect.stringMatching(/^the MIDI input port ".*Fault source out" went away; it reopens when it comes back$/), details: [] }]);
      // Nothing stays held: the engine's gate falls as if the note had been let go.
      await until('the note released', () => gate() === 0, 3000);
      backend.engine.off('control', onControl);
      expect(sent).toEqual([
        { type: 'noteOff', note: 60 },
        { type: 'pitchbend', value: 0 },
      ]);
      const devices = await backend.getDevices();
      expect(devices.midi).toMatchObject({ state: 'available', input: `${SOURCE} out`, inputOpen: false });

      // The program starts again: its port is back, the app's input reopens on it and plays.
      out = source!.openVirtualOutput();
      await until('the input reopened', () => backend.getDevices().then((d) => d.midi.inputOpen), 5000);
      await resendUntil('note 64 plays', [0x90, 64, 90], out, () => gate() === 1 && input('midi.note') === 64 / 127);
      await resendUntil('note 64 let go', [0x80, 64, 0], out, () => gate() === 0);
      expect(errorsSince(n)).toHaveLength(1);
    });
  }, 30_000);
});

describe('the audio output when its device goes for good and comes back (fake devices)', () => {
  class FakeDevice implements AudioSink {
    readonly queueBlocks = 0;
    error: Error | null = null;
    constructor(
      readonly name: string,
      readonly device: string,
    ) {}
    pump = () => 1;
    latencyFrames = () => 0;
    playedUntil = () => 1000;
    close = async () => undefined;
  }
  class FakeClock extends FakeDevice {
    behind = false;
    caughtUp = 0;
    constructor(readonly since: number | undefined) {
      super('clock', '');
    }
    catchUp = () => void this.caughtUp++;
  }

  it('falls to a clock that starts where the device stopped, retries, then tries every 2 s; a device found takes over once the clock caught up', async () => {
    let now = 0;
    let works = true;
    const clocks: FakeClock[] = [];
    const attempts: string[] = [];
    const reports: SinkReport[] = [];
    const sup = new SinkSupervisor(
      (spec: SinkSpec) => {
        attempts.push(spec.backend);
        if (!works) throw new Error('no server');
        return new FakeDevice(spec.backend, 'jack:system');
      },
      (since) => {
        clocks.push(new FakeClock(since));
        return clocks[clocks.length - 1];
      },
      (r) => reports.push(r),
      { retryDelayMs: 500, retries: 2, now: () => now },
    );
    const advance = async (ms: number) => {
      now += ms;
      // The old sink closes asynchronously.
      await new Promise((r) => setTimeout(r, 0));
      return sup.check();
    };
    const device = sup.start([{ backend: 'audify' }]) as FakeDevice;
    works = false;
    device.error = new Error('the audio device jack:system failed: server gone');
    expect(sup.check()).toBe(clocks[1]);
    expect(clocks[1].since).toBe(1000);
    await advance(500);
    await advance(500);
    expect(reports.at(-1)?.detail).toBe('no sound: the audio device jack:system failed: server gone; audify:default failed too (no server)');
    expect(attempts).toEqual(['audify', 'audify', 'audify']);
    // Then every 2 s, quietly: the last report still says it all.
    await advance(1500);
    expect(attempts).toHaveLength(3);
    await advance(500);
    await advance(2000);
    expect(attempts).toHaveLength(5);
    const quiet = reports.length;
    // The server is back: the device opens; the clock first takes what fell due meanwhile.
    works = true;
    clocks[1].behind = true;
    expect((await advance(2000)).name).toBe('clock');
    expect(clocks[1].caughtUp).toBeGreaterThan(0);
    expect(reports).toHaveLength(quiet);
    expect((await advance(1)).name).toBe('clock');
    clocks[1].behind = false;
    const back = await advance(1);
    expect(back).toMatchObject({ name: 'audify', device: 'jack:system' });
    expect(reports.at(-1)).toEqual({ sink: 'audify', device: 'jack:system', detail: 'recovered on audify:default after: the audio device jack:system failed: server gone' });
  });

  it('the clock standing in takes what fell due while the worker was held up late, never dropping it', () => {
    const mem = createEngineMemory(SR, BLOCK, 16);
    const status = new Int32Array(mem.status);
    const ring = new RingBuffer(mem.audio, Float32Array);
    const block = new Float32Array(BLOCK * CHANNELS).fill(0.25);
    const fill = () => {
      while (ring.availableWrite() >= block.length) ring.push(block, block.length);
    };
    // Where the failed device stopped playing: 100 ms ago, more than the ring holds (16 blocks).
    const clock = new ClockSink(mem.audio, SR, BLOCK, status, new MonitorTap(mem.monitor, status, mem.probe), performance.now() - 100);
    const owed = Math.floor((0.1 * SR) / BLOCK);
    expect(clock.behind).toBe(true);
    let pumps = 0;
    for (; clock.behind && pumps < 100; pumps++) {
      fill();
      // Behind, it asks to be called again at once.
      expect(clock.pump()).toBe(clock.behind ? 0 : (BLOCK / SR) * 500);
    }
    expect(clock.behind).toBe(false);
    expect(pumps).toBeGreaterThan(1);
    expect(Atomics.load(status, STATUS_UNDERRUNS)).toBe(0);
    expect(Atomics.load(status, STATUS_MONITOR_POS)).toBeGreaterThanOrEqual(owed * BLOCK);
    // Caught up, it is the clock it always was: a block due with an empty ring is an underrun.
    while (ring.availableRead() > 0) ring.pop(block, block.length);
    const t = performance.now();
    while (performance.now() - t < 10);
    clock.pump();
    expect(Atomics.load(status, STATUS_UNDERRUNS)).toBeGreaterThan(0);
  });
});
