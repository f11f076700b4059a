import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { Backend } from '../../src/main/backend';
import { lanAddresses, parseTokenFlag } from '../../src/main/cli/commands/serve';
import { startBridge, type Bridge } from '../../src/main/server/web-bridge';
import { socketPath, takeToken, TOKEN_KEY, whyRefused, type TokenStore } from '../../src/renderer/src/lib/remote-token';
import { ERRORS, type ErrorPayload } from '../../src/shared/errors';

// The web remote with an access token (`axon serve --lan`): the API needs `?token=`, the static
// UI does not; the page finds the token in its address and can learn why it was turned away.

const TMP = mkdtempSync(path.join(os.tmpdir(), 'axon-lan-'));
const STATIC = path.join(TMP, 'static');
const TOKEN = 'Zm9vYmFyLXRva2VuLTEyMzQ1Njc4';
const savedDataDir = process.env.AXON_DATA_DIR;

let backend: Backend;
let guarded: Bridge;
let open: Bridge;
let everywhere: Bridge;
const sockets: WebSocket[] = [];

const portOf = (b: Bridge) => Number(new URL(b.url).port);

type Outcome = { opened: true; ws: WebSocket } | { opened: false; status: number; body: string };

/** Opens a WebSocket to `/ws...` and reports whether it opened, or the HTTP refusal and its body. */
function dial(port: number, pathname: string, opts: { origin?: string; address?: string } = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${opts.address ?? '127.0.0.1'}:${port}${pathname}`, opts.origin ? { origin: opts.origin } : {});
    ws.once('open', () => {
      sockets.push(ws);
      resolve({ opened: true, ws });
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => {
        ws.terminate();
        resolve({ opened: false, status: res.statusCode ?? 0, body });
      });
    });
    ws.once('error', reject);
  });
}

/** One call over an open socket; resolves with its reply. */
function call(ws: WebSocket, method: string, args: unknown[] = []): Promise<{ ok: boolean; result?: unknown; error?: ErrorPayload }> {
  return new Promise((resolve) => {
    const id = Math.random();
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) return;
      const msg = JSON.parse(data.toString()) as { id?: number; ok: boolean; result?: unknown; error?: ErrorPayload };
      if (msg.id !== id) return;
      ws.off('message', onMessage);
      resolve(msg);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, method, args }));
  });
}

function get(port: number, pathname: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: pathname, timeout: 10_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  mkdirSync(STATIC);
  writeFileSync(path.join(STATIC, 'index.html'), '<!doctype html><title>Axon Stage</title>\n');
  process.env.AXON_DATA_DIR = path.join(TMP, 'data');
  backend = await Backend.start();
  await backend.loadPatch('dual-neuron');
  guarded = await startBridge({ backend, staticDir: STATIC, port: 0, token: TOKEN });
  open = await startBridge({ backend, staticDir: STATIC, port: 0 });
  everywhere = await startBridge({ backend, staticDir: STATIC, host: '0.0.0.0', port: 0, token: TOKEN });
});

afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  for (const b of [guarded, open, everywhere]) await b?.close();
  await backend?.close();
  if (savedDataDir === undefined) delete process.env.AXON_DATA_DIR;
  else process.env.AXON_DATA_DIR = savedDataDir;
  rmSync(TMP, { recursive: true, force: true });
});

describe('a bridge with a token', () => {
  it('refuses a WebSocket without the token: 401, saying where to find it', async () => {
    const r = await dial(portOf(guarded), '/ws');
    expect(r).toEqual({ opened: false, status: 401, body: ERRORS.remote_token_missing() });
  });

  it.each([
    ['a wrong token', 'Zm9vYmFyLXRva2VuLTEyMzQ1Njc5'],
    ['a prefix of it', TOKEN.slice(0, -1)],
    ['it with more after', `${TOKEN}x`],
    ['an empty one', ''],
  ])('refuses %s with 401', async (_, token) => {
    const r = await dial(portOf(guarded), `/ws?token=${encodeURIComponent(token)}`);
    expect(r.opened).toBe(false);
    expect(r.opened === false && r.status).toBe(401);
    expect(r.opened === false && r.body).toBe(token === '' ? ERRORS.remote_token_missing() : ERRORS.remote_token_wrong());
  });

  it('accepts the right token and answers API calls', async () => {
    const r = await dial(portOf(guarded), socketPath(TOKEN));
    expect(r.opened).toBe(true);
    if (!r.opened) return;
    const reply = await call(r.ws, 'listPatches');
    expect(reply.ok).toBe(true);
    expect((reply.result as { name: string }[]).map((p) => p.name)).toContain('dual-neuron');
  });

  it('still refuses a page from a foreign origin, token or not', async () => {
    const r = await dial(portOf(guarded), socketPath(TOKEN), { origin: 'http://evil.example' });
    expect(r.opened === false && r.status).toBe(401);
    expect(r.opened === false && r.body).toBe(ERRORS.remote_forbidden('http://evil.example'));
  });

  it('serves the UI itself without a token (it holds no secrets)', async () => {
    const r = await get(portOf(guarded), '/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('Axon Stage');
  });

  it('tells a plain GET of /ws why a socket would be refused, as JSON', async () => {
    const missing = await get(portOf(guarded), '/ws');
    expect(missing.status).toBe(401);
    expect(missing.type).toBe('application/json');
    expect(JSON.parse(missing.body)).toEqual({ ok: false, error: { code: 'remote_token_missing', message: ERRORS.remote_token_missing(), details: [] } });
    const wrong = await get(portOf(guarded), '/ws?token=nope');
    expect(JSON.parse(wrong.body)).toMatchObject({ ok: false, error: { code: 'remote_token_wrong' } });
    const right = await get(portOf(guarded), socketPath(TOKEN));
    // Right token, but this is not an upgrade.
    expect(right.status).toBe(426);
  });

  it("the page's probe (whyRefused) reads those answers", async () => {
    const base = `http://127.0.0.1:${portOf(guarded)}`;
    expect(await whyRefused(`${base}/ws`, fetch)).toEqual({ code: 'remote_token_missing', message: ERRORS.remote_token_missing(), details: [] });
    expect((await whyRefused(`${base}/ws?token=nope`, fetch))?.code).toBe('remote_token_wrong');
    expect(await whyRefused(`${base}${socketPath(TOKEN)}`, fetch)).toBeNull();
    // A server that is down is just down: no reason to show.
    const closed = await startBridge({ backend, staticDir: STATIC, port: 0, token: TOKEN });
    const gone = `http://127.0.0.1:${portOf(closed)}/ws`;
    await closed.close();
    expect(await whyRefused(gone, fetch)).toBeNull();
  });

  it('bound to every address, answers on loopback and on the LAN addresses, with the token only', async () => {
    const port = portOf(everywhere);
    expect(everywhere.url).toBe(`http://0.0.0.0:${port}/`);
    for (const address of ['127.0.0.1', ...lanAddresses('0.0.0.0')]) {
      expect(await dial(port, '/ws', { address })).toMatchObject({ opened: false, status: 401 });
      const r = await dial(port, socketPath(TOKEN), { address, origin: `http://${address}:${port}` });
      expect(r.opened, address).toBe(true);
      if (r.opened) expect((await call(r.ws, 'getState')).ok).toBe(true);
    }
  });

  it('keeps the token, and wrong guesses at it, out of logs, journals and refusals', async () => {
    const WRONG = 'd3JvbmctZ3Vlc3MtMDEyMzQ1Njc4';
    const printed: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void printed.push(a.map(String).join(' '))));
    try {
      const refused = await dial(portOf(guarded), socketPath(WRONG));
      expect(refused.opened).toBe(false);
      if (!refused.opened) expect(refused.body).not.toContain(WRONG);
      const why = await get(portOf(guarded), socketPath(WRONG));
      expect(why.body).not.toContain(WRONG);
      const r = await dial(portOf(guarded), socketPath(TOKEN));
      if (!r.opened) throw new Error('the right token was refused');
      // A failing call and a patch load: both reach the journal and the notices.
      expect((await call(r.ws, 'setParam', [TOKEN, 1])).ok).toBe(false);
      expect((await call(r.ws, 'loadPatch', ['dual-neuron'])).ok).toBe(true);
    } finally {
      for (const s of spies) s.mockRestore();
    }
    for (const line of printed) expect(line).not.toMatch(new RegExp(`${TOKEN}|${WRONG}`));
    const files = readdirSync(path.join(TMP, 'data'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(path.join(f.parentPath, f.name), 'latin1');
      expect(text, f.name).not.toContain(WRONG);
      // The token given as a parameter id is refused by name; the journal keeps only what was applied.
      expect(text, f.name).not.toContain(TOKEN);
    }
  });
});

