import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import SetListView from '../../../src/renderer/src/views/SetListView.svelte';
import HelpOverlay from '../../../src/renderer/src/components/HelpOverlay.svelte';
import type { PatchInfo } from '../../../src/shared/api';
import { ApiError } from '../../../src/shared/api-client';
import { axonError, toErrorPayload } from '../../../src/shared/errors';
import type { Scene, SetListState } from '../../../src/shared/set-list';
import { fakeClient } from './fake-client';
import { engineState } from './fixtures';

const PATCHES: PatchInfo[] = [
  { name: 'dual-neuron', title: 'Dual Neuron', description: '', origin: 'example' },
  { name: 'neural-midi', title: 'Neural MIDI', description: '', origin: 'example' },
  { name: 'my-duo', title: 'My duo', description: '', origin: 'user' },
];

function backend(scenes: Scene[] = []) {
  return fakeClient({
    listDrumProfiles: async () => ['club'],
    savePatch: async () => PATCHES,
    duplicatePatch: async () => PATCHES,
    loadPatch: async () => engineState('dual-neuron'),
    setSetList: async (next: Scene[]): Promise<SetListState> => ({ scenes: next, current: null }),
    goToScene: async (i: number): Promise<SetListState> => ({ scenes, current: i }),
  });
}

const errors: string[] = [];
const onerror = (err: unknown, context?: string) => errors.push(`${context}: ${err instanceof Error ? err.message : String(err)}`);

describe('SetListView', () => {
  it('offers to save an example under a free name made from the title, and a user patch over itself', async () => {
    const b = backend();
    const engine = engineState('dual-neuron');
    const view = render(SetListView, { client: b.client, engine, patches: PATCHES, setList: { scenes: [], current: null }, onerror });
    const name = screen.getByTestId<HTMLInputElement>('save-name');
    expect(screen.getByTestId<HTMLInputElement>('save-title').value).toBe(engine.patch.name);
    // "Dual Neuron" is an example: saving it makes a new user patch, never over the example.
    expect(name.value).toBe('dual-neuron-2');
    expect(screen.getByTestId('save-patch').textContent).toBe('Save');
    await userEvent.clear(screen.getByTestId('save-title'));
    await userEvent.type(screen.getByTestId('save-title'), 'Late set');
    expect(name.value).toBe('late-set');
    await userEvent.click(screen.getByTestId('save-patch'));
    expect(b.argsOf('savePatch')).toEqual([['late-set', 'Late set', false]]);

    // Playing a user patch: Save keeps its name and saves over it.
    await view.rerender({ engine: { ...engineState('dual-neuron'), patchName: 'my-duo', patch: { ...engine.patch, name: 'My duo' } } });
    await waitFor(() => expect(name.value).toBe('my-duo'));
    expect(screen.getByTestId('save-patch').textContent).toBe('Save over');
    await userEvent.click(screen.getByTestId('save-patch'));
    expect(b.argsOf('savePatch').at(-1)).toEqual(['my-duo', 'My duo', true]);
  });

  it('refuses a name the backend would refuse, saying why', async () => {
    render(SetListView, { client: backend().client, engine: engineState('dual-neuron'), patches: PATCHES, setList: null, onerror });
    await userEvent.clear(screen.getByTestId('save-name'));
    await userEvent.type(screen.getByTestId('save-name'), '../x');
    expect(screen.getByTestId<HTMLButtonElement>('save-patch').disabled).toBe(true);
    expect(screen.getByText(/Name: letters, digits/)).toBeTruthy();
  });

  it('adds the playing patch as a scene, edits, moves and plays scenes', async () => {
    const scenes: Scene[] = [
      { name: 'Intro', patch: 'dual-neuron' },
      { name: 'Drums', patch: 'neural-midi', drumProfile: 'club' },
    ];
    const b = backend(scenes);
    render(SetListView, { client: b.client, engine: engineState('dual-neuron'), patches: PATCHES, setList: { scenes, current: 1 }, onerror });
    expect(screen.getByTestId('scene-2').className).toContain('playing');
    await userEvent.click(screen.getByTestId('add-scene'));
    expect(b.argsOf('setSetList').at(-1)?.[0]).toEqual([...scenes, { name: engineState('dual-neuron').patch.name, patch: 'dual-neuron' }]);
    await userEvent.click(screen.getByRole('button', { name: 'Move scene 2 up' }));
    expect(b.argsOf('setSetList').at(-1)?.[0].map((s) => s.name)).toEqual(['Drums', 'Intro']);
    // "Drums as they are" removes the scene's profile.
    await userEvent.selectOptions(screen.getByLabelText('Scene 2 drum profile'), '');
    expect(b.argsOf('setSetList').at(-1)?.[0][1]).toEqual({ name: 'Drums', patch: 'neural-midi' });
    await userEvent.click(screen.getByTestId('play-scene-1'));
    expect(b.argsOf('goToScene')).toEqual([[0]]);
  });

  it('shows a scene whose patch is gone as missing, and a failed switch reaches the banner', async () => {
    const scenes: Scene[] = [{ name: 'Old', patch: 'deleted-one' }];
    const b = fakeClient({
      listDrumProfiles: async () => [],
      goToScene: async () => {
        throw new ApiError(toErrorPayload(axonError('patch_not_found', 'deleted-one')));
      },
    });
    errors.length = 0;
    render(SetListView, { client: b.client, engine: engineState('dual-neuron'), patches: PATCHES, setList: { scenes, current: null }, onerror });
    const patch = within(screen.getByTestId('scene-1')).getByLabelText<HTMLSelectElement>('Scene 1 patch');
    expect(patch.selectedOptions[0].textContent).toBe('deleted-one (missing)');
    await userEvent.click(screen.getByTestId('play-scene-1'));
    await waitFor(() => expect(errors).toEqual(['Could not play scene 1: no patch named "deleted-one" (see the patch list)']));
  });
});

describe('HelpOverlay', () => {
  it('lists every shortcut and closes on a click', async () => {
    let closed = 0;
    render(HelpOverlay, { onclose: () => closed++ });
    const help = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    for (const text of ['Esc', 'Page Down', 'Open Perform', 'Open Set list', 'Stage theme']) expect(help.textContent).toContain(text);
    await userEvent.click(help.parentElement as HTMLElement);
    expect(closed).toBe(1);
  });
});
