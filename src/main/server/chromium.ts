import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

// The browser the UI tests and the UI bench drive: Debian's chromium, headless.

export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Debian chromium is not installed (${CHROMIUM} is missing). Install it with "apt-get install chromium" (CI installs it).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
