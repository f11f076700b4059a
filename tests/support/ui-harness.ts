import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Backend } from '../../src/main/backend';
import { launchChromium } from '../../src/main/server/chromium';
import { ensureRendererBuilt } from '../../src/main/server/renderer-build';
import { startBridge, type Bridge } from '../../src/main/server/web-bridge';
import { decodeTelemetry, type Telemetry } from '../../src/shared/telemetry';

// The performer UI against the real engine: a real backend and web bridge in this process, the
// built renderer in headless Debian chromium. One per UI test file.

export interface UiHarness {
  backend: Backend;
  bridge: Bridge;
  browser: Browser;
  page: Page;
  dataDir: string;
  /** Every telemetry snapshot the backend publishes, decoded as the UI decodes it. */
  seen: Telemetry[];
  consoleErrors: string[];
  close(): Promise<void>;
}

export async function startUi(
  o: { patch?: string; prepare?: (backend: Backend, dataDir: string) => Promise<void>; backend?: Parameters<typeof Backend.start>[0]; token?: string } = {},
): Promise<UiHarness> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'axon-ui-'));
  const savedDataDir = process.env.AXON_DATA_DIR;
  process.env.AXON_DATA_DIR = dataDir;
  const backend = await Backend.start(o.backend);
  await backend.loadPatch(o.patch ?? 'dual-neuron');
  const seen: Telemetry[] = [];
  backend.on('telemetry', (words) => {
    seen.push(decodeTelemetry(words));
    if (seen.length > 2000) seen.splice(0, 1000);
  });
  await o.prepare?.(backend, dataDir);
  const bridge = await startBridge({ backend, staticDir: ensureRendererBuilt(), port: 0, token: o.token });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // Under the test's own timeout, so a stuck click fails naming the element and what it waited for.
  page.setDefaultTimeout(8000);
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  return {
    backend,
    bridge,
    browser,
    page,
    dataDir,
    seen,
    consoleErrors,
    async close() {
      await browser.close();
      await bridge.close();
      await backend.close();
      if (savedDataDir === undefined) delete process.env.AXON_DATA_DIR;
      else process.env.AXON_DATA_DIR = savedDataDir;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
