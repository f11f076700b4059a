import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/main/backend';
import { readManifest } from '../../src/main/record/set-manifest';
import { decodeWav } from '../../src/main/wav/wav-reader';
import type { AudioOutputState, Notice } from '../../src/shared/api';
import { frameDelta } from '../../src/shared/engine-memory';
import { decodeTelemetry } from '../../src/shared/telemetry';
import { useTempDataDir } from '../support/data-dir';
import { until } from '../support/until';

// Fault: the audio device vanishes and returns. The app plays on JACK (the default output, 'auto',
// under jackd), records, and its JACK server is stopped mid-recording and started again; then
// the server hangs (SIGSTOP) and goes on.
//
// The server is one of this file's own, a named one (jackd -n, found by the app's JACK clients
// through JACK_DEFAULT_SERVER) started with the options of tests/support/jack.ts: the shared
// server global-setup started is never stopped under the other tests, or other runs on the same
// machine, and is left running as it was whatever happens here.

const DATA = useTempDataDir('audio-vanish');
const SR = 48000;
/** The JACK period (tests/support/jack.ts): the device's unit of time. */
const PERIOD = 256;
/** Periods audify keeps queued in the device (audify-sink.ts; naudiodon keeps less). */
const DEVICE_PERIODS = 4;
const SERVER = `axon-vanish-${process.pid}`;
const jackEnv = { ...process.env, JACK_NO_AUDIO_RESERVATION: '1', JACK_NO_START_SERVER: '1', JACK_DEFAULT_SERVER: SERVER };
const run = promisify(execFile);

function startJackd(): ChildProcess {
  return spawn('jackd', ['-n', SERVER, '-r', '-d', 'dummy', '-r', String(SR), '-p', String(PERIOD)], { env: jackEnv, stdio: 'ignore' });
}

/** Resolves once the server answers (a JACK client of its own, so the event loop, and the recorder on it, run on). */
async function jackdAnswers(): Promise<void> {
  await run('jack_wait', ['-w', '-t', '10'], { env: jackEnv, timeout: 15_000 });
}

