import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FRAME_MODULO, readMonitorFrames } from '../../src/shared/engine-memory';
import type { RecordingState } from '../../src/shared/recording';
import { Recorder, type MonitorSource, type SetContext } from '../../src/main/record/recorder';
import { listRecordedSets } from '../../src/main/record/recorded-sets';
import { readManifest } from '../../src/main/record/set-manifest';
import { decodeWav } from '../../src/main/wav/wav-reader';
import { until } from '../support/until';

// The recorder against a monitor that works as the engine's does: a power-of-two circle the
// "sink" writes blocks into, advancing a frame counter modulo 2^30.

class Monitor implements MonitorSource {
  // As the engine's at 48 kHz.
  readonly monitorFrames = 1 << 17;
  private readonly buf = new Float32Array(this.monitorFrames * 2);
  private pos: number;
  /** Frames played so far. */
  played = 0;

  constructor(
    readonly sampleRate: number,
    start = 0,
  ) {
    this.pos = start;
  }

  /** Sample value of played frame `i` (left; right is its negative). */
  static value(i: number): number {
    return ((i % 100_000) + 1) / 200_000;
  }

  play(frames: number): void {
    for (let i = 0; i < frames; i++) {
      const at = (this.pos % this.monitorFrames) * 2;
      this.buf[at] = Monitor.value(this.played);
      this.buf[at + 1] = -Monitor.value(this.played);
      this.played++;
      this.pos = (this.pos + 1) % FRAME_MODULO;
    }
  }

  /** Zeroes `frames` played frames from `first` (still in the monitor). */
  silence(first: number, frames: number): void {
    for (let i = 0; i < frames; i++) {
      const at = ((this.pos - (this.played - first - i) + FRAME_MODULO) % this.monitorFrames) * 2;
      this.buf[at] = 0;
      this.buf[at + 1] = 0;
    }
  }

  monitorPosition(): number {
    return this.pos;
  }

  readMonitor(end: number, frames: number, into: Float32Array): void {
    readMonitorFrames(this.buf, end, frames, into);
  }
}

const context = (): SetContext => ({
  app: { name: 'axon-stage', version: '0.0.0-test' },
  firmware: null,
  patch: { name: 'dual-neuron', seed: 7 },
  blockSize: 256,
  devices: { audioOut: 'clock', audioIn: null, midiIn: null, drums: null },
});

