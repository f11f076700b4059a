import { z } from 'zod';
import { CALIBRATION_REPEATS_MAX, TABLE_POINTS, VELOCITY_MAX, VELOCITY_MIN, type StrikeTable } from './drum-table';
import { SAVED_NAME_PATTERN, SAVED_NAME_RULE } from './names';
import { MAX_SCENES, ScenesSchema, type Scene, type SetListState } from './set-list';
import type { RecordedSet, RecordingState, RecordOptions } from './recording';
import { NEURON_SCOPES, SCOPE_TIME_BASES } from './telemetry';
import { axonError, toErrorPayload, withDetails, type ErrorPayload } from './errors';
import { DRUM_COUNT, LEARN_COMMANDS, type OutEvent } from './events';
import { DerivedConceptor, MappingSchema, MAX_DERIVED, MAX_MAPPINGS, MAX_MORPH_SET, MODEL_NAME_PATTERN, type Activation, type Patch, type PatchMapping } from './patch/schema';
import { formatIssues } from './patch/validate';
import { JOYSTICK_AXIS_PARAMS, RESERVOIR_PARAMS } from './params/registry';
import { SINENET_LIMITS, sineNetSpanProblems, type SineNetDesign, type SineNetMetrics, type SineNetVerdict } from './sinenet-design';
import type { ParamSpec } from './params/spec';
import type { Hertz, Milliseconds } from './units';
import { isValidBlockSize, MAX_BLOCK, MAX_QUEUE_MS, MIN_BLOCK, MIN_QUEUE_MS, SAMPLE_RATES } from './engine-config';

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

/** The engine thread's scheduling priority, and why it is not the one asked for ('' when it is). */
export interface ThreadPriority {
  nice: number;
  /** Its SCHED_FIFO priority; 0 when it runs at normal (nice-weighted) scheduling. */
  realtime: number;
  note: string;
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

/** OSC in and out (off until configured: it opens a UDP port). */
export interface OscState {
  state: 'on' | 'off';
  /** Where OSC in listens ("127.0.0.1:9000"), or null. */
  listening: string | null;
  targets: string[];
  packetsIn: number;
  packetsOut: number;
  errors: number;
  lastProblem: string | null;
}

/** Every device the rig plays with, for the Devices menu. */
export interface DevicesState {
  osc: OscState;
  /** The output, with the engine's rate and block size (frames per block it renders). */
  audioOut: AudioOutputState & { latencyMs: number; sampleRate: Hertz; blockSize: number; priority: ThreadPriority; queueMs: Milliseconds | null };
  audioIn: AudioInputState;
  /** `off`: this app was started without MIDI. */
  /**
   * `input`: the input port listened to besides our virtual one (its name when open, else what
   * was asked for); `ports`: the system's MIDI inputs to choose from.
   */
  midi: { state: 'available' | 'unavailable' | 'stopped' | 'off'; detail: string; input: string | null; inputOpen: boolean; ports: string[]; clockBpm: number | null };
  /** null: joysticks are not watched (no rig). */
  joysticks: JoystickState[] | null;
}

export const AUDIO_INPUT_CHANNELS = 64;

/** The engine's sample rate and block size (the audio buffer), as the Devices menu sets them. */
export const AudioFormatSchema = z.strictObject({
  sampleRate: z.union(SAMPLE_RATES.map((r) => z.literal(r))),
  blockSize: z
    .number()
    .int()
    .refine(isValidBlockSize, `must be a multiple of 32 from ${MIN_BLOCK} to ${MAX_BLOCK}`),
});
const DeviceName = z.string().min(1).max(200);

/** An output as the Devices menu picks it, and as settings.json keeps it. */
export const AudioOutputPickSchema = z.strictObject({
  backend: z.enum(['audify', 'naudiodon']),
  device: DeviceName.nullable(),
  /** Absent: the queue in use; null: the sink's own (4 device periods). */
  queueMs: z.number().min(MIN_QUEUE_MS).max(MAX_QUEUE_MS).nullable().optional(),
});
export type AudioOutputPick = z.infer<typeof AudioOutputPickSchema>;

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
    /** Slicing keeps the first this many grains (default 150). */
    maxGrains: z.number().int().min(1).max(1000).optional(),
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
  /** A search: trials run so far and the best of them (lowest score first, at most SEARCH_BEST_SHOWN). */
  search?: { trials: number; done: number; best: SearchTrialSummary[] };
}

