import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluckTone } from '../../src/main/reservoir/example-models';
import { encodeWavFloat32 } from '../../src/main/wav/wav-file';
import type { AudioCapture } from '../../src/shared/api';
import { startUi, type UiHarness } from '../support/ui-harness';
import { until } from '../support/until';

// The Reservoir view in Debian chromium against the real backend and engine: upload a sound,
// see its grains, train a small model with progress, read each grain's error, play it, combine
// conceptors, move the morph pad and the controls (and hear the engine change), and search with
// progress, best results so far and Cancel.

const SHOT = path.resolve('test-results', 'reservoir-view.png');
const UPLOADED = 'my pluck_.wav';

let ui: UiHarness;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  ui = await startUi();
}, 180_000);

afterAll(async () => {
  await ui?.close();
});

const attr = async (testid: string, name: string) => (await ui.page.getByTestId(testid).getAttribute(name)) ?? '';
const paramValue = async (id: string) => (await ui.backend.getState())?.params.find((p) => p.id === id)?.value;

/** Boxes of parts of the view that must not move or resize when values change. */
async function layout(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const id of ['reservoir-view', 'waveform', 'job', 'search-best', 'grain-table', 'morph-set', 'morph-pad', 'control-level']) {
    const b = await ui.page.getByTestId(id).boundingBox();
    if (!b) throw new Error(`${id} is not visible`);
    out[id] = [b.x, b.y, b.width, b.height].map((v) => v.toFixed(1)).join(',');
  }
  return out;
}

/** Drags the morph pad to a corner (past it: the pad clamps). */
async function padTo(x: -1 | 1, y: -1 | 1): Promise<void> {
  const box = await ui.page.getByTestId('morph-pad').boundingBox();
  if (!box) throw new Error('morph pad not visible');
  await ui.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await ui.page.mouse.down();
  await ui.page.mouse.move(box.x + box.width / 2 + (x * box.width) / 2 + x * 30, box.y + box.height / 2 - (y * box.height) / 2 - y * 30, { steps: 8 });
  await ui.page.mouse.up();
}

