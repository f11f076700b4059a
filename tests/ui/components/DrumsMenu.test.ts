import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import DrumsMenu from '../../../src/renderer/src/components/DrumsMenu.svelte';
import type { DrumPort, DrumsState, DrumTables } from '../../../src/shared/api';
import type { StrikeTable } from '../../../src/shared/drum-table';
import { ApiError } from '../../../src/shared/api-client';
import { axonError, toErrorPayload } from '../../../src/shared/errors';
import { fakeClient } from './fake-client';

type OnError = (err: unknown, context: string) => void;

const PORTS: DrumPort[] = [
  { path: '/dev/ttyACM0', kind: 'Arduino Uno' },
  { path: '/dev/ttyUSB0', kind: 'CH340 USB serial' },
];
const PROFILES = ['studio', 'stage-left'];

const virtual: DrumsState = { mode: 'virtual', port: null, board: null, profile: null, lastError: null, late: 0 };
const board: DrumsState = { mode: 'board', port: '/dev/ttyACM0', board: { firmware: '1.2.0', shield: 2, drums: 6 }, profile: 'studio', lastError: null, late: 0 };

const TABLE: StrikeTable = { minIntervalMs: 80, points: [{ velocity: 127, forwardUs: 20000, pauseUs: 5000, backUs: 30000, forwardPwm: 255, backPwm: 210 }] };
/** The drums' tables, with the drums listed in `unsaved` edited and not saved. */
const tables = (unsaved: number[] = []): DrumTables => ({
  source: 'board',
  profile: 'studio',
  maxPhaseMs: 60,
  drums: [0, 1, 2, 3].map((drum) => ({ drum, table: TABLE, latency: [], unsaved: unsaved.includes(drum) })),
});

function backend(ports: () => Promise<DrumPort[]> = async () => PORTS, unsaved: number[] = []) {
  return fakeClient({
    listDrumPorts: ports,
    listDrumProfiles: async () => PROFILES,
    getDrumTables: async () => tables(unsaved),
    connectDrums: async (path) => ({ ...virtual, mode: 'connecting', port: path ?? '/dev/ttyACM0' }),
    disconnectDrums: async () => virtual,
    testStrike: async () => undefined,
    useDrumProfile: async (name) => ({ ...virtual, profile: name }),
  });
}

/** Opens the menu and waits for the ports and profiles to be listed. */
async function open(): Promise<HTMLElement> {
  await userEvent.click(screen.getByTestId('drums'));
  const menu = screen.getByRole('dialog', { name: 'Robot drums' });
  await waitFor(() => expect(within(menu).getByTestId('drums-profile').querySelectorAll('option').length).toBeGreaterThan(1));
  return menu;
}

const strikes = () => screen.getAllByTestId(/^drums-strike-/).map((b) => b.textContent);

