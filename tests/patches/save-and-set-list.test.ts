import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, type Notice } from '../../src/shared/api';
import { Backend } from '../../src/main/backend';
import { newProfile, saveProfile } from '../../src/main/drums/profile';
import { readPatch } from '../../src/main/patches/patch-library';
import { layoutPatch } from '../../src/shared/patch/layout';
import { patchWithValues } from '../../src/shared/patch/patch-values';
import { useTempDataDir } from '../support/data-dir';

const dataDir = useTempDataDir('setlist');

describe('patchWithValues: the playing patch written back', () => {
  it('puts each moved parameter where the patch file declares it, and nothing else', () => {
    const { patch } = readPatch('dual-neuron');
    const withMapping = { ...patch, mappings: [{ from: 'joystick.z', to: 'voice.cutoff', min: 200, max: 4000 }] };
    const layout = layoutPatch(withMapping);
    const values = new Map<string, number>([
      ['neurons.a.w.b', -1.5],
      ['neurons.b.w.x', 0.25], // not in the patch file: a new connection
      ['neurons.a.bias', 0.4],
      ['reverb.mix', 0.33],
      ['mappings.0.max', 3000],
      // Left at the value it loaded with: must not appear.
      ['neurons.b.w.a', layout.params[layout.slotOf.get('neurons.b.w.a') ?? -1].initial],
    ]);
    const out = patchWithValues(layout, values);
    expect(out.neurons[0].inputs?.b).toBe(-1.5);
    expect(out.neurons[0].bias).toBe(0.4);
    expect(out.neurons[1].inputs?.x).toBe(0.25);
    expect(out.neurons[1].inputs?.a).toBe(patch.neurons[1].inputs?.a);
    expect(out.reverb?.mix).toBe(0.33);
    expect(out.mappings?.[0]).toEqual({ from: 'joystick.z', to: 'voice.cutoff', min: 200, max: 3000 });
    expect(out.voice).toEqual(patch.voice);
    // The original is untouched, and the result loads with exactly those values.
    expect(patch.neurons[0].inputs?.b).not.toBe(-1.5);
    const again = layoutPatch(out);
    for (const [id, v] of values) expect(again.params[again.slotOf.get(id) ?? -1].initial).toBeCloseTo(v, 12);
  });
});

