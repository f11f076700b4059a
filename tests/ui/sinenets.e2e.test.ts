import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPack, recreateSound } from '../../src/main/sinenet/pack';
import { decodeWav } from '../../src/main/wav/wav-reader';
import { startUi, type UiHarness } from '../support/ui-harness';
import { until } from '../support/until';
import { unzip } from '../support/unzip';

// The Sine nets view in Debian chromium against the real backend and engine: generate a seeded
// batch with progress, audition a sound (the engine plays it), keep one, discard one, export a
// pack and open the download as a pack; cancel a batch.

const SHOT = path.resolve('test-results', 'sinenets-view.png');

let ui: UiHarness;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'axon-sinenets-e2e-'));

beforeAll(async () => {
  ui = await startUi();
}, 180_000);

afterAll(async () => {
  await ui?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const attr = async (testid: string, name: string) => (await ui.page.getByTestId(testid).getAttribute(name)) ?? '';

describe('the Sine nets view', () => {
  let kept: number;
  let discarded: number;

  it('generates a seeded batch with progress; the judge’s keepers are listed', async () => {
    const { page } = ui;
    await page.goto(ui.bridge.url);
    await page.getByTestId('view-sinenets').click();
    await page.getByTestId('sinenets-view').waitFor({ state: 'visible' });
    await page.getByTestId('sinenet-count').fill('8');
    await page.getByTestId('sinenet-seed').fill('1');
    const fractions = new Set<string>();
    await page.getByTestId('sinenet-generate').click();
    await until(
      'the batch to finish',
      async () => {
        fractions.add(await attr('sinenet-job', 'data-fraction'));
        return (await attr('sinenet-job', 'data-state')) === 'done';
      },
      20_000,
    );
    console.log(`batch progress seen: ${[...fractions].join(' ')}`);
    expect([...fractions].map(Number).some((f) => f > 0 && f < 1), 'the bar showed progress between 0 and 1').toBe(true);

    const batch = await ui.backend.getSineNets();
    if (!batch) throw new Error('no batch in the backend');
    const keepers = batch.sounds.filter((s) => s.verdict === 'keep').map((s) => String(s.index));
    expect(keepers.length).toBeGreaterThanOrEqual(3);
    const rows = page.getByTestId('sinenet-row');
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-index')))).toEqual(keepers);
    expect(await page.getByTestId('sinenets-view').innerText()).toContain(`seed 1 · 8/8 judged · ${keepers.length} kept by the judge`);
    // The rejected ones can be shown, marked by reason.
    await page.getByTestId('show-rejected').check();
    await until('every sound listed', async () => (await rows.count()) === 8);
    await page.getByTestId('show-rejected').uncheck();
    kept = Number(keepers[0]);
    discarded = Number(keepers[1]);
  });

  it('auditions a sound: the engine plays its design', async () => {
    const { page } = ui;
    const row = page.locator(`[data-testid="sinenet-row"][data-index="${kept}"]`);
    const batch = await ui.backend.getSineNets();
    const design = batch?.sounds.find((s) => s.index === kept)?.design;
    if (!design) throw new Error('no design');
    await row.getByTestId('sinenet-audition').click();
    await until('the sine net to play', async () => (await ui.backend.getState())?.patchName === `sine net: ${design.seed}`);
    expect((await ui.backend.getState())?.patch.sources?.[0]).toMatchObject({ type: 'sinenet', ...design });
    await until('sound in the telemetry', () => (ui.seen.at(-1)?.levels.peakL ?? 0) > 0.02);
    const capture = await ui.backend.captureAudio(0.3);
    console.log(`audition of sound ${kept} (seed ${design.seed}): peak ${capture.peak.toFixed(3)}, rms ${capture.rms.toFixed(3)}, ${capture.crossingsPerSecond.toFixed(0)} crossings/s`);
    expect(capture.peak).toBeGreaterThan(0.02);
    await until('the view to show it playing and its level', async () => (await row.getAttribute('class'))?.includes('playing') === true && Number(await attr('sinenet-level', 'data-peak-db')) > -40);
  });

  it('keeps one, discards one, and exports a pack that opens as a pack', async () => {
    const { page } = ui;
    await page.locator(`[data-testid="sinenet-row"][data-index="${kept}"]`).getByTestId('sinenet-keep').click();
    await page.locator(`[data-testid="sinenet-row"][data-index="${discarded}"]`).getByTestId('sinenet-discard').click();
    expect(await page.locator(`[data-testid="sinenet-row"][data-index="${kept}"]`).getAttribute('data-choice')).toBe('keep');
    expect(await page.locator(`[data-testid="sinenet-row"][data-index="${discarded}"]`).getAttribute('data-choice')).toBe('discard');
    expect(await page.getByTestId('pack-summary').innerText()).toMatch(/^1 kept · 1 discarded · \d+ undecided$/);

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), page.getByTestId('pack-export').click()]);
    expect(download.suggestedFilename()).toBe('sinenet-pack-seed1.zip');
    const file = await download.path();
    const entries = unzip(readFileSync(file));
    const wavName = `sinenet-${String(kept).padStart(3, '0')}.wav`;
    expect([...entries.keys()]).toEqual(['sinenet-pack-seed1/pack.json', `sinenet-pack-seed1/${wavName}`]);
    const dir = path.join(scratch, 'pack');
    mkdirSync(dir, { recursive: true });
    for (const [name, data] of entries) writeFileSync(path.join(dir, path.basename(name)), data);
    const pack = readPack(dir);
    expect(pack).toMatchObject({ seed: 1, count: 8, sampleRate: 48000, seconds: 2 });
    expect(pack.sounds.map((s) => [s.index, s.verdict, s.file])).toEqual([[kept, 'keep', wavName]]);
    const wav = decodeWav(entries.get(`sinenet-pack-seed1/${wavName}`) as Buffer, wavName);
    expect(Buffer.from(wav.data[0].buffer).equals(Buffer.from(recreateSound(pack, pack.sounds[0]).buffer))).toBe(true);
    await until('the view to say it was saved', async () => (await page.getByTestId('pack-exported').innerText()).startsWith('Saved sinenet-pack-seed1.zip: 1 sound,'));

    mkdirSync(path.dirname(SHOT), { recursive: true });
    await page.screenshot({ path: SHOT });
    for (const id of ['sinenets-view', 'pack-export', 'sinenet-list']) {
      const b = await page.getByTestId(id).boundingBox();
      expect(b && b.x + b.width <= 1280 && b.y + b.height <= 800, `${id} fits 1280 x 800`).toBe(true);
    }
  });

  it('cancels a long batch; the sounds so far stay', async () => {
    const { page } = ui;
    await page.getByTestId('sinenet-count').fill('64');
    await page.getByTestId('sinenet-seed').fill('5');
    await page.getByTestId('sinenet-generate').click();
    await until('a few sounds judged', async () => ((await ui.backend.getSineNets())?.sounds.length ?? 0) >= 2, 20_000);
    await page.getByTestId('sinenet-cancel').click();
    await until('the batch to stop', async () => (await attr('sinenet-job', 'data-state')) === 'cancelled', 20_000);
    const batch = await ui.backend.getSineNets();
    expect(batch?.state).toBe('cancelled');
    expect(batch?.sounds.length).toBeLessThan(64);
    expect(await page.getByTestId('sinenet-job').innerText()).toContain(`cancelled after ${batch?.sounds.length} of 64`);
    // A new batch starts with no choices.
    expect(await page.getByTestId('pack-summary').innerText()).toMatch(/^0 kept · 0 discarded/);
  });

  it('logged no console errors in the page', () => {
    expect(ui.consoleErrors).toEqual([]);
  });
});
