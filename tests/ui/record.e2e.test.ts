import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/main/record/set-manifest';
import { decodeWav } from '../../src/main/wav/wav-reader';
import { startUi, type UiHarness } from '../support/ui-harness';
import { until } from '../support/until';

// The Record view against the real engine: record a few seconds of the dual-neuron patch, stop,
// and find the set in the list and on disk; arm during panic (silence) and see the set start by
// itself when the sound comes back.

const SHOT = path.resolve('test-results', 'record.png');

describe('the Record view', () => {
  let ui: UiHarness;

  beforeAll(async () => {
    ui = await startUi();
    await ui.page.goto(ui.bridge.url);
    await ui.page.getByTestId('patch-picker').waitFor();
  }, 60_000);

  afterAll(async () => {
    await ui?.close();
  });

  const secondsShown = async () => {
    const [m, s] = ((await ui.page.getByTestId('record-elapsed').textContent()) ?? '0:00').split(':').map(Number);
    return m * 60 + s;
  };

  it('records a few seconds, shows them growing, and finds the set in the list and on disk', async () => {
    const page = ui.page;
    await page.keyboard.press('o');
    await page.getByTestId('record-view').waitFor();
    await until('the free space', async () => /free: about \d+ (h|min) of recording/.test((await page.getByTestId('record-space').textContent()) ?? ''));
    await page.getByTestId('record-title').fill('soundcheck');
    await page.getByTestId('record-start').click();
    await until('recording', async () => (await page.getByTestId('record-status').textContent())?.includes('Recording') === true);
    // The header light shows in every view.
    await page.keyboard.press('p');
    await until('the header light', async () => /^● REC 0:0\d$/.test((await page.getByTestId('rec-light').textContent()) ?? ''));
    await page.keyboard.press('o');
    await until('3 s on the clock', async () => (await secondsShown()) >= 3, 10_000);
    expect(await page.getByTestId('record-size').textContent()).toMatch(/^\d+(\.\d+)? MB$/);
    await page.getByTestId('recorded-set').first().waitFor();
    expect(await page.getByTestId('recorded-set').first().getAttribute('data-status')).toBe('recording');
    await page.getByTestId('record-stop').click();
    await until('stopped', async () => (await page.getByTestId('record-status').textContent()) === 'Not recording', 10_000);
    expect(await page.getByTestId('rec-light').count()).toBe(0);

    const row = page.getByTestId('recorded-set').first();
    await until('the closed set in the list', async () => (await row.getAttribute('data-status')) === 'closed');
    const name = (await row.getAttribute('data-name'))!;
    expect(name).toMatch(/_soundcheck$/);
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe('soundcheck');
    expect(cells[2]).toMatch(/^0:0[3-9]$/);
    expect(cells[3]).toMatch(/MB$/);
    expect(cells[4]).toBe('dual-neuron');
    expect(cells[5]).toBe('complete');
    await page.screenshot({ path: SHOT });

    const dir = path.join(ui.dataDir, 'sets', name);
    const m = readManifest(dir);
    expect(m).toMatchObject({ closed: true, stoppedBy: 'user', droppedFrames: 0, patch: { name: 'dual-neuron' } });
    const wav = decodeWav(readFileSync(path.join(dir, 'master.wav')), 'master.wav');
    expect(wav.frames).toBe(m.frames);
    expect(wav.frames / wav.sampleRate).toBeGreaterThanOrEqual(3);
    // The patch is heard in it: not silence.
    const rms = Math.sqrt(wav.data[0].reduce((sum, v) => sum + v * v, 0) / wav.frames);
    expect(rms).toBeGreaterThan(0.01);
    // A standard reader agrees on the length.
    expect(Number(execFileSync('sox', ['--i', '-D', path.join(dir, 'master.wav')], { encoding: 'utf8' }))).toBeCloseTo(wav.frames / wav.sampleRate, 3);
    expect(ui.consoleErrors).toEqual([]);
  }, 40_000);

  it('armed in silence, starts by itself when the sound comes back', async () => {
    const page = ui.page;
    await page.keyboard.press('Escape');
    await until('panicked', async () => (await ui.backend.getState())?.panicked === true);
    // Panic ramps the output down: let it reach silence before arming.
    await page.waitForTimeout(300);
    await page.getByTestId('record-arm').click();
    await until('armed', async () => (await page.getByTestId('rec-light').textContent()) === 'REC armed');
    await page.waitForTimeout(700);
    expect((await ui.backend.getRecording()).state).toBe('armed');
    await page.getByTestId('panic').click();
    await until('recording by itself', async () => (await ui.backend.getRecording()).state === 'recording');
    await until('a second', async () => (await secondsShown()) >= 1);
    await page.getByTestId('record-stop').click();
    await until('stopped', async () => (await ui.backend.getRecording()).state === 'idle', 10_000);
    const sets = await ui.backend.listSets();
    expect(sets).toHaveLength(2);
    const wav = decodeWav(readFileSync(path.join(ui.dataDir, 'sets', sets[0].name, 'master.wav')), 'master.wav');
    // Half a second of pre-roll (silence), then the sound.
    const first = wav.data[0].findIndex((v) => Math.abs(v) > 0.001);
    expect(first / wav.sampleRate).toBeGreaterThan(0.45);
    expect(first / wav.sampleRate).toBeLessThan(0.55);
    expect(ui.consoleErrors).toEqual([]);
  }, 30_000);
});
