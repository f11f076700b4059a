import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Backend } from '../../backend';
import { qrMatrix, qrToTerminal } from '../../server/qr-code';
import { startBridge } from '../../server/web-bridge';
import { ensureRendererBuilt } from '../../server/renderer-build';
import { axonError, toErrorPayload } from '../../../shared/errors';
import { LiveRig } from '../../rig/live-rig';
import { playSimulatedDrums } from '../../drums/simulator/simulated-drums';
import type { AudioOutputChoice } from '../../../shared/worker-messages';
import { isValidBlockSize, MAX_BLOCK, MIN_BLOCK, SAMPLE_RATES } from '../../../shared/engine-config';
import { choiceFlag, numberFlag, parseFlags, withQueueFlag } from '../args';
import { stdio, type Command } from '../command';

/** `auto` (the default device), `none`, an output device's name, `<backend>` or `<backend>:<device>` (backends: audify, naudiodon). */
export function parseAudioFlag(raw: string | undefined): AudioOutputChoice {
  if (raw === undefined || raw === 'auto') return { kind: 'auto' };
  if (raw === 'none') return { kind: 'none' };
  if (raw === 'audify' || raw === 'naudiodon') return { kind: 'auto', backend: raw };
  // Only a known backend is a prefix: device names carry colons too (ALSA's hw:0,0).
  const m = /^(audify|naudiodon):(.*)$/.exec(raw);
  const device = m ? m[2] : raw;
  if (device.trim() === '') throw axonError('cli_usage', '--audio needs auto, none, a device name, audify:<device> or naudiodon:<device>');
  return m ? { kind: 'auto', backend: m[1] === 'audify' ? 'audify' : 'naudiodon', device } : { kind: 'auto', device };
}

/** A `--token` as given, if it is 16-128 URL-safe characters (so it survives a URL and a QR code unescaped). */
export function parseTokenFlag(raw: string): string {
  const bad = /[^A-Za-z0-9_-]/.exec(raw);
  if (bad) throw axonError('cli_usage', `--token may hold only letters, digits, _ and -, not ${JSON.stringify(bad[0])} (at character ${bad.index + 1})`);
  if (raw.length < 16 || raw.length > 128) throw axonError('cli_usage', `--token must be 16 to 128 characters long, got ${raw.length}`);
  return raw;
}

/** Addresses a phone on the LAN can reach `host` at: every external IPv4 address when bound to all. */
export function lanAddresses(host: string, interfaces = os.networkInterfaces()): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host.includes(':') ? `[${host}]` : host];
  return Object.values(interfaces).flatMap((list) => (list ?? []).filter((i) => i.family === 'IPv4' && !i.internal).map((i) => i.address));
}

/** The QR code for a terminal: forced black on white where colours work, else light blocks for a dark theme. */
function terminalQr(url: string): string {
  const modules = qrMatrix(url);
  if (!process.stdout.isTTY || process.env.NO_COLOR) return qrToTerminal(modules);
  return qrToTerminal(modules, { foreground: 'dark' })
    .split('\n')
    .map((line) => `\x1b[30;107m${line}\x1b[0m`)
    .join('\n');
}

