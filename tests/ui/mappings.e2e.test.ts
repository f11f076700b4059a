import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatchMapping } from '../../src/shared/patch/schema';
import type { Telemetry } from '../../src/shared/telemetry';
import { startUi, type UiHarness } from '../support/ui-harness';
import { until } from '../support/until';

// The mapping editor against the real engine: a real backend and web bridge in this process, the
// built renderer in headless Debian chromium, the neuron-mixer example (one mapping of its own).

const SHOT = path.resolve('test-results', 'mappings.png');
const CLOSED_SHOT = path.resolve('test-results', 'mappings-closed.png');
const ORIGINAL: PatchMapping = { from: 'joystick.y', to: 'neurons.relu.bias', min: -0.45, max: 0.15, smoothing: 40 };
/** pad.x's slot in the telemetry inputs (CONTROL_INPUTS order). */
const PAD_X = 13;

let ui: UiHarness;
let page: Page;

const latest = (): Telemetry => {
  const t = ui.seen[ui.seen.length - 1];
  if (!t) throw new Error('no telemetry from the backend yet');
  return t;
};

const state = async () => {
  const s = await ui.backend.getState();
  if (!s) throw new Error('no patch loaded');
  return s;
};
const mappings = async () => (await state()).mappings;
const rows = () => page.getByTestId('mapping-row');
const row = (to: string): Locator => page.locator(`[data-testid="mapping-row"][data-to="${to}"]`);

/** Drags the XY pad from its centre to `x` (-1, 0 or 1: 1 ends a little past the edge, where the pad clamps), keeping y at 0. */
async function dragPad(x: -1 | 0 | 1): Promise<void> {
  const box = await page.getByTestId('xy-pad').boundingBox();
  if (!box) throw new Error('XY pad not visible');
  const cy = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width / 2, cy);
  await page.mouse.down();
  // A little past the edge (the pad clamps), still inside the window.
  await page.mouse.move(box.x + box.width / 2 + x * (box.width / 2 + 10), cy, { steps: 10 });
  await page.mouse.up();
}

beforeAll(async () => {
  ui = await startUi({ patch: 'neuron-mixer' });
  page = ui.page;
  mkdirSync(path.dirname(SHOT), { recursive: true });
}, 60_000);

afterAll(async () => {
  await ui?.close();
});