function stopJackd(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * The app on JACK with the patch sounding and a set recording for over a second; what the tests
 * watch: every notice, each audio notice with the monitor (what the set records), the wall clock
 * and the underruns as it arrived, and the telemetry's frame.
 */
async function playAndRecord(seed: number, setName: string) {
  const b = await Backend.start({ seed, output: { kind: 'auto' } });
  const first = { ...b.engine.sink };
  const notices: { at: number; notice: Notice }[] = [];
  const marks: { at: number; pos: number; underruns: number; audio: AudioOutputState }[] = [];
  b.on('notice', (notice) => {
    const at = performance.now();
    notices.push({ at, notice });
    if (notice.type === 'audio') marks.push({ at, pos: b.engine.monitorPosition(), underruns: b.engine.underruns, audio: notice.audio });
  });
  const live = { frame: 0, level: 0 };
  b.on('telemetry', (w) => {
    const t = decodeTelemetry(w);
    live.frame = t.frame;
    live.level = t.levels.peakL;
  });
  await b.loadPatch('dual-neuron');
  await until('the patch to sound', () => live.level > 0.01, 5000);
  const { set } = await b.startRecording(setName);
  await until('a second recorded on JACK', async () => (await b.getRecording()).elapsedSeconds > 1, 10_000);
  return { b, first, notices, marks, live, set: set as string };
}

/**
 * Stops the recording after a second more on the output and checks the set: closed, nothing
 * dropped, and every frame the output played from its first to the last before the stop (the
 * device may take a period between the two looks). Returns the set's WAV and manifest.
 */
async function stopAndCheckSet(b: Backend, live: { frame: number }, set: string) {
  const frameNow = live.frame;
  await until('a second more on the output', () => live.frame - frameNow > SR, 5000);
  const end = b.engine.monitorPosition();
  const stoppedAt = Date.now();
  expect(await b.stopRecording()).toMatchObject({ state: 'idle', droppedFrames: 0, lastError: null });
  const dir = path.join(DATA, 'sets', set);
  const m = readManifest(dir);
  expect(m).toMatchObject({ closed: true, stoppedBy: 'user', droppedFrames: 0 });
  const wav = decodeWav(readFileSync(path.join(dir, 'master.wav')), 'master.wav');
  expect(wav.frames).toBe(m.frames);
  expect(Math.abs(frameDelta(end, m.startFrame + wav.frames))).toBeLessThanOrEqual(PERIOD);
  return { wav, m, stoppedAt };
}

describe.skipIf(process.platform !== 'linux' || !existsSync('/usr/bin/jackd'))('the audio device vanishes and returns', () => {
  let jack: ChildProcess | null = null;
  let backend: Backend | null = null;
  const saved = { server: process.env.JACK_DEFAULT_SERVER, noStart: process.env.JACK_NO_START_SERVER };
  const restore = (name: string, value: string | undefined) => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };

  beforeAll(async () => {
    // The engine worker's JACK clients (audify, naudiodon) read these.
    process.env.JACK_DEFAULT_SERVER = SERVER;
    process.env.JACK_NO_START_SERVER = '1';
    jack = startJackd();
    await jackdAnswers();
  }, 30_000);

  afterAll(async () => {
    try {
      await backend?.close();
    } finally {
      if (jack) await stopJackd(jack);
      restore('JACK_DEFAULT_SERVER', saved.server);
      restore('JACK_NO_START_SERVER', saved.noStart);
    }
  });

  it('falls back to the clock at once, says so, returns to JACK by itself, and the set keeps every frame', async () => {
    const { b, first, notices, marks, live, set } = await playAndRecord(1, 'audio-vanish');
    backend = b;
    // What the default output picks under jackd: audify's native JACK (naudiodon's without audify).
    expect(first).toMatchObject(first.sink === 'audify' ? { device: 'jack:system' } : { sink: 'naudiodon', device: 'jack' });

    // The server goes away (SIGTERM: it shuts down and tells its clients. Killed outright it leaves
    // its socket behind, which a restart must clear by hand; the app fares the same.)
    const killedAt = performance.now();
    const before = { pos: b.engine.monitorPosition(), at: killedAt, underruns: b.engine.underruns };
    await stopJackd(jack as ChildProcess);
    const fallback = await until('the clock to take over', () => marks.find((m) => m.at >= killedAt && m.audio.sink === 'clock'), 5000);
    const fallbackMs = fallback.at - killedAt;
    // audify sees its stream closed; naudiodon, a device that stopped taking audio for a second.
    expect(fallback.audio.detail).toMatch(new RegExp(`^the audio device ${first.device} (failed: the stream was closed under us \\(server gone\\?\\)|stopped taking audio).*; retrying ${first.sink}:default$`));
    // The UI's view: the header's Audio menu reads "silent" (sink clock) with this detail.
    expect((await b.getDevices()).audioOut).toMatchObject({ sink: 'clock', device: '' });
    expect(notices.some((n) => n.at >= killedAt && n.notice.type === 'devices' && n.notice.state.audioOut.sink === 'clock')).toBe(true);
    // The set, the telemetry and the recording go on, paced by the clock.
    const frameAtFall = live.frame;
    await until('telemetry on the clock', () => live.frame - frameAtFall > SR / 2, 5000);
    await until('the retries to give up', () => marks.some((m) => m.at >= killedAt && m.audio.detail.startsWith('no sound: ')), 5000);
    expect((await b.getRecording()).state).toBe('recording');
    expect(b.engine.sink.sink).toBe('clock');

    // The server comes back: the output returns to it by itself.
    jack = startJackd();
    await jackdAnswers();
    const backAt = performance.now();
    const back = await until('the output back on JACK', () => marks.find((m) => m.at >= killedAt && m.audio.sink === first.sink), 10_000);
    const returnMs = back.at - backAt;
    expect(back.audio).toMatchObject({ device: first.device, detail: expect.stringMatching(new RegExp(`^recovered on ${first.sink}:default after: the audio device ${first.device} `)) });
    expect((await b.getDevices()).audioOut).toMatchObject({ sink: first.sink, device: first.device });

    // From the kill to the return the set's timeline kept the wall clock's time: the clock started
    // where JACK stopped playing, and took what fell due while the device opened (it took 90 to
    // 600 ms here; before the fix that much was missing from the set at every return). Allowed:
    // the device queue (4 periods the monitor runs ahead of the device: at either end of the
    // window, and what JACK takes to start pulling a new client), a block or two, and what the
    // underruns cost (a loaded machine's worker late: counted, shown in the UI).
    const outage = (back.at - before.at) / 1000;
    const timelineError = frameDelta(back.pos, before.pos) - outage * SR;
    const underrunsInOutage = back.underruns - before.underruns;

    const { wav, m, stoppedAt } = await stopAndCheckSet(b, live, set);
    // The sound goes on through it all: no silence in the set longer than a JACK period.
    let zeros = 0;
    let longest = 0;
    for (let i = 0; i < wav.frames; i++) {
      zeros = wav.data[0][i] === 0 && wav.data[1][i] === 0 ? zeros + 1 : 0;
      longest = Math.max(longest, zeros);
    }
    // On JACK the set takes JACK's time, which the dummy server (not real-time, -r) lets slip
    // behind the wall clock on a loaded machine: printed, not asserted; the window above is.
    const elapsed = (stoppedAt - Date.parse(m.startedAt)) / 1000;
    console.log(
      `[audio vanish] fallback to the clock ${fallbackMs.toFixed(0)} ms after the server was stopped; back on ${back.audio.device} ${returnMs.toFixed(0)} ms after it answered again` +
        ` (it is tried every 2 s); outage ${outage.toFixed(3)} s, timeline ${((timelineError / SR) * 1000).toFixed(1)} ms off over it with ${underrunsInOutage} underruns;` +
        ` set ${(wav.frames / SR).toFixed(3)} s for ${elapsed.toFixed(3)} s of wall time, longest silence ${longest} frames, ${b.engine.underruns} underruns`,
    );
    expect(longest).toBeLessThan(PERIOD);
    expect(Math.abs(timelineError)).toBeLessThanOrEqual((DEVICE_PERIODS + 2 + underrunsInOutage) * PERIOD);
    expect(fallbackMs).toBeLessThan(1500);
    expect(returnMs).toBeLessThan(5000);
  }, 40_000);

  it('a JACK server that hangs: the clock takes over, the engine plays on, the output returns when the server does, and the set keeps every frame', async () => {
    // A server that stops answering (here SIGSTOP) never calls its clients back: a stream that is
    // stopped or closed then waits for it forever. The failed stream is left to RtAudio instead.
    await backend?.close();
    const server = jack as ChildProcess;
    const { b, first, marks, live, set } = await playAndRecord(2, 'jack-hangs');
    backend = b;

    const hungAt = performance.now();
    server.kill('SIGSTOP');
    let resumedAt = 0;
    let fallbackAt = 0;
    try {
      const fallback = await until('the clock to take over', () => marks.find((m) => m.at >= hungAt && m.audio.sink === 'clock'), 5000);
      fallbackAt = fallback.at;
      expect(fallback.audio.detail).toMatch(new RegExp(`^the audio device ${first.device} stopped taking audio \\(nothing played for 1000 ms\\); retrying ${first.sink}:default$`));
      // The engine is not held by the hung server (nor by a retry, which would block on it):
      // telemetry moves on the clock, past the time the first retries are due.
      const frameAtFall = live.frame;
      await until('three seconds on the clock', () => live.frame - frameAtFall > 3 * SR, 6000);
      expect(b.engine.sink.sink).toBe('clock');
    } finally {
      resumedAt = performance.now();
      server.kill('SIGCONT');
    }
    const back = await until('the output back on JACK', () => marks.find((m) => m.at >= resumedAt && m.audio.sink === first.sink), 15_000);
    expect(back.audio.detail).toMatch(new RegExp(`^recovered on ${first.sink}:default after: the audio device ${first.device} stopped taking audio`));
    await stopAndCheckSet(b, live, set);
    console.log(`[jack hangs] clock after ${(fallbackAt - hungAt).toFixed(0)} ms; back on ${back.audio.device} ${(back.at - resumedAt).toFixed(0)} ms after the server resumed`);
  }, 60_000);
});