const root = mkdtempSync(path.join(os.tmpdir(), 'axon-recorder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Plays `frames` in blocks of 512 at about real time. */
async function playFor(mon: Monitor, frames: number): Promise<void> {
  for (let done = 0; done < frames; done += 512) {
    mon.play(Math.min(512, frames - done));
    if ((done / 512) % 8 === 7) await sleep((4096 / mon.sampleRate) * 1000);
  }
}

describe('recording a set', () => {
  it('writes exactly the frames played between start and stop, closes the manifest with size and checksum, and lists the set', async () => {
    const folder = path.join(root, 'plain');
    // Start near the frame counter's wrap: the recording must run through it.
    const mon = new Monitor(48000, FRAME_MODULO - 20_000);
    mon.play(5000);
    const rec = new Recorder(mon, { folder, context });
    const states: RecordingState[] = [];
    rec.on('state', (s) => states.push(s));
    const started = await rec.start('soundcheck');
    expect(started).toMatchObject({ state: 'recording', elapsedSeconds: 0, droppedFrames: 0 });
    expect(started.set).toMatch(/^\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d_soundcheck$/);
    const first = mon.played;
    await playFor(mon, 48000);
    await until('a progress notice', () => states.some((s) => s.state === 'recording' && s.elapsedSeconds > 0.5), 3000);
    const stopped = await rec.stop();
    expect(stopped.state).toBe('idle');
    expect(stopped.droppedFrames).toBe(0);
    expect(stopped.elapsedSeconds).toBeCloseTo(1, 5);
    expect(stopped.lastError).toBeNull();

    const dir = path.join(folder, started.set!);
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', 'master.wav']);
    const wavBytes = readFileSync(path.join(dir, 'master.wav'));
    const wav = decodeWav(wavBytes, 'master.wav');
    expect(wav.frames).toBe(48000);
    for (let i = 0; i < wav.frames; i++) {
      if (wav.data[0][i] !== Math.fround(Monitor.value(first + i)) || wav.data[1][i] !== -Math.fround(Monitor.value(first + i))) throw new Error(`frame ${i} differs`);
    }
    const m = readManifest(dir);
    expect(m).toMatchObject({ closed: true, title: 'soundcheck', frames: 48000, droppedFrames: 0, stoppedBy: 'user', sampleRate: 48000, channels: 2, patch: { name: 'dual-neuron', seed: 7 } });
    expect(m.startFrame).toBe((FRAME_MODULO - 15_000) % FRAME_MODULO);
    expect(m.files).toEqual([{ name: 'master.wav', kind: 'master', bytes: wavBytes.length, sha256: createHash('sha256').update(wavBytes).digest('hex') }]);
    expect(new Date(m.endedAt!).getTime()).toBeGreaterThanOrEqual(new Date(m.startedAt).getTime());

    const sets = listRecordedSets(folder);
    expect(sets).toHaveLength(1);
    expect(sets[0]).toMatchObject({ name: started.set, title: 'soundcheck', status: 'closed', seconds: 1, patch: 'dual-neuron', stoppedBy: 'user', problem: null });
    expect(sets[0].bytes).toBeGreaterThan(wavBytes.length);
  });

  it('keeps the set its length when main falls behind the monitor: the lost frames are silence, and counted', async () => {
    const folder = path.join(root, 'behind');
    const mon = new Monitor(48000);
    const rec = new Recorder(mon, { folder, context });
    const { set } = await rec.start(null);
    // Three monitors' worth with no chance for the recorder to read.
    mon.play(3 * mon.monitorFrames);
    const stopped = await rec.stop();
    const safe = (mon.monitorFrames * 3) / 4;
    expect(stopped.droppedFrames).toBe(3 * mon.monitorFrames - safe);
    expect(stopped.warning).toBeNull();
    const wav = decodeWav(readFileSync(path.join(folder, set!, 'master.wav')), 'master.wav');
    expect(wav.frames).toBe(3 * mon.monitorFrames);
    const lost = 3 * mon.monitorFrames - safe;
    expect(wav.data[0].subarray(0, lost).every((v) => v === 0)).toBe(true);
    expect(wav.data[0][lost]).toBe(Math.fround(Monitor.value(lost)));
    expect(readManifest(path.join(folder, set!)).droppedFrames).toBe(lost);
  });

  it('armed, starts by itself at the first sound, with half a second before it', async () => {
    const folder = path.join(root, 'armed');
    const mon = new Monitor(48000);
    const silence = (frames: number) => {
      // The monitor's own signal is never silent: silence is played as zeros here.
      const before = mon.played;
      mon.play(frames);
      mon.silence(before, frames);
    };
    const rec = new Recorder(mon, { folder, context });
    expect((await rec.arm('walk-on')).state).toBe('armed');
    for (let i = 0; i < 10; i++) {
      silence(4800);
      await sleep(20);
    }
    expect(rec.state().state).toBe('armed');
    expect(readdirSync(folder)).toEqual([]);
    const onset = mon.played;
    await playFor(mon, 48000);
    await until('recording', () => rec.state().state === 'recording', 3000);
    const { set } = await rec.stop();
    const wav = decodeWav(readFileSync(path.join(folder, set!, 'master.wav')), 'master.wav');
    // 0.5 s of silence, then the sound from its first frame.
    expect(wav.data[0].findIndex((v) => v !== 0)).toBe(24000);
    expect(wav.data[0][24000]).toBe(Math.fround(Monitor.value(onset)));
    expect(wav.frames).toBe(24000 + 48000);
    // Armed and stopped before any sound: nothing recorded.
    await rec.arm(null);
    silence(4800);
    expect((await rec.stop()).state).toBe('idle');
    expect(readdirSync(folder)).toEqual([set]);
  });

  it('refuses a second recording and one without a minute of space, changing nothing', async () => {
    const folder = path.join(root, 'refused');
    const mon = new Monitor(48000);
    const tight = new Recorder(mon, { folder, context, freeSpace: async () => 1_000_000 });
    await expect(tight.start(null)).rejects.toMatchObject({ code: 'recording_no_space' });
    expect(readdirSync(folder)).toEqual([]);
    expect((await tight.refreshSpace()).warning).toBe('0 min of recording space left');

    const rec = new Recorder(mon, { folder, context });
    const first = await rec.start('one');
    await expect(rec.start('two')).rejects.toMatchObject({ code: 'recording_busy' });
    await rec.stop();
    expect(readdirSync(folder)).toEqual([first.set]);
  });

  it('lists a set the app stopped in the middle of as open, with the length its WAV holds', async () => {
    const folder = path.join(root, 'cut');
    const mon = new Monitor(48000);
    const rec = new Recorder(mon, { folder, context });
    const { set } = await rec.start(null);
    await playFor(mon, 24000);
    await until('half a second on disk', () => listRecordedSets(folder)[0]?.seconds >= 0.4, 3000);
    const open = listRecordedSets(folder)[0];
    expect(open).toMatchObject({ name: set, status: 'open', stoppedBy: null, problem: `not closed: the app stopped while it recorded (npx axon repair ${set} closes it)` });
    await rec.stop();
    expect(listRecordedSets(folder)[0]).toMatchObject({ status: 'closed', seconds: 0.5 });
  });

  it('lists a set with a damaged manifest as damaged, naming the problem', () => {
    const folder = path.join(root, 'damaged');
    mkdirSync(path.join(folder, 'broken'), { recursive: true });
    execFileSync('sh', ['-c', `echo '{"format":"axon-set"' > '${path.join(folder, 'broken', 'manifest.json')}'`]);
    const [set] = listRecordedSets(folder);
    expect(set).toMatchObject({ name: 'broken', status: 'damaged' });
    expect(set.problem).toMatch(/manifest\.json is not a valid set manifest file/);
  });
});

// Needs root to mount a small tmpfs (CI runs as root).
const asRoot = process.getuid?.() === 0;

describe.runIf(asRoot)('recording onto a disk that fills up', () => {
  const mount = path.join(root, 'small-disk');

  afterAll(() => {
    if (existsSync(mount)) execFileSync('umount', [mount]);
  });

  it('stops the recording cleanly, says so, and the set keeps every frame that fit, with its manifest closed', async () => {
    mkdirSync(mount, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mount]);
    const mon = new Monitor(48000);
    // The space check at the start sees plenty (another program fills the disk during the set).
    const rec = new Recorder(mon, { folder: path.join(mount, 'sets'), context, freeSpace: async () => 1e12 });
    const states: RecordingState[] = [];
    rec.on('state', (s) => states.push(s));
    const { set } = await rec.start(null);
    for (let i = 0; i < 400 && rec.recording; i++) await playFor(mon, 4096);
    await until('the recording to stop', () => !rec.recording && states.at(-1)?.state === 'idle', 5000);
    const last = states.at(-1)!;
    expect(last.lastError?.code).toBe('recording_disk_full');
    expect(last.lastError?.message).toMatch(/is full: recording stopped at 0:0\d/);
    const dir = path.join(mount, 'sets', set!);
    const m = readManifest(dir);
    expect(m).toMatchObject({ closed: true, stoppedBy: 'disk_full' });
    const wav = decodeWav(readFileSync(path.join(dir, 'master.wav')), 'master.wav');
    expect(wav.frames).toBe(m.frames);
    // 2 MB, less the folder's own files, at 384 kB a second.
    expect(wav.frames / 48000).toBeGreaterThan(4);
    for (let i = 0; i < wav.frames; i += 997) if (wav.data[0][i] !== Math.fround(Monitor.value(i))) throw new Error(`frame ${i} differs`);
    expect(listRecordedSets(path.join(mount, 'sets'))[0]).toMatchObject({ status: 'closed', stoppedBy: 'disk_full' });
  });
});