describe('editing the mappings of the neuron-mixer patch', () => {
  it('shows the patch\'s own mapping as a row', async () => {
    await page.goto(ui.bridge.url);
    await until('the patch picker to show neuron-mixer', async () => (await page.getByTestId('patch-picker').inputValue()) === 'neuron-mixer');
    const panel = page.getByTestId('mappings-panel');
    await panel.waitFor({ state: 'visible' });
    expect(await page.getByTestId('mappings-count').textContent()).toBe('1');
    // The line fits the side column of a 1280 x 800 screen, below the other panels.
    const bar = await panel.boundingBox();
    expect(bar && bar.x + bar.width).toBeLessThanOrEqual(1280);
    expect(bar && bar.y + bar.height).toBeLessThanOrEqual(800);
    await page.screenshot({ path: CLOSED_SHOT });

    await page.getByTestId('mappings-edit').click();
    await page.getByTestId('mappings-sheet').waitFor({ state: 'visible' });
    expect(await rows().count()).toBe(1);
    const r = rows().first();
    expect(await r.getByTestId('mapping-source').inputValue()).toBe('joystick.y');
    expect(await r.getByTestId('mapping-dest').inputValue()).toBe('neurons.relu.bias');
    expect(await r.getByTestId('mapping-min').inputValue()).toBe('-0.45');
    expect(await r.getByTestId('mapping-max').inputValue()).toBe('0.15');
    expect(await r.getByTestId('mapping-curve').inputValue()).toBe('1');
    expect(await r.getByTestId('mapping-smoothing').inputValue()).toBe('40');
    expect(await r.getByTestId('mapping-invert').isChecked()).toBe(false);
    expect(await mappings()).toEqual([ORIGINAL]);
  });

  it('adds pad.x -> voice.cutoff from the table, and the pad then moves the cutoff', async () => {
    await page.getByTestId('mapping-new-source').selectOption('pad.x');
    await page.getByTestId('mapping-new-dest').selectOption('voice.cutoff');
    await page.getByTestId('mapping-add').click();
    await until('the backend to hold the new mapping', async () => (await mappings()).some((m) => m.from === 'pad.x' && m.to === 'voice.cutoff'));
    expect(await mappings()).toEqual([ORIGINAL, { from: 'pad.x', to: 'voice.cutoff' }]);
    await until('a second row', async () => (await rows().count()) === 2);
    const r = row('voice.cutoff');
    expect(await r.getByTestId('mapping-source').inputValue()).toBe('pad.x');
    expect(await r.getByTestId('mapping-min').inputValue()).toBe('20');
    expect(await r.getByTestId('mapping-max').inputValue()).toBe('20000');
    expect(await r.textContent()).toContain('Hz');
    // The new destination is taken: the "new" select moved on to a free one.
    expect(await page.getByTestId('mapping-new-dest').inputValue()).not.toBe('voice.cutoff');

    // The on-screen pad drives the cutoff over its whole range (log: 20 Hz at the left, 20 kHz at the right).
    await dragPad(-1);
    await until('pad.x at the left edge', () => latest().inputs[PAD_X] < -0.999);
    await until('the cutoff at its bottom', () => latest().voice.cutoff < 25);
    await dragPad(1);
    await until('the cutoff at its top', () => latest().voice.cutoff > 19000);
    await dragPad(0);
    // Log scaling: the middle of the pad is the geometric mean of the range, about 632 Hz.
    const expected = () => 20 * 1000 ** ((latest().inputs[PAD_X] + 1) / 2);
    await until('the cutoff in the middle', () => Math.abs(latest().inputs[PAD_X]) < 0.02 && Math.abs(latest().voice.cutoff / expected() - 1) < 0.01);
    console.log(`pad.x ${latest().inputs[PAD_X].toFixed(3)} -> voice.cutoff ${latest().voice.cutoff.toFixed(1)} Hz`);
  });

  it('edits a number field: the debounced value reaches the backend', async () => {
    const r = row('voice.cutoff');
    // Leaving the max field sends it; the curve field, still focused, sends once typing rests.
    await r.getByTestId('mapping-max').fill('5000');
    await r.getByTestId('mapping-curve').fill('2');
    await until('the edit to reach the backend', async () => (await mappings())[1]?.max === 5000 && (await mappings())[1]?.curve === 2);
    expect((await mappings())[1]).toEqual({ from: 'pad.x', to: 'voice.cutoff', max: 5000, curve: 2 });
    // Centre: position 0.5, curved to 0.25 of the way from 20 Hz to 5 kHz (geometric): 20 * 250^0.25 = 79.5 Hz.
    const expected = () => 20 * 250 ** (((latest().inputs[PAD_X] + 1) / 2) ** 2);
    await until('the cutoff to follow the new shape', () => Math.abs(latest().voice.cutoff / expected() - 1) < 0.01);
  });

  it('adds an LFO mapping with its shape and rate', async () => {
    await page.getByTestId('mapping-new-source').selectOption('lfo');
    await page.getByTestId('mapping-new-dest').selectOption('reverb.mix');
    await page.getByTestId('mapping-add').click();
    await until('the LFO mapping', async () => (await mappings()).some((m) => m.to === 'reverb.mix'));
    expect((await mappings())[2]).toEqual({ from: 'lfo', to: 'reverb.mix', lfo: { shape: 'sine' } });
    const r = row('reverb.mix');
    await r.getByTestId('mapping-lfo-shape').waitFor({ state: 'visible' });
    await r.getByTestId('mapping-lfo-shape').selectOption('triangle');
    await until('the shape to reach the backend', async () => (await mappings())[2]?.lfo?.shape === 'triangle');
    await r.getByTestId('mapping-lfo-rate').fill('0.5');
    await r.getByTestId('mapping-lfo-rate').press('Enter');
    await until('the rate to reach the backend', async () => (await mappings())[2]?.lfo?.rate === 0.5);
    expect((await mappings())[2]).toEqual({ from: 'lfo', to: 'reverb.mix', lfo: { shape: 'triangle', rate: 0.5 } });
  });

  it('learns a source for a destination from the moved pad', async () => {
    await page.getByTestId('mapping-new-dest').selectOption('voice.resonance');
    await page.getByTestId('mapping-new-learn').click();
    const status = page.getByTestId('learn-status');
    await status.waitFor({ state: 'visible' });
    expect(await status.textContent()).toBe('move a control…');
    expect((await state()).learning).toBe('voice.resonance');
    const before = await mappings();
    // The pad stands in for the joystick and sends joystick.x first: that is the control learned.
    await dragPad(-1);
    await status.waitFor({ state: 'detached' });
    await until('the learned mapping', async () => (await mappings()).length === before.length + 1);
    expect(await mappings()).toEqual([...before, { from: 'joystick.x', to: 'voice.resonance' }]);
    expect((await state()).learning).toBeNull();
    await until('its row', async () => (await row('voice.resonance').count()) === 1);
    expect(await row('voice.resonance').getByTestId('mapping-source').inputValue()).toBe('joystick.x');
  });

  it('arms Learn on a row and cancels it', async () => {
    const before = await mappings();
    await row('neurons.relu.bias').getByTestId('mapping-learn').click();
    await page.getByTestId('learn-status').waitFor({ state: 'visible' });
    expect((await state()).learning).toBe('neurons.relu.bias');
    expect(await row('neurons.relu.bias').getByTestId('mapping-learn').getAttribute('aria-pressed')).toBe('true');
    await page.screenshot({ path: SHOT });
    await page.getByTestId('learn-cancel').click();
    await page.getByTestId('learn-status').waitFor({ state: 'detached' });
    expect((await state()).learning).toBeNull();
    expect(await mappings()).toEqual(before);
  });

  it('shows a refused edit in the banner and keeps the mappings as they were', async () => {
    const before = await mappings();
    const min = row('neurons.relu.bias').getByTestId('mapping-min');
    await min.fill('5');
    await min.press('Enter');
    const banner = page.getByTestId('error-banner');
    await banner.waitFor({ state: 'visible' });
    const text = (await banner.textContent()) ?? '';
    expect(text).toContain('Could not change the mappings: the mappings are not valid (1 problem); the patch keeps its mappings');
    expect(text).toContain('mappings[0].min: 5 is outside the range of "neurons.relu.bias" (-4.00 .. 4.00)');
    expect(await mappings()).toEqual(before);
    // The field shows the backend's value again.
    await until('the field to show -0.45 again', async () => (await min.inputValue()) === '-0.45');
    await page.getByTestId('error-dismiss').click();
    await banner.waitFor({ state: 'detached' });

    // Text that is no number is never sent: the field is marked instead.
    await min.fill('abc');
    await min.press('Enter');
    await until('the field to be marked', async () => (await min.getAttribute('aria-invalid')) === 'true');
    expect(await page.getByTestId('mappings-sheet').textContent()).toContain('Min "abc" is not a number');
    expect(await page.getByTestId('error-banner').allTextContents()).toEqual([]);
    await min.fill('-0.45');
    await min.press('Enter');
    await until('the mark to go', async () => (await min.getAttribute('aria-invalid')) === 'false');
    expect(await mappings()).toEqual(before);
  });

  it('removes a mapping', async () => {
    const before = await mappings();
    await row('voice.resonance').getByTestId('mapping-remove').click();
    await until('the backend to drop it', async () => (await mappings()).length === before.length - 1);
    expect(await mappings()).toEqual(before.filter((m) => m.to !== 'voice.resonance'));
    await until('its row to go', async () => (await row('voice.resonance').count()) === 0);
    expect(await rows().count()).toBe(before.length - 1);
    expect(await page.getByTestId('mappings-count').textContent()).toBe(String(before.length - 1));
    // Esc closes the sheet, and is the panic key too: the header offers Resume.
    await page.keyboard.press('Escape');
    await page.getByTestId('mappings-sheet').waitFor({ state: 'detached' });
    await until('panic', async () => (await page.getByTestId('panic').textContent()) === 'Resume');
    await page.getByTestId('panic').click();
    await until('resumed', async () => (await ui.backend.getState())?.panicked === false);
  });

  it('logged no console errors in the page', () => {
    expect(ui.consoleErrors).toEqual([]);
  });
});