describe('the Reservoir view', () => {
  let before: Record<string, string>;

  it('opens from its tab and uploads a WAV from the browser; the grains training cuts are drawn', async () => {
    const { page } = ui;
    await page.goto(ui.bridge.url);
    await page.getByTestId('view-reservoir').click();
    await page.getByTestId('reservoir-view').waitFor({ state: 'visible' });
    before = await layout();

    // A file the browser holds (a browser has no paths): the pluck, under a name to clean up.
    const wav = encodeWavFloat32(pluckTone(0.08, 1), 1, 48000);
    await page.getByTestId('sound-file').setInputFiles({ name: 'my pluck!.wav', mimeType: 'audio/wav', buffer: wav });
    await until('the upload to be picked', async () => (await page.getByTestId('sound-picker').inputValue()) === UPLOADED);
    expect(readFileSync(path.join(ui.dataDir, 'sounds', UPLOADED)).equals(wav)).toBe(true);

    // Grains: 21 in the sound, the first 16 kept (the view's default), drawn as marks.
    await until('16 grains drawn', async () => (await attr('waveform', 'data-grains')) === '16');
    expect(await page.getByTestId('sound-info').innerText()).toContain('0.08 s · 48.0 kHz float32 mono · 21 grains, training takes 16');
    const marks = JSON.parse(await attr('waveform', 'data-marks')) as number[];
    expect(marks).toHaveLength(17);
    // What the user sees: the accent colour at each cut in the strip along the top, not between.
    const pixels = (await page.evaluate(`(() => {
      const c = document.querySelector('[data-testid="waveform"]');
      const ctx = c.getContext('2d');
      const dpr = c.width / c.clientWidth;
      const marks = JSON.parse(c.dataset.marks);
      const at = (x) => Array.from(ctx.getImageData(Math.round(x * dpr), Math.round(3 * dpr), 1, 1).data);
      const accent = getComputedStyle(c).getPropertyValue('--accent').trim();
      return { accent, on: marks.map(at), between: marks.slice(1).map((x, i) => at((x + marks[i]) / 2)) };
    })()`)) as { accent: string; on: number[][]; between: number[][] };
    const hex = (rgb: number[]) => `#${rgb.slice(0, 3).map((v) => v.toString(16).padStart(2, '0')).join('')}`;
    expect(pixels.on.map(hex)).toEqual(marks.map(() => pixels.accent));
    for (const p of pixels.between) expect(hex(p)).not.toBe(pixels.accent);
  });

  it('refuses a file that is not a WAV with a readable message, and stores nothing', async () => {
    const { page } = ui;
    await page.getByTestId('sound-file').setInputFiles({ name: 'notes.wav', mimeType: 'audio/wav', buffer: Buffer.from('These are my notes, not a sound.') });
    const banner = page.getByTestId('error-banner');
    await banner.waitFor({ state: 'visible' });
    expect(await banner.textContent()).toContain('Could not upload notes.wav: notes.wav is not a WAV file (it starts with "Thes")');
    expect(existsSync(path.join(ui.dataDir, 'sounds', 'notes.wav'))).toBe(false);
    await page.getByTestId('error-dismiss').click();
    await banner.waitFor({ state: 'detached' });
  });

  it('trains a small model with a progress bar, then shows each grain’s NRMSE', async () => {
    const { page } = ui;
    await page.getByTestId('train-name').fill('ui-pluck');
    await page.getByTestId('train-neurons').selectOption('64');
    const fractions = new Set<string>();
    await page.getByTestId('train-start').click();
    await until(
      'the training to finish',
      async () => {
        fractions.add(await attr('job', 'data-fraction'));
        return (await attr('job', 'data-state')) === 'done';
      },
      20_000,
    );
    const between = [...fractions].map(Number).filter((f) => f > 0 && f < 1);
    console.log(`training progress seen: ${[...fractions].join(' ')}`);
    expect(between.length, 'the bar showed progress between 0 and 1').toBeGreaterThan(0);
    expect(await page.getByTestId('job').textContent()).toContain('Training ui-pluck');

    const model = await ui.backend.getModel('ui-pluck');
    expect(model.info).toMatchObject({ neurons: 64, grains: 16, origin: 'user' });
    const rows = page.getByTestId('grain-row');
    await until('16 grain rows', async () => (await rows.count()) === 16);
    const shown = await page.getByTestId('grain-nrmse').allTextContents();
    expect(shown).toEqual(model.grains.map((g) => (g.nrmse === null ? '\u2014' : g.nrmse.toFixed(3))));
    const nrmse = model.grains.map((g) => g.nrmse ?? Infinity).sort((a, b) => a - b);
    console.log(`ui-pluck (N 64, 16 grains): NRMSE median ${nrmse[8].toFixed(3)}, best ${nrmse[0].toFixed(3)}, worst ${nrmse[15].toFixed(3)}`);
  });

  it('plays the model; the morph pad and the sliders move the engine and change the sound', async () => {
    const { page } = ui;
    await page.getByTestId('model-play').click();
    await until('the model to play', async () => (await ui.backend.getState())?.patchName === 'reservoir: ui-pluck');
    // The page hears of it over the bridge, after the backend.
    await until('the view to say it plays', async () => (await page.getByTestId('reservoir-playing').textContent())?.includes('Playing ui-pluck'));

    // x = morph into the morph set (first grain to last), y = position along it.
    await padTo(1, -1);
    await until('morph 1, position 0', async () => (await paramValue('sources.res.morph')) === 1 && (await paramValue('sources.res.position')) === 0);
    expect(await attr('morph-pad', 'data-x')).toBe('1.000');
    await sleep(500); // smoothing (20 ms) and a capture window after the move
    const first: AudioCapture = await ui.backend.captureAudio(0.4);
    await padTo(1, 1);
    await until('position 1', async () => (await paramValue('sources.res.position')) === 1);
    await sleep(500);
    const last: AudioCapture = await ui.backend.captureAudio(0.4);
    console.log(
      `morph pad: grain 0 (position 0) rms ${first.rms.toFixed(3)}, ${first.crossingsPerSecond.toFixed(0)} crossings/s; ` +
        `grain 15 (position 1) rms ${last.rms.toFixed(3)}, ${last.crossingsPerSecond.toFixed(0)} crossings/s`,
    );
    expect(first.peak).toBeGreaterThan(0.02);
    expect(last.peak).toBeGreaterThan(0.02);
    expect(last.hash).not.toBe(first.hash);
    // The pluck's first period is its highest (about 330 Hz), the 16th lower: the sound follows.
    expect(first.crossingsPerSecond / last.crossingsPerSecond).toBeGreaterThan(1.1);
    expect(Math.max(...ui.seen.slice(-20).map((t) => t.levels.peakL))).toBeGreaterThan(0.02);

    // Sliders send the registry's parameters and show their values from the spec.
    await page.getByTestId('control-leak').focus();
    await page.keyboard.press('Home');
    await until('leak at its minimum', async () => (await paramValue('sources.res.leak')) === 0.25);
    expect(await page.getByTestId('control-leak-value').textContent()).toBe('0.250');
    await page.getByTestId('control-speed').focus();
    await page.keyboard.press('End');
    await until('speed at its maximum', async () => (await paramValue('sources.res.speed')) === 4);
    expect(await page.getByTestId('control-speed-value').textContent()).toBe('4.00');
  });

  it('combines conceptors: #0 OR #15 joins the morph set and plays', async () => {
    const { page } = ui;
    await page.getByTestId('combine-a').selectOption('0');
    await page.getByTestId('combine-op').selectOption('or');
    await page.getByTestId('combine-b').selectOption('15');
    await page.getByTestId('combine-add').click();
    await until('the combination to play', async () => {
      const s = (await ui.backend.getState())?.patch.sources?.[0];
      return s?.type === 'reservoir' && JSON.stringify(s.derive) === '[{"op":"or","a":0,"b":15}]' && JSON.stringify(s.morphSet) === '[0,15,16]';
    });
    expect(await page.getByTestId('derived-row').textContent()).toContain('#0 OR #15');
    expect(await page.getByTestId('morph-set').textContent()).toContain('3: #0 OR #15');
    // The reload kept what the view had set.
    expect(await paramValue('sources.res.leak')).toBe(0.25);
    expect(await paramValue('sources.res.position')).toBe(1);
    await sleep(400);
    expect((await ui.backend.captureAudio(0.3)).peak).toBeGreaterThan(0.01);
  });

  it('searches with progress and the best results so far; Cancel stops it and the model stays as it was', async () => {
    const { page } = ui;
    const file = path.join(ui.dataDir, 'models', 'ui-pluck.axrm');
    const model = readFileSync(file);
    await page.getByTestId('search-trials').fill('40');
    await page.getByTestId('search-start').click();
    await until('a trial in the best list', async () => (await page.getByTestId('search-trial').count()) >= 2, 40_000);
    expect(await attr('job', 'data-state')).toBe('running');
    expect(await page.getByTestId('job').textContent()).toMatch(/Search ui-pluck.*trial \d+ of 40/);
    const rows = await page.getByTestId('search-trial').evaluateAll((els) => els.map((e) => [...e.children].map((c) => c.textContent).join(' ')));
    console.log(`search, best so far: ${rows.join(' | ')}`);
    mkdirSync(path.dirname(SHOT), { recursive: true });
    await page.screenshot({ path: SHOT });
    // Nothing moved while values changed (training, a model, a search running).
    expect(await layout()).toEqual(before);
    for (const id of ['reservoir-view', 'search-best', 'morph-pad', 'control-level']) {
      const b = await page.getByTestId(id).boundingBox();
      expect(b && b.x + b.width <= 1280 && b.y + b.height <= 800, `${id} fits 1280 x 800`).toBe(true);
    }

    await page.getByTestId('job-cancel').click();
    await until('the search to stop', async () => (await attr('job', 'data-state')) === 'cancelled', 20_000);
    expect(await page.getByTestId('job').textContent()).toContain('cancelled');
    expect(readFileSync(file).equals(model)).toBe(true);
    expect(await page.getByTestId('search-trial').count()).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('logged no console errors in the page', () => {
    expect(ui.consoleErrors).toEqual([]);
  });
});
