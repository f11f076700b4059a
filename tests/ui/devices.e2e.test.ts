import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveRig } from '../../src/main/rig/live-rig';
import type { Notice } from '../../src/shared/api';
import { FakeBus, x52Info, x52Report } from '../hid/fake-hid';
import { descriptorBytes } from '../hid/fixture-data';
import { startUi, type UiHarness } from '../support/ui-harness';
import { jackRunning, startMetronome, type Metronome } from '../support/jack-metro';
import { until } from '../support/until';

// The Devices menu against a real backend and rig: the output moved to JACK, the audio input
// hearing jack_metro's 440 Hz beeps (level and pitch in the menu), and an X52 on an in-memory
// HID bus calibrated from the menu.

const SHOT = path.resolve('test-results', 'devices.png');
// Needs a JACK server (the test setup starts the dummy one where jackd is installed, as in CI):
// elsewhere there is no audio device to open, and these tests are skipped.
const haveJack = jackRunning();
const ID = '06a3:0255:SN1';

describe.runIf(haveJack)('the Devices menu', () => {
  let ui: UiHarness;
  let rig: LiveRig;
  let metro: Metronome | undefined;
  const bus = new FakeBus();

  beforeAll(async () => {
    ui = await startUi({
      prepare: async (backend) => {
        bus.plug(x52Info('/dev/hidraw3'), descriptorBytes('saitek-x52'));
        rig = await LiveRig.start(backend, { hid: { listDevices: bus.listDevices, open: bus.openDevice, pollIntervalMs: 100 } });
      },
    });
    metro = await startMetronome('axon-ui-metro', { bpm: 100, hz: 440, beepMs: 300 });
    await ui.page.goto(ui.bridge.url);
    await ui.page.getByTestId('devices').click();
    await ui.page.getByTestId('devices-menu').waitFor();
  }, 60_000);

  afterAll(async () => {
    metro?.stop();
    await rig?.close();
    await ui?.close();
  });

  it('moves the sound to JACK and shows its latency', async () => {
    const page = ui.page;
    await until('the device list', async () => (await page.getByTestId('devices-output-select').locator('option').count()) > 1);
    const value = await page.getByTestId('devices-output-select').locator('option', { hasText: 'jack:system (audify' }).getAttribute('value');
    await page.getByTestId('devices-output-select').selectOption(value!);
    await until('audify playing', async () => (await ui.backend.getDevices()).audioOut.sink === 'audify');
    await until('the summary', async () => /jack:system through audify, \d+\.\d ms to the device/.test((await page.getByTestId('devices-output').textContent()) ?? ''));
    expect(await page.getByTestId('devices').textContent()).toContain('jack:system');
  }, 20_000);

  it('changes the buffer: the engine restarts at it, plays on JACK again, and the patch with it', async () => {
    const page = ui.page;
    await page.getByTestId('devices-buffer').selectOption('256');
    await until('the patch at blocks of 256', async () => (await ui.backend.getState())?.blockSize === 256);
    await until('audify again', async () => (await ui.backend.getDevices()).audioOut.sink === 'audify');
    await until('the view to show the buffer', async () => (await page.getByTestId('devices-buffer').inputValue()) === '256');
    expect(await page.getByTestId('devices-buffer').locator('option:checked').textContent()).toBe('256 frames (5.3 ms)');
    await until('sound', async () => (await ui.backend.captureAudio(0.3)).rms > 0.01);
    // Reopen: the same output opened afresh (what a performer tries after a driver hiccup).
    const sinks: string[] = [];
    const onNotice = (n: Notice) => n.type === 'audio' && sinks.push(n.audio.sink);
    ui.backend.on('notice', onNotice);
    await page.getByTestId('devices-output-reopen').click();
    await until('audify reopened', () => sinks.includes('audify'));
    ui.backend.off('notice', onNotice);
  }, 20_000);

  it('listens to an input: the level moves and the pitch reads A4', async () => {
    const page = ui.page;
    await page.getByTestId('devices-input-select').selectOption('jack:system');
    await until('the input on', async () => (await ui.backend.getDevices()).audioIn.state === 'on');
    await metro!.connect('axon-stage-in:inport 0');
    await until('A4 in the menu', async () => (await page.getByTestId('devices-input-pitch').textContent()) === 'A4');
    expect(await page.getByTestId('devices-input').textContent()).toMatch(/^jack:system channel 1/);
  }, 20_000);

  it('calibrates the joystick from the menu', async () => {
    const page = ui.page;
    const row = page.getByTestId('devices-joystick');
    await until('the joystick', async () => (await row.getAttribute('data-id')) === ID);
    await page.getByTestId('joystick-calibrate').click();
    await until('the rest step', async () => /Leave the stick alone/.test((await page.getByTestId('joystick-step').textContent()) ?? ''));
    const dev = bus.device('/dev/hidraw3');
    const restEnd = Date.now() + 1300;
    while (Date.now() < restEnd) {
      dev.send(x52Report(1100, 1000));
      await new Promise((r) => setTimeout(r, 25));
    }
    await until('the sweep step', async () => /both ends/.test((await page.getByTestId('joystick-step').textContent()) ?? ''));
    for (const [x, y] of [[0, 0], [2047, 2047], [1100, 1000]]) dev.send(x52Report(x, y));
    await page.waitForTimeout(300);
    await page.screenshot({ path: SHOT });
    await page.getByTestId('joystick-save').click();
    await until('calibrated', async () => (await row.textContent())?.includes('calibrated') === true && !(await row.textContent())?.includes('not calibrated'));
    expect(await page.getByTestId('joystick-warning').count()).toBeGreaterThan(0);
    expect(existsSync(path.join(ui.dataDir, 'joysticks.json'))).toBe(true);
  }, 20_000);

  it("edits an axis's response: invert and curve reach the device's saved calibration", async () => {
    const page = ui.page;
    await page.getByTestId('joystick-axes').click();
    const x = page.getByTestId('joystick-axis-table').locator('tr[data-axis="x"]');
    await x.getByTestId('axis-invert').check();
    await until('x inverted', async () => (await ui.backend.getDevices()).joysticks?.[0]?.axes.find((a) => a.key === 'x')?.invert === true);
    await x.getByTestId('axis-curve').fill('2.5');
    await x.getByTestId('axis-curve').press('Enter');
    await until('x curve 2.5', async () => (await ui.backend.getDevices()).joysticks?.[0]?.axes.find((a) => a.key === 'x')?.curve === 2.5);
    // Out of range: refused by the API with a message in the banner, the saved value kept.
    await x.getByTestId('axis-curve').fill('9');
    await x.getByTestId('axis-curve').press('Enter');
    await until('the error banner', async () => /curve/.test((await page.getByTestId('error-banner').textContent().catch(() => '')) ?? ''));
    expect((await ui.backend.getDevices()).joysticks?.[0]?.axes.find((a) => a.key === 'x')?.curve).toBe(2.5);
    expect(ui.consoleErrors).toEqual([]);
  }, 20_000);
});
