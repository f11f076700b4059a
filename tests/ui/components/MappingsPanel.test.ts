import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import MappingsPanel from '../../../src/renderer/src/components/MappingsPanel.svelte';
import type { EngineState } from '../../../src/shared/api';
import { ApiError } from '../../../src/shared/api-client';
import { toErrorPayload } from '../../../src/shared/errors';
import type { PatchMapping } from '../../../src/shared/patch/schema';
import { fakeClient } from './fake-client';
import { engineState } from './fixtures';

type OnError = (err: unknown, context: string) => void;

// The dual-neuron example with one mapping: joystick X sweeps the cutoff over part of its range.
const CUTOFF: PatchMapping = { from: 'joystick.x', to: 'voice.cutoff', min: 200, max: 4000 };

afterEach(() => {
  vi.useRealTimers();
});

/**
 * The panel against a backend that checks mappings the way a patch load does: a valid list
 * reloads the patch and every UI gets the new state (here: the panel's props), an invalid one is
 * refused with one detail per problem.
 */
function panel(mappings: PatchMapping[] = [CUTOFF], opts: { onerror?: OnError; learning?: string | null } = {}) {
  const onerror = opts.onerror ?? vi.fn<OnError>();
  let engine = engineState('dual-neuron', mappings, opts.learning ?? null);
  const fake = fakeClient({
    setMappings: async (list) => {
      try {
        engine = engineState('dual-neuron', list, engine.learning);
      } catch (err) {
        throw new ApiError(toErrorPayload(err));
      }
      await view.rerender({ engine });
      return engine;
    },
    learnMapping: async () => undefined,
    cancelLearn: async () => undefined,
  });
  const view = render(MappingsPanel, { engine, client: fake.client, onerror });
  return { fake, view, onerror, engine: () => engine };
}

async function openSheet(): Promise<HTMLElement> {
  await userEvent.click(screen.getByTestId('mappings-edit'));
  return screen.getByRole('dialog', { name: 'Mappings' });
}

const rows = () => screen.queryAllByTestId('mapping-row');
const field = (name: string, row = 0) => within(rows()[row]).getByTestId<HTMLInputElement>(`mapping-${name}`);
/** What a row shows: source, destination, min, max, curve, smoothing, invert. */
const shown = (row = 0) => [field('source', row).value, field('dest', row).value, field('min', row).value, field('max', row).value, field('curve', row).value, field('smoothing', row).value, field('invert', row).checked];

/** Replaces a text field's content as a performer types it, then leaves the field. */
async function retype(input: HTMLElement, text: string): Promise<void> {
  await userEvent.clear(input);
  if (text) await userEvent.type(input, text);
  await userEvent.tab();
}

