import type { DevicesState, EngineState, JoystickState } from '../../../src/shared/api';
import type { RecordedSet, RecordingState } from '../../../src/shared/recording';
import { layoutPatch } from '../../../src/shared/patch/layout';
import type { PatchMapping } from '../../../src/shared/patch/schema';
import { validatePatch } from '../../../src/shared/patch/validate';
import {
  decodeTelemetry,
  T_ACTIVITY,
  T_AUDIO_IN,
  T_COLUMN_VALUES,
  T_COLUMNS,
  T_GAIN_REDUCTION,
  T_GATES,
  T_LEARN_ERROR,
  T_NEURONS,
  T_OUTPUTS,
  T_PEAK_L,
  T_PEAK_R,
  T_RMS_L,
  T_RMS_R,
  T_SAMPLE_RATE,
  T_WEIGHTS,
  TELEMETRY_WORDS,
  type Telemetry,
} from '../../../src/shared/telemetry';
import dualNeuron from '../../../examples/dual-neuron.json';
import learningNeuron from '../../../examples/learning-neuron.json';

// State the components get from the backend, built the way the backend builds it (a shipped
// example patch validated and laid out; telemetry decoded from its wire words), so the tests
// follow the real parameter ids and telemetry layout instead of copies of them.

export const EXAMPLES = { 'dual-neuron': dualNeuron, 'learning-neuron': learningNeuron } as const;

/** The engine state after loading an example patch, optionally with other mappings. */
export function engineState(example: keyof typeof EXAMPLES, mappings?: PatchMapping[], learning: string | null = null): EngineState {
  const patch = validatePatch(mappings ? { ...EXAMPLES[example], mappings } : EXAMPLES[example], `${example}.json`);
  const layout = layoutPatch(patch);
  return {
    patchName: example,
    audio: { sink: 'audify', device: 'jack:system', detail: '' },
    patch,
    sampleRate: 48000,
    blockSize: 128,
    seed: patch.seed ?? 1,
    columns: [...layout.columnIds],
    sources: layout.sources.map((s) => ({ id: s.id, type: s.source.type })),
    neurons: layout.neurons.map((n) => ({ id: n.id, activation: n.activation, learns: n.learn !== null })),
    params: layout.params.map((p) => ({ ...p.spec, id: p.id, value: p.initial })),
    mappings: patch.mappings ?? [],
    learning,
    panicked: false,
  };
}

export interface TelemetryFields {
  neurons: number;
  columns: number;
  outputs?: number[];
  activity?: number[];
  learnError?: number[];
  gates?: number[];
  columnValues?: number[];
  weights?: number[];
  levels?: Partial<Telemetry['levels']>;
  audioIn?: Partial<Telemetry['audioIn']>;
}

/** A telemetry snapshot as the UI decodes it from the engine's words. */
export function telemetry(f: TelemetryFields): Telemetry {
  const w = new Float64Array(TELEMETRY_WORDS);
  w[T_SAMPLE_RATE] = 48000;
  w[T_NEURONS] = f.neurons;
  w[T_COLUMNS] = f.columns;
  const put = (at: number, values: readonly number[] | undefined) => values?.forEach((v, i) => (w[at + i] = v));
  put(T_OUTPUTS, f.outputs);
  put(T_ACTIVITY, f.activity);
  put(T_LEARN_ERROR, f.learnError);
  put(T_GATES, f.gates);
  put(T_COLUMN_VALUES, f.columnValues);
  put(T_WEIGHTS, f.weights);
  const l = f.levels ?? {};
  w[T_PEAK_L] = l.peakL ?? 0;
  w[T_PEAK_R] = l.peakR ?? 0;
  w[T_RMS_L] = l.rmsL ?? 0;
  w[T_RMS_R] = l.rmsR ?? 0;
  w[T_GAIN_REDUCTION] = l.gainReductionDb ?? 0;
  const a = f.audioIn ?? {};
  put(T_AUDIO_IN, [a.envelope ?? 0, a.pitch ?? 0, a.voiced ?? 0, a.onset ?? 0]);
  return decodeTelemetry(w);
}

/** A rig playing through JACK with MIDI on, OSC off and no joystick. */
export function devicesState(over: Partial<DevicesState> = {}): DevicesState {
  return {
    audioOut: { sink: 'audify', device: 'jack:system', detail: '', latencyMs: 5.3, sampleRate: 48000, blockSize: 128, priority: { nice: -11, realtime: 5, note: '' }, queueMs: null },
    audioIn: { state: 'off', device: '', channel: 1, latencyMs: 0, dropped: 0, detail: '' },
    midi: { state: 'available', detail: 'ALSA', input: null, inputOpen: false, ports: [], clockBpm: null },
    osc: { state: 'off', listening: null, targets: [], packetsIn: 0, packetsOut: 0, errors: 0, lastProblem: null },
    joysticks: [],
    ...over,
  };
}

export function joystick(over: Partial<JoystickState> = {}): JoystickState {
  return {
    id: '046d:c215:0',
    product: 'Logitech Extreme 3D',
    connected: true,
    calibrated: false,
    axes: [
      { key: 'x', deadZone: 0.05, curve: 1, invert: false },
      { key: 'y', deadZone: 0.05, curve: 1, invert: true },
    ],
    calibration: null,
    ...over,
  };
}

/** The recorder idle, with `freeBytes` free on the disk of the sets (48 kHz stereo float: 384 kB a second). */
export function recordingState(freeBytes = 500e9, over: Partial<RecordingState> = {}): RecordingState {
  return {
    state: 'idle',
    set: null,
    startedAt: null,
    elapsedSeconds: 0,
    bytes: 0,
    droppedFrames: 0,
    freeBytes,
    freeSeconds: freeBytes / 384_000,
    warning: null,
    lastError: null,
    folder: '/home/me/.config/axon-stage/sets',
    ...over,
  };
}

/** A closed set, one hour two minutes long. */
export function recordedSet(over: Partial<RecordedSet> = {}): RecordedSet {
  return {
    name: '2026-11-21_20-15-03_club',
    title: 'club',
    startedAt: '2026-11-21T19:15:03.000Z',
    seconds: 3725,
    bytes: 1.43e9,
    sampleRate: 48000,
    patch: 'dual-neuron',
    status: 'closed',
    stoppedBy: 'user',
    droppedFrames: 0,
    files: ['manifest.json', 'master.wav'],
    problem: null,
    ...over,
  };
}
