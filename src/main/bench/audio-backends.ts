import { readdirSync } from 'node:fs';
import { CHANNELS, createEngineMemory } from '../../shared/engine-memory';
import { layoutPatch } from '../../shared/patch/layout';
import type { Frames, Hertz, Milliseconds } from '../../shared/units';
import { listAudifyDevices } from '../../worker/audio-out/audify-apis';
import { AudifySink } from '../../worker/audio-out/audify-sink';
import type { AudioBackend, AudioSink, AudioDevice } from '../../worker/audio-out/audio-sink';
import { MonitorTap } from '../../worker/audio-out/monitor-tap';
import { listNaudiodonDevices, NaudiodonSink } from '../../worker/audio-out/naudiodon-sink';
import { EngineHost } from '../engine/engine-host';
import { ensureJackd } from '../engine/jack-server';
import { readPlayablePatch } from '../patches/patch-assets';
import { SeededRandom } from '../reservoir/reservoir-build';
import { timeControlEvent } from './latency-bench';
import { percentile } from './stats';

// Both audio backends into JACK, measured the same way (see README, Audio): the open/close
// lifecycle, a long run at the device's pace, and latency. JACK's dummy driver is a real-time
// clock, so played frames / (wall seconds x rate) is the pace: under 1 means audio was lost,
// whether or not an underrun was counted.

export interface LifecycleResult {
  cycles: number;
  failures: number;
  firstFailure: string;
  cycleMsP50: Milliseconds;
  cycleMsMax: Milliseconds;
  rssBeforeMb: number;
  rssAfterMb: number;
  threadsBefore: number;
  threadsAfter: number;
  fdsBefore: number;
  fdsAfter: number;
}

export interface LongRunResult {
  seconds: number;
  sink: string;
  device: string;
  /** Played frames / (wall seconds x rate): 1 at the device's pace. */
  pace: number;
  /** Audio the device clock asked for and did not get from us, in seconds (1 - pace) x wall. */
  lostSeconds: number;
  underruns: number;
  /** What the sink reports after a block leaves the ring (device queue + device). */
  reportedLatencyMs: Milliseconds;
  /** Control event sent to its block leaving for the device (the event probe). */
  probeP50Ms: Milliseconds;
  probeP99Ms: Milliseconds;
  events: number;
  workerCpu: number;
}

export interface BackendResult {
  backend: AudioBackend;
  devices: AudioDevice[];
  lifecycle: LifecycleResult;
  run: LongRunResult;
}