// ---- The Reservoir and Sine nets views: sounds, models, search results, sine-net batches ----

/** Slicing keeps at most this many grains of one sound. */
export const MAX_SLICED_GRAINS = 1000;
/** Largest WAV a UI may upload. */
export const MAX_SOUND_BYTES = 16 * 1024 * 1024;
/** Bytes of an upload one call carries: as base64 (48 KiB) it fits a WebSocket message (64 KiB) with its JSON. */
export const UPLOAD_PIECE_BYTES = 36 * 1024;
/** Columns of a waveform overview at most (a wide screen). */
export const MAX_OVERVIEW_COLUMNS = 4096;
/** Search trials a status lists as the best so far. */
export const SEARCH_BEST_SHOWN = 5;
/** Sine nets one batch generates at most, and the longest sound each is judged (and exported) by. */
export const MAX_SINENET_BATCH = 64;
export const MAX_SINENET_SECONDS = 4;

const SoundName = z.string().regex(SOUND_NAME_PATTERN, { message: 'must be the name of a .wav file in the sounds folder (letters, digits, spaces, _ . ( ) -, ending in .wav)' });
const ModelName = z.string().regex(MODEL_NAME_PATTERN, { message: 'must be a model name (letters, digits, _ and -, at most 64)' });

export const SoundOverviewRequestSchema = z
  .strictObject({
    name: SoundName,
    columns: z.number().int().min(1).max(MAX_OVERVIEW_COLUMNS),
    /** Seconds to draw (absent: from the start, to the end). */
    from: z.number().min(0).optional(),
    to: z.number().positive().optional(),
    /** As in TrainRequest: the grains slicing keeps. */
    maxGrains: z.number().int().min(1).max(MAX_SLICED_GRAINS).optional(),
  })
  .refine((r) => r.from === undefined || r.to === undefined || r.to > r.from, { message: 'must be after from', path: ['to'] });
export type SoundOverviewRequest = z.infer<typeof SoundOverviewRequestSchema>;

/** A sound as training reads it (mono, at the engine rate): its waveform and where slicing cuts it. */
export interface SoundOverview {
  name: string;
  /** The file as stored. */
  file: { sampleRate: Hertz; channels: number; format: string; seconds: number };
  /** The span drawn, in seconds. */
  from: number;
  to: number;
  /** Lowest and highest sample of each column. */
  min: number[];
  max: number[];
  /** Grains slicing keeps, [start, end) in seconds. */
  grains: [number, number][];
  /** Grains the sound holds (slicing keeps the first maxGrains). */
  available: number;
  /** Nothing above dither: training refuses it. */
  silent: boolean;
  warnings: string[];
}

export const SoundUploadPieceSchema = z
  .strictObject({
    name: SoundName,
    /** Bytes of the whole file. */
    size: z.number().int().min(1).max(MAX_SOUND_BYTES),
    /** Where this piece starts: pieces come in order from 0 (0 starts the upload over). */
    offset: z.number().int().min(0),
    /** The piece's bytes, base64. */
    data: z
      .string()
      .min(4)
      .max(Math.ceil(UPLOAD_PIECE_BYTES / 3) * 4)
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, { message: 'must be base64' }),
  })
  .refine((u) => u.offset < u.size, { message: 'must be before the end of the file', path: ['offset'] });
export type SoundUploadPiece = z.infer<typeof SoundUploadPieceSchema>;

export interface SoundUpload {
  name: string;
  received: number;
  size: number;
  /** The last piece arrived, the file read as a WAV and was stored. */
  stored: boolean;
  /** What the WAV reader noticed but could live with. */
  warnings: string[];
}

/** A trained model in full: its settings and each grain's figures. */
export interface ModelDetail {
  info: ModelInfo;
  hyper: { spectralRadius: number; leak: number; inputScaling: number; apertureMax: number };
  /** Length in samples at the model's rate; nrmse null when the grain did not re-synthesise. */
  grains: { length: number; aperture: number; nrmse: number | null }[];
}

