import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Backend } from '../../src/main/backend';
import { CONTENT_SECURITY_POLICY } from '../../src/main/security';
import { startBridge, type Bridge } from '../../src/main/server/web-bridge';
import type { EngineState, Notice } from '../../src/shared/api';
import type { ErrorPayload } from '../../src/shared/errors';
import { controlInputIndex } from '../../src/shared/inputs';
import { decodeTelemetry, type Telemetry } from '../../src/shared/telemetry';
import { CHUNK } from '../../src/worker/kernels/network-layout';
import { ROOT } from '../support/engine-harness';
import { until } from '../support/until';

// The web remote in-process: a real backend and engine, the bridge on a free port, and `ws`
// clients speaking the wire protocol a browser speaks. Assertions are on replies, state and
// telemetry frame numbers, never on how fast anything happened.

const TMP = mkdtempSync(path.join(os.tmpdir(), 'axon-bridge-'));
const STATIC = path.join(TMP, 'static');
const INDEX_HTML = '<!doctype html><title>Axon Stage test page</title><p>hello</p>\n';
const SECRET = 'top secret, outside the static folder';
const BAD_PATCH = path.join(TMP, 'data', 'patches', 'bad.json');
const savedDataDir = process.env.AXON_DATA_DIR;

let backend: Backend;
let bridge: Bridge;
let port = 0;
let client: Client;
const clients: Client[] = [];

interface Reply {
  id: unknown;
  ok: boolean;
  result?: unknown;
  error?: ErrorPayload;
}

const isReply = (m: unknown): m is Reply => typeof m === 'object' && m !== null && 'ok' in m;
const isNotice = (m: unknown): m is { notice: Notice } => typeof m === 'object' && m !== null && 'notice' in m;

/** A WebSocket client that keeps every reply, notice and telemetry frame it receives. */
class Client {
  readonly replies: Reply[] = [];
  readonly notices: Notice[] = [];
  readonly telemetry: Telemetry[] = [];
  readonly texts: string[] = [];
  private nextId = 1;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      if (isBinary) {
        expect(buf.length % 4).toBe(0);
        this.telemetry.push(decodeTelemetry(new Float64Array(Uint8Array.from(buf).buffer)));
        return;
      }
      const text = buf.toString('utf8');
      this.texts.push(text);
      const msg: unknown = JSON.parse(text);
      if (isNotice(msg)) this.notices.push(msg.notice);
      else if (isReply(msg)) this.replies.push(msg);
    });
  }

  static open(headers: { origin?: string; host?: string } = {}): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, {
        ...(headers.origin ? { origin: headers.origin } : {}),
        ...(headers.host ? { headers: { host: headers.host } } : {}),
      });
      const c = new Client(ws);
      ws.once('open', () => {
        clients.push(c);
        resolve(c);
      });
      ws.once('unexpected-response', (_req, res) => {
        ws.terminate();
        reject(new Error(`refused with HTTP ${String(res.statusCode)}`));
      });
      ws.once('error', reject);
    });
  }

  /** Sends raw text (or bytes) and returns the first reply carrying `id` that arrives after it. */
  async sendRaw(data: string | Buffer, id: unknown = null): Promise<Reply> {
    const from = this.replies.length;
    this.ws.send(data);
    return until(`a reply with id ${JSON.stringify(id)}`, () => this.replies.slice(from).find((r) => r.id === id));
  }

  call(method: string, args: unknown, id: unknown = this.nextId++): Promise<Reply> {
    return this.sendRaw(JSON.stringify({ id, method, args }), id);
  }

  async ok(method: string, ...args: unknown[]): Promise<unknown> {
    const r = await this.call(method, args);
    expect(r.error, `${method} failed: ${JSON.stringify(r.error)}`).toBeUndefined();
    expect(r.ok).toBe(true);
    return r.result;
  }

  async state(): Promise<EngineState> {
    return (await this.ok('getState')) as EngineState;
  }

  /** The next telemetry snapshot newer than every one seen so far. */
  async freshTelemetry(): Promise<Telemetry> {
    const last = this.telemetry[this.telemetry.length - 1]?.frame ?? -1;
    return until('fresh telemetry', () => this.telemetry.find((t) => t.frame > last));
  }
}

const paramValue = (s: EngineState, id: string) => s.params.find((p) => p.id === id)?.value;

