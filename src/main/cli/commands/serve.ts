import { Backend } from '../../backend';
import { startBridge } from '../../server/web-bridge';
import { ensureRendererBuilt } from '../../server/renderer-build';
import { axonError, toErrorPayload } from '../../../shared/errors';
import { LiveRig } from '../../rig/live-rig';
import type { AudioOutputChoice } from '../../../shared/worker-messages';
import { isValidBlockSize, MAX_BLOCK, MIN_BLOCK, SAMPLE_RATES } from '../../../shared/engine-config';
import { choiceFlag, numberFlag, parseFlags } from '../args';
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

export const serve: Command = {
  name: 'serve',
  summary: 'serve the UI to a browser (http://127.0.0.1:7400 by default)',
  usage: 'axon serve [--port <n>] [--host <addr>] [--patch <name>] [--audio auto|none|<device>|audify[:<device>]|naudiodon[:<device>]] [--rate <hz>] [--block <frames>] [--seed <n>]',
  async run(argv) {
    const { values } = parseFlags(
      argv,
      { port: { type: 'string' }, host: { type: 'string' }, patch: { type: 'string' }, audio: { type: 'string' }, rate: { type: 'string' }, block: { type: 'string' }, seed: { type: 'string' } },
      { min: 0, max: 0, names: '' },
    );
    const port = numberFlag('port', values.port, 7400, 0, 65535, true);
    const sampleRate = choiceFlag('rate', values.rate, 48000, SAMPLE_RATES);
    const blockSize = numberFlag('block', values.block, 128, MIN_BLOCK, MAX_BLOCK, true);
    if (!isValidBlockSize(blockSize)) throw axonError('cli_usage', `--block must be a multiple of 32 between ${MIN_BLOCK} and ${MAX_BLOCK}, got ${blockSize}`);
    const seed = values.seed === undefined ? undefined : numberFlag('seed', values.seed, 1, 0, 0xffffffff, true);
    const staticDir = ensureRendererBuilt();
    const output = parseAudioFlag(values.audio);
    const backend = await Backend.start({ sampleRate, blockSize, seed, output });
    try {
      await backend.loadPatchFile(values.patch ?? 'dual-neuron');
      const bridge = await startBridge({ backend, staticDir, host: values.host, port });
      const rig = await LiveRig.start(backend, { midi: { input: null }, hid: {}, onProblem: (err) => backend.emit('notice', { type: 'error', error: toErrorPayload(err) }) });
      const sink = backend.engine.sink;
      stdio.out(`Axon Stage is serving ${bridge.url} (Ctrl-C to stop)`);
      stdio.out(sink.sink === 'clock' ? `audio: none (${sink.detail})` : `audio: ${sink.sink}, device ${sink.device}`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await rig.close();
      await bridge.close();
    } finally {
      await backend.close();
    }
    return 0;
  },
};
