/**
 * Loads RtMidi's native addon: the JACK-only build from scripts/build-midi-jack.mjs, or the ALSA /
 * CoreMIDI / WinMM prebuilt that ships with @julusian/midi.
 *
 * Both are the same N-API module (`Input`, `Output`, `getInputPortNames`, `getOutputPortNames`),
 * so we load the raw addon and skip the package's JS wrapper: its classes fetch the binding from
 * the package's own loader and cannot be pointed at another file. We use the package's loader
 * (load-native.js, by path: the exports map hides it) for the stock binding, so its prebuild
 * selection (platform, libc, Electron) stays the package's.
 *
 * Which one: AXON_MIDI_BACKEND=jack | system forces it; otherwise the JACK build wins on Linux
 * when it exists and ALSA's sequencer (/dev/snd/seq) does not, i.e. in containers and CI.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { appRoot } from '../paths';

/** What RtMidiIn and RtMidiOut share as the addon exposes them. Methods throw plain Errors ("Invalid MIDI port number", ...). */
interface NativeMidiPort {
  getPortCount(): number;
  getPortName(port: number): string;
  openPort(port: number): void;
  openVirtualPort(name: string): void;
  closePort(): void;
  isPortOpen(): boolean;
  /** Frees the RtMidi handle; the object is unusable after. */
  destroy(): void;
}

export interface NativeMidiInput extends NativeMidiPort {
  /** true = drop: sysex, timing (clock, MTC), active sensing. RtMidi drops all three by default. */
  ignoreTypes(sysex: boolean, timing: boolean, activeSensing: boolean): void;
}

export interface NativeMidiOutput extends NativeMidiPort {
  sendMessage(message: Buffer): void;
}

export interface NativeMidiBinding {
  /** The callback runs on the main thread: seconds since the port's previous message, and the bytes. */
  Input: new (onMessage: (deltaSeconds: number, message: Buffer) => void) => NativeMidiInput;
  Output: new () => NativeMidiOutput;
  getInputPortNames(): string[];
  getOutputPortNames(): string[];
}

export type MidiBackendKind = 'jack' | 'system';

export interface LoadedMidiBinding {
  binding: NativeMidiBinding;
  kind: MidiBackendKind;
  /** The addon file, or the package folder for the stock one. */
  from: string;
}

export const JACK_BINDING_PATH = ['build', 'midi-jack', 'build', 'Release', 'midi.node'];

export interface BindingChoice {
  kind: MidiBackendKind;
  /** Why, for the status line and logs. */
  why: string;
}

/** Pure decision, so it is testable: which addon to load given the environment. */
export function chooseMidiBinding(env: {
  platform: NodeJS.Platform;
  override: string | undefined;
  jackBuilt: boolean;
  alsaSequencer: boolean;
}): BindingChoice {
  const override = env.override?.trim().toLowerCase();
  if (override === 'jack') return { kind: 'jack', why: 'AXON_MIDI_BACKEND=jack' };
  if (override === 'system' || override === 'alsa') return { kind: 'system', why: `AXON_MIDI_BACKEND=${override}` };
  if (env.platform === 'linux' && env.jackBuilt && !env.alsaSequencer) return { kind: 'jack', why: 'no ALSA sequencer (/dev/snd/seq), JACK build present' };
  return { kind: 'system', why: 'default' };
}

/** Whether the JACK server clients would connect to is up: its socket in /dev/shm (JACK2 on Linux). */
export function jackServerRunning(env: NodeJS.ProcessEnv = process.env): boolean {
  const server = env.JACK_DEFAULT_SERVER ?? 'default';
  const uid = process.getuid?.() ?? 0;
  return existsSync(`/dev/shm/jack_${server}_${uid}_0`);
}

/**
 * Loads the chosen addon. Throws a plain Error naming the problem (the ports manager turns it into
 * `midi_unavailable`); loading does not touch the MIDI system yet, constructing Input/Output does.
 */
export function loadMidiBinding(root: string = appRoot(), env: NodeJS.ProcessEnv = process.env): LoadedMidiBinding {
  const jackPath = path.join(root, ...JACK_BINDING_PATH);
  const choice = chooseMidiBinding({
    platform: process.platform,
    override: env.AXON_MIDI_BACKEND,
    jackBuilt: existsSync(jackPath),
    alsaSequencer: existsSync('/dev/snd/seq'),
  });
  const require = createRequire(path.join(root, 'package.json'));
  if (choice.kind === 'jack') {
    if (!existsSync(jackPath)) throw new Error(`the JACK MIDI addon is not built (${jackPath}); run "node scripts/build-midi-jack.mjs"`);
    // Without a server every RtMidi client would retry JACK and print to stderr at each poll.
    if (!jackServerRunning(env)) throw new Error('no ALSA sequencer (/dev/snd/seq) and no JACK server running: start jackd for MIDI');
    return { binding: require(jackPath) as NativeMidiBinding, kind: 'jack', from: jackPath };
  }
  const pkgDir = path.dirname(require.resolve('@julusian/midi/package.json'));
  const loadNative = require(path.join(pkgDir, 'load-native.js')) as () => NativeMidiBinding;
  return { binding: loadNative(), kind: 'system', from: pkgDir };
}