describe('saving patches and playing a set list', () => {
  let backend: Backend;
  const notices: Notice[] = [];

  beforeAll(async () => {
    backend = await Backend.start({ seed: 3 });
    backend.on('notice', (n) => notices.push(n));
    await backend.loadPatch('dual-neuron');
  }, 30_000);
  afterAll(async () => {
    await backend?.close();
  });

  const call = (method: string, ...args: unknown[]) => answer(backend, method, args);

  it('saves the patch as it plays now, and it loads back that way', async () => {
    await backend.setParam('neurons.a.w.b', -1.25);
    const list = await backend.savePatch('my-duo', 'My duo', false);
    expect(list.find((p) => p.name === 'my-duo')).toMatchObject({ title: 'My duo', origin: 'user' });
    expect((await backend.getState())?.patchName).toBe('my-duo');
    const saved = JSON.parse(readFileSync(path.join(dataDir, 'patches', 'my-duo.json'), 'utf8'));
    expect(saved.neurons[0].inputs.b).toBe(-1.25);
    expect(notices.some((n) => n.type === 'patches')).toBe(true);
    await backend.loadPatch('dual-neuron');
    const state = await backend.loadPatch('my-duo');
    expect(state.params.find((p) => p.id === 'neurons.a.w.b')?.value).toBe(-1.25);
  });

  it('refuses to save over a patch unless told to, and leaves the file as it was', async () => {
    const file = path.join(dataDir, 'patches', 'my-duo.json');
    const before = readFileSync(file, 'utf8');
    await backend.setParam('neurons.a.w.b', 0.5);
    const refused = await call('savePatch', 'my-duo', 'Other', false);
    expect(refused).toMatchObject({ ok: false, error: { code: 'patch_exists' } });
    expect(readFileSync(file, 'utf8')).toBe(before);
    // An example's name would shadow it: the same rule.
    expect(await call('savePatch', 'neural-midi', 'Mine', false)).toMatchObject({ ok: false, error: { code: 'patch_exists' } });
    expect(await call('savePatch', '../escape', 'x', true)).toMatchObject({ ok: false, error: { code: 'request_invalid' } });
    expect(existsSync(path.join(dataDir, 'escape.json'))).toBe(false);
    await backend.savePatch('my-duo', 'My duo', true);
    expect(JSON.parse(readFileSync(file, 'utf8')).neurons[0].inputs.b).toBe(0.5);
  });

  it('duplicates an example into a user patch, never over an existing one', async () => {
    const list = await backend.duplicatePatch('neural-midi', 'midi-2');
    expect(list.find((p) => p.name === 'midi-2')).toMatchObject({ origin: 'user', title: expect.stringMatching(/\(copy\)$/) });
    expect(await call('duplicatePatch', 'neural-midi', 'midi-2')).toMatchObject({ ok: false, error: { code: 'patch_exists' } });
    expect(await call('duplicatePatch', 'no-such', 'x2')).toMatchObject({ ok: false, error: { code: 'patch_not_found' } });
  });

  it('keeps a set list and switches scenes with their drum profiles', async () => {
    saveProfile(newProfile('club'));
    const scenes = [
      { name: 'Intro', patch: 'dual-neuron' },
      { name: 'Drums in', patch: 'neural-midi', drumProfile: 'club' },
      { name: 'Mine', patch: 'my-duo' },
    ];
    expect(await backend.setSetList(scenes)).toEqual({ scenes, current: null });
    expect((await backend.getSetList()).scenes).toEqual(scenes);
    const state = await backend.goToScene(1);
    expect(state.current).toBe(1);
    expect((await backend.getState())?.patchName).toBe('neural-midi');
    expect(backend.drums.state.profile).toBe('club');
    expect(notices.filter((n) => n.type === 'setlist').at(-1)).toEqual({ type: 'setlist', state: { scenes, current: 1 } });
    // Picking a patch by hand leaves the set list.
    await backend.loadPatch('dual-neuron');
    expect((await backend.getSetList()).current).toBeNull();
  });

  it('a scene with a drum profile keeps unsaved table edits as a profile of their own, and says so', async () => {
    const table = { minIntervalMs: 80, points: [1, 43, 85, 127].map((velocity, i) => ({ velocity, forwardUs: 12_000 + 3000 * i, pauseUs: 5000, backUs: 30_000, forwardPwm: 150 + 35 * i, backPwm: 210 })) };
    await backend.drums.editTable(2, table);
    const before = notices.length;
    await backend.goToScene(1);
    expect(backend.drums.state.profile).toBe('club');
    expect(backend.drums.editedDrums).toEqual([]);
    const kept = JSON.parse(readFileSync(path.join(dataDir, 'drums', 'club-unsaved.json'), 'utf8')) as { name: string; drums: { drum: number; table: unknown }[] };
    expect(kept.name).toBe('club-unsaved');
    expect(kept.drums).toEqual([{ drum: 2, table }]);
    expect(notices.slice(before).find((n) => n.type === 'error')).toMatchObject({
      error: { code: 'drum_edits_kept', message: expect.stringMatching(/^the unsaved table edits of drum 2 were kept as drum profile "club-unsaved" before the scene took profile "club"/) },
    });
    // Nothing unsaved: no profile, no message.
    await backend.goToScene(1);
    expect(notices.slice(before).filter((n) => n.type === 'error')).toHaveLength(1);
  });

  it('a scene that cannot play leaves the one playing', async () => {
    await backend.goToScene(0);
    const scenes = (await backend.getSetList()).scenes;
    await backend.setSetList([...scenes, { name: 'Broken', patch: 'gone-patch' }, { name: 'No kit', patch: 'neural-midi', drumProfile: 'missing' }]);
    expect(await call('goToScene', 3)).toMatchObject({ ok: false, error: { code: 'patch_not_found' } });
    expect(await call('goToScene', 4)).toMatchObject({ ok: false, error: { code: 'drum_profile_not_found' } });
    expect(await call('goToScene', 9)).toMatchObject({ ok: false, error: { code: 'scene_unknown', message: 'there is no scene 10: the set list has 5' } });
    expect((await backend.getState())?.patchName).toBe('dual-neuron');
    expect((await backend.getSetList()).current).toBe(0);
  });

  it('a program change plays its scene; one past the end says so', async () => {
    backend.programChange(2);
    await expect.poll(async () => (await backend.getState())?.patchName).toBe('my-duo');
    expect((await backend.getSetList()).current).toBe(2);
    const errors = notices.length;
    backend.programChange(100);
    await expect.poll(() => notices.slice(errors).find((n) => n.type === 'error')).toMatchObject({ error: { code: 'scene_unknown' } });
  });

  it('refuses a bad set list and never overwrites a damaged file', async () => {
    const before = await backend.getSetList();
    const bad = await call('setSetList', [{ name: '', patch: 'x/../y' }]);
    expect(bad).toMatchObject({ ok: false, error: { code: 'request_invalid' } });
    expect(await backend.getSetList()).toEqual(before);

    const file = path.join(dataDir, 'setlist.json');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, '{"format":"axon-setlist","version":1,"scenes":[{"name":"A","patch":"dual-neuron","extra":1}]}');
    expect(await call('getSetList')).toMatchObject({ ok: false, error: { code: 'stored_file_invalid', details: [expect.stringContaining('extra')] } });
    expect(await call('setSetList', [{ name: 'B', patch: 'dual-neuron' }])).toMatchObject({ ok: false, error: { code: 'stored_file_invalid' } });
    expect(readFileSync(file, 'utf8')).toContain('"extra":1');
  });
});
