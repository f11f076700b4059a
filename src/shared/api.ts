import { z } from 'zod';
import { axonError, toErrorPayload, withDetails, type ErrorPayload } from './errors';
import { DRUM_COUNT, LEARN_COMMANDS, type OutEvent } from './events';
import { MappingSchema, MAX_MAPPINGS, MODEL_NAME_PATTERN, type Activation, type Patch, type PatchMapping } from './patch/schema';
import { formatIssues } from './patch/validate';
import { JOYSTICK_AXIS_PARAMS } from './params/registry';
import type { ParamSpec } from './params/spec';
import type { Hertz } from './units';

// The one API between a UI and the backend. The Electron preload carries it over IPC, the
// web bridge over WebSocket; both validate every call with these schemas before it runs.

export interface PatchInfo {
  name: string;
  title: string;
  description: string;
  origin: 'example' | 'user';
}

export interface ParamState extends ParamSpec {
  id: string;
  value: number;
}

/** A device as a backend lists it. */
export interface AudioDevice {
  id: number;
  name: string;
  /** The host API it belongs to (ALSA, JACK, PulseAudio, CoreAudio, WASAPI, ASIO...). */
  host: string;
  isDefault: boolean;
  /** Channels in the direction it was listed for. */
  channels: number;
}

/** What a machine offers for sound: each output backend's devices and the inputs, or why there are none. */
export interface AudioDevices {
  outputs: { backend: 'audify' | 'naudiodon'; devices: AudioDevice[]; problem: string | null }[];
  inputs: { devices: AudioDevice[]; problem: string | null };
}

/** The audio output in use. `detail` says why there is no sound when `sink` is "clock". */
export interface AudioOutputState {
  sink: string;
  device: string;
  detail: string;
}

/** The audio input (a microphone or line in) as the UI sees it. */
export interface AudioInputState {
  state: 'off' | 'opening' | 'on' | 'failed' | 'closed';
  device: string;
  channel: number;
  latencyMs: number;
  /** Frames lost because the app fell behind. */
  dropped: number;
  /** Why it is not on, or how it recovered. */
  detail: string;
}

/** A joystick calibration in progress: what the UI draws while the performer rests and sweeps. */
export interface JoystickCalibrationProgress {
  phase: 'rest' | 'range' | 'done';
  restElapsedMs: number;
  restMs: number;
  axes: readonly { key: string; logicalMin: number; logicalMax: number; raw: number | null; centre: number | null; min: number | null; max: number | null; moved: boolean }[];
}

export interface JoystickState {
  /** Stable across replugs ("vvvv:pppp:serial"). */
  id: string;
  product: string;
  connected: boolean;
  /** A saved calibration is applied. */
  calibrated: boolean;
  /** Each axis's response as applied now (its saved settings, else the defaults). */
  axes: { key: string; deadZone: number; curve: number; invert: boolean }[];
  calibration: JoystickCalibrationProgress | null;
}

/** Every device the rig plays with, for the Devices menu. */
export interface DevicesState {
  audioOut: AudioOutputState & { latencyMs: number };
  audioIn: AudioInputState;
  /** `off`: this app was started without MIDI. */
  midi: { state: 'available' | 'unavailable' | 'stopped' | 'off'; detail: string; input: string | null; clockBpm: number | null };
  /** null: joysticks are not watched (no rig). */
  joysticks: JoystickState[] | null;
}

export const AUDIO_INPUT_CHANNELS = 64;
const DeviceName = z.string().min(1).max(200);

export interface EngineState {
  patchName: string;
  audio: AudioOutputState;
  patch: Patch;
  sampleRate: Hertz;
  blockSize: number;
  seed: number;
  /** Signal columns: sources, then neurons. */
  columns: string[];
  sources: { id: string; type: string }[];
  neurons: { id: string; activation: Activation; learns: boolean }[];
  params: ParamState[];
  /** The patch's mappings as they play now (live changes to their own parameters folded in). */
  mappings: PatchMapping[];
  /** The destination a mapping is being learned for (see learnMapping), or null. */
  learning: string | null;
  /** Panic is on: silent, no notes or drums, until resumed (see panic). */
  panicked: boolean;
}

