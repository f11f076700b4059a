import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { answer, type Notice } from '../../shared/api';
import { axonError, toErrorPayload, type AxonError } from '../../shared/errors';
import { T_COLUMNS, T_NEURONS, T_WEIGHTS } from '../../shared/telemetry';
import type { Backend } from '../backend';
import { CONTENT_SECURITY_POLICY } from '../security';

export interface BridgeOptions {
  backend: Backend;
  /** The built renderer (index.html and assets). */
  staticDir: string;
  host?: string;
  port?: number;
  /**
   * When set, the API (`/ws`) answers only clients that give it as `?token=`; the static UI
   * stays public (it holds no secrets). For `axon serve --lan`.
   */
  token?: string;
}

export interface Bridge {
  url: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Skip telemetry frames to a client whose socket is this far behind. */
const MAX_BUFFERED = 1 << 20;
const MAX_MESSAGE = 64 * 1024;

/** Telemetry words actually in use (header and the current patch's weights); float64 keeps frame numbers exact. */
export function packTelemetry(words: Float64Array): Float64Array {
  return words.slice(0, T_WEIGHTS + words[T_NEURONS] * words[T_COLUMNS]);
}

type Request = { id: unknown; method: string; args: unknown } | { id: unknown; error: unknown };

/** Names a browser may use for this server in its Host header. */
function hostNames(host: string): string[] {
  const bracket = (a: string) => (a.includes(':') ? `[${a}]` : a);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'];
  if (loopback.includes(host) || host === '::1') return loopback;
  if (host === '0.0.0.0' || host === '::') {
    // Listening everywhere: this machine's own addresses.
    const own = Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((i) => bracket(i.address)));
    return [...loopback, os.hostname(), ...own];
  }
  return [bracket(host)];
}

/** Equal tokens, in a time that tells nothing about where they differ (hashing first evens the lengths). */
function sameToken(given: string, expected: string): boolean {
  const digest = (t: string) => createHash('sha256').update(t, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Why a request for `/ws` (an upgrade, or a browser's plain GET asking why it was refused) may not use the API, or null. */
function refusal(req: http.IncomingMessage, allowedHosts: Set<string>, token: string | undefined): AxonError | null {
  const host = req.headers.host ?? '';
  const origin = req.headers.origin;
  // Only this server's own pages (or a client without an Origin, not a browser) may connect:
  // a random website, or one DNS-rebound onto this port, must not drive the rig.
  if (!allowedHosts.has(host)) return axonError('remote_forbidden', host || '(no host)');
  if (origin && !allowedHosts.has(origin.replace(/^http:\/\//, ''))) return axonError('remote_forbidden', origin);
  if (token === undefined) return null;
  let given: string | null = null;
  try {
    given = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
  } catch {
    // An unparsable URL carries no token.
  }
  if (!given) return axonError('remote_token_missing');
  return sameToken(given, token) ? null : axonError('remote_token_wrong');
}

function parseRequest(text: string, isBinary: boolean): Request {
  try {
    if (isBinary) throw axonError('request_invalid', '(message)', 'requests are JSON text');
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch (err) {
      throw axonError('request_invalid', '(message)', `not JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!msg || typeof msg !== 'object') throw axonError('request_invalid', '(message)', 'expected an object');
    const { id = null, method, args = [] } = msg as { id?: unknown; method?: unknown; args?: unknown };
    if (typeof method !== 'string') return { id, error: axonError('request_invalid', '(message)', 'method must be a string') };
    return { id, method, args };
  } catch (error) {
    return { id: null, error };
  }
}

/**
 * The web remote: serves the renderer over HTTP and the AxonApi over a WebSocket (`/ws`), so
 * any browser runs the same UI as the Electron window. Requests are JSON
 * `{id, method, args}` answered by `{id, ok, result | error}`; notices are JSON `{notice}`;
 * telemetry is a binary float64 frame. Bound to 127.0.0.1 unless told otherwise; with a token
 * (for the LAN), `/ws` needs `?token=` too.
 */
export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const root = path.resolve(opts.staticDir);
  const host = opts.host ?? '127.0.0.1';
  // Filled in once the port is known: the Host headers this server answers to.
  const allowedHosts = new Set<string>();
  const server = http.createServer((req, res) => {
    // A Host we do not serve under is a DNS-rebound page: refuse it.
    if (!allowedHosts.has(req.headers.host ?? '')) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden');
      return;
    }
    let rel: string;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      // A browser cannot read why a WebSocket was refused, so the UI asks here with a plain GET.
      if (url.pathname === '/ws') {
        const no = refusal(req, allowedHosts, opts.token);
        res
          .writeHead(no ? 401 : 426, { 'content-type': 'application/json', 'cache-control': 'no-store', ...(no ? {} : { upgrade: 'websocket' }) })
          .end(JSON.stringify(no ? { ok: false, error: toErrorPayload(no) } : { ok: true }));
        return;
      }
      rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
      return;
    }
    const file = path.resolve(root, '.' + rel);
    if (req.method !== 'GET' || !file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(req.method === 'GET' ? 404 : 405, { 'content-type': 'text/plain' }).end(req.method === 'GET' ? 'not found' : 'method not allowed');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({
    server,
    path: '/ws',
    maxPayload: MAX_MESSAGE,
    verifyClient: ({ req }: { req: http.IncomingMessage }, done: (ok: boolean, status?: number, message?: string, headers?: http.OutgoingHttpHeaders) => void) => {
      const no = refusal(req, allowedHosts, opts.token);
      // 401 for every refusal, with the reason as the body for clients that can read it.
      if (no) done(false, 401, no.message, { 'Content-Type': 'text/plain; charset=utf-8' });
      else done(true);
    },
  });
  const clients = new Set<WebSocket>();
  const send = (ws: WebSocket, data: string | Float64Array) => {
    if (ws.readyState === ws.OPEN) ws.send(data);
  };
  const onNotice = (notice: Notice) => {
    const text = JSON.stringify({ notice });
    for (const ws of clients) send(ws, text);
  };
  const onTelemetry = (words: Float64Array) => {
    const frame = packTelemetry(words);
    for (const ws of clients) if (ws.bufferedAmount < MAX_BUFFERED) send(ws, frame);
  };
  opts.backend.on('notice', onNotice);
  opts.backend.on('telemetry', onTelemetry);

  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('message', async (data, isBinary) => {
      const req = parseRequest(data.toString(), isBinary);
      if ('error' in req) send(ws, JSON.stringify({ id: req.id, ok: false, error: toErrorPayload(req.error) }));
      else send(ws, JSON.stringify({ id: req.id, ...(await answer(opts.backend, req.method, req.args)) }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(axonError('server_listen', `${host}:${opts.port ?? 0}`, err.message)));
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  for (const h of hostNames(host)) allowedHosts.add(`${h}:${address.port}`);
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/`,
    close: async () => {
      opts.backend.off('notice', onNotice);
      opts.backend.off('telemetry', onTelemetry);
      for (const ws of clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
