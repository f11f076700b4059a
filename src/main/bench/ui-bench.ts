import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Backend } from '../backend';
import { launchChromium } from '../server/chromium';
import { ensureRendererBuilt } from '../server/renderer-build';
import { startBridge } from '../server/web-bridge';
import { dense16Patch } from './bench-cases';
import { percentile } from './stats';

// The performer UI's frame time in Chromium (the built renderer over the web bridge, the real
// engine behind it), while the 16-neuron patch plays and a joystick moves. A frame's time runs
// from its rAF timestamp (the frame's start) to the first task after it rendered.

/**
 * Runs in the page (a string: this file is compiled without the DOM's types). A message posted
 * from a rAF callback runs as the next task, after the frame's style, layout and paint.
 */
const MEASURE_FRAMES = `async (ms) => {
  const times = [];
  const channel = new MessageChannel();
  let start = 0;
  channel.port1.onmessage = () => times.push(performance.now() - start);
  const end = performance.now() + ms;
  await new Promise((done) => {
    const frame = (ts) => {
      start = ts;
      channel.port2.postMessage(0);
      if (performance.now() < end) requestAnimationFrame(frame);
      else setTimeout(done, 50);
    };
    requestAnimationFrame(frame);
  });
  return times;
}`;

export interface UiBenchResult {
  frameP50Ms: number;
  frameP95Ms: number;
  frameMaxMs: number;
  /**
   * CPU time per frame of the page's main thread and of its whole renderer process (the drawing
   * worker included), from Chromium's own counters (Performance.getMetrics ThreadTime and
   * ProcessTime). Unlike the frame times they leave out what other processes and the host take,
   * so they compare builds on a noisy machine.
   */
  mainThreadCpuMsPerFrame: number;
  rendererCpuMsPerFrame: number;
  /** Frames measured, and how many per second the page got. */
  frames: number;
  fps: number;
  patch: string;
  neurons: number;
  viewport: string;
}

export async function benchUi(o: { seconds?: number } = {}): Promise<UiBenchResult> {
  const seconds = o.seconds ?? 10;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'axon-bench-ui-'));
  const saved = process.env.AXON_DATA_DIR;
  process.env.AXON_DATA_DIR = dataDir;
  const backend = await Backend.start();
  const bridge = await startBridge({ backend, staticDir: ensureRendererBuilt(), port: 0 });
  const browser = await launchChromium();
  let mover: NodeJS.Timeout | undefined;
  try {
    await backend.loadValidated(dense16Patch(), 'dense-16');
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(bridge.url);
    await page.getByTestId('neuron-readout').locator('[data-neuron]').nth(15).waitFor({ timeout: 10_000 });
    // A performer's hand: the stick circles twice a second.
    const t0 = performance.now();
    mover = setInterval(() => {
      const a = ((performance.now() - t0) / 500) * Math.PI;
      void backend.setInput('joystick.x', Math.cos(a));
      void backend.setInput('joystick.y', Math.sin(a));
    }, 16);
    // Warm up (JIT, first layouts), then measure.
    await page.waitForTimeout(1000);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const cpu = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
      return { thread: get('ThreadTime'), process: get('ProcessTime') };
    };
    const before = await cpu();
    const frames = (await page.evaluate(`(${MEASURE_FRAMES})(${seconds * 1000})`)) as number[];
    const after = await cpu();
    return {
      frameP50Ms: round(percentile(frames, 50)),
      frameP95Ms: round(percentile(frames, 95)),
      frameMaxMs: round(Math.max(...frames)),
      mainThreadCpuMsPerFrame: round(((after.thread - before.thread) * 1000) / frames.length),
      rendererCpuMsPerFrame: round(((after.process - before.process) * 1000) / frames.length),
      frames: frames.length,
      fps: round(frames.length / seconds),
      patch: 'dense-16',
      neurons: 16,
      viewport: '1280x800',
    };
  } finally {
    if (mover) clearInterval(mover);
    await browser.close();
    await bridge.close();
    await backend.close();
    if (saved === undefined) delete process.env.AXON_DATA_DIR;
    else process.env.AXON_DATA_DIR = saved;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const round = (v: number) => Math.round(v * 100) / 100;