export interface AudioCapture {
  frames: number;
  sampleRate: Hertz;
  peak: number;
  rms: number;
  /** Zero crossings per second of the left channel (a rough brightness measure). */
  crossingsPerSecond: number;
  /** FNV-1a hash of the samples: equal captures hash equal. */
  hash: string;
}

export type LearnCommand = (typeof LEARN_COMMANDS)[number];

/** A trained reservoir model a patch can name. */
export interface ModelInfo {
  name: string;
  origin: 'user' | 'example';
  neurons: number;
  kind: 'full' | 'diagonal';
  grains: number;
  sampleRate: Hertz;
  /** Median NRMSE of the grains' re-synthesis (null when none re-synthesised). */
  medianNrmse: number | null;
}

/** A WAV file in the user's sounds folder: a name, never a path. */
export const SOUND_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 _.()-]{0,99}\.wav$/i;

/** What to train: sounds (whole patterns, or one sliced into grains) into a model of that name. */
export const TrainRequestSchema = z
  .strictObject({
    name: z.string().regex(MODEL_NAME_PATTERN, { message: 'must be a model name (letters, digits, _ and -, at most 64)' }),
    sounds: z.array(z.string().regex(SOUND_NAME_PATTERN, { message: 'must be the name of a .wav file in the sounds folder' })).min(1).max(64),
    /** Cut the one sound into grains at its negative-going zero crossings. */
    slice: z.boolean().optional(),
    neurons: z.number().int().min(16).max(1024).optional(),
    diagonal: z.boolean().optional(),
    /** Search hyperparameters instead of training once; the best model is kept. */
    search: z.strictObject({ trials: z.number().int().min(1).max(500), method: z.enum(['random', 'ga']).optional(), mfcc: z.boolean().optional() }).optional(),
  })
  .refine((r) => !r.slice || r.sounds.length === 1, { message: 'slice cuts one sound into grains: give exactly one', path: ['sounds'] });
export type TrainRequest = z.infer<typeof TrainRequestSchema>;

/** A training job as the UI follows it. */
export interface TrainingStatus {
  job: string;
  name: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  /** 0..1 over the whole job. */
  fraction: number;
  /** What it is doing now, for people ("loading", "trial 3 of 20: NRMSE 0.21", ...). */
  detail: string;
  result?: { model: ModelInfo; grains: { nrmse: number | null; aperture: number }[]; trainSeconds: number; warnings: string[] };
  error?: ErrorPayload;
}

/** The robot drums as the UI sees them. */
export interface DrumsState {
  /** virtual: every drum sounds on the engine's kit; connecting: the kit covers while a board is sought; board: the board plays its drums, the kit the rest. */
  mode: 'virtual' | 'connecting' | 'board';
  port: string | null;
  /** The connected board ("1.0.0", shield generation, drum count). */
  board: { firmware: string; shield: number; drums: number } | null;
  profile: string | null;
  /** The last thing that went wrong (a refused strike, a lost board), for the UI to show. */
  lastError: ErrorPayload | null;
  /** Strikes that landed later than asked (not enough lookahead). */
  late: number;
}

export interface DrumPort {
  path: string;
  /** What its USB id says it is (Arduino Uno, CH340 USB serial, ...). */
  kind: string;
}