export interface AudioBenchOptions {
  backends?: AudioBackend[];
  cycles?: number;
  seconds?: number;
  sampleRate?: Hertz;
  blockSize?: Frames;
  device?: string;
  log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const count = (dir: string) => {
  try {
    return readdirSync(dir).length;
  } catch {
    return -1;
  }
};

/** Opens the sink, plays ~50 ms into it, closes it; `cycles` times, here on main (no worker in between). */
async function lifecycle(backend: AudioBackend, cycles: number, sampleRate: Hertz, blockSize: Frames, device: string): Promise<LifecycleResult> {
  const mem = createEngineMemory(sampleRate, blockSize, 16);
  const status = new Int32Array(mem.status);
  const tap = new MonitorTap(mem.monitor, status, mem.probe);
  const fill = new Float32Array(blockSize * CHANNELS);
  const { RingBuffer } = await import('ringbuf.js');
  const ring = new RingBuffer(mem.audio, Float32Array);
  const times: number[] = [];
  let failures = 0;
  let firstFailure = '';
  const open = (): AudioSink =>
    backend === 'audify' ? new AudifySink(mem.audio, sampleRate, blockSize, status, tap, device) : new NaudiodonSink(mem.audio, sampleRate, blockSize, status, tap, device);
  // One cycle first, so the libraries' one-time allocations do not count as leaks.
  try {
    await open().close();
  } catch {
    // Counted below.
  }
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const threadsBefore = count('/proc/self/task');
  const fdsBefore = count('/proc/self/fd');
  for (let i = 0; i < cycles; i++) {
    const t0 = performance.now();
    try {
      const s = open();
      const until = performance.now() + 50;
      while (performance.now() < until) {
        while (ring.availableRead() < s.queueBlocks * fill.length + (s.want?.() ?? 0) * CHANNELS && ring.availableWrite() >= fill.length) ring.push(fill, fill.length);
        s.pump();
        await sleep(2);
      }
      const err = s.error;
      await s.close();
      if (err) throw err;
    } catch (err) {
      failures++;
      firstFailure ||= err instanceof Error ? err.message : String(err);
    }
    times.push(performance.now() - t0);
  }
  await sleep(200);
  global.gc?.();
  return {
    cycles,
    failures,
    firstFailure,
    cycleMsP50: percentile(times, 50),
    cycleMsMax: Math.max(...times),
    rssBeforeMb: rssBefore / 2 ** 20,
    rssAfterMb: process.memoryUsage().rss / 2 ** 20,
    threadsBefore,
    threadsAfter: count('/proc/self/task'),
    fdsBefore,
    fdsAfter: count('/proc/self/fd'),
  };
}

/** The engine playing dual-neuron through `backend` for `seconds`, with joystick moves every 10-30 ms timed by the event probe. */
async function longRun(backend: AudioBackend, seconds: number, sampleRate: Hertz, blockSize: Frames, device: string): Promise<LongRunResult> {
  const host = await EngineHost.start({ sampleRate, blockSize, output: { kind: 'auto', backend, device } });
  try {
    if (host.sink.sink !== backend) throw new Error(`${backend} did not open: ${host.sink.detail}`);
    const { patch } = readPlayablePatch('dual-neuron', true);
    await host.load(layoutPatch(patch), 'dual-neuron', 1);
    await sleep(500);
    const rng = new SeededRandom(7, 0);
    const u0 = host.underruns;
    const f0 = host.capture(0.01).endFrame;
    const t0 = performance.now();
    let load = host.workerLoad();
    const latencies: number[] = [];
    const end = t0 + seconds * 1000;
    while (performance.now() < end) {
      await sleep(10 + 20 * rng.uniform());
      const latency = await timeControlEvent(host, 2 * rng.uniform() - 1);
      if (latency !== null) latencies.push(latency);
    }
    // Frames count modulo 2^30 (about 6 hours at 48 kHz): a run is far shorter.
    const played = (host.capture(0.01).endFrame - f0) / sampleRate;
    const wall = (performance.now() - t0) / 1000;
    load = host.workerLoad(load.mark);
    return {
      seconds: wall,
      sink: host.sink.sink,
      device: host.sink.device,
      pace: played / wall,
      lostSeconds: wall - played,
      underruns: host.underruns - u0,
      reportedLatencyMs: host.outputLatencyMs,
      probeP50Ms: percentile(latencies, 50),
      probeP99Ms: percentile(latencies, 99),
      events: latencies.length,
      workerCpu: load.load,
    };
  } finally {
    await host.stop();
  }
}

export async function audioBackendsBench(o: AudioBenchOptions = {}): Promise<BackendResult[]> {
  const sampleRate = o.sampleRate ?? 48000;
  const blockSize = o.blockSize ?? 128;
  const device = o.device ?? 'jack';
  const log = o.log ?? (() => undefined);
  const jack = await ensureJackd(sampleRate);
  const results: BackendResult[] = [];
  try {
    for (const backend of o.backends ?? (['audify', 'naudiodon'] as const)) {
      const devices = backend === 'audify' ? listAudifyDevices() : listNaudiodonDevices();
      log(`${backend}: devices ${devices.map((d) => `${d.name} (${d.host}${d.isDefault ? ', default' : ''})`).join(', ')}`);
      const lc = await lifecycle(backend, o.cycles ?? 100, sampleRate, blockSize, device);
      log(`${backend}: lifecycle ${JSON.stringify(lc)}`);
      const run = await longRun(backend, o.seconds ?? 30, sampleRate, blockSize, device);
      log(`${backend}: run ${JSON.stringify(run)}`);
      results.push({ backend, devices, lifecycle: lc, run });
    }
  } finally {
    await jack.stop();
  }
  return results;
}
