import { fireEvent, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { createRawSnippet } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import HeaderMenu from '../../../src/renderer/src/components/HeaderMenu.svelte';

const content = createRawSnippet(() => ({ render: () => '<p>Sound out: jack:system</p>' }));

function menu(onopen?: () => void) {
  render(HeaderMenu, { label: 'Audio', value: 'jack:system', title: 'jack:system through audify', testid: 'devices', mode: 'audify', dialogLabel: 'Devices', onopen, children: content });
  return screen.getByTestId('devices');
}

describe('HeaderMenu', () => {
  it('shows the stat closed, with its label and value', () => {
    const stat = menu();
    expect(stat.textContent?.replace(/\s+/g, ' ').trim()).toBe('Audio jack:system');
    expect(stat.getAttribute('aria-expanded')).toBe('false');
    expect(stat.getAttribute('data-mode')).toBe('audify');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('opens its dialog on click, telling the caller, and closes on a second click', async () => {
    const onopen = vi.fn();
    const stat = menu(onopen);
    await userEvent.click(stat);
    const dialog = screen.getByRole('dialog', { name: 'Devices' });
    expect(dialog.textContent).toBe('Sound out: jack:system');
    expect(stat.getAttribute('aria-expanded')).toBe('true');
    expect(onopen).toHaveBeenCalledTimes(1);
    await userEvent.click(stat);
    expect(screen.queryByRole('dialog')).toBeNull();
    // Closing is not opening.
    expect(onopen).toHaveBeenCalledTimes(1);
  });

  it('closes on Escape, and not on other keys', async () => {
    await userEvent.click(menu());
    await userEvent.keyboard('a');
    expect(screen.queryByRole('dialog')).not.toBeNull();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('closes on a press outside, not on a press inside the dialog', async () => {
    const outside = document.createElement('div');
    document.body.append(outside);
    await userEvent.click(menu());
    await fireEvent.pointerDown(screen.getByText('Sound out: jack:system'));
    expect(screen.queryByRole('dialog')).not.toBeNull();
    await fireEvent.pointerDown(outside);
    expect(screen.queryByRole('dialog')).toBeNull();
    outside.remove();
  });
});
