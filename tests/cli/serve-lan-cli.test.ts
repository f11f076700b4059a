import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import jsQR from 'jsqr';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ROOT } from '../support/engine-harness';
import { runAxon } from '../support/cli-runner';
import { useTempDataDir } from '../support/data-dir';
import { until } from '../support/until';

// `axon serve --lan` as a user runs it: what it prints (addresses with the token, the token, a
// QR code that a reader decodes to the first address), and that the printed address works.

const DATA = useTempDataDir('serve-lan');
const BIN = path.join(ROOT, 'bin', 'axon.cjs');
const running = new Set<ChildProcessWithoutNullStreams>();

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

interface Serving {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr: () => string;
}

/** Starts `axon serve ...` and waits for its last start-up line (the audio one). */
async function serve(...args: string[]): Promise<Serving> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd: ROOT, env: { ...process.env, AXON_DATA_DIR: DATA } });
  running.add(child);
  let stdout = '';
  let stderr = '';
  let exited: number | null = null;
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.on('exit', (code) => (exited = code ?? -1));
  await until(
    'axon serve to start',
    () => {
      if (exited !== null) throw new Error(`axon serve exited ${exited}: ${stderr}`);
      return /^audio: /m.test(stdout);
    },
    60_000,
  );
  return { child, lines: stdout.split('\n'), stderr: () => stderr };
}

/** Ctrl-C, then the exit code. */
function stop(s: Serving): Promise<number | null> {
  return new Promise((resolve) => {
    s.child.once('exit', (code) => {
      running.delete(s.child);
      resolve(code);
    });
    s.child.kill('SIGINT');
  });
}

/** The printed QR block (light modules drawn, for a dark terminal) read back with jsQR. */
function readQr(lines: string[]): string | null {
  const block = lines.filter((l) => l.length > 20 && /^[▀▄█ ]+$/.test(l));
  const rows: boolean[][] = [];
  for (const line of block) {
    const chars = [...line];
    rows.push(chars.map((ch) => ch !== '█' && ch !== '▀'));
    rows.push(chars.map((ch) => ch !== '█' && ch !== '▄'));
  }
  const scale = 4;
  const side = rows[0].length * scale;
  const height = rows.length * scale;
  const data = new Uint8ClampedArray(side * height * 4).fill(255);
  rows.forEach((row, r) =>
    row.forEach((dark, c) => {
      if (!dark) return;
      for (let y = 0; y < scale; y++) for (let x = 0; x < scale; x++) data.fill(0, ((r * scale + y) * side + c * scale + x) * 4, ((r * scale + y) * side + c * scale + x) * 4 + 3);
    }),
  );
  return jsQR(data, side, height, { inversionAttempts: 'dontInvert' })?.data ?? null;
}

/** Whether a WebSocket to `url` opens (true) or is refused (its HTTP status). */
function dial(url: string): Promise<true | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.close();
      resolve(true);
    });
    ws.once('unexpected-response', (_req, res) => {
      ws.terminate();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}

describe('axon serve --lan', () => {
  it('prints the LAN addresses with a fresh token, the token and a QR code of the first; the address works, only with the token', async () => {
    const s = await serve('--lan', '--port', '0', '--audio', 'none');
    const port = /^Axon Stage is serving on port (\d+), with an access token \(Ctrl-C to stop\)$/m.exec(s.lines.join('\n'))?.[1];
    expect(port, s.lines.join('\n')).toBeDefined();
    const urls = s.lines.filter((l) => l.startsWith('  http://')).map((l) => l.trim());
    expect(urls.length).toBeGreaterThan(0);
    const token = /^token: (\S+)$/m.exec(s.lines.join('\n'))?.[1] ?? '';
    // 18 random bytes in base64url.
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    for (const url of urls) expect(url).toMatch(new RegExp(`^http://\\d+\\.\\d+\\.\\d+\\.\\d+:${port}/#token=${token}$`));
    expect(readQr(s.lines)).toBe(urls[0]);

    const address = new URL(urls[0]);
    expect(await dial(`ws://${address.host}/ws`)).toBe(401);
    expect(await dial(`ws://${address.host}/ws?token=${token.slice(1)}`)).toBe(401);
    expect(await dial(`ws://${address.host}/ws?token=${token}`)).toBe(true);
    expect(await stop(s)).toBe(0);
  }, 90_000);

  it('uses the token given with --token', async () => {
    const token = 'my-own_token-1234567';
    const s = await serve('--lan', '--port', '0', '--audio', 'none', '--token', token);
    const text = s.lines.join('\n');
    expect(text).toContain(`token: ${token}\n`);
    const url = s.lines.find((l) => l.startsWith('  http://'))?.trim() ?? '';
    expect(url).toMatch(new RegExp(`#token=${token}$`));
    expect(readQr(s.lines)).toBe(url);
    expect(await dial(`ws://${new URL(url).host}/ws?token=${token}`)).toBe(true);
    expect(await stop(s)).toBe(0);
  }, 90_000);

  it.each([
    [['--token', 'short'], '--token must be 16 to 128 characters long, got 5'],
    [['--token', 'sixteen chars but spaces'], '--token may hold only letters, digits, _ and -, not " " (at character 8)'],
    [['--token'], "Option '--token <value>' argument missing"],
  ])('refuses a bad token %j with exit 2 and one clear line', async (args, message) => {
    const r = await runAxon(DATA, 'serve', '--lan', ...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
