import { fork } from 'node:child_process';
import path from 'node:path';
import { fromErrorPayload, type ErrorPayload } from '../../shared/errors';
import { layoutPatch } from '../../shared/patch/layout';
import type { Frames, Hertz, Milliseconds } from '../../shared/units';
import { EngineHost } from '../engine/engine-host';
import { ensureJackd } from '../engine/jack-server';
import { readPlayablePatch } from '../patches/patch-assets';
import { SeededRandom } from '../reservoir/reservoir-build';
import { percentile } from './stats';

export interface LatencyBenchResult {
  /** Control event sent on main to the block holding its first affected sample leaving for the device. */
  latencyP50Ms: Milliseconds;
  latencyP99Ms: Milliseconds;
  latencyMaxMs: Milliseconds;
  underruns: number;
  /** Busy fraction of the engine worker's thread (event loop utilisation) over the run. */
  workerCpu: number;
  events: number;
  sampleRate: Hertz;
  blockSize: Frames;
  sink: string;
  device: string;
  patch: string;
}

export type LatencyBenchOptions = { events?: number; sampleRate?: Hertz; blockSize?: Frames; patch?: string; seed?: number; backend?: 'naudiodon' | 'audify' };

/** latencyBench in a child process whose native chatter (PortAudio, ALSA) is dropped unless it fails. */
export function latencyBenchIsolated(o: LatencyBenchOptions = {}): Promise<LatencyBenchResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'latency-child.ts'), [JSON.stringify(o)], { execArgv: ['--require', 'tsx/cjs'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let chatter = '';
    child.stdout?.on('data', (d: Buffer) => (chatter = (chatter + d.toString()).slice(-4000)));
    child.stderr?.on('data', (d: Buffer) => (chatter = (chatter + d.toString()).slice(-4000)));
    let answer: { ok: true; result: LatencyBenchResult } | { ok: false; error: ErrorPayload } | null = null;
    child.on('message', (m: typeof answer) => (answer = m));
    child.on('exit', (code) => {
      if (answer?.ok) resolve(answer.result);
      else if (answer) reject(fromErrorPayload(answer.error, 'engine_failed'));
      else reject(new Error(`the latency bench exited with ${code} and no result:\n${chatter}`));
    });
  });
}

/**
 * Sends one joystick move and waits for the block holding it to leave for the device: the
 * latency in ms, or null when it never left within `timeoutMs`.
 */
export async function timeControlEvent(host: EngineHost, value: number, timeoutMs = 1000): Promise<number | null> {
  const target = host.eventProbe().applied + 1;
  const sentAt = epochMs();
  host.send({ type: 'input', input: 'joystick.x', value });
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const p = host.eventProbe();
    if (p.left >= target) return p.leftAtMs - sentAt;
    if (performance.now() > deadline) return null;
    await sleep(1);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const epochMs = () => performance.timeOrigin + performance.now();

/**
 * Joystick moves into the engine playing `patch` through the default backend (or `backend`) into a JACK server (a dummy
 * one started here when none runs), one at a time at random 10-30 ms gaps, each timed from
 * the moment main sends it to the moment the sink hands the block holding its frame to the
 * device. The device's own queue after that is not included: the sink reports it (outputLatencyMs).
 */
export async function latencyBench(o: LatencyBenchOptions = {}): Promise<LatencyBenchResult> {
  const sampleRate = o.sampleRate ?? 48000;
  const blockSize = o.blockSize ?? 128;
  const patchName = o.patch ?? 'dual-neuron';
  const count = o.events ?? 400;
  const jack = await ensureJackd(sampleRate);
  const host = await EngineHost.start({ sampleRate, blockSize, output: { kind: 'auto', device: 'jack', backend: o.backend } });
  try {
    if (host.sink.sink === 'clock') throw new Error(`no JACK output: ${host.sink.detail}`);
    const { patch } = readPlayablePatch(patchName, true);
    await host.load(layoutPatch(patch), patchName, 1);
    await sleep(500);
    const rng = new SeededRandom(o.seed ?? 7, 0);
    const underrunsBefore = host.underruns;
    let load = host.workerLoad();
    const latencies: number[] = [];
    for (let i = 0; i < count; i++) {
      await sleep(10 + 20 * rng.uniform());
      const latency = await timeControlEvent(host, 2 * rng.uniform() - 1);
      if (latency === null) throw new Error(`event ${i} never left for the device`);
      latencies.push(latency);
    }
    load = host.workerLoad(load.mark);
    return {
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      latencyMaxMs: Math.max(...latencies),
      underruns: host.underruns - underrunsBefore,
      workerCpu: load.load,
      events: latencies.length,
      sampleRate,
      blockSize,
      sink: host.sink.sink,
      device: host.sink.device,
      patch: patchName,
    };
  } finally {
    await host.stop();
    await jack.stop();
  }
}
