import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudioCapture } from '../../src/shared/api';
import { Backend } from '../../src/main/backend';
import { firmwareImage } from '../../src/main/drums/firmware/firmware-image';
import { AvrBoard } from '../../src/main/drums/simulator/avr-board';
import { pluckTone } from '../../src/main/reservoir/example-models';
import { encodeWavFloat32 } from '../../src/main/wav/wav-file';
import { ensureRendererBuilt } from '../../src/main/server/renderer-build';
import { launchChromium } from '../../src/main/server/chromium';
import { startBridge, type Bridge } from '../../src/main/server/web-bridge';
import { decodeTelemetry, type Telemetry } from '../../src/shared/telemetry';
import { brightPixels } from '../support/canvas-pixels';

// The performer UI against the real engine: a real backend and web bridge in this process, the
// built renderer in headless Debian chromium, assertions on what the engine actually does.

const SHOT = path.resolve('test-results', 'perform.png');
const ERROR_SHOT = path.resolve('test-results', 'perform-error.png');
const TRAINING_SHOT = path.resolve('test-results', 'training.png');
const DRUMS_SHOT = path.resolve('test-results', 'drums.png');
const PANIC_SHOT = path.resolve('test-results', 'panic.png');

// A user patch that is listed and then deleted before the performer picks it: a real way for
// loadPatch to fail, used to check the error banner.
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'axon-ui-'));
const vanishing = path.join(dataDir, 'patches', 'vanishing.json');
const savedDataDir = process.env.AXON_DATA_DIR;

let backend: Backend | undefined;
let bridge: Bridge | undefined;
let browser: Browser | undefined;
let page: Page;
const consoleErrors: string[] = [];

