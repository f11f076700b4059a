import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import RecordView from '../../../src/renderer/src/views/RecordView.svelte';
import { ApiError } from '../../../src/shared/api-client';
import { axonError, toErrorPayload } from '../../../src/shared/errors';
import type { RecordedSet, RecordingState } from '../../../src/shared/recording';
import { fakeClient } from './fake-client';
import { recordedSet, recordingState } from './fixtures';

const IDLE = recordingState();

const SET = recordedSet();

function backend(sets: RecordedSet[] = [SET], start: () => Promise<RecordingState> = async () => ({ ...IDLE, state: 'recording', set: 'x' })) {
  return fakeClient({
    getRecording: async () => IDLE,
    listSets: async () => [...sets],
    startRecording: start,
    armRecording: async () => ({ ...IDLE, state: 'armed' }),
    stopRecording: async () => IDLE,
  });
}

const errors: string[] = [];
const onerror = (err: unknown, context?: string) => errors.push(`${context}: ${err instanceof Error ? err.message : String(err)}`);

describe('RecordView', () => {
  it('shows the free space and the recorded sets when it opens', async () => {
    const b = backend();
    render(RecordView, { client: b.client, recording: null, onerror });
    await waitFor(() => expect(screen.getByTestId('record-space').textContent).toBe('500 GB free: about 361 h of recording'));
    const row = await screen.findByTestId('recorded-set');
    expect([...row.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['club', expect.any(String), '1:02:05', '1.43 GB', 'dual-neuron', 'complete']);
    expect(screen.getByTestId('record-status').textContent?.trim()).toBe('Not recording');
  });

  it('starts with the name given, refuses a name that cannot be a folder, and arms with the stems ticked', async () => {
    const b = backend();
    render(RecordView, { client: b.client, recording: null, onerror });
    await userEvent.type(screen.getByTestId('record-title'), 'club night');
    expect(screen.getByTestId<HTMLButtonElement>('record-start').disabled).toBe(true);
    expect(screen.getByText(/^Name: letters, digits/)).toBeTruthy();
    await userEvent.clear(screen.getByTestId('record-title'));
    await userEvent.type(screen.getByTestId('record-title'), 'club-night');
    await userEvent.click(screen.getByTestId('record-start'));
    expect(b.argsOf('startRecording')).toEqual([['club-night', { stems: false }]]);
    await userEvent.clear(screen.getByTestId('record-title'));
    await userEvent.click(screen.getByTestId('record-stems'));
    await userEvent.click(screen.getByTestId('record-arm'));
    expect(b.argsOf('armRecording')).toEqual([[null, { stems: true }]]);
  });

  it('follows the notices: elapsed, size, the set growing in the list, warnings; Stop, then the list reloads', async () => {
    const listed: RecordedSet[] = [{ ...SET, name: 'now', title: null, status: 'open', seconds: 1 }];
    const b = backend(listed);
    const view = render(RecordView, { client: b.client, recording: null, onerror });
    await screen.findByTestId('recorded-set');
    const recording: RecordingState = { ...IDLE, state: 'recording', set: 'now', elapsedSeconds: 65.4, bytes: 25_100_000, warning: '12 min of recording space left' };
    await view.rerender({ recording });
    expect(screen.getByTestId('record-elapsed').textContent).toBe('1:05');
    expect(screen.getByTestId('record-size').textContent).toBe('25.1 MB');
    expect(screen.getByTestId('record-warning').textContent).toBe('12 min of recording space left');
    expect(screen.getByTestId('record-title').hasAttribute('disabled')).toBe(true);
    const row = screen.getByTestId('recorded-set');
    expect(row.dataset.status).toBe('recording');
    expect(row.querySelectorAll('td')[2].textContent).toBe('1:05');
    await userEvent.click(screen.getByTestId('record-stop'));
    expect(b.calls.filter((c) => c.method === 'stopRecording')).toHaveLength(1);
    listed[0] = { ...listed[0], status: 'closed', seconds: 66 };
    await view.rerender({ recording: { ...recording, state: 'idle' } });
    await waitFor(() => expect(screen.getByTestId('recorded-set').dataset.status).toBe('closed'));
    expect(screen.getByTestId('recorded-set').querySelectorAll('td')[2].textContent).toBe('1:06');
  });

  it('shows why a recording stopped on its own, and a refused start reaches the error banner', async () => {
    const refused = new ApiError(toErrorPayload(axonError('recording_no_space', '/sets', 12)));
    const b = backend([], async () => Promise.reject(refused));
    const view = render(RecordView, { client: b.client, recording: null, onerror });
    expect(await screen.findByText('No sets recorded yet.')).toBeTruthy();
    await userEvent.click(screen.getByTestId('record-start'));
    await waitFor(() => expect(errors.at(-1)).toMatch(/^Could not start recording: only 12 MB free/));
    await view.rerender({ recording: { ...IDLE, lastError: toErrorPayload(axonError('recording_disk_full', '/sets', '41:07')) } });
    expect(screen.getByTestId('record-error').textContent).toMatch(/full: recording stopped at 41:07/);
  });
});
