import path from 'node:path';
import { axonError } from '../../../shared/errors';
import { formatDuration } from '../../../shared/recording';
import { isValidBlockSize, MAX_BLOCK, MIN_BLOCK, SAMPLE_RATES } from '../../../shared/engine-config';
import { decodeTelemetry, type Telemetry } from '../../../shared/telemetry';
import type { AudioOutputChoice } from '../../../shared/worker-messages';
import { Backend } from '../../backend';
import { OSC_DEFAULT_LISTEN, parseEndpoint, type OscEndpoint } from '../../osc/osc-endpoint';
import { deadMidiClients } from '../../midi/rtmidi-backend';
import { LiveRig } from '../../rig/live-rig';
import { choiceFlag, numberFlag, parseFlags, withQueueFlag } from '../args';
import { stdio, type Command } from '../command';

/** How often the status line is printed when stdout is not a terminal (a log file). */
const LOG_STATUS_MS = 5000;
const TTY_STATUS_MS = 500;

/** `auto`, `none`, `<device>`, `<backend>` or `<backend>:<device>` (backends: audify, naudiodon). */
export function parsePerformAudio(raw: string | undefined): AudioOutputChoice {
  if (raw === undefined || raw === 'auto') return { kind: 'auto' };
  if (raw === 'none') return { kind: 'none' };
  if (raw === 'audify' || raw === 'naudiodon') return { kind: 'auto', backend: raw };
  // A device whose name starts with a word and a colon (ALSA's hw:0,0) needs its backend in front.
  const m = /^([a-z]+):(.*)$/.exec(raw);
  if (m && m[1] !== 'audify' && m[1] !== 'naudiodon') throw axonError('cli_usage', `--audio backend "${m[1]}" is not available (backends: audify, naudiodon)`);
  const device = m ? m[2] : raw;
  if (device.trim() === '') throw axonError('cli_usage', '--audio needs auto, none, a device name, audify:<device> or naudiodon:<device>');
  return m ? { kind: 'auto', backend: m[1] === 'audify' ? 'audify' : 'naudiodon', device } : { kind: 'auto', device };
}

