import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import ErrorBanner from '../../../src/renderer/src/components/ErrorBanner.svelte';
import { describeError, pushError, type ShownError } from '../../../src/renderer/src/lib/errors';
import { ApiError } from '../../../src/shared/api-client';
import { axonError, toErrorPayload, withDetails } from '../../../src/shared/errors';

// The errors as App builds them: a failed call's ApiError, described with its context and folded
// into the list. The catalog message carries the next step ("plug one in or give --port").
const noBoard = new ApiError(toErrorPayload(axonError('drum_no_board')));
const refused = new ApiError(
  toErrorPayload(withDetails(axonError('request_invalid', 'setMappings', 'argument 0: 2 problems'), ['mappings[0].min: must be at least 20', 'mappings[1].to: unknown parameter'])),
);

function shown(...errs: { err: unknown; context: string }[]): ShownError[] {
  let list: ShownError[] = [];
  errs.forEach(({ err, context }, i) => (list = pushError(list, describeError(err, context), i + 1)));
  return list;
}

describe('ErrorBanner', () => {
  it('shows nothing while there is no error', () => {
    render(ErrorBanner, { errors: [], ondismiss: () => undefined });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows the message with what to do next, as an alert', () => {
    render(ErrorBanner, { errors: shown({ err: noBoard, context: 'Could not connect the drum board' }), ondismiss: () => undefined });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Could not connect the drum board: no drum board found');
    expect(alert.textContent).toContain('plug one in or give --port');
  });

  it('lists each detail of a refused call under its message', () => {
    render(ErrorBanner, { errors: shown({ err: refused, context: 'Could not change the mappings' }), ondismiss: () => undefined });
    const alert = screen.getByRole('alert');
    const details = within(alert)
      .getAllByRole('listitem')
      .filter((li) => li.closest('.details') !== null)
      .map((li) => li.textContent);
    expect(details).toEqual(['mappings[0].min: must be at least 20', 'mappings[1].to: unknown parameter']);
  });

  it('counts an error that repeats instead of listing it again', () => {
    const again = { err: new Error('the engine is not running'), context: 'Could not set voice.cutoff' };
    render(ErrorBanner, { errors: shown(again, again, again), ondismiss: () => undefined });
    const alert = screen.getByRole('alert');
    expect(within(alert).getAllByText(/Could not set voice\.cutoff/)).toHaveLength(1);
    expect(alert.textContent).toContain('×3');
  });

  it('shows no count for an error seen once, and every different error', () => {
    render(ErrorBanner, {
      errors: shown({ err: noBoard, context: 'Could not connect the drum board' }, { err: new Error('timeout'), context: 'Could not strike drum 2' }),
      ondismiss: () => undefined,
    });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).not.toContain('×');
    expect(within(alert).getByText(/Could not strike drum 2: timeout/)).toBeTruthy();
    expect(within(alert).getByText(/Could not connect the drum board/)).toBeTruthy();
  });

  it('calls ondismiss when Dismiss is clicked', async () => {
    const ondismiss = vi.fn();
    render(ErrorBanner, { errors: shown({ err: noBoard, context: 'Could not connect the drum board' }), ondismiss });
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(ondismiss).toHaveBeenCalledTimes(1);
  });

  it('goes away when the list is emptied', async () => {
    const view = render(ErrorBanner, { errors: shown({ err: noBoard, context: 'x' }), ondismiss: () => undefined });
    expect(screen.getByRole('alert')).toBeTruthy();
    await view.rerender({ errors: [] });
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