export const DRUM_PROFILE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** A serial port path as an OS names one (no file paths from a UI). */
export const SERIAL_PATH_PATTERN = /^(\/dev\/[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?|COM[0-9]{1,3})$/;

export interface AxonApi {
  listPatches(): Promise<PatchInfo[]>;
  loadPatch(name: string): Promise<EngineState>;
  getState(): Promise<EngineState | null>;
  setParam(id: string, value: number): Promise<void>;
  setInput(input: string, value: number): Promise<void>;
  learn(neuron: string, command: LearnCommand): Promise<void>;
  captureAudio(seconds: number): Promise<AudioCapture>;
  listModels(): Promise<ModelInfo[]>;
  listSounds(): Promise<string[]>;
  /** Starts training off the audio thread; progress and the outcome arrive as `training` notices. */
  trainModel(request: TrainRequest): Promise<TrainingStatus>;
  cancelTraining(job: string): Promise<void>;
  getDrums(): Promise<DrumsState>;
  /** Serial ports with a known board's USB id (ptys and unknown chips are not listed). */
  listDrumPorts(): Promise<DrumPort[]>;
  /** Plays on the board at `path` (null: the first one found), reconnecting on its own; the kit covers until it answers. */
  connectDrums(path: string | null): Promise<DrumsState>;
  disconnectDrums(): Promise<DrumsState>;
  /** One strike now, uncompensated: on the board if it plays the drum, else on the kit. */
  testStrike(drum: number, velocity: number): Promise<void>;
  listDrumProfiles(): Promise<string[]>;
  /** Takes a saved profile's tables (sent to the board) and latencies (null: none). */
  useDrumProfile(name: string | null): Promise<DrumsState>;
  /** Replaces the patch's mappings (the patch reloads with a short fade); invalid ones are refused, one detail per problem. */
  setMappings(mappings: PatchMapping[]): Promise<EngineState>;
  /**
   * Arms learning for a destination parameter: the next control input that moves by more than
   * LEARN_THRESHOLD of its range becomes its source (replacing any mapping to it). `patch`
   * notices report it: `learning` set when armed, then the reloaded patch with the new mapping
   * in `mappings` and `learning` null (or only `learning` null when cancelled). Arming again
   * moves learning to the new destination.
   */
  learnMapping(to: string): Promise<void>;
  cancelLearn(): Promise<void>;
  /**
   * Panic (on): the engine's and MIDI out's notes off, the drum motors released and pending hits
   * dropped, the output ramped to silence; it stays silent, with no notes or drums, until
   * panic(false). Answers the state with `panicked`.
   */
  panic(on: boolean): Promise<EngineState>;
  getDevices(): Promise<DevicesState>;
  listAudioDevices(): Promise<AudioDevices>;
  /** Moves the sound to another output (null: off) while the engine plays on. */
  setAudioOutput(choice: { backend: 'audify' | 'naudiodon'; device: string | null } | null): Promise<DevicesState>;
  /** Listens on another input (null: none); its envelope, pitch and onsets drive the audio.* inputs. */
  setAudioInput(choice: { device: string | null; channel: number } | null): Promise<DevicesState>;
  /** start: rest then sweep every axis (progress in `devices` notices); save: keep it for this device; cancel: drop it. Save answers any warnings. */
  calibrateJoystick(id: string, action: 'start' | 'save' | 'cancel'): Promise<{ devices: DevicesState; warnings: string[] }>;
  /** One axis's dead zone, curve and inversion, saved for the device and applied at once. */
  setJoystickAxis(id: string, axis: string, response: JoystickAxisResponse): Promise<DevicesState>;
}

export interface JoystickAxisResponse {
  deadZone: number;
  curve: number;
  invert: boolean;
}

export type ApiMethod = keyof AxonApi;

/** Argument schemas, one per method: the only door into the backend. */
export const API_ARGS: { [M in ApiMethod]: z.ZodType<Parameters<AxonApi[M]>> } = {
  listPatches: z.tuple([]),
  loadPatch: z.tuple([z.string().min(1).max(256)]),
  getState: z.tuple([]),
  setParam: z.tuple([z.string().min(1).max(200), z.number().refine(Number.isFinite, 'must be a finite number')]),
  setInput: z.tuple([z.string().min(1).max(64), z.number().refine(Number.isFinite, 'must be a finite number')]),
  learn: z.tuple([z.string().min(1).max(64), z.enum(LEARN_COMMANDS)]),
  captureAudio: z.tuple([z.number().min(0.01).max(2)]),
  listModels: z.tuple([]),
  listSounds: z.tuple([]),
  trainModel: z.tuple([TrainRequestSchema]),
  cancelTraining: z.tuple([z.string().min(1).max(64)]),
  getDrums: z.tuple([]),
  listDrumPorts: z.tuple([]),
  connectDrums: z.tuple([z.string().regex(SERIAL_PATH_PATTERN, { message: 'must be a serial port such as /dev/ttyACM0 or COM3' }).nullable()]),
  disconnectDrums: z.tuple([]),
  testStrike: z.tuple([z.number().int().min(0).max(DRUM_COUNT - 1), z.number().int().min(1).max(127)]),
  listDrumProfiles: z.tuple([]),
  useDrumProfile: z.tuple([z.string().regex(DRUM_PROFILE_NAME_PATTERN, { message: 'must be a profile name' }).nullable()]),
  setMappings: z.tuple([z.array(MappingSchema).max(MAX_MAPPINGS)]),
  learnMapping: z.tuple([z.string().min(1).max(200)]),
  cancelLearn: z.tuple([]),
  panic: z.tuple([z.boolean()]),
  getDevices: z.tuple([]),
  listAudioDevices: z.tuple([]),
  setAudioOutput: z.tuple([z.strictObject({ backend: z.enum(['audify', 'naudiodon']), device: DeviceName.nullable() }).nullable()]),
  setAudioInput: z.tuple([z.strictObject({ device: DeviceName.nullable(), channel: z.number().int().min(1).max(AUDIO_INPUT_CHANNELS) }).nullable()]),
  calibrateJoystick: z.tuple([z.string().min(1).max(200), z.enum(['start', 'save', 'cancel'])]),
  setJoystickAxis: z.tuple([
    z.string().min(1).max(200),
    z.string().min(1).max(32),
    z.strictObject({
      deadZone: z.number().min(JOYSTICK_AXIS_PARAMS.deadZone.min).max(JOYSTICK_AXIS_PARAMS.deadZone.max),
      curve: z.number().min(JOYSTICK_AXIS_PARAMS.curve.min).max(JOYSTICK_AXIS_PARAMS.curve.max),
      invert: z.boolean(),
    }),
  ]),
};

export const isApiMethod = (m: string): m is ApiMethod => Object.prototype.hasOwnProperty.call(API_ARGS, m);

/** Validates a call from outside and runs it on `api`. */
export async function dispatch(api: AxonApi, method: string, args: unknown): Promise<unknown> {
  if (!isApiMethod(method)) throw axonError('method_unknown', method);
  const parsed = API_ARGS[method].safeParse(args, { reportInput: true });
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues).map((p) => p.replace(/^\[(\d+)\]/, 'argument $1'));
    throw withDetails(axonError('request_invalid', method, problems[0] ?? 'invalid arguments'), problems);
  }
  const fn = api[method] as (...a: unknown[]) => Promise<unknown>;
  return fn.apply(api, parsed.data as unknown[]);
}

