import type { ApiMethod, ApiTransport, AudioCapture, AudioDevices, AxonApi, DevicesState, DrumPort, DrumsState, EngineState, LearnCommand, ModelInfo, Notice, PatchInfo, TrainingStatus, TrainRequest } from './api';
import type { RecordedSet, RecordingState } from './recording';
import type { PatchMapping } from './patch/schema';
import type { ModelDetail, SineNetBatchStatus, SineNetPackFile, SoundOverview, SoundUpload } from './api';
import type { SetListState } from './set-list';
import type { DrumCalibrationStatus, DrumLiveStatus, DrumStrikeHeard, DrumTables } from './api';
import type { ErrorPayload } from './errors';
import { decodeTelemetry, type Telemetry } from './telemetry';

/** A failed call as the UI sees it: the catalog code, message and details. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: string;
  readonly details: string[];
  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.code = payload.code;
    this.details = payload.details;
  }
}

export interface AxonClient extends AxonApi {
  onTelemetry(cb: (t: Telemetry) => void): () => void;
  onNotice(cb: (n: Notice) => void): () => void;
}

/** The typed API over any transport (the Electron preload or a WebSocket). */
export function createClient(t: ApiTransport): AxonClient {
  const call = async (method: ApiMethod, args: unknown[]): Promise<unknown> => {
    const reply = await t.call(method, args);
    if (!reply.ok) throw new ApiError(reply.error);
    return reply.result;
  };
  return {
    listPatches: () => call('listPatches', []) as Promise<PatchInfo[]>,
    loadPatch: (name: string) => call('loadPatch', [name]) as Promise<EngineState>,
    getState: () => call('getState', []) as Promise<EngineState | null>,
    setParam: async (id: string, value: number) => void (await call('setParam', [id, value])),
    setInput: async (input: string, value: number) => void (await call('setInput', [input, value])),
    learn: async (neuron: string, command: LearnCommand) => void (await call('learn', [neuron, command])),
    captureAudio: (seconds: number) => call('captureAudio', [seconds]) as Promise<AudioCapture>,
    listModels: () => call('listModels', []) as Promise<ModelInfo[]>,
    listSounds: () => call('listSounds', []) as Promise<string[]>,
    trainModel: (request: TrainRequest) => call('trainModel', [request]) as Promise<TrainingStatus>,
    cancelTraining: async (job: string) => void (await call('cancelTraining', [job])),
    // The Reservoir and Sine nets views.
    soundOverview: (request) => call('soundOverview', [request]) as Promise<SoundOverview>,
    uploadSound: (piece) => call('uploadSound', [piece]) as Promise<SoundUpload>,
    getModel: (name) => call('getModel', [name]) as Promise<ModelDetail>,
    playModel: (request) => call('playModel', [request]) as Promise<EngineState>,
    generateSineNets: (request) => call('generateSineNets', [request]) as Promise<SineNetBatchStatus>,
    cancelSineNets: async (job) => void (await call('cancelSineNets', [job])),
    getSineNets: () => call('getSineNets', []) as Promise<SineNetBatchStatus | null>,
    playSineNet: (design) => call('playSineNet', [design]) as Promise<EngineState>,
    exportSineNetPack: (request) => call('exportSineNetPack', [request]) as Promise<SineNetPackFile>,
    getDrums: () => call('getDrums', []) as Promise<DrumsState>,
    listDrumPorts: () => call('listDrumPorts', []) as Promise<DrumPort[]>,
    connectDrums: (path: string | null) => call('connectDrums', [path]) as Promise<DrumsState>,
    disconnectDrums: () => call('disconnectDrums', []) as Promise<DrumsState>,
    testStrike: async (drum: number, velocity: number) => void (await call('testStrike', [drum, velocity])),
    listDrumProfiles: () => call('listDrumProfiles', []) as Promise<string[]>,
    useDrumProfile: (name: string | null) => call('useDrumProfile', [name]) as Promise<DrumsState>,
    // The Drums view.
    getDrumTables: () => call('getDrumTables', []) as Promise<DrumTables>,
    setDrumTable: (drum, table) => call('setDrumTable', [drum, table]) as Promise<DrumTables>,
    saveDrumTables: (profile) => call('saveDrumTables', [profile]) as Promise<DrumTables>,
    getDrumStatus: () => call('getDrumStatus', []) as Promise<DrumLiveStatus>,
    strikeAndListen: (drum, velocity) => call('strikeAndListen', [drum, velocity]) as Promise<DrumStrikeHeard>,
    exportDrumProfile: (name) => call('exportDrumProfile', [name]) as Promise<string>,
    importDrumProfile: (text, replace) => call('importDrumProfile', [text, replace]) as Promise<string>,
    calibrateDrum: (request) => call('calibrateDrum', [request]) as Promise<DrumCalibrationStatus>,
    cancelDrumCalibration: async (job) => void (await call('cancelDrumCalibration', [job])),
    setMappings: (mappings: PatchMapping[]) => call('setMappings', [mappings]) as Promise<EngineState>,
    learnMapping: async (to: string) => void (await call('learnMapping', [to])),
    cancelLearn: async () => void (await call('cancelLearn', [])),
    panic: (on: boolean) => call('panic', [on]) as Promise<EngineState>,
    getDevices: () => call('getDevices', []) as Promise<DevicesState>,
    listAudioDevices: () => call('listAudioDevices', []) as Promise<AudioDevices>,
    setAudioOutput: (choice) => call('setAudioOutput', [choice]) as Promise<DevicesState>,
    setAudioFormat: (sampleRate, blockSize) => call('setAudioFormat', [sampleRate, blockSize]) as Promise<DevicesState>,
    reopenAudioOutput: () => call('reopenAudioOutput', []) as Promise<DevicesState>,
    setMidiInput: (query) => call('setMidiInput', [query]) as Promise<DevicesState>,
    setAudioInput: (choice) => call('setAudioInput', [choice]) as Promise<DevicesState>,
    setJoystickAxis: (id, axis, response) => call('setJoystickAxis', [id, axis, response]) as Promise<DevicesState>,
    calibrateJoystick: (id, action) => call('calibrateJoystick', [id, action]) as Promise<{ devices: DevicesState; warnings: string[] }>,
    setOsc: (config) => call('setOsc', [config]) as Promise<DevicesState>,
    savePatch: (name, title, overwrite) => call('savePatch', [name, title, overwrite]) as Promise<PatchInfo[]>,
    duplicatePatch: (from, to) => call('duplicatePatch', [from, to]) as Promise<PatchInfo[]>,
    getSetList: () => call('getSetList', []) as Promise<SetListState>,
    setSetList: (scenes) => call('setSetList', [scenes]) as Promise<SetListState>,
    goToScene: (index) => call('goToScene', [index]) as Promise<SetListState>,
    setScope: async (scope, neuron) => void (await call('setScope', [scope, neuron])),
    setScopeTime: async (timeBase) => void (await call('setScopeTime', [timeBase])),
    startRecording: (title, options) => call('startRecording', options ? [title, options] : [title]) as Promise<RecordingState>,
    armRecording: (title, options) => call('armRecording', options ? [title, options] : [title]) as Promise<RecordingState>,
    stopRecording: () => call('stopRecording', []) as Promise<RecordingState>,
    getRecording: () => call('getRecording', []) as Promise<RecordingState>,
    listSets: () => call('listSets', []) as Promise<RecordedSet[]>,
    onTelemetry: (cb) => t.onTelemetry((words) => cb(decodeTelemetry(words))),
    onNotice: (cb) => t.onNotice(cb),
  };
}