function endpointFlag(name: string, spec: string, defaultPort?: number): OscEndpoint {
  try {
    return parseEndpoint(spec, defaultPort);
  } catch (err) {
    throw axonError('cli_usage', `--${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function statusLine(backend: Backend, rig: LiveRig | null, t: Telemetry | null): string {
  const sink = backend.engine.sink;
  const drums = backend.drums.state;
  const parts = [
    `load ${t ? (100 * t.load).toFixed(1) : '-'}%`,
    `underruns ${t ? t.underruns : '-'}`,
    `audio ${sink.sink === 'clock' ? `none (${sink.detail})` : `${sink.sink}:${sink.device}`}`,
    `drums ${drums.mode === 'board' ? `board ${drums.port} (${drums.board?.drums} drums)` : drums.mode === 'connecting' ? `connecting ${drums.port}` : 'virtual kit'}`,
  ];
  if (drums.late > 0) parts.push(`${drums.late} late strikes`);
  if (rig) parts.push(...rig.status());
  if (t && t.nanEvents > 0) parts.push(`${t.nanEvents} NaN recoveries`);
  return parts.join(' | ');
}

export const perform: Command = {
  name: 'perform',
  summary: 'run the rig without a window: engine, audio out and in, drums, MIDI, joysticks, OSC; a status line until Ctrl-C',
  usage:
    'axon perform --patch <p> [--audio auto|none|<device>|audify[:<device>]|naudiodon[:<device>]] [--queue-ms <ms>] [--audio-in none|auto|<device>] [--audio-in-channel <n>] [--serial auto|<path>] [--midi-in <name>] [--hid auto|none] [--osc <host:port>]... [--osc-in <host:port>|none] [--respond] [--temperature <t>] [--density <d>] [--seconds <s>] [--rate <hz>] [--block <frames>] [--seed <n>] [--record [--title <text>] [--stems]]',
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        patch: { type: 'string' },
        audio: { type: 'string' },
        'queue-ms': { type: 'string' },
        'audio-in': { type: 'string' },
        'audio-in-channel': { type: 'string' },
        serial: { type: 'string' },
        'midi-in': { type: 'string' },
        hid: { type: 'string' },
        osc: { type: 'string', multiple: true },
        'osc-in': { type: 'string' },
        respond: { type: 'boolean' },
        temperature: { type: 'string' },
        density: { type: 'string' },
        seconds: { type: 'string' },
        rate: { type: 'string' },
        block: { type: 'string' },
        seed: { type: 'string' },
        record: { type: 'boolean' },
        title: { type: 'string' },
        stems: { type: 'boolean' },
      },
      { min: 0, max: 0, names: '' },
    );
    if (values.patch === undefined) throw axonError('cli_usage', 'missing --patch');
    const sampleRate = choiceFlag('rate', values.rate, 48000, SAMPLE_RATES);
    const blockSize = numberFlag('block', values.block, 128, MIN_BLOCK, MAX_BLOCK, true);
    if (!isValidBlockSize(blockSize)) throw axonError('cli_usage', `--block must be a multiple of 32 between ${MIN_BLOCK} and ${MAX_BLOCK}, got ${blockSize}`);
    const seed = values.seed === undefined ? undefined : numberFlag('seed', values.seed, 1, 0, 0xffffffff, true);
    const seconds = values.seconds === undefined ? undefined : numberFlag('seconds', values.seconds, 0, 0.1, 24 * 3600);
    const output = withQueueFlag(parsePerformAudio(values.audio), values['queue-ms']);
    const audioInDevice = values['audio-in'];
    if (audioInDevice !== undefined && audioInDevice.trim() === '') throw axonError('cli_usage', '--audio-in needs none, auto or an input device (see axon devices)');
    if (values['audio-in-channel'] !== undefined && (audioInDevice === undefined || audioInDevice === 'none')) throw axonError('cli_usage', '--audio-in-channel applies with --audio-in');
    const audioIn =
      audioInDevice === undefined || audioInDevice === 'none'
        ? null
        : { device: audioInDevice === 'auto' ? undefined : audioInDevice, channel: numberFlag('audio-in-channel', values['audio-in-channel'], 1, 1, 64, true), sampleRate };
    if (values.serial !== undefined && values.serial.trim() === '') throw axonError('cli_usage', '--serial needs auto or a serial port path');
    const hid = choiceFlag('hid', values.hid, 'auto', ['auto', 'none'] as const);
    const midiIn = values['midi-in'];
    if (midiIn !== undefined && midiIn.trim() === '') throw axonError('cli_usage', '--midi-in needs a MIDI input name');
    const oscTargets = (values.osc ?? []).map((spec) => endpointFlag('osc', spec));
    const oscIn = values['osc-in'];
    const oscListen = oscIn === 'none' ? null : oscIn !== undefined ? endpointFlag('osc-in', oscIn, OSC_DEFAULT_LISTEN.port) : oscTargets.length > 0 ? OSC_DEFAULT_LISTEN : null;
    const osc = oscTargets.length > 0 || oscListen !== null ? { targets: oscTargets, listen: oscListen } : null;
    if ((values.temperature !== undefined || values.density !== undefined) && !values.respond) throw axonError('cli_usage', '--temperature and --density apply with --respond');
    const respond = values.respond
      ? { temperature: numberFlag('temperature', values.temperature, 1, 0, 10), density: numberFlag('density', values.density, 1, 0, 2), seed: seed ?? 1 }
      : null;

    if ((values.title !== undefined || values.stems) && !values.record) throw axonError('cli_usage', `--${values.title !== undefined ? 'title' : 'stems'} applies with --record`);

    const backend = await Backend.start({ sampleRate, blockSize, seed, output });
    let latest: Telemetry | null = null;
    backend.on('telemetry', (words) => (latest = decodeTelemetry(words)));
    backend.on('notice', (n) => {
      if (n.type === 'error') stdio.err(`axon perform: ${n.error.message}`);
    });
    const tty = process.stdout.isTTY === true;
    let statusTimer: NodeJS.Timeout | null = null;
    let rig: LiveRig | null = null;
    try {
      // A bad patch fails here, before anything is connected.
      await backend.loadPatchFile(values.patch);
      if (values.serial !== undefined) await backend.connectDrums(values.serial === 'auto' ? null : values.serial);
      rig = await LiveRig.start(backend, {
        midi: { input: midiIn ?? null },
        hid: hid === 'auto' ? {} : null,
        osc,
        respond,
        audioIn,
        onProblem: (error) => stdio.err(`axon perform: ${error.message}`),
      });
      stdio.out(`performing ${values.patch} (${seconds === undefined ? 'Ctrl-C to stop' : `for ${seconds} s`})`);
      if (values.record) {
        const rec = await backend.startRecording(values.title ?? null, { stems: values.stems === true });
        stdio.out(`recording ${path.join(rec.folder, rec.set ?? '')}`);
      }
      statusTimer = setInterval(
        () => {
          const line = statusLine(backend, rig, latest);
          if (tty) process.stdout.write(`\r${line}\x1b[K`);
          else stdio.out(line);
        },
        tty ? TTY_STATUS_MS : LOG_STATUS_MS,
      );
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
        if (seconds !== undefined) setTimeout(done, seconds * 1000);
      });
      if (tty) process.stdout.write('\n');
      stdio.out(statusLine(backend, rig, latest));
      if (values.record) {
        const rec = await backend.stopRecording();
        stdio.out(`recorded ${rec.set}: ${formatDuration(rec.elapsedSeconds)}, ${(rec.bytes / 1e6).toFixed(2)} MB, ${rec.droppedFrames} frames lost`);
      }
    } finally {
      if (statusTimer) clearInterval(statusTimer);
      // Notes off on MIDI out before the engine stops.
      await rig?.close();
      // Releases the drum motors (ALL_STOP) and the engine's notes before the process ends.
      await backend.close();
    }
    stdio.out('stopped: drum motors released, MIDI notes off');
    // MIDI ports that died with a JACK server must never be finalized (RtMidi would crash the
    // process on the way out): leave without running finalizers.
    if (deadMidiClients() > 0) process.exit(0);
    return 0;
  },
};