describe('MappingsPanel', () => {
  it('shows how many mappings there are, and the table on Edit', async () => {
    panel();
    expect(screen.getByTestId('mappings-count').textContent).toBe('1');
    expect(screen.getByTestId('mappings-count').getAttribute('title')).toBe('joystick.x \u2192 voice.cutoff');
    expect(screen.queryByTestId('mappings-sheet')).toBeNull();
    await openSheet();
    expect(screen.getByTestId('mappings-edit').textContent?.trim()).toBe('Close');
    expect(rows()).toHaveLength(1);
    expect(shown()).toEqual(['joystick.x', 'voice.cutoff', '200', '4000', '1', '20', false]);
  });

  it('closes the table on Escape and with its close button', async () => {
    panel();
    await openSheet();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByTestId('mappings-sheet')).toBeNull();
    await openSheet();
    await userEvent.click(screen.getByRole('button', { name: 'Close mappings' }));
    expect(screen.queryByTestId('mappings-sheet')).toBeNull();
  });

  it('sends an edited min when the field is left', async () => {
    const { fake } = panel();
    await openSheet();
    await retype(field('min'), '300');
    expect(fake.argsOf('setMappings')).toEqual([[[{ ...CUTOFF, min: 300 }]]]);
    expect(field('min').value).toBe('300');
  });

  it('sends typing once it rests, not per keystroke', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const user = userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) });
    const { fake } = panel();
    await user.click(screen.getByTestId('mappings-edit'));
    await user.clear(field('max'));
    await user.type(field('max'), '8000');
    expect(fake.argsOf('setMappings')).toEqual([]);
    await vi.advanceTimersByTimeAsync(700);
    expect(fake.argsOf('setMappings')).toEqual([[[{ ...CUTOFF, max: 8000 }]]]);
  });

  it('marks a field that is not a number and sends nothing until it is one', async () => {
    const { fake } = panel();
    await openSheet();
    await retype(field('max'), '4k');
    expect(fake.argsOf('setMappings')).toEqual([]);
    expect(field('max').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('status').textContent).toBe('Row 1: Max "4k" is not a number');
    await retype(field('max'), '4500');
    expect(screen.queryByRole('status')).toBeNull();
    expect(field('max').getAttribute('aria-invalid')).toBe('false');
    expect(fake.argsOf('setMappings')).toEqual([[[{ ...CUTOFF, max: 4500 }]]]);
  });

  it('reports a value the backend refuses and shows the mapping as the backend still has it', async () => {
    const onerror = vi.fn<OnError>();
    const { fake } = panel([CUTOFF], { onerror });
    await openSheet();
    await retype(field('min'), '5');
    expect(fake.argsOf('setMappings')).toEqual([[[{ ...CUTOFF, min: 5 }]]]);
    await waitFor(() => expect(onerror).toHaveBeenCalledTimes(1));
    const [err, context] = onerror.mock.calls[0];
    expect(context).toBe('Could not change the mappings');
    expect(err).toBeInstanceOf(ApiError);
    const details = err instanceof ApiError ? err.details : [];
    expect(details).toHaveLength(1);
    expect(details[0]).toMatch(/^mappings\[0\]\.min: 5 is outside the range of "voice\.cutoff"/);
    await waitFor(() => expect(field('min').value).toBe('200'));
  });

  it('removes a mapping', async () => {
    const { fake } = panel([CUTOFF, { from: 'pad.y', to: 'voice.pitch' }]);
    await openSheet();
    await userEvent.click(screen.getByRole('button', { name: 'Remove the mapping to voice.cutoff' }));
    expect(fake.argsOf('setMappings')).toEqual([[[{ from: 'pad.y', to: 'voice.pitch' }]]]);
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(field('dest').value).toBe('voice.pitch');
    expect(screen.getByTestId('mappings-count').textContent).toBe('1');
  });

  it('removes a mapping even while another row holds a half-typed number', async () => {
    const { fake } = panel([CUTOFF, { from: 'pad.y', to: 'voice.pitch' }]);
    await openSheet();
    await userEvent.clear(field('min', 1));
    await userEvent.type(field('min', 1), '-');
    await userEvent.click(screen.getByRole('button', { name: 'Remove the mapping to voice.cutoff' }));
    // The other mapping goes as the backend has it, not with the "-".
    expect(fake.argsOf('setMappings')).toEqual([[[{ from: 'pad.y', to: 'voice.pitch' }]]]);
  });

  it('says so when there is no mapping left', async () => {
    panel();
    await openSheet();
    await userEvent.click(screen.getByTestId('mapping-remove'));
    await waitFor(() => expect(rows()).toHaveLength(0));
    expect(screen.getByText(/No mappings yet/)).toBeTruthy();
    expect(screen.getByTestId('mappings-count').textContent).toBe('0');
  });

  it('adds a mapping from the chosen source to the chosen parameter over its whole range', async () => {
    const { fake } = panel();
    const sheet = await openSheet();
    const dest = within(sheet).getByTestId<HTMLSelectElement>('mapping-new-dest');
    // A parameter another mapping drives cannot be chosen again.
    expect(within(dest).getByRole<HTMLOptionElement>('option', { name: 'voice.cutoff' }).disabled).toBe(true);
    await userEvent.selectOptions(within(sheet).getByTestId('mapping-new-source'), 'pad.y');
    await userEvent.selectOptions(dest, 'voice.pitch');
    await userEvent.click(within(sheet).getByTestId('mapping-add'));
    expect(fake.argsOf('setMappings')).toEqual([[[CUTOFF, { from: 'pad.y', to: 'voice.pitch' }]]]);
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(shown(1)).toEqual(['pad.y', 'voice.pitch', '20', '5000', '1', '20', false]);
  });

  it('adds a MIDI CC mapping with the number typed', async () => {
    const { fake } = panel([]);
    const sheet = await openSheet();
    await userEvent.selectOptions(within(sheet).getByTestId('mapping-new-source'), 'MIDI CC #');
    await retype(within(sheet).getByRole('textbox', { name: 'CC number' }), '74');
    await userEvent.selectOptions(within(sheet).getByTestId('mapping-new-dest'), 'voice.cutoff');
    await userEvent.click(within(sheet).getByTestId('mapping-add'));
    expect(fake.argsOf('setMappings')).toEqual([[[{ from: 'midi.cc74', to: 'voice.cutoff' }]]]);
  });

  it('turns a row\'s source into MIDI CC 1 and then into the CC typed', async () => {
    const { fake } = panel();
    await openSheet();
    await userEvent.selectOptions(field('source'), 'MIDI CC #');
    expect(field('cc').value).toBe('1');
    await retype(field('cc'), '74');
    expect(fake.argsOf('setMappings').map(([list]) => list[0].from)).toEqual(['midi.cc1', 'midi.cc74']);
    await retype(field('cc'), '200');
    expect(screen.getByRole('status').textContent).toBe('Row 1: MIDI CC number must be a whole number 0..127, got "200"');
    expect(fake.argsOf('setMappings')).toHaveLength(2);
  });

  it('gives an LFO source its shape and rate', async () => {
    const { fake } = panel();
    await openSheet();
    await userEvent.selectOptions(field('source'), 'LFO');
    await userEvent.selectOptions(field('lfo-shape'), 'triangle');
    await retype(field('lfo-rate'), '0.25');
    const sent = fake.argsOf('setMappings').map(([list]) => list[0]);
    expect(sent).toEqual([
      { ...CUTOFF, from: 'lfo', lfo: { shape: 'sine' } },
      { ...CUTOFF, from: 'lfo', lfo: { shape: 'triangle' } },
      { ...CUTOFF, from: 'lfo', lfo: { shape: 'triangle', rate: 0.25 } },
    ]);
  });

  it('starts min and max again from the new destination\'s range', async () => {
    const { fake } = panel();
    await openSheet();
    await userEvent.selectOptions(field('dest'), 'voice.pitch');
    expect(fake.argsOf('setMappings')).toEqual([[[{ from: 'joystick.x', to: 'voice.pitch' }]]]);
    await waitFor(() => expect([field('min').value, field('max').value]).toEqual(['20', '5000']));
  });

  it('inverts a mapping', async () => {
    const { fake } = panel();
    await openSheet();
    await userEvent.click(field('invert'));
    expect(fake.argsOf('setMappings')).toEqual([[[{ ...CUTOFF, invert: true }]]]);
  });

  it('keeps unsent typing through a notice that does not change the mappings, drops it for another patch', async () => {
    const { view, engine } = panel();
    await openSheet();
    await userEvent.clear(field('min'));
    await userEvent.type(field('min'), '35');
    // Another notice (audio, learning) with the same mappings, as new objects.
    await view.rerender({ engine: { ...engine(), mappings: engine().mappings.map((m) => ({ ...m })), panicked: true } });
    expect(field('min').value).toBe('35');
    const other: EngineState = { ...engine(), patchName: 'dual-neuron (copy)', mappings: engine().mappings.map((m) => ({ ...m })) };
    await view.rerender({ engine: other });
    expect(field('min').value).toBe('200');
  });

  it('arms learning for a row and for the new mapping\'s parameter', async () => {
    const { fake } = panel();
    const sheet = await openSheet();
    await userEvent.click(field('learn'));
    await userEvent.selectOptions(within(sheet).getByTestId('mapping-new-dest'), 'voice.pitch');
    await userEvent.click(within(sheet).getByTestId('mapping-new-learn'));
    expect(fake.argsOf('learnMapping')).toEqual([['voice.cutoff'], ['voice.pitch']]);
  });

  it('while learning, says to move a control and cancels from the bar', async () => {
    const { fake } = panel([CUTOFF], { learning: 'voice.cutoff' });
    expect(screen.getByTestId('learn-status').textContent).toBe('move a control…');
    expect(screen.queryByTestId('mappings-edit')).toBeNull();
    await userEvent.click(screen.getByTestId('learn-cancel'));
    expect(fake.argsOf('cancelLearn')).toHaveLength(1);
  });

  it('shows the armed row\'s Learn as Stop, which cancels', async () => {
    const { fake, view, engine } = panel();
    await openSheet();
    await view.rerender({ engine: { ...engine(), learning: 'voice.cutoff' } });
    const learn = field('learn');
    expect(learn.textContent?.trim()).toBe('Stop');
    expect(learn.getAttribute('aria-pressed')).toBe('true');
    expect(rows()[0].classList.contains('armed')).toBe(true);
    await userEvent.click(learn);
    expect(fake.argsOf('cancelLearn')).toHaveLength(1);
    expect(fake.argsOf('learnMapping')).toEqual([]);
  });

  it('reports a refused Learn through onerror', async () => {
    const onerror = vi.fn<OnError>();
    const refusal = new ApiError({ code: 'rig_off', message: 'this app runs without the live rig', details: [] });
    render(MappingsPanel, {
      engine: engineState('dual-neuron', [CUTOFF]),
      client: fakeClient({ learnMapping: () => Promise.reject(refusal) }).client,
      onerror,
    });
    await openSheet();
    await userEvent.click(field('learn'));
    await waitFor(() => expect(onerror).toHaveBeenCalledWith(refusal, 'Could not learn a mapping to voice.cutoff'));
  });
});
