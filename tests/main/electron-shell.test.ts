import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureRendererBuilt } from '../../src/main/server/renderer-build';
import { META_CONTENT_SECURITY_POLICY, WINDOW_WEB_PREFERENCES } from '../../src/main/security';
import type { ApiReply } from '../../src/shared/api';

// The Electron shell (src/main/electron/main.ts) run against a stand-in of Electron's API: no
// Electron binary can be had here, and what matters is what the shell asks of Electron. The
// Backend and the device rig are stand-ins too; calls still go through the real validation.

type Listener = (...args: unknown[]) => unknown;

const shell = vi.hoisted(() => ({
  appHandlers: new Map<string, (...args: unknown[]) => unknown>(),
  windows: [] as { options: Record<string, unknown>; loaded: string[] }[],
  ipc: new Map<string, (...args: unknown[]) => unknown>(),
  permission: null as null | ((...args: unknown[]) => unknown),
  backendCalls: [] as string[],
}));

vi.mock('electron', () => {
  class BrowserWindow {
    readonly webContents = { send: () => undefined };
    private readonly record: { options: Record<string, unknown>; loaded: string[] };
    constructor(options: Record<string, unknown>) {
      this.record = { options, loaded: [] };
      shell.windows.push(this.record);
    }
    isDestroyed(): boolean {
      return false;
    }
    async loadFile(file: string): Promise<void> {
      this.record.loaded.push(`file:${file}`);
    }
    async loadURL(url: string): Promise<void> {
      this.record.loaded.push(`url:${url}`);
    }
  }
  return {
    app: {
      on: (event: string, handler: Listener) => shell.appHandlers.set(event, handler),
      whenReady: async () => undefined,
      exit: () => undefined,
      quit: () => undefined,
    },
    BrowserWindow,
    ipcMain: { handle: (channel: string, handler: Listener) => shell.ipc.set(channel, handler) },
    session: { defaultSession: { setPermissionRequestHandler: (h: Listener) => (shell.permission = h) } },
  };
});

vi.mock('../../src/main/backend', async () => {
  const { EventEmitter } = await import('node:events');
  class FakeBackend extends EventEmitter {
    static async start(): Promise<FakeBackend> {
      return new FakeBackend();
    }
    async loadPatch(name: string): Promise<void> {
      shell.backendCalls.push(`loadPatch ${name}`);
    }
    async restoreDevices(): Promise<Error[]> {
      return [];
    }
    async restoreAfterCrash(): Promise<void> {
      shell.backendCalls.push('restoreAfterCrash');
    }
    async setParam(id: string, value: number): Promise<void> {
      shell.backendCalls.push(`setParam ${id} ${value}`);
    }
  }
  return { Backend: FakeBackend };
});

vi.mock('../../src/main/rig/live-rig', () => ({
  LiveRig: { start: async () => ({ close: async () => undefined }) },
}));

/** A web contents stand-in that keeps its listeners and window-open handler. */
function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: (() => { action: string }) | null = null;
  return {
    on(event: string, listener: Listener) {
      listeners.set(event, listener);
      return this;
    },
    setWindowOpenHandler(h: () => { action: string }) {
      openHandler = h;
    },
    /** Fires `event` and says whether a listener prevented it. */
    fire(event: string): boolean {
      let prevented = false;
      listeners.get(event)?.({ preventDefault: () => (prevented = true) }, 'https://example.com/');
      return prevented;
    },
    open: () => openHandler?.(),
  };
}

describe('the Electron shell', () => {
  beforeAll(async () => {
    delete process.env.ELECTRON_RENDERER_URL;
    await import('../../src/main/electron/main');
    await vi.waitFor(() => expect(shell.windows[0]?.loaded.length).toBe(1));
  });

  it('opens one window: isolated, sandboxed, without Node, with only the preload', () => {
    expect(shell.windows).toHaveLength(1);
    const prefs = shell.windows[0].options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ ...WINDOW_WEB_PREFERENCES });
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(Object.keys(prefs).sort()).toEqual([...Object.keys(WINDOW_WEB_PREFERENCES), 'preload'].sort());
    expect(String(prefs.preload)).toMatch(/preload[/\\]index\.js$/);
    // The packaged page from disk, not a URL from elsewhere.
    expect(shell.windows[0].loaded[0]).toMatch(/^file:.*renderer[/\\]index\.html$/);
  });

  it('lets no web contents navigate, redirect, attach a webview or open a window', () => {
    const created = shell.appHandlers.get('web-contents-created');
    expect(created).toBeDefined();
    const contents = fakeContents();
    created!({}, contents);
    expect(contents.fire('will-navigate')).toBe(true);
    expect(contents.fire('will-redirect')).toBe(true);
    expect(contents.fire('will-attach-webview')).toBe(true);
    expect(contents.open()).toEqual({ action: 'deny' });
  });

  it('grants no permission', () => {
    const grants: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) shell.permission?.({}, permission, (g: boolean) => grants.push(g));
    expect(grants).toEqual([false, false, false, false]);
  });

  it('has one IPC channel, and every call through it is validated before it reaches the backend', async () => {
    expect([...shell.ipc.keys()]).toEqual(['axon:call']);
    const call = shell.ipc.get('axon:call')!;
    const bad = (await call({}, 'setParam', ['neurons.a.bias', 'loud'])) as ApiReply;
    expect(bad).toMatchObject({ ok: false, error: { code: 'request_invalid' } });
    const unknown = (await call({}, 'readFile', ['/etc/passwd'])) as ApiReply;
    expect(unknown).toMatchObject({ ok: false, error: { code: 'method_unknown' } });
    const notAName = (await call({}, { toString: () => 'setParam' }, [])) as ApiReply;
    expect(notAName.ok).toBe(false);
    expect(shell.backendCalls.filter((c) => c.startsWith('setParam'))).toEqual([]);
    const good = (await call({}, 'setParam', ['neurons.a.bias', 0.25])) as ApiReply;
    expect(good).toEqual({ ok: true, result: null });
    expect(shell.backendCalls).toContain('setParam neurons.a.bias 0.25');
  });

  it('restores after a crash and plays the default patch', () => {
    expect(shell.backendCalls).toContain('loadPatch dual-neuron');
    expect(shell.backendCalls).toContain('restoreAfterCrash');
  });
});

describe('the built page', () => {
  it('carries the content security policy and loads no inline script', () => {
    const html = readFileSync(path.join(ensureRendererBuilt(), 'index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
    expect(meta?.[1]).toBe(META_CONTENT_SECURITY_POLICY);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="/);
      expect(body.trim()).toBe('');
    }
  }, 120_000);
});