const reservoirControl = (key: keyof typeof RESERVOIR_PARAMS) => z.number().min(RESERVOIR_PARAMS[key].min).max(RESERVOIR_PARAMS[key].max).optional();

/** A model to play: its conceptors derived by AND, OR, NOT and aperture, the morph set, and where the controls start. */
export const PlayModelRequestSchema = z.strictObject({
  model: ModelName,
  /** Derived conceptors take the indices after the grains, in order. */
  derive: z.array(DerivedConceptor).max(MAX_DERIVED).optional(),
  morphSet: z.array(z.number().int().min(0)).min(1).max(MAX_MORPH_SET).optional(),
  controls: z
    .strictObject({
      speed: reservoirControl('speed'),
      leak: reservoirControl('leak'),
      radius: reservoirControl('radius'),
      gain: reservoirControl('gain'),
      morph: reservoirControl('morph'),
      position: reservoirControl('position'),
      level: reservoirControl('level'),
    })
    .optional(),
});
export type PlayModelRequest = z.infer<typeof PlayModelRequestSchema>;

/** One trial of a hyperparameter search (1-based), with the settings it tried. */
export interface SearchTrialSummary {
  trial: number;
  /** Lower is better: mean NRMSE, or its mean with the MFCC distance. */
  score: number;
  nrmse: number;
  mfcc: number | null;
  neurons: number;
  spectralRadius: number;
  leak: number;
  inputScaling: number;
  apertureMax: number;
}

export const SineNetBatchRequestSchema = z.strictObject({
  count: z.number().int().min(1).max(MAX_SINENET_BATCH),
  seed: z.number().int().min(0).max(0xffffffff),
  /** Length of each sound (default 2). */
  seconds: z.number().min(0.5).max(MAX_SINENET_SECONDS).optional(),
});
export type SineNetBatchRequest = z.infer<typeof SineNetBatchRequestSchema>;

/** One judged design of a batch. */
export interface SineNetSound {
  /** 1-based place in the batch. */
  index: number;
  design: SineNetDesign;
  verdict: SineNetVerdict;
  metrics: SineNetMetrics;
}

export interface SineNetBatchStatus {
  job: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  /** 0..1 over the batch. */
  fraction: number;
  detail: string;
  seed: number;
  count: number;
  seconds: number;
  sampleRate: Hertz;
  /** Judged so far, in order. */
  sounds: SineNetSound[];
  error?: ErrorPayload;
}

const L = SINENET_LIMITS;
const designInt = (r: { min: number; max: number }) => z.number().int().min(r.min).max(r.max);
const designBound = z.number().min(-L.magnitude).max(L.magnitude);
export const SineNetDesignSchema = z
  .strictObject({
    seed: z.number().int().min(0).max(0xffffffff),
    length: designInt(L.length),
    gap: designInt(L.gap),
    hidden: z.array(designInt(L.width)).max(L.layers.max),
    weightMin: designBound,
    weightMax: designBound,
    biasMin: designBound,
    biasMax: designBound,
  })
  .superRefine((d, ctx) => {
    for (const problem of sineNetSpanProblems(d)) ctx.addIssue({ code: 'custom', message: problem });
  });

export const SineNetExportSchema = z.strictObject({
  job: z.string().min(1).max(64),
  /** Batch indices of the sounds to pack (judged "keep"). */
  keep: z.array(z.number().int().min(1).max(MAX_SINENET_BATCH)).min(1).max(MAX_SINENET_BATCH),
});
export type SineNetExport = z.infer<typeof SineNetExportSchema>;

