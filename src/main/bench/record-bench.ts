import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHANNELS, FRAME_MODULO, monitorFrames, readMonitorFrames } from '../../shared/engine-memory';
import { DEFAULT_BLOCK } from '../../shared/engine-config';
import { layoutPatch } from '../../shared/patch/layout';
import type { Frames, Hertz } from '../../shared/units';
import { Engine, NO_EVENTS } from '../../worker/engine';
import { OutEventList } from '../../worker/outputs/out-event-sink';
import { readPatch } from '../patches/patch-library';
import { Recorder, type MonitorSource } from '../record/recorder';
import { MASTER_FILE, readManifest } from '../record/set-manifest';
import { WAV_STREAM_HEADER_BYTES } from '../record/wav-stream';

// `npm run bench:record`: a long set recorded through the app's own recorder (monitor -> main ->
// WavStream -> disk) while the engine renders dual-neuron into the monitor as the audio sink
// would, faster than real time. The engine waits only for the monitor (it never overwrites
// frames the recorder has not read), never for the disk: a disk that cannot keep up shows as
// dropped frames, as it would on stage.

/** The engine's monitor, fed here by the bench instead of an audio sink. */
class BenchMonitor implements MonitorSource {
  readonly monitorFrames: Frames;
  private readonly buf: Float32Array;
  private pos = 0;
  /** The end of the recorder's last read (frames, not wrapped). */
  readEnd = 0;
  produced = 0;

  constructor(readonly sampleRate: Hertz) {
    this.monitorFrames = monitorFrames(sampleRate);
    this.buf = new Float32Array(this.monitorFrames * CHANNELS);
  }

  write(block: Float32Array, frames: Frames): void {
    for (let i = 0; i < frames; i++) {
      const at = (this.pos % this.monitorFrames) * CHANNELS;
      this.buf[at] = block[2 * i];
      this.buf[at + 1] = block[2 * i + 1];
      this.pos = (this.pos + 1) % FRAME_MODULO;
    }
    this.produced += frames;
  }

  monitorPosition(): number {
    return this.pos;
  }

  readMonitor(end: number, frames: Frames, into: Float32Array): void {
    readMonitorFrames(this.buf, end, frames, into);
    // Reads come in order: how far behind the producer this one ends.
    const behind = (this.pos - end + FRAME_MODULO) % FRAME_MODULO;
    this.readEnd = this.produced - behind;
  }
}

export interface RecordBenchResult {
  minutes: number;
  sampleRate: Hertz;
  patch: string;
  /** Frames in the closed set's WAV. */
  frames: Frames;
  /** Frames the recorder lost or skipped (target 0). */
  droppedFrames: number;
  /** Seconds of audio recorded per second of wall-clock time (target > 1). */
  realtimeFactor: number;
  wallSeconds: number;
  /** Of the wall time, what rendering took (the rest: reading, queueing, writing). */
  renderSeconds: number;
  fileBytes: number;
  /** Mean rate of the WAV's growth on disk. */
  writeMBps: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchRecord(o: { minutes?: number; sampleRate?: Hertz; folder?: string; onProgress?: (done: number) => void } = {}): Promise<RecordBenchResult> {
  const minutes = o.minutes ?? 120;
  const sampleRate = o.sampleRate ?? 48000;
  const total = Math.round(minutes * 60 * sampleRate);
  const folder = o.folder ?? mkdtempSync(path.join(os.tmpdir(), 'axon-bench-record-'));
  const monitor = new BenchMonitor(sampleRate);
  const recorder = new Recorder(monitor, {
    folder,
    context: () => ({
      app: { name: 'axon-stage', version: 'bench' },
      firmware: null,
      patch: { name: 'dual-neuron', seed: 1 },
      blockSize: DEFAULT_BLOCK,
      devices: { audioOut: 'bench monitor', audioIn: null, midiIn: null, drums: null },
    }),
  });
  const engine = new Engine({ sampleRate, out: new OutEventList() });
  engine.load(layoutPatch(readPatch('dual-neuron').patch), 1);
  const block = new Float32Array(DEFAULT_BLOCK * CHANNELS);
  // The recorder keeps a quarter of the monitor clear of the writer; stay inside the rest.
  const room = Math.floor((monitor.monitorFrames * 3) / 4) - DEFAULT_BLOCK;
  try {
    const started = await recorder.start('bench');
    const t0 = performance.now();
    let renderMs = 0;
    let lastProgress = 0;
    while (monitor.produced < total) {
      if (monitor.produced - monitor.readEnd + DEFAULT_BLOCK > room) {
        // The recorder reads every 50 ms: wait for it as the sink would, by time.
        await sleep(2);
        continue;
      }
      const n = Math.min(DEFAULT_BLOCK, total - monitor.produced);
      const r0 = performance.now();
      engine.render(block, n, NO_EVENTS);
      renderMs += performance.now() - r0;
      monitor.write(block, n);
      if (monitor.produced - lastProgress >= 60 * sampleRate) {
        lastProgress = monitor.produced;
        o.onProgress?.(monitor.produced / total);
        await sleep(0);
      }
    }
    // Everything the engine rendered is read before the set closes.
    while (monitor.readEnd < monitor.produced) await sleep(10);
    await recorder.stop('user');
    const wallSeconds = (performance.now() - t0) / 1000;
    const dir = path.join(folder, started.set as string);
    const m = readManifest(dir);
    const fileBytes = statSync(path.join(dir, MASTER_FILE)).size;
    return {
      minutes,
      sampleRate,
      patch: 'dual-neuron',
      frames: m.frames ?? 0,
      droppedFrames: m.droppedFrames ?? 0,
      realtimeFactor: round(total / sampleRate / wallSeconds),
      wallSeconds: round(wallSeconds),
      renderSeconds: round(renderMs / 1000),
      fileBytes,
      writeMBps: round((fileBytes - WAV_STREAM_HEADER_BYTES) / 1e6 / wallSeconds),
    };
  } finally {
    if (recorder.recording) await recorder.stop('user');
    if (o.folder === undefined) rmSync(folder, { recursive: true, force: true });
  }
}

const round = (v: number) => Math.round(v * 100) / 100;