describe('a bridge without a token (the default) is unchanged', () => {
  it('opens /ws for a client with no token, and ignores one given', async () => {
    for (const pathname of ['/ws', '/ws?token=anything']) {
      const r = await dial(portOf(open), pathname);
      expect(r.opened).toBe(true);
      if (r.opened) expect((await call(r.ws, 'listPatches')).ok).toBe(true);
    }
    expect((await get(portOf(open), '/ws')).status).toBe(426);
  });
});

describe('the page takes the token from its address', () => {
  class Store implements TokenStore {
    readonly map = new Map<string, string>();
    getItem(key: string): string | null {
      return this.map.get(key) ?? null;
    }
    setItem(key: string, value: string): void {
      this.map.set(key, value);
    }
  }
  const bar = () => {
    const calls: string[] = [];
    return { calls, state: { kept: true }, replaceState: (data: unknown, _: string, url?: string) => calls.push(`${JSON.stringify(data)} ${url ?? ''}`) };
  };

  it('remembers it for the tab and removes it from the address bar', () => {
    const store = new Store();
    const b = bar();
    expect(takeToken({ pathname: '/', search: '', hash: `#token=${TOKEN}` }, store, b)).toBe(TOKEN);
    expect(store.map.get(TOKEN_KEY)).toBe(TOKEN);
    expect(b.calls).toEqual(['{"kept":true} /']);
  });

  it('a reload (no token in the address) uses the remembered one and leaves the address alone', () => {
    const store = new Store();
    store.setItem(TOKEN_KEY, TOKEN);
    const b = bar();
    expect(takeToken({ pathname: '/', search: '', hash: '' }, store, b)).toBe(TOKEN);
    expect(b.calls).toEqual([]);
  });

  it('a new token in the address replaces the remembered one; other fragment parts stay', () => {
    const store = new Store();
    store.setItem(TOKEN_KEY, 'old-token-old-token');
    const b = bar();
    expect(takeToken({ pathname: '/index.html', search: '?x=1', hash: '#token=new-token-new-token&view=pad' }, store, b)).toBe('new-token-new-token');
    expect(store.map.get(TOKEN_KEY)).toBe('new-token-new-token');
    expect(b.calls).toEqual(['{"kept":true} /index.html?x=1#view=pad']);
  });

  it('no token anywhere is null, and so is an empty one', () => {
    expect(takeToken({ pathname: '/', search: '', hash: '' }, new Store(), bar())).toBeNull();
    expect(takeToken({ pathname: '/', search: '', hash: '#token=' }, new Store(), bar())).toBeNull();
  });

  it('works when storage is off or throws', () => {
    const throwing: TokenStore = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(takeToken({ pathname: '/', search: '', hash: `#token=${TOKEN}` }, throwing, bar())).toBe(TOKEN);
    expect(takeToken({ pathname: '/', search: '', hash: '' }, throwing, bar())).toBeNull();
    expect(takeToken({ pathname: '/', search: '', hash: `#token=${TOKEN}` }, null, null)).toBe(TOKEN);
  });

  it('puts it in the socket path, escaped', () => {
    expect(socketPath(null)).toBe('/ws');
    expect(socketPath('a_b-c')).toBe('/ws?token=a_b-c');
    expect(socketPath('a b&c')).toBe('/ws?token=a%20b%26c');
  });
});