/** Every telemetry snapshot the backend publishes, decoded as the UI decodes it. */
const seen: Telemetry[] = [];
const latest = (): Telemetry => {
  const t = seen[seen.length - 1];
  if (!t) throw new Error('no telemetry from the backend yet');
  return t;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 4000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Telemetry recorded over the next `ms` milliseconds. */
async function record(ms: number): Promise<Telemetry[]> {
  const from = seen.length;
  await sleep(ms);
  return seen.slice(from);
}

const signedText = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(3)}`;
const mean = (ts: Telemetry[], f: (t: Telemetry) => number) => ts.reduce((s, t) => s + f(t), 0) / Math.max(1, ts.length);

beforeAll(async () => {
  mkdirSync(path.dirname(vanishing), { recursive: true });
  copyFileSync(path.resolve('examples', 'dual-neuron.json'), vanishing);
  process.env.AXON_DATA_DIR = dataDir;
  backend = await Backend.start();
  await backend.loadPatch('dual-neuron');
  backend.on('telemetry', (words) => {
    seen.push(decodeTelemetry(words));
    if (seen.length > 2000) seen.splice(0, 1000);
  });
  bridge = await startBridge({ backend, staticDir: ensureRendererBuilt(), port: 0 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // A game controller the test can plug in and move: the page reads it through the real
  // Gamepad API entry point (navigator.getGamepads), which headless chromium has no device for.
  await page.addInitScript(() => {
    const w = globalThis as unknown as { __testPad: unknown; navigator: object };
    w.__testPad = null;
    Object.defineProperty(w.navigator, 'getGamepads', { value: () => [w.__testPad] });
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
});

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  await backend?.close();
  if (savedDataDir === undefined) delete process.env.AXON_DATA_DIR;
  else process.env.AXON_DATA_DIR = savedDataDir;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('performing with the dual-neuron patch', () => {
  it('shows the loaded patch and live telemetry', async () => {
    if (!bridge) throw new Error('bridge not started');
    await page.goto(bridge.url);
    const picker = page.getByTestId('patch-picker');
    await until('the patch picker to show dual-neuron', async () => (await picker.inputValue()) === 'dual-neuron');
    expect(await picker.locator('option:checked').textContent()).toContain('Dual Neuron');

    const rows = page.getByTestId('neuron-readout').locator('[data-neuron]');
    await until('one readout row per neuron', async () => (await rows.count()) === 2);
    expect(await rows.nth(0).getAttribute('data-neuron')).toBe('a');
    expect(await rows.nth(1).getAttribute('data-neuron')).toBe('b');

    // Readouts follow telemetry: the chaotic pair keeps the outputs moving.
    const out = page.getByTestId('neuron-output').first();
    await until('a numeric neuron output', async () => /\d\.\d{3}/.test((await out.textContent()) ?? ''));
    const first = await out.textContent();
    await until('the neuron output readout to change', async () => (await out.textContent()) !== first);
    await until('the level meter to show signal', async () => Number(await page.getByTestId('level-meter').getAttribute('data-peak-db')) > -60);
    await expect.poll(async () => page.getByTestId('render-load').textContent()).toMatch(/^\d+\.\d%$/);

    // The graph and the scopes are drawn off the main thread, by the drawing worker, and show:
    // the graph's labels and connections, the master trace.
    const graph = page.getByTestId('network-graph');
    expect(await graph.getAttribute('data-drawn-in')).toBe('worker');
    expect(await page.getByTestId('scopes').getAttribute('data-drawn-in')).toBe('worker');
    const [graphLit] = await brightPixels(page, graph, 1);
    expect(graphLit).toBeGreaterThan(200);
    const [masterLit] = await brightPixels(page, page.getByTestId('scopes'), 3, [page.getByTestId('scope-time')]);
    expect(masterLit).toBeGreaterThan(100);
  });

  let audioRest: AudioCapture;

  it('moves the joystick inputs, the neurons and the cutoff from the XY pad', async () => {
    const rest = await record(600);
    expect(rest.length).toBeGreaterThan(20);
    for (const t of rest) expect(Math.abs(t.inputs[0]) + Math.abs(t.inputs[1])).toBeLessThan(1e-9);
    audioRest = await backend!.captureAudio(0.5);

    const pad = page.getByTestId('xy-pad');
    const box = await pad.boundingBox();
    if (!box) throw new Error('XY pad not visible');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    // Past the top-right corner: the pad holds the pointer and clamps to x = +1, y = +1.
    await page.mouse.move(box.x + box.width + 30, box.y - 30, { steps: 12 });
    await page.mouse.up();

    await until('joystick x and y at the top-right corner', () => latest().inputs[0] > 0.999 && latest().inputs[1] > 0.999);
    await sleep(150); // input smoothing is 20 ms; let the network follow
    const corner = await record(600);
    expect(mean(corner, (t) => t.inputs[0])).toBeCloseTo(1, 3);
    expect(mean(corner, (t) => t.inputs[1])).toBeCloseTo(1, 3);
    // x feeds neuron a and y feeds b with positive weights; b drives the cutoff route.
    const delta = {
      a: mean(corner, (t) => t.outputs[0]) - mean(rest, (t) => t.outputs[0]),
      b: mean(corner, (t) => t.outputs[1]) - mean(rest, (t) => t.outputs[1]),
      cutoff: mean(corner, (t) => t.voice.cutoff) / mean(rest, (t) => t.voice.cutoff),
    };
    console.log(`XY corner: mean output a ${signedText(delta.a)}, b ${signedText(delta.b)}, cutoff x${delta.cutoff.toFixed(2)}`);
    expect(delta.a, 'mean output of neuron a rises').toBeGreaterThan(0.08);
    expect(delta.b, 'mean output of neuron b rises').toBeGreaterThan(0.05);
    expect(delta.cutoff, 'mean voice cutoff rises').toBeGreaterThan(1.15);

    // Released, the dot shows the live input values again (which are now the corner).
    expect(Number(await pad.getAttribute('data-x'))).toBeCloseTo(1, 2);
    expect(Number(await pad.getAttribute('data-y'))).toBeCloseTo(1, 2);
  });

  it('changes a weight and the sound by dragging a heatmap cell', async () => {
    const state = await backend!.getState();
    if (!state) throw new Error('no patch loaded');
    const row = state.neurons.findIndex((n) => n.id === 'a');
    const col = state.columns.indexOf('b');
    const cols = state.columns.length;
    expect(row).toBeGreaterThanOrEqual(0);
    expect(col).toBeGreaterThanOrEqual(0);

    const heatmap = page.getByTestId('weight-heatmap');
    const grid = JSON.parse((await heatmap.getAttribute('data-grid')) ?? 'null') as { x0: number; y0: number; cell: number; rows: number; cols: number } | null;
    if (!grid) throw new Error('heatmap has no data-grid');
    expect(grid.rows).toBe(state.neurons.length);
    expect(grid.cols).toBe(cols);
    const box = await heatmap.boundingBox();
    if (!box) throw new Error('heatmap not visible');

    const before = latest().weights[row * cols + col];
    expect(before).toBeCloseTo(-2.08, 2);
    const audioBefore = await backend!.captureAudio(0.5);

    const x = box.x + grid.x0 + (col + 0.5) * grid.cell;
    const y = box.y + grid.y0 + (row + 0.5) * grid.cell;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x, y - 80, { steps: 10 }); // up 80 px = +3.2 at 0.04 per px
    await page.mouse.up();

    const expected = before + 80 * 0.04;
    await until('the weight a <- b to reach the dragged value', () => Math.abs(latest().weights[row * cols + col] - expected) < 0.002);
    expect(latest().weights[row * cols + col]).toBeCloseTo(expected, 2);

    await sleep(600); // a capture window entirely after the change
    const audioAfter = await backend!.captureAudio(0.5);
    expect(audioAfter.frames).toBe(audioBefore.frames);
    expect(audioAfter.hash).not.toBe(audioBefore.hash);
    expect(audioAfter.rms !== audioBefore.rms || audioAfter.crossingsPerSecond !== audioBefore.crossingsPerSecond).toBe(true);
    // Both captures hold real audio.
    for (const a of [audioRest, audioBefore, audioAfter]) expect(a.peak).toBeGreaterThan(0.01);
    console.log(
      `audio rms ${audioRest.rms.toFixed(3)} (rest) -> ${audioBefore.rms.toFixed(3)} (corner) -> ${audioAfter.rms.toFixed(3)} (a<-b ${expected.toFixed(2)}); ` +
        `crossings/s ${audioBefore.crossingsPerSecond} -> ${audioAfter.crossingsPerSecond}`,
    );
  });

  it('renders cleanly (screenshot)', async () => {
    mkdirSync(path.dirname(SHOT), { recursive: true });
    await page.screenshot({ path: SHOT });
    expect(await page.getByTestId('error-banner').allTextContents()).toEqual([]);
  });

  it('shows a failed patch load in a dismissable banner and keeps playing', async () => {
    const picker = page.getByTestId('patch-picker');
    const listed = (await backend!.listPatches()).map((p) => p.name);
    expect(listed).toContain('vanishing');
    expect(await picker.locator('option').count()).toBe(listed.length);
    rmSync(vanishing);
    await picker.selectOption('vanishing');
    const banner = page.getByTestId('error-banner');
    await banner.waitFor({ state: 'visible' });
    expect(await banner.textContent()).toContain('Could not load patch "vanishing": no patch named "vanishing"');
    await until('the picker to return to the playing patch', async () => (await picker.inputValue()) === 'dual-neuron');
    expect((await backend!.getState())?.patchName).toBe('dual-neuron');
    await page.screenshot({ path: ERROR_SHOT });
    await page.getByTestId('error-dismiss').click();
    await banner.waitFor({ state: 'detached' });
  });

  // The job runs at a lower priority (nice 10): beside the rest of the suite it gets little CPU.
  it('shows a training job with its progress; Cancel stops it', async () => {
    mkdirSync(path.join(dataDir, 'sounds'), { recursive: true });
    writeFileSync(path.join(dataDir, 'sounds', 'pluck.wav'), encodeWavFloat32(pluckTone(0.08, 1), 1, 48000));
    const job = await backend!.trainModel({ name: 'ui-pluck', sounds: ['pluck.wav'], slice: true, search: { trials: 50 } });
    const pill = page.getByTestId('training');
    await pill.waitFor({ state: 'visible' });
    await until('a trial to finish', async () => /Training ui-pluck\s*(?!0\.0%)\d+\.\d%/.test((await pill.textContent()) ?? ''), 30_000);
    await page.screenshot({ path: TRAINING_SHOT });
    // The job's status fits the header: nothing is pushed off a 1280-px screen.
    expect(await page.getByTestId('drums').getAttribute('data-mode')).toBe('virtual');
    for (const id of ['connection', 'training', 'drums', 'z-slider']) {
      const box = await page.getByTestId(id).boundingBox();
      expect(box && box.x + box.width, id).toBeLessThanOrEqual(1280);
    }
    await pill.getByRole('button', { name: 'Cancel' }).click();
    await until('the job to stop', async () => (await pill.getAttribute('data-state')) === 'cancelled', 30_000);
    expect(await pill.textContent()).toContain('cancelled');
    expect(existsSync(path.join(dataDir, 'models', 'ui-pluck.axrm'))).toBe(false);
    const again = await backend!.trainModel({ name: 'ui-pluck', sounds: ['pluck.wav'], slice: true, neurons: 32 });
    expect(again.job).not.toBe(job.job);
    await until('the second job to finish', async () => (await pill.getAttribute('data-state')) === 'done', 30_000);
    expect((await backend!.listModels()).map((m) => m.name)).toContain('ui-pluck');
  }, 90_000);

  it('connects the drum board from the header, test-strikes a drum on it, and falls back to the kit', async () => {
    const board = AvrBoard.fromHexFile(firmwareImage('axon_drums'));
    const port = await board.attachPty();
    board.start();
    try {
      await page.getByTestId('drums').click();
      const menu = page.getByTestId('drums-menu');
      await menu.waitFor({ state: 'visible' });
      expect(await page.getByTestId('drums-summary').textContent()).toContain('the synthesized kit plays every drum');
      await page.getByTestId('drums-port').fill(port);
      await page.getByTestId('drums-connect').click();
      // The driver waits up to 3 s for a boot banner (a real Uno resets when its port opens).
      await until('the board to connect', async () => (await page.getByTestId('drums').getAttribute('data-mode')) === 'board', 10000);
      expect(await page.getByTestId('drums-summary').textContent()).toContain(`Board on ${port}: firmware 1.0.0, shield v1, drums 0-3`);
      const before = board.strikes(2).length;
      await page.getByTestId('drums-strike-1').click();
      await until('drum 1 to strike on the board', async () => board.strikes(2).filter((s) => s.complete).length === before + 1);
      await page.screenshot({ path: DRUMS_SHOT });
      await page.getByTestId('drums-disconnect').click();
      await until('the kit to take over', async () => (await page.getByTestId('drums').getAttribute('data-mode')) === 'virtual');
      // Esc closes the menu, and is the panic key too.
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'detached' });
      await until('panic', async () => (await page.getByTestId('panic').textContent()) === 'Resume');
      await page.getByTestId('panic').click();
      await until('resumed', async () => (await page.getByTestId('panic').textContent()) === 'Panic');
    } finally {
      await board.stop();
    }
  }, 30_000);

  it('plays the joystick inputs from a game controller', async () => {
    const buttons = Array.from({ length: 16 }, (_, i) => ({ pressed: i === 2, value: i === 2 ? 1 : 0 }));
    await page.evaluate((b) => {
      (globalThis as unknown as { __testPad: unknown }).__testPad = { id: 'Test Pad (STANDARD GAMEPAD)', connected: true, axes: [-1, 1, 0, 0], buttons: b };
    }, buttons);
    await page.getByTestId('gamepad').waitFor({ state: 'visible' });
    expect(await page.getByTestId('gamepad').textContent()).toBe('gamepad: Test Pad (STANDARD GAMEPAD)');
    // Axes and buttons reach the engine as separate calls: wait for all three in one snapshot.
    await until('the pad to move joystick x and y and press button 3', () => latest().inputs[0] < -0.999 && latest().inputs[1] > 0.999 && latest().inputs[5] === 1);
    // Button 3 of the pad is the joystick's button 3 (input slot 3 + 2).
    expect(latest().inputs[5]).toBe(1);
    await page.evaluate(() => {
      (globalThis as unknown as { __testPad: unknown }).__testPad = null;
    });
    await page.getByTestId('gamepad').waitFor({ state: 'detached' });
  });

  it('panics on Esc: silence, no notes or drums, motors released; Resume plays again', async () => {
    if (!backend) throw new Error('backend not started');
    await backend.loadPatch('neural-midi');
    await until('sound', () => latest().levels.peakL > 0.05);
    await page.locator('body').click({ position: { x: 5, y: 790 } });
    await page.keyboard.press('Escape');
    await until('the Resume button', async () => (await page.getByTestId('panic').textContent()) === 'Resume');
    expect((await backend.getState())?.panicked).toBe(true);
    await until('silence', () => latest().levels.peakL === 0 && latest().levels.peakR === 0);
    const notes = latest().notes;
    const drums = latest().drums;
    await sleep(1000);
    expect(latest().notes).toBe(notes);
    expect(latest().drums).toBe(drums);
    await page.screenshot({ path: PANIC_SHOT });
    await page.getByTestId('panic').click();
    await until('the Panic button again', async () => (await page.getByTestId('panic').textContent()) === 'Panic');
    await until('sound again', () => latest().levels.peakL > 0.05);
  }, 20_000);

  it('logged no console errors in the page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