export const serve: Command = {
  name: 'serve',
  summary: 'serve the UI to a browser (http://127.0.0.1:7400 by default; --lan: to phones and tablets on the network, with an access token)',
  usage:
    'axon serve [--port <n>] [--host <addr>] [--lan] [--token <t>] [--patch <name>] [--audio auto|none|<device>|audify[:<device>]|naudiodon[:<device>]] [--queue-ms <ms>] [--rate <hz>] [--block <frames>] [--seed <n>] [--simulate-drums]',
  async run(argv) {
    const { values } = parseFlags(
      argv,
      { port: { type: 'string' }, host: { type: 'string' }, lan: { type: 'boolean' }, token: { type: 'string' }, patch: { type: 'string' }, audio: { type: 'string' }, 'queue-ms': { type: 'string' }, rate: { type: 'string' }, block: { type: 'string' }, seed: { type: 'string' }, 'simulate-drums': { type: 'boolean' } },
      { min: 0, max: 0, names: '' },
    );
    const port = numberFlag('port', values.port, 7400, 0, 65535, true);
    const sampleRate = choiceFlag('rate', values.rate, 48000, SAMPLE_RATES);
    const blockSize = numberFlag('block', values.block, 128, MIN_BLOCK, MAX_BLOCK, true);
    if (!isValidBlockSize(blockSize)) throw axonError('cli_usage', `--block must be a multiple of 32 between ${MIN_BLOCK} and ${MAX_BLOCK}, got ${blockSize}`);
    const seed = values.seed === undefined ? undefined : numberFlag('seed', values.seed, 1, 0, 0xffffffff, true);
    // The LAN is off by default; on it, the API needs a token (18 random bytes unless one is given).
    const lan = values.lan === true;
    const host = values.host ?? (lan ? '0.0.0.0' : undefined);
    const token = values.token !== undefined ? parseTokenFlag(values.token) : lan ? randomBytes(18).toString('base64url') : undefined;
    const staticDir = ensureRendererBuilt();
    const output = withQueueFlag(parseAudioFlag(values.audio), values['queue-ms']);
    const backend = await Backend.start({ sampleRate, blockSize, seed, output });
    try {
      await backend.loadPatchFile(values.patch ?? 'dual-neuron');
      const bridge = await startBridge({ backend, staticDir, host, port, token });
      const rig = await LiveRig.start(backend, { midi: { input: null }, hid: {}, onProblem: (err) => backend.emit('notice', { type: 'error', error: toErrorPayload(err) }) });
      // Without --audio, the devices chosen in the app last time (a gone device keeps the default);
      // the rate and buffer too, unless --rate or --block chose them.
      const audioFormat = values.rate === undefined && values.block === undefined;
      if (values.audio === undefined) for (const err of await backend.restoreDevices({ audioFormat })) stdio.err(`axon serve: ${err.message}`);
      // After a crash: the sets it cut short repaired and, unless --patch chose one, the patch as it played.
      await backend.restoreAfterCrash({ patch: values.patch === undefined });
      // A drum board to rehearse with: the firmware simulated, with model drums a model microphone hears.
      const simulated = values['simulate-drums'] ? await playSimulatedDrums(backend) : null;
      if (simulated) stdio.out(`drums: a simulated board on ${simulated.port}, heard by its model microphone`);
      const sink = backend.engine.sink;
      if (token === undefined) stdio.out(`Axon Stage is serving ${bridge.url} (Ctrl-C to stop)`);
      else {
        // The token rides in the fragment: browsers never send it in a request, so no log sees it.
        const { port: bound } = new URL(bridge.url);
        const addresses = lan ? lanAddresses(host ?? '127.0.0.1') : [new URL(bridge.url).hostname];
        const urls = (addresses.length > 0 ? addresses : ['127.0.0.1']).map((a) => `http://${a}:${bound}/#token=${token}`);
        stdio.out(`Axon Stage is serving on port ${bound}, with an access token (Ctrl-C to stop)`);
        if (addresses.length === 0) stdio.out('no network address found (is this machine on a network?): only this machine can connect');
        stdio.out(lan ? 'open one of these on a phone or tablet on the same network, or scan the code:' : 'open this address (it carries the token):');
        for (const url of urls) stdio.out(`  ${url}`);
        stdio.out(`token: ${token}`);
        stdio.out(terminalQr(urls[0]));
      }
      stdio.out(sink.sink === 'clock' ? `audio: none (${sink.detail})` : `audio: ${sink.sink}, device ${sink.device}`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await rig.close();
      await bridge.close();
      await backend.disconnectDrums();
      await simulated?.stop();
    } finally {
      await backend.close();
    }
    return 0;
  },
};