/** Pushed from the backend to every UI. */
export type Notice =
  | { type: 'out'; event: OutEvent }
  | { type: 'patch'; state: EngineState }
  | { type: 'audio'; audio: AudioOutputState }
  | { type: 'training'; status: TrainingStatus }
  | { type: 'drums'; state: DrumsState }
  | { type: 'devices'; state: DevicesState }
  | { type: 'error'; error: ErrorPayload };

/** The answer to one call, the same over IPC and WebSocket. */
export type ApiReply = { ok: true; result: unknown } | { ok: false; error: ErrorPayload };

/** Runs a call from outside and wraps the outcome; never throws. */
export async function answer(api: AxonApi, method: string, args: unknown): Promise<ApiReply> {
  try {
    return { ok: true, result: (await dispatch(api, method, args)) ?? null };
  } catch (err) {
    return { ok: false, error: toErrorPayload(err) };
  }
}

/** How a client reaches the backend: IPC in Electron, WebSocket in a browser. */
export interface ApiTransport {
  call(method: ApiMethod, args: unknown[]): Promise<ApiReply>;
  /** Telemetry words as decodeTelemetry reads them. */
  onTelemetry(cb: (words: ArrayLike<number>) => void): () => void;
  onNotice(cb: (n: Notice) => void): () => void;
  /** Connection state, where the transport can lose its connection (WebSocket). */
  onStatus?(cb: (connected: boolean) => void): () => void;
}