describe('axon serve --token and --lan helpers', () => {
  it('accepts 16 to 128 URL-safe characters', () => {
    for (const t of ['a'.repeat(16), 'A-z_09'.repeat(21).slice(0, 128), TOKEN]) expect(parseTokenFlag(t)).toBe(t);
  });

  it.each([
    ['a'.repeat(15), '--token must be 16 to 128 characters long, got 15'],
    ['a'.repeat(129), '--token must be 16 to 128 characters long, got 129'],
    ['abcdefghijklmnop qrs', '--token may hold only letters, digits, _ and -, not " " (at character 17)'],
    ['abcdefghijklmnop#', '--token may hold only letters, digits, _ and -, not "#" (at character 17)'],
  ])('refuses %j', (raw, message) => {
    expect(() => parseTokenFlag(raw)).toThrow(expect.objectContaining({ code: 'cli_usage', message: `${message} (run "axon help" for usage)` }));
  });

  it('lists the external IPv4 addresses for a wildcard bind, or the address bound', () => {
    const interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = {
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
      eth0: [
        { address: '192.168.1.23', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '192.168.1.23/24' },
        { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: 'fe80::1/64', scopeid: 2 },
      ],
      wlan0: [{ address: '10.0.0.7', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:02', internal: false, cidr: '10.0.0.7/24' }],
    };
    expect(lanAddresses('0.0.0.0', interfaces)).toEqual(['192.168.1.23', '10.0.0.7']);
    expect(lanAddresses('::', interfaces)).toEqual(['192.168.1.23', '10.0.0.7']);
    expect(lanAddresses('192.168.1.23', interfaces)).toEqual(['192.168.1.23']);
    expect(lanAddresses('fd00::2', interfaces)).toEqual(['[fd00::2]']);
    expect(lanAddresses('0.0.0.0', { lo: interfaces.lo })).toEqual([]);
  });
});