/** A pack as one file to download: a zip of pack.json and the WAVs, base64. */
export interface SineNetPackFile {
  fileName: string;
  data: string;
  bytes: number;
  sounds: number;
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

export const DRUM_PROFILE_NAME_PATTERN = SAVED_NAME_PATTERN;
const SavedName = z.string().regex(SAVED_NAME_PATTERN, { message: `must be a name of ${SAVED_NAME_RULE}` });
const RecordOptionsSchema: z.ZodType<RecordOptions> = z.strictObject({ stems: z.boolean().optional() });

/** A serial port path as an OS names one (no file paths from a UI). */
export const SERIAL_PATH_PATTERN = /^(\/dev\/[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?|COM[0-9]{1,3})$/;

// ---- The Drums view (issue 6): strike tables, heard test strikes, calibration by ear, profiles as text.

/** Measured command-to-impact latency at one velocity. */
export interface DrumLatencyPoint {
  velocity: number;
  ms: number;
}

export interface DrumTableState {
  drum: number;
  table: StrikeTable;
  /** Measured latencies (the profile's, or an unsaved calibration's); empty when none was measured. */
  latency: DrumLatencyPoint[];
  /** Edited or calibrated since the profile was chosen or saved: it plays, but is not kept yet. */
  unsaved: boolean;
}

/** The drums' strike tables as they play now. */
export interface DrumTables {
  /** board: read back from the connected board; profile: the profile in use (no board); none: no tables to show. */
  source: 'board' | 'profile' | 'none';
  profile: string | null;
  /** Longest phase a table may hold: the connected board's, else the protocol's default. */
  maxPhaseMs: number;
  drums: DrumTableState[];
}

/** One strike heard through the drums' ear. */
export interface DrumStrikeHeard {
  drum: number;
  velocity: number;
  /** Command to the onset's start; null when nothing was heard. */
  latencyMs: number | null;
  /** Peak of the hit (dBFS); null when nothing was heard. */
  levelDb: number | null;
  /** What heard it ("jack:system channel 1", "the model microphone of the simulated board"). */
  heardBy: string;
}

/** The board as it is now, for the Drums view's status line (polled while it shows). */
export interface DrumLiveStatus {
  /** null: no board plays. */
  board: {
    dutyBudgetMs: number;
    dutyWindowMs: number;
    /** The board holds its built-in tables (none saved in its EEPROM, or they were damaged). */
    tablesFromDefaults: boolean;
    /** An EEPROM write is running. */
    saving: boolean;
    /** Per drum on the board: its strike state, the motor on-time used in the last window (the firmware's duty budget), and strikes since connecting. */
    drums: { drum: number; state: 'idle' | 'forward' | 'pause' | 'back' | 'cooldown'; dutyUsedMs: number; struck: number; refused: number }[];
  } | null;
  /** What calibration and heard test strikes listen with, or why nothing can. */
  ear: { ok: boolean; text: string };
  /** The last strike heard (strikeAndListen or a calibration's last). */
  lastHeard: DrumStrikeHeard | null;
}

export const DrumCalibrationRequestSchema = z.strictObject({
  drum: z.number().int().min(0).max(DRUM_COUNT - 1),
  /** Velocity points to tune, by index (default all). */
  points: z
    .array(z.number().int().min(0).max(TABLE_POINTS - 1))
    .min(1)
    .max(TABLE_POINTS)
    .refine((p) => new Set(p).size === p.length, { message: 'each velocity point at most once' })
    .optional(),
  /** Strikes per measurement (their median counts). */
  repeats: z.number().int().min(1).max(CALIBRATION_REPEATS_MAX).optional(),
});
export type DrumCalibrationRequest = z.infer<typeof DrumCalibrationRequestSchema>;

/** One strike of a calibration as it was heard. */
export interface DrumCalibrationTrial {
  point: number;
  velocity: number;
  forwardUs: number;
  /** Peak heard (dBFS); null when nothing was heard. */
  levelDb: number | null;
  latencyMs: number | null;
  /** sweep: searching the forward time; latency: measuring the tuned point's latency. */
  phase: 'sweep' | 'latency';
}

/** A calibration as the UI follows it (`drumCalibration` notices carry it). */
export interface DrumCalibrationStatus {
  job: string;
  drum: number;
  /** Velocity point indices being tuned. */
  points: number[];
  state: 'running' | 'done' | 'failed' | 'cancelled';
  /** 0..1 over all its strikes. */
  fraction: number;
  /** What it is doing now, for people. */
  detail: string;
  heardBy: string;
  trials: DrumCalibrationTrial[];
  /** Per tuned point: the forward time chosen and the full-strength level it was held to (dBFS). */
  chosen: { point: number; velocity: number; forwardUs: number; fullDb: number }[];
  /** The table the drum had before (given back on failure or cancel). */
  before: StrikeTable | null;
  /** The tuned table (playing, unsaved) and the latencies measured. */
  result: { table: StrikeTable; latency: DrumLatencyPoint[] } | null;
  error?: ErrorPayload;
}

/** A profile's JSON text, as the Drums view downloads and uploads it (the WebSocket carries at most 64 KiB). */
export const DRUM_PROFILE_TEXT_MAX = 60_000;

const DrumIndex = z.number().int().min(0).max(DRUM_COUNT - 1);
const FiniteNumber = z.number().refine(Number.isFinite, 'must be a finite number');
/** A table's shape; its values are checked against the board's limits by the backend (tableProblems), one message per field. */
const StrikeTableSchema = z.strictObject({
  minIntervalMs: FiniteNumber,
  points: z
    .array(z.strictObject({ velocity: FiniteNumber, forwardUs: FiniteNumber, pauseUs: FiniteNumber, backUs: FiniteNumber, forwardPwm: FiniteNumber, backPwm: FiniteNumber }))
    .max(2 * TABLE_POINTS),
});

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

  // The Reservoir and Sine nets views.
  /** A sound's waveform as training reads it and the grains slicing cuts from it. */
  soundOverview(request: SoundOverviewRequest): Promise<SoundOverview>;
  /** One piece of a WAV from a UI (which has no file paths); the last is read as a WAV and stored in the sounds folder. A name in use is refused. */
  uploadSound(piece: SoundUploadPiece): Promise<SoundUpload>;
  /** A model's settings and per-grain figures. */
  getModel(name: string): Promise<ModelDetail>;
  /** Plays a model: loads a patch of one reservoir source (`sources.res.*`) with these conceptors, morph set and controls. */
  playModel(request: PlayModelRequest): Promise<EngineState>;
  /** Starts a seeded batch of sine nets in a worker; progress and each judged sound arrive as `sinenets` notices. */
  generateSineNets(request: SineNetBatchRequest): Promise<SineNetBatchStatus>;
  cancelSineNets(job: string): Promise<void>;
  /** The running or last batch (null: none yet). */
  getSineNets(): Promise<SineNetBatchStatus | null>;
  /** Plays one design: loads a patch of one sine-net source (`sources.net.*`). */
  playSineNet(design: SineNetDesign): Promise<EngineState>;
  /** The chosen sounds of a batch as a pack (pack.json and their WAVs) in a zip, to download. */
  exportSineNetPack(request: SineNetExport): Promise<SineNetPackFile>;
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

  // The Drums view.
  /** The strike tables as they play: read back from the board when one plays, else the profile in use's. */
  getDrumTables(): Promise<DrumTables>;
  /** Changes a drum's table (checked against the board's limits; on the board at once, unsaved). A refused table changes nothing. */
  setDrumTable(drum: number, table: StrikeTable): Promise<DrumTables>;
  /** Keeps the tables as they play: in profile `profile` (null: the one in use), then in the board's EEPROM when a board plays. */
  saveDrumTables(profile: string | null): Promise<DrumTables>;
  /** Duty budget, strike counts, what hears the drums, the last strike heard. */
  getDrumStatus(): Promise<DrumLiveStatus>;
  /** Strikes a board drum now and listens for it: its latency and level. */
  strikeAndListen(drum: number, velocity: number): Promise<DrumStrikeHeard>;
  /** A saved profile as JSON text (for a download). */
  exportDrumProfile(name: string): Promise<string>;
  /** Keeps a profile given as JSON text under its own name (replacing one of that name only when asked); answers the name. */
  importDrumProfile(text: string, replace: boolean): Promise<string>;
  /** Starts calibrating a board drum by ear; progress and the outcome arrive as `drumCalibration` notices. */
  calibrateDrum(request: DrumCalibrationRequest): Promise<DrumCalibrationStatus>;
  /** Stops a calibration; the drum gets its old table back. */
  cancelDrumCalibration(job: string): Promise<void>;
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
  /** Moves the sound to another output (null: off) while the engine plays on; `queueMs`: its device queue (absent: 4 periods). */
  setAudioOutput(choice: AudioOutputPick | null): Promise<DevicesState>;
  /**
   * Restarts the engine at another sample rate and block size; the patch plays on as it sounded
   * (after a short gap), the output and input open again. Refused while recording, training,
   * generating sine nets or calibrating a drum.
   */
  setAudioFormat(sampleRate: Hertz, blockSize: number): Promise<DevicesState>;
  /** Opens the audio output asked for last once more (after a driver or cable problem). */
  reopenAudioOutput(): Promise<DevicesState>;
  /** Listens to a MIDI input port besides our virtual one (its name or part of it; null: none); one not plugged in yet opens when it appears. */
  setMidiInput(query: string | null): Promise<DevicesState>;
  /** Listens on another input (null: none); its envelope, pitch and onsets drive the audio.* inputs. */
  setAudioInput(choice: { device: string | null; channel: number } | null): Promise<DevicesState>;
  /** start: rest then sweep every axis (progress in `devices` notices); save: keep it for this device; cancel: drop it. Save answers any warnings. */
  calibrateJoystick(id: string, action: 'start' | 'save' | 'cancel'): Promise<{ devices: DevicesState; warnings: string[] }>;
  /** One axis's dead zone, curve and inversion, saved for the device and applied at once. */
  setJoystickAxis(id: string, axis: string, response: JoystickAxisResponse): Promise<DevicesState>;
  /** OSC in (`listen`, host:port or null) and out (`targets`, host:port each); null turns it off. A setting that fails keeps the one before. */
  setOsc(config: { listen: string | null; targets: string[] } | null): Promise<DevicesState>;

  // Patches and the set list.
  /** Saves the playing patch as it sounds now (moved parameters, mappings) as user patch `name`; it then plays under that name. */
  savePatch(name: string, title: string, overwrite: boolean): Promise<PatchInfo[]>;
  /** Copies a patch (user or example) to a new user patch. */
  duplicatePatch(from: string, to: string): Promise<PatchInfo[]>;
  getSetList(): Promise<SetListState>;
  setSetList(scenes: Scene[]): Promise<SetListState>;
  /** Loads scene `index` (0-based; MIDI program change `index` does the same). A failed load keeps the scene that plays. */
  goToScene(index: number): Promise<SetListState>;
  /** Which neuron neuron-scope `scope` shows (null: none); every UI sees the same scopes. */
  setScope(scope: number, neuron: string | null): Promise<void>;
  /** Engine samples per scope sample (one of SCOPE_TIME_BASES): how long a window the scopes show. */
  setScopeTime(timeBase: number): Promise<void>;

  // The Record view.
  /**
   * Starts recording a set (`title`, if given, ends its folder name; `stems`: the voice, reservoir
   * and drums beside the master); progress arrives as `recording` notices.
   */
  startRecording(title: string | null, options?: RecordOptions): Promise<RecordingState>;
  /** Arms: the set starts by itself with the first sound (and half a second before it). */
  armRecording(title: string | null, options?: RecordOptions): Promise<RecordingState>;
  /** Ends the set (or the arming): what played so far is kept and its manifest completed. The sound plays on. */
  stopRecording(): Promise<RecordingState>;
  /** The recording as it is, with the free space checked now. */
  getRecording(): Promise<RecordingState>;
  /** The recorded sets, newest first. */
  listSets(): Promise<RecordedSet[]>;
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
  soundOverview: z.tuple([SoundOverviewRequestSchema]),
  uploadSound: z.tuple([SoundUploadPieceSchema]),
  getModel: z.tuple([ModelName]),
  playModel: z.tuple([PlayModelRequestSchema]),
  generateSineNets: z.tuple([SineNetBatchRequestSchema]),
  cancelSineNets: z.tuple([z.string().min(1).max(64)]),
  getSineNets: z.tuple([]),
  playSineNet: z.tuple([SineNetDesignSchema]),
  exportSineNetPack: z.tuple([SineNetExportSchema]),
  getDrums: z.tuple([]),
  listDrumPorts: z.tuple([]),
  connectDrums: z.tuple([z.string().regex(SERIAL_PATH_PATTERN, { message: 'must be a serial port such as /dev/ttyACM0 or COM3' }).nullable()]),
  disconnectDrums: z.tuple([]),
  testStrike: z.tuple([z.number().int().min(0).max(DRUM_COUNT - 1), z.number().int().min(1).max(127)]),
  listDrumProfiles: z.tuple([]),
  useDrumProfile: z.tuple([z.string().regex(DRUM_PROFILE_NAME_PATTERN, { message: 'must be a profile name' }).nullable()]),
  getDrumTables: z.tuple([]),
  setDrumTable: z.tuple([DrumIndex, StrikeTableSchema]),
  saveDrumTables: z.tuple([z.string().regex(DRUM_PROFILE_NAME_PATTERN, { message: 'must be a profile name' }).nullable()]),
  getDrumStatus: z.tuple([]),
  strikeAndListen: z.tuple([DrumIndex, z.number().int().min(VELOCITY_MIN).max(VELOCITY_MAX)]),
  exportDrumProfile: z.tuple([z.string().regex(DRUM_PROFILE_NAME_PATTERN, { message: 'must be a profile name' })]),
  importDrumProfile: z.tuple([z.string().min(1).max(DRUM_PROFILE_TEXT_MAX), z.boolean()]),
  calibrateDrum: z.tuple([DrumCalibrationRequestSchema]),
  cancelDrumCalibration: z.tuple([z.string().min(1).max(64)]),
  setMappings: z.tuple([z.array(MappingSchema).max(MAX_MAPPINGS)]),
  learnMapping: z.tuple([z.string().min(1).max(200)]),
  cancelLearn: z.tuple([]),
  panic: z.tuple([z.boolean()]),
  getDevices: z.tuple([]),
  listAudioDevices: z.tuple([]),
  setAudioOutput: z.tuple([AudioOutputPickSchema.nullable()]),
  setAudioFormat: z.tuple([AudioFormatSchema.shape.sampleRate, AudioFormatSchema.shape.blockSize]),
  reopenAudioOutput: z.tuple([]),
  setMidiInput: z.tuple([z.string().min(1).max(200).nullable()]),
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
  setOsc: z.tuple([z.strictObject({ listen: z.string().min(1).max(100).nullable(), targets: z.array(z.string().min(1).max(100)).max(8) }).nullable()]),
  savePatch: z.tuple([SavedName, z.string().trim().min(1).max(80), z.boolean()]),
  duplicatePatch: z.tuple([z.string().min(1).max(64), SavedName]),
  getSetList: z.tuple([]),
  setSetList: z.tuple([ScenesSchema]),
  goToScene: z.tuple([z.number().int().min(0).max(MAX_SCENES - 1)]),
  setScope: z.tuple([z.number().int().min(0).max(NEURON_SCOPES - 1), z.string().min(1).max(64).nullable()]),
  setScopeTime: z.tuple([z.number().refine((t) => (SCOPE_TIME_BASES as readonly number[]).includes(t), `must be one of ${SCOPE_TIME_BASES.join(', ')}`)]),
  startRecording: z.tuple([SavedName.nullable(), RecordOptionsSchema.optional()]),
  armRecording: z.tuple([SavedName.nullable(), RecordOptionsSchema.optional()]),
  stopRecording: z.tuple([]),
  getRecording: z.tuple([]),
  listSets: z.tuple([]),
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
  | { type: 'sinenets'; status: SineNetBatchStatus }
  | { type: 'drums'; state: DrumsState }
  | { type: 'drumTables'; tables: DrumTables }
  | { type: 'drumCalibration'; status: DrumCalibrationStatus }
  | { type: 'devices'; state: DevicesState }
  | { type: 'patches'; patches: PatchInfo[] }
  | { type: 'setlist'; state: SetListState }
  | { type: 'recording'; state: RecordingState }
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