beforeAll(async () => {
  mkdirSync(STATIC);
  writeFileSync(path.join(STATIC, 'index.html'), INDEX_HTML);
  writeFileSync(path.join(TMP, 'secret.txt'), SECRET);
  mkdirSync(path.dirname(BAD_PATCH), { recursive: true });
  writeFileSync(BAD_PATCH, JSON.stringify({ format: 'axon-patch', version: 1, name: 'bad', neurons: [{ id: 'a', activation: 'tanhh', biass: 1 }] }));
  process.env.AXON_DATA_DIR = path.join(TMP, 'data');
  backend = await Backend.start();
  await backend.loadPatch('dual-neuron');
  bridge = await startBridge({ backend, staticDir: STATIC, port: 0 });
  port = Number(new URL(bridge.url).port);
  client = await Client.open();
});

afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await bridge?.close();
  await backend?.close();
  if (savedDataDir === undefined) delete process.env.AXON_DATA_DIR;
  else process.env.AXON_DATA_DIR = savedDataDir;
  rmSync(TMP, { recursive: true, force: true });
});

describe('API calls over the WebSocket', () => {
  it('binds to 127.0.0.1 on the port it was given (0 = any free port)', () => {
    expect(bridge.url).toBe(`http://127.0.0.1:${port}/`);
    expect(port).toBeGreaterThan(0);
  });

  it('answers {id, method, args} with {id, ok, result}, echoing any id', async () => {
    const r = await client.call('listPatches', [], 'my-id');
    expect(r.id).toBe('my-id');
    expect(r.ok).toBe(true);
    const names = (r.result as { name: string; origin: string }[]).map((p) => [p.name, p.origin]);
    expect(names).toEqual(['dual-neuron', 'learning-neuron', 'neural-midi', 'neuron-mixer', 'reservoir-pluck', 'sinenet-drift', 'single-neuron-synth'].map((n) => [n, 'example']));
    const text = client.texts[client.texts.length - 1];
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['id', 'ok', 'result']);
    // A missing args defaults to no arguments.
    expect((await client.sendRaw('{"id": 42, "method": "listPatches"}', 42)).ok).toBe(true);
  });

  it('getState describes the playing patch', async () => {
    const s = await client.state();
    expect(s.patchName).toBe('dual-neuron');
    expect(s.patch.name).toBe('Dual Neuron');
    expect(s.sampleRate).toBe(48000);
    expect(s.columns).toEqual(['x', 'y', 'z', 'a', 'b']);
    expect(s.neurons).toEqual([
      { id: 'a', activation: 'nlc', learns: false },
      { id: 'b', activation: 'nlc', learns: false },
    ]);
    expect(paramValue(s, 'neurons.a.bias')).toBe(0.52);
    expect(paramValue(s, 'voice.cutoff')).toBe(900);
    const bias = s.params.find((p) => p.id === 'neurons.a.bias');
    expect(bias).toMatchObject({ min: -4, max: 4, default: 0, label: 'Bias' });
  });

  it('setParam changes the value (clamped to the range) and answers null', async () => {
    expect(await client.ok('setParam', 'neurons.a.bias', 0.3)).toBeNull();
    expect(paramValue(await client.state(), 'neurons.a.bias')).toBe(0.3);
    await client.ok('setParam', 'neurons.a.bias', 100);
    expect(paramValue(await client.state(), 'neurons.a.bias')).toBe(4);
    await client.ok('setParam', 'neurons.a.bias', 0.52);
    expect(paramValue(await client.state(), 'neurons.a.bias')).toBe(0.52);
  });

  it('setInput reaches the engine (seen in telemetry)', async () => {
    const x = controlInputIndex('joystick.x');
    expect(await client.ok('setInput', 'joystick.x', 0.5)).toBeNull();
    await until('joystick.x = 0.5 in telemetry', () => client.telemetry.some((t) => t.inputs[x] === 0.5));
    await client.ok('setInput', 'joystick.x', 0);
    await until('joystick.x back to 0', () => client.telemetry[client.telemetry.length - 1]?.inputs[x] === 0);
  });

  it('learn accepts a neuron of the patch and a command', async () => {
    expect(await client.ok('learn', 'a', 'freeze')).toBeNull();
    expect(await client.ok('learn', 'a', 'thaw')).toBeNull();
  });

  it('captureAudio returns the last stretch of what the engine played', async () => {
    const c = (await client.ok('captureAudio', 0.1)) as { frames: number; sampleRate: number; peak: number; rms: number; crossingsPerSecond: number; hash: string };
    expect(c.frames).toBe(4800);
    expect(c.sampleRate).toBe(48000);
    expect(c.peak).toBeGreaterThan(0);
    expect(c.peak).toBeLessThanOrEqual(1);
    expect(c.rms).toBeGreaterThan(0);
    expect(c.rms).toBeLessThanOrEqual(c.peak);
    expect(c.crossingsPerSecond).toBeGreaterThan(0);
    expect(c.hash).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('invalid calls are refused with a clear error and change nothing', () => {
  const refusals: [string, string, string, RegExp][] = [
    ['an unknown method', '{"id": 1, "method": "nope", "args": []}', 'method_unknown', /^unknown API method "nope"$/],
    ['an inherited property as method', '{"id": 1, "method": "toString", "args": []}', 'method_unknown', /^unknown API method "toString"$/],
    ['__proto__ as method', '{"id": 1, "method": "__proto__", "args": []}', 'method_unknown', /^unknown API method "__proto__"$/],
    ['a string for a number', '{"id": 1, "method": "setParam", "args": ["neurons.a.bias", "x"]}', 'request_invalid', /^bad request to setParam: argument 1: expected number, got "x"$/],
    ['a number for a string', '{"id": 1, "method": "setInput", "args": [3, 1]}', 'request_invalid', /^bad request to setInput: argument 0: expected string, got 3$/],
    ['an infinite number', '{"id": 1, "method": "setParam", "args": ["neurons.a.bias", 1e999]}', 'request_invalid', /^bad request to setParam: argument 1: /],
    ['a missing argument', '{"id": 1, "method": "setParam", "args": ["neurons.a.bias"]}', 'request_invalid', /^bad request to setParam: /],
    ['an extra argument', '{"id": 1, "method": "setParam", "args": ["neurons.a.bias", 1, 2]}', 'request_invalid', /^bad request to setParam: /],
    ['args that are not a list', '{"id": 1, "method": "setParam", "args": "neurons.a.bias"}', 'request_invalid', /^bad request to setParam: /],
    ['an unknown parameter id', '{"id": 1, "method": "setParam", "args": ["neurons.q.bias", 1]}', 'param_unknown', /^unknown parameter "neurons\.q\.bias" in the current patch$/],
    ['an unknown input', '{"id": 1, "method": "setInput", "args": ["joystick.w", 1]}', 'input_unknown', /^unknown control input "joystick\.w"$/],
    ['an unknown neuron', '{"id": 1, "method": "learn", "args": ["ghost", "freeze"]}', 'neuron_unknown', /^unknown neuron "ghost" in the current patch$/],
    ['an unknown learn command', '{"id": 1, "method": "learn", "args": ["a", "melt"]}', 'request_invalid', /^bad request to learn: argument 1: expected freeze\|thaw\|reset, got "melt"$/],
    ['a capture too long', '{"id": 1, "method": "captureAudio", "args": [5]}', 'request_invalid', /^bad request to captureAudio: argument 0: 5 is above the maximum 2$/],
    ['an empty patch name', '{"id": 1, "method": "loadPatch", "args": [""]}', 'request_invalid', /^bad request to loadPatch: argument 0: /],
    ['an unknown patch name', '{"id": 1, "method": "loadPatch", "args": ["no-such-patch"]}', 'patch_not_found', /^no patch named "no-such-patch"/],
    ['no method', '{"id": 1, "args": []}', 'request_invalid', /method must be a string/],
  ];

  it.each(refusals)('%s', async (_what, text, code, message) => {
    const before = await client.state();
    const r = await client.sendRaw(text, 1);
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe(code);
    expect(r.error?.message).toMatch(message);
    for (const d of r.error?.details ?? []) expect(d).not.toContain('\n');
    expect(await client.state()).toEqual(before);
  });

  it('a message that is not JSON gets an error reply with id null', async () => {
    const r = await client.sendRaw('this is not json');
    expect(r).toMatchObject({ id: null, ok: false });
    expect(r.error?.message).toMatch(/JSON/);
  });

  // KNOWN BUG (src/main/server/web-bridge.ts parseRequest): the JSON.parse SyntaxError is
  // returned as is, so the reply has code "internal" and the bare parser text instead of
  // request_invalid "bad request to (message): ...". Flip to `it` once fixed.
  it('a message that is not JSON is a request_invalid error', async () => {
    const r = await client.sendRaw('this is not json');
    expect(r.error?.code).toBe('request_invalid');
  });

  it('a binary message, and JSON that is not an object, get request_invalid with id null', async () => {
    const bin = await client.sendRaw(Buffer.from([1, 2, 3, 4]));
    expect(bin).toMatchObject({ id: null, ok: false, error: { code: 'request_invalid' } });
    expect(bin.error?.message).toContain('requests are JSON text');
    const nul = await client.sendRaw('null');
    expect(nul).toMatchObject({ id: null, ok: false, error: { code: 'request_invalid', message: 'bad request to (message): expected an object' } });
  });

  it('after all that the engine still runs and the state is untouched', async () => {
    const before = await client.state();
    const t0 = await client.freshTelemetry();
    const t1 = await client.freshTelemetry();
    expect(t1.frame).toBeGreaterThan(t0.frame);
    expect(t1.neurons).toBe(2);
    expect(await client.state()).toEqual(before);
    expect(paramValue(before, 'neurons.a.bias')).toBe(0.52);
  });

  it('a file path is refused: remote callers name patches, they cannot read files', async () => {
    for (const p of [BAD_PATCH, '/etc/passwd', '../../package.json']) {
      const r = await client.call('loadPatch', [p]);
      expect(r.ok).toBe(false);
      expect(r.error?.code).toBe('patch_not_found');
      expect(JSON.stringify(r.error)).not.toMatch(/root:|"name"/);
    }
  });

  it('a bad user patch returns patch_invalid with details; the previous patch keeps playing', async () => {
    const before = await client.state();
    const generation = (await client.freshTelemetry()).patchGeneration;
    const noticesBefore = client.notices.length;
    const r = await client.call('loadPatch', ['bad']);
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('patch_invalid');
    expect(r.error?.message).toBe('bad.json is not a valid patch (2 problems)');
    expect(r.error?.details).toEqual(['neurons[0].activation: expected tanh|sigmoid|relu|sine|hardclip|comparator|nlc, got "tanhh"', 'neurons[0].biass: unknown field']);
    expect(await client.state()).toEqual(before);
    const after = [await client.freshTelemetry(), await client.freshTelemetry()];
    for (const t of after) {
      expect(t.neurons).toBe(2);
      expect(t.patchGeneration).toBe(generation);
    }
    expect(after[1].frame).toBeGreaterThan(after[0].frame);
    expect(client.notices.slice(noticesBefore).filter((n) => n.type === 'patch')).toEqual([]);
  });
});

describe('telemetry and notices', () => {
  it('binary frames decode to the playing patch, frame numbers advancing by whole snapshots', async () => {
    const from = client.telemetry.length;
    await until('30 snapshots', () => client.telemetry.length >= from + 30);
    const seen = client.telemetry.slice(from);
    const SR = 48000;
    // The engine publishes every `interval` frames (sampleRate/60 rounded down to its chunk);
    // the bridge forwards the newest one at each tick, so it may skip some but never repeats.
    const interval = Math.max(CHUNK, Math.floor(SR / 60 / CHUNK) * CHUNK);
    expect(interval).toBeLessThanOrEqual(SR / 60);
    for (const t of seen) {
      expect(t.sampleRate).toBe(SR);
      expect(t.neurons).toBe(2);
      expect(t.columns).toBe(5);
      expect(t.outputs).toHaveLength(2);
      expect(t.weights).toHaveLength(10);
      for (const v of [...t.outputs, ...t.columnValues, t.levels.peakL, t.levels.rmsL]) expect(Number.isFinite(v)).toBe(true);
    }
    const gaps = seen.slice(1).map((t, i) => t.frame - seen[i].frame);
    for (const g of gaps) {
      expect(g).toBeGreaterThan(0);
      expect(g % interval).toBe(0);
    }
    // The network is audibly alive: the neurons' outputs move between snapshots.
    expect(new Set(seen.map((t) => t.outputs[0])).size).toBeGreaterThan(1);
  });

  it('loadPatch pushes a patch notice to every client and the telemetry follows the new patch', async () => {
    const other = await Client.open();
    const from = client.notices.length;
    const generation = (await client.freshTelemetry()).patchGeneration;
    const state = (await client.ok('loadPatch', 'learning-neuron')) as EngineState;
    expect(state.patchName).toBe('learning-neuron');
    expect(state.neurons).toEqual([{ id: 'learner', activation: 'tanh', learns: true }]);
    for (const c of [client, other]) {
      const notice = await until('a patch notice', () => c.notices.slice(c === client ? from : 0).find((n) => n.type === 'patch'));
      expect(notice.type === 'patch' && notice.state).toEqual(state);
    }
    const t = await until('telemetry of the new patch', () => client.telemetry.find((x) => x.patchGeneration > generation));
    expect(t.neurons).toBe(1);
    expect(t.columns).toBe(5);
    // The learning neuron's error is reported; learn commands reach it.
    expect(await client.ok('learn', 'learner', 'freeze')).toBeNull();
    expect(await client.ok('learn', 'learner', 'reset')).toBeNull();
    // Back to the dual neuron for the rest of the file.
    await client.ok('loadPatch', 'dual-neuron');
    await until('the dual neuron back', () => client.telemetry.find((x) => x.patchGeneration > t.patchGeneration && x.neurons === 2));
    expect((await client.state()).patchName).toBe('dual-neuron');
  });
});

describe('who may connect', () => {
  it('a page from a foreign origin is refused', async () => {
    await expect(Client.open({ origin: 'http://evil.example' })).rejects.toThrow('refused with HTTP 401');
    await expect(Client.open({ origin: 'null' })).rejects.toThrow('refused with HTTP 401');
  });

  it('no Origin (a program) and the same origin (the served page) are accepted', async () => {
    // localhost is this machine under another name: the same page.
    for (const c of [await Client.open(), await Client.open({ origin: `http://127.0.0.1:${port}` }), await Client.open({ origin: `http://localhost:${port}` })]) {
      const r = await c.call('getState', []);
      expect(r.ok).toBe(true);
    }
  });

  // KNOWN BUG (src/main/server/web-bridge.ts verifyClient): "same origin" is judged against the
  // request's own Host header, which a DNS-rebinding page controls: a page on
  // http://evil.example:<port> whose name re-resolves to 127.0.0.1 sends Origin and Host both
  // evil.example:<port> and is let in. The Host should be checked against the bound address.
  it('a DNS-rebound page (foreign Host and matching Origin) is refused', async () => {
    await expect(Client.open({ origin: `http://evil.example:${port}`, host: `evil.example:${port}` })).rejects.toThrow('refused');
  });

  it('a WebSocket on another path is refused', async () => {
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/other`);
        ws.once('open', () => {
          ws.terminate();
          resolve('open');
        });
        ws.once('error', reject);
      }),
    ).rejects.toThrow();
  });
});

interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(pathname: string, method = 'GET', target = port): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: target, path: pathname, method, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer')));
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP', () => {
  it('serves index.html with the Content-Security-Policy', async () => {
    for (const p of ['/', '/index.html']) {
      const r = await request(p);
      expect(r.status).toBe(200);
      expect(r.body).toBe(INDEX_HTML);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });

  it.each(['/../package.json', '/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/%2e%2e%2fsecret.txt', '/..%5csecret.txt', '//etc/passwd', '/missing.html', '/static'])(
    'refuses %s',
    async (p) => {
      const r = await request(p);
      expect(r.status).toBe(404);
      expect(r.body).not.toContain(SECRET);
      expect(r.body).not.toContain('"name": "axon-stage"');
    },
  );

  it.each(['POST', 'PUT', 'DELETE'])('refuses %s', async (method) => {
    const r = await request('/index.html', method);
    expect(r.status).toBe(405);
    expect(r.body).not.toContain(INDEX_HTML);
  });
});

describe('a malformed URL', () => {
  // Run in a child process (a bridge with no engine behind it), so that a crash cannot take
  // this test file with it.
  let child: ChildProcess | null = null;
  let childPort = 0;

  beforeAll(async () => {
    const script = [
      "const { EventEmitter } = require('node:events');",
      "const { startBridge } = require('./src/main/server/web-bridge.ts');",
      'startBridge({ backend: new EventEmitter(), staticDir: process.argv[1], port: 0 }).then((b) => console.log(b.url));',
    ].join('\n');
    const c = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script, STATIC], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let out = '';
    c.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const url = await until('the child bridge to listen', () => /http:\/\/\S+/.exec(out)?.[0], 30_000);
    childPort = Number(new URL(url).port);
  });

  afterAll(() => {
    child?.kill();
  });

  it('the child bridge serves the page (the harness works)', async () => {
    expect((await request('/', 'GET', childPort)).status).toBe(200);
  });

  // KNOWN BUG (src/main/server/web-bridge.ts request handler): `decodeURIComponent` throws on a
  // malformed escape such as `/%E0%A4%A` inside the http 'request' handler, so one request takes
  // the whole server (and `axon serve`) down with an uncaught URIError. Flip to `it` once the
  // bridge answers 400.
  it('is answered with 400 and the server keeps serving', async () => {
    const bad = await request('/%E0%A4%A', 'GET', childPort);
    expect(bad.status).toBe(400);
    expect((await request('/', 'GET', childPort)).status).toBe(200);
  });
});
