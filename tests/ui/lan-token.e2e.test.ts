import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/shared/errors';
import { startUi, type UiHarness } from '../support/ui-harness';

// The built UI in chromium against a bridge that needs a token, as `axon serve --lan` runs it:
// the page opened at the printed address connects, hides the token and survives a reload; a
// page without the token, or with a stale one, says what to do.

const TOKEN = 'e2e-token_0123456789abcdef';
let ui: UiHarness | undefined;

const connection = (page: Page) => page.getByTestId('connection');

/** A fresh tab (its own session storage) at `address`. */
async function openAt(address: string): Promise<Page> {
  if (!ui) throw new Error('no UI');
  const page = await (await ui.browser.newContext()).newPage();
  await page.goto(address);
  return page;
}

beforeAll(async () => {
  ui = await startUi({ token: TOKEN });
});

afterAll(async () => {
  await ui?.close();
});

describe('the UI with an access token', () => {
  it('connects from the printed address, takes the token out of the address bar, and keeps it over a reload', async () => {
    if (!ui) throw new Error('no UI');
    const { bridge } = ui;
    const page = await openAt(`${bridge.url}#token=${TOKEN}`);
    await expect.poll(() => connection(page).getAttribute('data-state'), { timeout: 10_000 }).toBe('up');
    expect(page.url()).toBe(bridge.url);
    expect(await page.evaluate("sessionStorage.getItem('axon-stage.token')")).toBe(TOKEN);
    // The engine's state arrived over the socket: the patch list is filled.
    await expect.poll(() => page.locator('select option').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.reload();
    await expect.poll(() => connection(page).getAttribute('data-state'), { timeout: 10_000 }).toBe('up');
    expect(await page.getByTestId('error-banner').allTextContents()).toEqual([]);
  });

  it('without the token: not connected, and the banner says where to get it (once, not at every retry)', async () => {
    if (!ui) throw new Error('no UI');
    const { bridge } = ui;
    const page = await openAt(bridge.url);
    const banner = page.getByTestId('error-banner');
    await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain(ERRORS.remote_token_missing());
    expect(await connection(page).getAttribute('data-state')).not.toBe('up');
    // Several retries later (250, 500, 1000 ms...): still one line, no repeat count.
    await page.waitForTimeout(2000);
    expect(await banner.locator('li').count()).toBe(1);
    expect(await banner.textContent()).not.toContain('×');
  });

  it('with a stale token: says it is the wrong one', async () => {
    if (!ui) throw new Error('no UI');
    const { bridge } = ui;
    const page = await openAt(`${bridge.url}#token=an-old-token-from-before`);
    await expect.poll(() => page.getByTestId('error-banner').textContent(), { timeout: 10_000 }).toContain(ERRORS.remote_token_wrong());
    expect(page.url()).toBe(bridge.url);
  });
});