describe('DrumsMenu', () => {
  it('says in the header and the summary which kit plays', async () => {
    const view = render(DrumsMenu, { drums: virtual, client: backend().client, onerror: () => undefined });
    const stat = screen.getByTestId('drums');
    expect(stat.textContent).toContain('virtual');
    await open();
    expect(screen.getByTestId('drums-summary').textContent).toBe('No board: the synthesized kit plays every drum');
    await view.rerender({ drums: { ...virtual, mode: 'connecting', port: '/dev/ttyACM0' } });
    expect(screen.getByTestId('drums-summary').textContent).toBe('Looking for the board on /dev/ttyACM0; the synthesized kit plays meanwhile');
    expect(stat.querySelector('.warn')).not.toBeNull();
    await view.rerender({ drums: board });
    expect(screen.getByTestId('drums-summary').textContent).toBe('Board on /dev/ttyACM0: firmware 1.2.0, shield v2, drums 0-5');
    expect(stat.textContent).toContain('board');
  });

  it('lists the USB ports and fills in the first one', async () => {
    render(DrumsMenu, { drums: virtual, client: backend().client, onerror: () => undefined });
    const menu = await open();
    expect(within(menu).getByTestId<HTMLInputElement>('drums-port').value).toBe('/dev/ttyACM0');
    expect([...menu.querySelectorAll('datalist option')].map((o) => [o.getAttribute('value'), o.textContent])).toEqual([
      ['/dev/ttyACM0', 'Arduino Uno'],
      ['/dev/ttyUSB0', 'CH340 USB serial'],
    ]);
  });

  it('connects to the port typed in, or to the first board found when the field is empty', async () => {
    const fake = backend();
    render(DrumsMenu, { drums: virtual, client: fake.client, onerror: () => undefined });
    await open();
    const port = screen.getByTestId('drums-port');
    expect(screen.getByTestId('drums-connect').textContent).toBe('Connect');
    await userEvent.clear(port);
    await userEvent.type(port, ' /dev/ttyUSB0 ');
    await userEvent.click(screen.getByTestId('drums-connect'));
    await userEvent.clear(port);
    await userEvent.click(screen.getByTestId('drums-connect'));
    expect(fake.argsOf('connectDrums')).toEqual([['/dev/ttyUSB0'], [null]]);
  });

  it('disconnects only when there is a board to let go of', async () => {
    const fake = backend();
    const view = render(DrumsMenu, { drums: virtual, client: fake.client, onerror: () => undefined });
    await open();
    expect(screen.getByTestId<HTMLButtonElement>('drums-disconnect').disabled).toBe(true);
    await view.rerender({ drums: board });
    expect(screen.getByTestId('drums-connect').textContent).toBe('Reconnect');
    await userEvent.click(screen.getByTestId('drums-disconnect'));
    expect(fake.argsOf('disconnectDrums')).toEqual([[]]);
  });

  it('offers a test strike per drum: four without a board, as many as the board has', async () => {
    const fake = backend();
    const view = render(DrumsMenu, { drums: virtual, client: fake.client, onerror: () => undefined });
    await open();
    expect(strikes()).toEqual(['0', '1', '2', '3']);
    await view.rerender({ drums: board });
    expect(strikes()).toEqual(['0', '1', '2', '3', '4', '5']);
    await userEvent.click(screen.getByTestId('drums-strike-5'));
    expect(fake.argsOf('testStrike')).toEqual([[5, 100]]);
  });

  it('uses the chosen drum profile, and none', async () => {
    const fake = backend();
    render(DrumsMenu, { drums: board, client: fake.client, onerror: () => undefined });
    await open();
    const profile = screen.getByTestId<HTMLSelectElement>('drums-profile');
    expect([...profile.options].map((o) => o.textContent)).toEqual(['none', 'studio', 'stage-left']);
    expect(profile.value).toBe('studio');
    await userEvent.selectOptions(profile, 'stage-left');
    await waitFor(() => expect(profile.disabled).toBe(false));
    await userEvent.selectOptions(profile, 'none');
    expect(fake.argsOf('useDrumProfile')).toEqual([['stage-left'], [null]]);
  });

  it('asks before another profile drops unsaved table edits', async () => {
    const fake = backend(undefined, [1, 3]);
    render(DrumsMenu, { drums: board, client: fake.client, onerror: () => undefined });
    await open();
    const profile = screen.getByTestId<HTMLSelectElement>('drums-profile');
    await waitFor(() => expect(fake.argsOf('getDrumTables')).toHaveLength(1));
    await userEvent.selectOptions(profile, 'stage-left');
    // Nothing switched yet, and the select still shows the profile in use.
    expect(fake.argsOf('useDrumProfile')).toEqual([]);
    expect(profile.value).toBe('studio');
    expect(screen.getByTestId('drums-profile-warning').textContent).toContain('Drum 1, 3 have unsaved edits: "stage-left" would drop them');
    await userEvent.click(screen.getByRole('button', { name: 'Keep the edits' }));
    expect(screen.queryByTestId('drums-profile-warning')).toBeNull();
    await userEvent.selectOptions(profile, 'none');
    await userEvent.click(screen.getByTestId('drums-profile-switch'));
    await waitFor(() => expect(fake.argsOf('useDrumProfile')).toEqual([[null]]));
    expect(screen.queryByTestId('drums-profile-warning')).toBeNull();
  });

  it('shows the board\'s last problem and late strikes', async () => {
    const trouble: DrumsState = { ...board, lastError: toErrorPayload(axonError('drum_no_answer', 3)), late: 7 };
    render(DrumsMenu, { drums: trouble, client: backend().client, onerror: () => undefined });
    const menu = await open();
    expect(within(menu).getByText('Last problem: the drum board stopped answering (3 heartbeats missed)')).toBeTruthy();
    expect(within(menu).getByText('7 strikes landed late')).toBeTruthy();
  });

  it('shows why ports could not be listed, and says so when none was found', async () => {
    const failing = backend(() => Promise.reject(new ApiError(toErrorPayload(axonError('drum_port_list', 'permission denied')))));
    const view = render(DrumsMenu, { drums: virtual, client: failing.client, onerror: () => undefined });
    let menu = await open();
    expect(within(menu).getByText('cannot list serial ports (permission denied); give the port path instead')).toBeTruthy();
    view.unmount();
    render(DrumsMenu, { drums: virtual, client: backend(async () => []).client, onerror: () => undefined });
    menu = await open();
    expect(within(menu).getByText('No board found on USB; type its port.')).toBeTruthy();
    expect(within(menu).getByTestId<HTMLInputElement>('drums-port').value).toBe('');
  });

  it('reports refused actions and an unreadable profile list through onerror', async () => {
    const refusal = new ApiError(toErrorPayload(axonError('drum_not_connected', 'connecting')));
    const onerror = vi.fn<OnError>();
    const fake = fakeClient({
      listDrumPorts: async () => PORTS,
      listDrumProfiles: () => Promise.reject(new Error('profiles folder unreadable')),
      getDrumTables: async () => tables(),
      testStrike: () => Promise.reject(refusal),
    });
    render(DrumsMenu, { drums: virtual, client: fake.client, onerror });
    await userEvent.click(screen.getByTestId('drums'));
    await waitFor(() => expect(onerror).toHaveBeenCalledWith(new Error('profiles folder unreadable'), 'Could not list drum profiles'));
    await userEvent.click(screen.getByTestId('drums-strike-2'));
    await waitFor(() => expect(onerror).toHaveBeenLastCalledWith(refusal, 'Could not strike drum 2'));
  });
});
