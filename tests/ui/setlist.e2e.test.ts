import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMidiBinding } from '../../src/main/midi/midi-binding';
import { MidiPorts } from '../../src/main/midi/midi-ports';
import { RtMidiBackend } from '../../src/main/midi/rtmidi-backend';
import { LiveRig } from '../../src/main/rig/live-rig';
import { brightPixels } from '../support/canvas-pixels';
import { ROOT } from '../support/engine-harness';
import { jackRunning } from '../support/jack-metro';
import { startUi, type UiHarness } from '../support/ui-harness';
import { until } from '../support/until';

// Patches and scenes in the browser against the real engine and rig: save the playing patch,
// build a set list, switch scenes by key, by pedal (Page Up/Down) and by a MIDI program change
// sent through JACK from another program; the help overlay, the stage theme, the scopes.

const SHOT = path.resolve('test-results', 'setlist.png');
const HELP_SHOT = path.resolve('test-results', 'help.png');
const STAGE_SHOT = path.resolve('test-results', 'stage.png');
const VIRTUAL = 'SetList UI';
const haveJack = process.platform === 'linux' && jackRunning();

describe.runIf(haveJack)('patches and scenes', () => {
  let ui: UiHarness;
  let rig: LiveRig;
  let midi: MidiPorts;

  beforeAll(async () => {
    ui = await startUi({
      prepare: async (backend) => {
        rig = await LiveRig.start(backend, { midi: { input: null, ports: { pollMs: 100, virtualName: VIRTUAL } } });
      },
    });
    midi = new MidiPorts({ createBackend: () => new RtMidiBackend(loadMidiBinding(ROOT, { AXON_MIDI_BACKEND: 'jack' })), pollMs: 100, virtualName: 'SetList pedal' });
    midi.start();
    await ui.page.goto(ui.bridge.url);
    await ui.page.getByTestId('patch-picker').waitFor();
  }, 90_000);

  afterAll(async () => {
    midi?.stop();
    await rig?.close();
    await ui?.close();
  });

  const sceneNow = () => ui.page.getByTestId('scene-now').textContent();
  const playing = async () => (await ui.backend.getState())?.patchName;

  it('saves the playing patch with a moved weight under a name made from its title', async () => {
    const page = ui.page;
    await ui.backend.setParam('neurons.a.w.b', -1.75);
    await page.keyboard.press('s');
    await page.getByTestId('setlist-view').waitFor();
    await page.getByTestId('save-title').fill('Night Duo #2');
    expect(await page.getByTestId('save-name').inputValue()).toBe('night-duo-2');
    await page.getByTestId('save-patch').click();
    await page.getByTestId('patch-list').getByText('Night Duo #2').waitFor();
    const saved = JSON.parse(readFileSync(path.join(ui.dataDir, 'patches', 'night-duo-2.json'), 'utf8'));
    expect(saved.neurons[0].inputs.b).toBe(-1.75);
    expect(await playing()).toBe('night-duo-2');
    // Saving again under that name asks to save over it.
    expect(await page.getByTestId('save-patch').textContent()).toBe('Save over');
  }, 20_000);

  it('builds a set list that is kept on disk', async () => {
    const page = ui.page;
    await page.getByTestId('add-scene').click();
    await page.getByTestId('scene-1').waitFor();
    await page.getByTestId('patch-list').locator('li', { hasText: 'Neural MIDI' }).getByRole('button', { name: 'Load' }).click();
    await until('neural-midi playing', async () => (await playing()) === 'neural-midi');
    await page.getByTestId('add-scene').click();
    await page.getByLabel('Scene 2 name').fill('Drums in');
    await page.getByLabel('Scene 2 name').press('Tab');
    await until('the set list saved', () => {
      const file = path.join(ui.dataDir, 'setlist.json');
      return existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).scenes[1]?.name === 'Drums in';
    });
    const scenes = JSON.parse(readFileSync(path.join(ui.dataDir, 'setlist.json'), 'utf8')).scenes;
    expect(scenes).toEqual([
      { name: 'Night Duo #2', patch: 'night-duo-2' },
      { name: 'Drums in', patch: 'neural-midi' },
    ]);
  }, 20_000);

  it('switches scenes by key, by pedal and by a MIDI program change', async () => {
    const page = ui.page;
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await page.keyboard.press('1');
    await until('scene 1 playing', async () => (await playing()) === 'night-duo-2' && (await sceneNow())?.includes('1/2 Night Duo #2') === true);
    expect(await page.getByTestId('scene-1').getAttribute('class')).toContain('playing');
    await page.keyboard.press('PageDown');
    await until('scene 2 by pedal', async () => (await playing()) === 'neural-midi' && (await sceneNow())?.includes('2/2 Drums in') === true);
    await page.keyboard.press('PageUp');
    await until('scene 1 by pedal', async () => (await playing()) === 'night-duo-2');

    // Another program's MIDI output, through JACK, into our virtual input.
    const out = midi.openOutput(`${VIRTUAL} in`);
    await until('our MIDI input port', () => out.isOpen);
    const end = Date.now() + 8000;
    // Sent again until heard: JACK connects a newly seen port on its own schedule.
    while ((await playing()) !== 'neural-midi') {
      if (Date.now() > end) throw new Error('program change 1 never switched the scene');
      out.send([0xc4, 1]);
      await new Promise((r) => setTimeout(r, 300));
    }
    await until('the strip to follow', async () => (await sceneNow())?.includes('2/2 Drums in') === true);
    expect(await page.getByTestId('patch-picker').inputValue()).toBe('neural-midi');
    // A program with no scene says so, and the scene plays on.
    out.send([0xc0, 40]);
    await page.getByTestId('error-banner').getByText('there is no scene 41: the set list has 2').waitFor();
    expect(await playing()).toBe('neural-midi');
    await page.screenshot({ path: SHOT });
  }, 30_000);

  it('listens to a MIDI input chosen in the Devices menu: a program change from it switches scenes', async () => {
    const page = ui.page;
    // The pedal program's own output, not connected to our virtual input: heard only once chosen.
    const pedal = midi.openVirtualOutput();
    await page.getByTestId('devices').click();
    const select = page.getByTestId('devices-midi-input');
    await until('the pedal in the list', async () => (await select.locator('option', { hasText: 'SetList pedal out' }).count()) > 0);
    const value = (await select.locator('option', { hasText: 'SetList pedal out' }).first().getAttribute('value'))!;
    await select.selectOption(value);
    await until('the input open', async () => (await ui.backend.getDevices()).midi.inputOpen);
    await until('the view to show the input', async () => (await page.getByTestId('devices-midi').textContent())?.includes(`in from ${value}`));
    expect(JSON.parse(readFileSync(path.join(ui.dataDir, 'settings.json'), 'utf8'))).toMatchObject({ midiIn: value });
    await page.getByTestId('devices').click();
    await page.getByTestId('devices-menu').waitFor({ state: 'detached' });
    const end = Date.now() + 8000;
    while ((await playing()) !== 'night-duo-2') {
      if (Date.now() > end) throw new Error('program change 0 from the chosen input never switched the scene');
      pedal.send([0xc0, 0]);
      await new Promise((r) => setTimeout(r, 300));
    }
    await until('scene 1', async () => (await sceneNow())?.includes('1/2 Night Duo #2') === true);
    // Back to scene 2 for the tests after this one.
    pedal.send([0xc0, 1]);
    await until('scene 2 again', async () => (await playing()) === 'neural-midi');
    pedal.close();
  }, 30_000);

  it('lists the shortcuts in the help overlay; any key closes it', async () => {
    const page = ui.page;
    await page.keyboard.press('?');
    const help = page.getByTestId('help');
    await help.waitFor();
    const text = (await help.textContent()) ?? '';
    for (const item of ['Panic', 'Next scene', 'Open Set list', 'Open Perform', 'Stage theme']) expect(text).toContain(item);
    await page.screenshot({ path: HELP_SHOT });
    await page.keyboard.press('x');
    await help.waitFor({ state: 'detached' });
  }, 15_000);

  it('stage theme and scopes: black ground, the scopes draw the master and a chosen neuron', async () => {
    const page = ui.page;
    await page.keyboard.press('p');
    await page.keyboard.press('t');
    expect(await page.locator('html').getAttribute('data-theme')).toBe('stage');
    expect(await page.evaluate('getComputedStyle(document.documentElement).backgroundColor')).toBe('rgb(0, 0, 0)');
    await page.getByTestId('scope-1').selectOption('c');
    await until('the engine showing neuron c on scope 1', () => ui.seen.at(-1)?.scope.neurons[0].neuron === 2);
    await page.getByTestId('scope-time').selectOption({ label: '85 ms' });
    await until('the longer time base', () => ui.seen.at(-1)?.scope.timeBase === 16);
    // Lit pixels in each third of the scopes, as shown: the master, then each neuron trace.
    // Traces are bright; the centre lines (#2a3340) are not. Drawn by the page's drawing worker.
    const scopes = page.getByTestId('scopes');
    expect(await scopes.getAttribute('data-drawn-in')).toBe('worker');
    const lit = await brightPixels(page, scopes, 3, [page.getByTestId('scope-time')]);
    expect(lit.length).toBe(3);
    for (const n of lit) expect(n).toBeGreaterThan(100);
    await page.screenshot({ path: STAGE_SHOT });
    // Kept for the next visit.
    await page.reload();
    await page.getByTestId('patch-picker').waitFor();
    expect(await page.locator('html').getAttribute('data-theme')).toBe('stage');
    expect(ui.consoleErrors).toEqual([]);
  }, 20_000);
});
