import { EventEmitter } from 'node:events';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { AudioOutputChoice } from '../shared/worker-messages';
import type { AudioCapture, AudioDevices, AudioOutputPick, AxonApi, DevicesState, DrumPort, JoystickAxisResponse, DrumsState, EngineState, LearnCommand, ModelInfo, Notice, PatchInfo, TrainingStatus, TrainRequest } from '../shared/api';
import { axonError, toErrorPayload, withDetails, type AxonError } from '../shared/errors';
import { controlInputIndex } from '../shared/inputs';
import { layoutPatch, type PatchLayout } from '../shared/patch/layout';
import type { Patch, PatchMapping } from '../shared/patch/schema';
import { checkPatch, validatePatch } from '../shared/patch/validate';
import type { LoggedEvent } from '../shared/events';
import { MappingLearner } from './mapping-learner';
import { EngineHost, type EngineHostOptions } from './engine/engine-host';
import { loadPatchAssets, modelHashes, readPlayablePatch } from './patches/patch-assets';
import { listPatches, readPatch, saveUserPatch } from './patches/patch-library';
import { readSetList, writeSetList } from './patches/set-list-store';
import { crossfadeParams, fadeValue, type FadeParam } from './patches/scene-crossfade';
import { patchWithValues } from '../shared/patch/patch-values';
import type { Scene, SetListState } from '../shared/set-list';
import { SCOPE_TIME_BASES } from '../shared/telemetry';
import { listModels } from './reservoir/model-library';
import { listSounds, TrainingJobs } from './reservoir/training-jobs';
import type { ModelDetail, PlayModelRequest, SineNetBatchRequest, SineNetBatchStatus, SineNetExport, SineNetPackFile, SoundOverview, SoundOverviewRequest, SoundUpload, SoundUploadPiece } from '../shared/api';
import type { SineNetDesign } from '../shared/sinenet-design';
import { modelDetail, playedModelPatchName, reservoirPatch } from './reservoir/play-model';
import { soundOverview, SoundUploads } from './reservoir/sounds';
import { auditionPatchName, sineNetPatch } from './sinenet/audition';
import { SineNetJobs } from './sinenet/sinenet-jobs';
import type { PatchAssets } from '../worker/patch-assets';
import { fnv1a } from './hash';
import { DrumManager, type DrumManagerOptions } from './drums/drum-manager';
import { findDrumPorts } from './drums/link/discovery';
import { listProfiles, newProfile, readProfile, saveProfile } from './drums/profile';
import { DrumWorkbench, type DrumEar } from './drums/drum-workbench';
import type { Ear } from './drums/calibration/live-strike-rig';
import type { DrumCalibrationRequest, DrumCalibrationStatus, DrumLiveStatus, DrumStrikeHeard, DrumTables } from '../shared/api';
import type { StrikeTable } from '../shared/drum-table';
import { listAudioDevices } from './audio-devices';
import { readDeviceSettings, saveDeviceSettings, type DeviceSettings } from './settings/device-settings';
import { EventJournal, SET_EVENTS_FILE } from './record/event-journal';
import { Recorder, type SetCompanion, type SetContext } from './record/recorder';
import { MASTER_FILE, readManifest } from './record/set-manifest';
import { repairSet } from './record/set-repair';
import { AutosaveFile, type Autosave } from './session/autosave';
import { SET_MIDI_FILE, writeSetMidi } from './record/set-midi';
import { listRecordedSets } from './record/recorded-sets';
import { formatDuration, type RecordedSet, type RecordingState, type RecordOptions } from '../shared/recording';
import { appVersion, autosaveFile, journalDir, setsDir } from './paths';
import type { Frames, Hertz, Milliseconds } from '../shared/units';
import { frameDelta } from '../shared/engine-memory';
import { isValidBlockSize, SAMPLE_RATES } from '../shared/engine-config';

/** What the live rig (LiveRig attaches itself) adds to the API; without one those devices read as off. */
export interface RigControls {
  devices(): Omit<DevicesState, 'audioOut'>;
  setAudioInput(choice: { device: string | null; channel: number } | null): Promise<void>;
  /** MIDI out's sounding notes off (the engine's own are released by the panic event). */
  panic(): void;
  /** Answers the calibration's warnings on save. */
  calibrateJoystick(id: string, action: 'start' | 'save' | 'cancel'): string[];
  setJoystickAxis(id: string, axis: string, response: JoystickAxisResponse): void;
  setOsc(config: { listen: string | null; targets: string[] } | null): Promise<void>;
  setMidiInput(query: string | null): void;
  /** The audio input as the drums' ear (calibration, heard test strikes), or why it cannot be. */
  drumEar?(): DrumEar;
  /** The engine restarted at another sample rate or block size. */
  engineRestarted?(): Promise<void>;
}

/** The engine's output for a pick of the Devices menu or settings.json (null: off); a pick without a queue keeps `queueMs`, the one in use. */
function outputChoiceOf(pick: AudioOutputPick | null, queueMs: Milliseconds | null): AudioOutputChoice {
  if (pick === null) return { kind: 'none' };
  const queue = pick.queueMs === undefined ? queueMs : pick.queueMs;
  return { kind: 'auto', backend: pick.backend, device: pick.device ?? undefined, ...(queue === null ? {} : { queueMs: queue }) };
}

const NO_RIG: Omit<DevicesState, 'audioOut'> = {
  audioIn: { state: 'off', device: '', channel: 1, latencyMs: 0, dropped: 0, detail: 'no live rig in this app' },
  midi: { state: 'off', detail: 'no live rig in this app', input: null, inputOpen: false, ports: [], clockBpm: null },
  joysticks: null,
  osc: { state: 'off', listening: null, targets: [], packetsIn: 0, packetsOut: 0, errors: 0, lastProblem: null },
};

export interface BackendEvents {
  notice: [Notice];
  telemetry: [Float64Array];
}

/** UI refresh rate for telemetry and output events. */
const TELEMETRY_HZ = 60;
/** Steps of a scene's crossfade (the engine smooths between them). */
const CROSSFADE_STEP_MS = 20;
/** How often what plays is saved for a start after a crash (only when it changed). */
const AUTOSAVE_MS = 3000;
/** An open set whose audio grew this recently is still being recorded (by another copy of the app). */
const RECORDING_IDLE_MS = 10_000;

/**
 * The app's state and the one implementation of AxonApi: every UI (Electron window, browser,
 * tests) drives the engine through it. Main-thread only.
 */
export class Backend extends EventEmitter<BackendEvents> implements AxonApi {
  private state: EngineState | null = null;
  private layout: PatchLayout | null = null;
  private readonly values = new Map<string, number>();
  private assets: PatchAssets | null = null;
  private readonly learner = new MappingLearner();
  private timer: NodeJS.Timeout | null = null;
  private lastTelemetryFrame = -1;
  private reportedDrops = 0;
  private readonly training: TrainingJobs;
  readonly drums: DrumManager;
  private rig: RigControls | null = null;
  private panicked = false;
  /** The set list's scene last switched to. */
  private scene: number | null = null;
  readonly recorder: Recorder;
  /** The engine's event log since it started: what recorded sets replay from. */
  private readonly journal: EventJournal;
  /** The scopes as last set (null: the engine's default), sent again when the engine restarts. */
  private readonly scopes: (string | null)[] = [];
  private scopeTime: (typeof SCOPE_TIME_BASES)[number] = SCOPE_TIME_BASES[0];
  private restarting = false;

  private constructor(
    readonly engine: EngineHost,
    private readonly seedOverride: number | undefined,
    drumOptions: DrumManagerOptions | undefined,
  ) {
    super();
    this.journal = new EventJournal(journalDir(), (err) => this.emit('notice', { type: 'error', error: toErrorPayload(axonError('file_write', this.journal.file, err.message)) }));
    this.journal.begin(engine.sampleRate, engine.memory.blockSize);
    this.drums = new DrumManager(engine, drumOptions);
    this.drums.on('state', (state) => this.emit('notice', { type: 'drums', state }));
    this.drums.on('strike', (s) => this.journal.out({ type: 'drum', frame: this.frameAtUs(s.atUs), drum: s.drum, velocity: s.velocity }));
    engine.on('out', (event) => {
      // With a board, the patch's drum outputs go to it (the engine's kit plays them otherwise),
      // timed for when their frame reaches the sink.
      if (event.type === 'drum' && this.drums.playsBoard) this.drums.hit(event.drum, event.velocity, engine.frameTimeUs(event.frame), 'engine');
      this.journal.out(event);
      this.emit('notice', { type: 'out', event });
    });
    engine.on('control', (event) => this.observeControl(event));
    engine.on('failed', (err: AxonError) => {
      this.emit('notice', { type: 'error', error: toErrorPayload(err) });
      void this.recorder.stop('engine_stopped');
    });
    engine.on('sink', (audio) => {
      this.emit('notice', { type: 'audio', audio });
      this.devicesChanged();
    });
    const events: SetCompanion = {
      name: SET_EVENTS_FILE,
      kind: 'events',
      start: (file, startFrame) => this.journal.attach(file, this.unwrapFrame(startFrame)),
      stop: () => {
        // Events of the frames recorded may still wait in the log ring.
        this.drainLog();
        return this.journal.detach();
      },
    };
    let midiFile: string | null = null;
    const midi: SetCompanion = {
      name: SET_MIDI_FILE,
      kind: 'midi',
      start: async (file) => {
        midiFile = file;
      },
      // After the event log closes: the MIDI file is made from it.
      stop: async () => {
        const dir = midiFile && path.dirname(midiFile);
        midiFile = null;
        if (dir) writeSetMidi(dir, readManifest(dir));
      },
    };
    this.recorder = new Recorder(engine, { folder: setsDir(), context: () => this.setContext(), companions: [events, midi] });
    this.recorder.on('state', (state) => {
      this.emit('notice', { type: 'recording', state });
      if (state.state === 'idle' && state.lastError && state.set) this.emit('notice', { type: 'error', error: state.lastError });
    });
    this.on('notice', (n) => this.logNotice(n));
    this.training = new TrainingJobs(() => engine.sampleRate);
    this.training.on('status', (status) => this.emit('notice', { type: 'training', status }));
    this.timer = setInterval(() => this.tick(), 1000 / TELEMETRY_HZ);
  }

  static async start(opts: EngineHostOptions & { seed?: number; drums?: DrumManagerOptions } = {}): Promise<Backend> {
    return new Backend(await EngineHost.start(opts), opts.seed, opts.drums);
  }

  private readonly autosave = new AutosaveFile(autosaveFile());
  /** What the last run left in autosave.json, read before this run writes its own (or why it could not be). */
  private leftover: { saved: Autosave | null } | { error: unknown } = this.readLeftover();
  private lastAutosave = 0;

  private readLeftover(): { saved: Autosave | null } | { error: unknown } {
    try {
      return { saved: this.autosave.readAfterCrash() };
    } catch (error) {
      return { error };
    }
  }
  private autosaveFailed = false;

  /** Keeps what plays now in autosave.json (`closed`: the app is closing cleanly). */
  private saveState(closed = false): void {
    if (!this.layout || !this.state) return;
    try {
      this.autosave.write({ patchName: this.state.patchName, patch: patchWithValues(this.layout, this.values), scene: this.scene, drumProfile: this.drums.profileInUse?.name ?? null }, closed);
      this.autosaveFailed = false;
    } catch (err) {
      // Said once, until it works again: the sound never depends on it.
      if (!this.autosaveFailed) this.emit('notice', { type: 'error', error: toErrorPayload(axonError('file_write', this.autosave.file, err instanceof Error ? err.message : String(err))) });
      this.autosaveFailed = true;
    }
  }

  /**
   * After a crash (autosave.json not closed): the sets it cut short are repaired, and the patch as
   * it played, its scene and drum profile come back. Each step that fails says so and leaves what
   * plays. Call once at start, after the default patch is loaded (`patch: false`: one was asked for).
   */
  async restoreAfterCrash(o: { patch?: boolean } = {}): Promise<void> {
    const say = (err: unknown) => this.emit('notice', { type: 'error', error: toErrorPayload(err) });
    const leftover = this.leftover;
    // Once: a second call finds nothing.
    this.leftover = { saved: null };
    if ('error' in leftover) {
      say(leftover.error);
      return;
    }
    const saved = leftover.saved;
    if (!saved) return;
    for (const set of listRecordedSets(setsDir())) {
      const dir = path.join(setsDir(), set.name);
      // A set still growing belongs to another running copy of the app.
      if (set.status !== 'open' || Date.now() - statSync(path.join(dir, MASTER_FILE)).mtimeMs < RECORDING_IDLE_MS) continue;
      try {
        const r = await repairSet(dir);
        say(axonError('set_repaired', set.name, formatDuration(r.seconds)));
      } catch (err) {
        say(err);
      }
    }
    if (o.patch === false) return;
    try {
      const patch = validatePatch(saved.patch, this.autosave.file);
      const profile = saved.drumProfile === null ? null : readProfile(saved.drumProfile);
      await this.loadValidated(patch, saved.patchName);
      if (profile) this.drums.setProfile(profile);
      const scenes = readSetList();
      this.scene = saved.scene !== null && saved.scene < scenes.length ? saved.scene : null;
      this.setListChanged(scenes);
      say(axonError('session_restored', new Date(saved.savedAt).toLocaleTimeString(), saved.patchName, this.scene === null ? null : this.scene + 1));
    } catch (err) {
      say(err);
    }
  }

  /** What the event log last said of each device, so it says only what changed. */
  private readonly loggedDevices = new Map<string, string>();

  /** Scene switches, device changes and problems into the event log, in words. */
  private logNotice(n: Notice): void {
    const frame = Math.max(0, this.lastTelemetryFrame);
    const device = (name: string, what: string) => {
      if (this.loggedDevices.get(name) === what) return;
      this.loggedDevices.set(name, what);
      this.journal.happened('device', frame, `${name}: ${what}`);
    };
    switch (n.type) {
      case 'setlist': {
        const scene = n.state.current === null ? null : n.state.scenes[n.state.current];
        const what = scene ? `scene ${(n.state.current ?? 0) + 1} "${scene.name}"` : 'no scene';
        if (this.loggedDevices.get('scene') !== what) {
          this.loggedDevices.set('scene', what);
          this.journal.happened('scene', frame, what);
        }
        break;
      }
      case 'audio':
        device('audio out', `${n.audio.sink} ${n.audio.device}${n.audio.detail ? ` (${n.audio.detail})` : ''}`);
        break;
      case 'drums':
        device('drums', n.state.mode === 'virtual' ? 'virtual kit' : `${n.state.mode} ${n.state.port ?? ''}`.trim());
        break;
      case 'devices':
        device('audio in', `${n.state.audioIn.state} ${n.state.audioIn.device}`.trim());
        device('midi', `${n.state.midi.state}${n.state.midi.input ? `, input ${n.state.midi.input}${n.state.midi.inputOpen ? '' : ' (waiting)'}` : ''}`);
        device('joysticks', (n.state.joysticks ?? []).filter((j) => j.connected).map((j) => j.product).join(', ') || 'none');
        break;
      case 'error':
        this.journal.happened('problem', frame, `${n.error.code}: ${n.error.message}`);
        break;
      default:
        break;
    }
  }

  /** The engine frame about to sound at `atUs` (performance.now() µs), from the last telemetry (within 17 ms). */
  private frameAtUs(atUs: number): Frames {
    return Math.max(0, Math.round(this.lastTelemetryFrame + ((atUs - performance.now() * 1000) / 1e6) * this.engine.sampleRate));
  }

  /** A note the rig sent to MIDI out itself (call and response): into the event log, for the set's MIDI file. */
  rigNoteOut(channel: number, note: number, velocity: number, seconds: number): void {
    const frame = this.frameAtUs(performance.now() * 1000);
    this.journal.out({ type: 'noteOn', frame, channel, note, velocity });
    this.journal.out({ type: 'noteOff', frame: frame + Math.round(seconds * this.engine.sampleRate), channel, note });
  }

  /** The MIDI clock's tempo changed (the rig follows it): into the event log, for the set's MIDI file. */
  tempoChanged(bpm: number): void {
    this.journal.tempo(Math.max(0, this.lastTelemetryFrame), bpm);
  }

  private drainLog(): void {
    this.engine.drainLog((words) => this.journal.applied(words));
  }

  /** The engine frame of monitor position `pos` (both count from the engine's start; the monitor's modulo 2^30). */
  private unwrapFrame(pos: number): Frames {
    const now = Math.max(0, this.lastTelemetryFrame);
    return now + frameDelta(pos, now);
  }

  private tick(): void {
    const now = Date.now();
    if (now - this.lastAutosave >= AUTOSAVE_MS && this.layout) {
      this.lastAutosave = now;
      this.saveState();
    }
    this.drainLog();
    this.engine.pollOutEvents();
    const dropped = this.engine.droppedOut;
    if (dropped > this.reportedDrops) {
      this.emit('notice', { type: 'error', error: toErrorPayload(axonError('out_events_dropped', dropped - this.reportedDrops)) });
      this.reportedDrops = dropped;
    }
    const words = this.engine.telemetry();
    if (words && words[0] !== this.lastTelemetryFrame) {
      this.lastTelemetryFrame = words[0];
      this.emit('telemetry', words);
    }
  }

  async listPatches(): Promise<PatchInfo[]> {
    return listPatches();
  }

  /** Loads a patch by name (API: no file paths); a bad patch throws and the current one keeps playing. */
  async loadPatch(name: string): Promise<EngineState> {
    const { patch, assets } = readPlayablePatch(name, false);
    const state = await this.loadValidated(patch, name, assets);
    this.leaveScene();
    return state;
  }

  /** A patch picked by hand: no scene of the set list plays any more (goToScene sets it after the load). */
  private leaveScene(): void {
    if (this.scene === null) return;
    this.scene = null;
    try {
      this.emit('notice', { type: 'setlist', state: { scenes: readSetList(), current: null } });
    } catch (err) {
      // The file was damaged by hand since: the patch plays all the same.
      this.emit('notice', { type: 'error', error: toErrorPayload(err) });
    }
  }

  /** Loads a patch by name or file path (the local user: CLI flags, the app's own start-up). */
  async loadPatchFile(nameOrPath: string): Promise<EngineState> {
    const { patch, assets } = readPlayablePatch(nameOrPath, true);
    return this.loadValidated(patch, nameOrPath, assets);
  }

  async loadValidated(patch: Patch, name: string, assets: PatchAssets = loadPatchAssets(patch, name)): Promise<EngineState> {
    const layout = layoutPatch(patch);
    this.stopCrossfade();
    const seed = this.seedOverride ?? patch.seed ?? 1;
    const frame = await this.engine.load(layout, name, seed, assets);
    this.journal.load(frame, this.engine.patchGeneration, name, seed, layout, modelHashes(patch));
    // A new patch ends learning; its own notice (below) says so.
    this.learner.cancel();
    this.layout = layout;
    this.assets = assets;
    this.values.clear();
    for (const p of layout.params) this.values.set(p.id, p.initial);
    const state: EngineState = {
      patchName: name,
      audio: { ...this.engine.sink },
      patch,
      sampleRate: this.engine.sampleRate,
      blockSize: this.engine.memory.blockSize,
      seed,
      columns: [...layout.columnIds],
      sources: layout.sources.map((s) => ({ id: s.id, type: s.source.type })),
      neurons: layout.neurons.map((n) => ({ id: n.id, activation: n.activation, learns: n.learn !== null })),
      params: [],
      mappings: [],
      learning: null,
      panicked: this.panicked,
    };
    this.state = state;
    this.emit('notice', { type: 'patch', state: this.snapshotState(state) });
    return this.snapshotState(state);
  }

  private snapshotState(state: EngineState): EngineState {
    const layout = this.layout;
    const params = layout ? layout.params.map((p) => ({ ...p.spec, id: p.id, value: this.values.get(p.id) ?? p.initial })) : [];
    return { ...state, params, audio: { ...this.engine.sink }, mappings: this.currentMappings(), learning: this.learner.target, panicked: this.panicked };
  }

  /** The patch's mappings with what setParam changed of their own parameters folded in. */
  private currentMappings(): PatchMapping[] {
    return this.layout ? (patchWithValues(this.layout, this.values).mappings ?? []) : [];
  }

  /**
   * Reloads the playing patch with other mappings (the engine swaps patches with a short fade).
   * Parameters moved since the patch loaded are sent again, so a live tweak survives; mapping
   * indices may change, so their own parameters travel inside the mappings instead.
   */
  async setMappings(mappings: PatchMapping[]): Promise<EngineState> {
    const layout = this.requireLayout();
    const state = this.state as EngineState;
    const patch: Patch = { ...layout.patch, mappings: mappings.length > 0 ? mappings : undefined };
    const check = checkPatch(patch);
    if (!check.ok) throw withDetails(axonError('mapping_invalid', check.problems.length), check.problems);
    const moved = [...this.values].filter(([id, v]) => !id.startsWith('mappings.') && v !== layout.params[layout.slotOf.get(id) ?? -1]?.initial);
    await this.loadValidated(check.patch, state.patchName, this.assets ?? undefined);
    const mapped = new Set(mappings.map((m) => m.to));
    const resend = moved.filter(([id]) => !mapped.has(id) && this.layout?.slotOf.has(id));
    for (const [id, v] of resend) await this.setParam(id, v);
    if (resend.length > 0) this.noticeState();
    return this.snapshotState(this.state as EngineState);
  }

  async learnMapping(to: string): Promise<void> {
    const layout = this.requireLayout();
    // The destination must take a mapping: try one (from any input) in place of any it has.
    const others = (layout.patch.mappings ?? []).filter((m) => m.to !== to);
    const check = checkPatch({ ...layout.patch, mappings: [...others, { from: 'joystick.x', to }] });
    if (!check.ok) throw withDetails(axonError('mapping_destination', to, check.problems[0] ?? 'refused'), check.problems);
    this.learner.arm(to);
    this.noticeState();
  }

  async cancelLearn(): Promise<void> {
    if (this.learner.target === null) return;
    this.learner.cancel();
    this.noticeState();
  }

  /** Tells every UI the state changed (a `patch` notice: UIs already follow those). */
  private noticeState(): void {
    if (this.state) this.emit('notice', { type: 'patch', state: this.snapshotState(this.state) });
  }

  /** Every control event main sends passes here; while learning, one of them may bind. */
  private observeControl(event: LoggedEvent): void {
    const to = this.learner.target;
    const from = this.learner.observe(event);
    if (from === null || to === null) return;
    const others = this.currentMappings().filter((m) => m.to !== to);
    // The reload's own `patch` notice reports the new mapping.
    this.setMappings([...others, { from, to }]).catch((err: unknown) => this.emit('notice', { type: 'error', error: toErrorPayload(err) }));
  }

  async getState(): Promise<EngineState | null> {
    return this.state ? this.snapshotState(this.state) : null;
  }

  /** A scene's crossfade under way: its parameters glide from where they were to the scene's. */
  private crossfade: { timer: NodeJS.Timeout; params: FadeParam[] } | null = null;

  private startCrossfade(name: string, patch: Patch, layout: PatchLayout, params: FadeParam[], seconds: number): void {
    this.stopCrossfade();
    const t0 = performance.now();
    const step = () => {
      const fade = this.crossfade;
      if (!fade) return;
      const t = (performance.now() - t0) / 1000 / seconds;
      for (const p of fade.params) {
        const v = fadeValue(p, t);
        if (v === this.values.get(p.id)) continue;
        this.engine.send({ type: 'param', id: p.id, value: v });
        this.values.set(p.id, v);
      }
      if (t < 1) return;
      this.stopCrossfade();
      // The scene's patch now plays: same structure, its values (and any the performer moved on the way).
      this.layout = layout;
      if (this.state) this.state = { ...this.state, patchName: name, patch };
      if (this.state) this.emit('notice', { type: 'patch', state: this.snapshotState(this.state) });
    };
    this.crossfade = { timer: setInterval(step, CROSSFADE_STEP_MS), params };
    step();
  }

  private stopCrossfade(): void {
    if (this.crossfade) clearInterval(this.crossfade.timer);
    this.crossfade = null;
  }

  async setParam(id: string, value: number): Promise<void> {
    // The performer's hand wins over a crossfade.
    if (this.crossfade) this.crossfade.params = this.crossfade.params.filter((p) => p.id !== id);
    const layout = this.requireLayout();
    const slot = layout.slotOf.get(id);
    if (slot === undefined) throw axonError('param_unknown', id);
    // The mapping wins: its destination follows its source, not the UI.
    const index = (layout.patch.mappings ?? []).findIndex((m) => m.to === id);
    if (index >= 0) throw axonError('mapping_owns_param', id, index, layout.patch.mappings?.[index].from ?? '');
    const spec = layout.params[slot].spec;
    const v = Math.min(spec.max, Math.max(spec.min, spec.integer ? Math.round(value) : value));
    this.engine.send({ type: 'param', id, value: v });
    this.values.set(id, v);
  }

  async setInput(input: string, value: number): Promise<void> {
    if (controlInputIndex(input) < 0) throw axonError('input_unknown', input);
    this.engine.send({ type: 'input', input, value });
  }

  async learn(neuron: string, command: LearnCommand): Promise<void> {
    this.requireLayout();
    this.engine.send({ type: 'learn', neuron, command });
  }

  async listModels(): Promise<ModelInfo[]> {
    return listModels();
  }

  async listSounds(): Promise<string[]> {
    return listSounds();
  }

  async trainModel(request: TrainRequest): Promise<TrainingStatus> {
    return this.training.start(request);
  }

  async cancelTraining(job: string): Promise<void> {
    this.training.cancel(job);
  }

  // ---- The Reservoir and Sine nets views ----

  private readonly uploads = new SoundUploads();
  private sineNetJobs: SineNetJobs | null = null;

  /** Made on first use, so a backend that never generates sine nets starts no more than before. */
  private get sineNets(): SineNetJobs {
    if (!this.sineNetJobs) {
      this.sineNetJobs = new SineNetJobs(() => this.engine.sampleRate);
      this.sineNetJobs.on('status', (status) => this.emit('notice', { type: 'sinenets', status }));
    }
    return this.sineNetJobs;
  }

  async soundOverview(request: SoundOverviewRequest): Promise<SoundOverview> {
    return soundOverview(request, this.engine.sampleRate);
  }

  async uploadSound(piece: SoundUploadPiece): Promise<SoundUpload> {
    return this.uploads.receive(piece);
  }

  async getModel(name: string): Promise<ModelDetail> {
    return modelDetail(name);
  }

  async playModel(request: PlayModelRequest): Promise<EngineState> {
    return this.playMade(reservoirPatch(request), playedModelPatchName(request.model));
  }

  async generateSineNets(request: SineNetBatchRequest): Promise<SineNetBatchStatus> {
    return this.sineNets.start(request);
  }

  async cancelSineNets(job: string): Promise<void> {
    this.sineNets.cancel(job);
  }

  async getSineNets(): Promise<SineNetBatchStatus | null> {
    return this.sineNetJobs?.last ?? null;
  }

  async playSineNet(design: SineNetDesign): Promise<EngineState> {
    return this.playMade(sineNetPatch(design), auditionPatchName(design));
  }

  async exportSineNetPack(request: SineNetExport): Promise<SineNetPackFile> {
    return this.sineNets.exportPack(request);
  }

  /** Plays a patch made here (not a file): checked like any patch; a bad one keeps the playing patch. */
  private async playMade(patch: Patch, name: string): Promise<EngineState> {
    const check = checkPatch(patch);
    if (!check.ok) throw withDetails(axonError('patch_invalid', name, check.problems.length), check.problems);
    const state = await this.loadValidated(check.patch, name, loadPatchAssets(check.patch, name));
    this.leaveScene();
    return state;
  }

  // ---- end of the Reservoir and Sine nets views ----

  async captureAudio(seconds: number): Promise<AudioCapture> {
    const { samples } = this.engine.capture(seconds);
    const frames = samples.length / 2;
    let peak = 0;
    let sq = 0;
    let crossings = 0;
    for (let i = 0; i < samples.length; i++) {
      const a = Math.abs(samples[i]);
      if (a > peak) peak = a;
      sq += samples[i] * samples[i];
    }
    for (let i = 1; i < frames; i++) if (samples[2 * i - 2] < 0 !== samples[2 * i] < 0) crossings++;
    return {
      frames,
      sampleRate: this.engine.sampleRate,
      peak,
      rms: Math.sqrt(sq / Math.max(1, samples.length)),
      crossingsPerSecond: (crossings * this.engine.sampleRate) / Math.max(1, frames),
      hash: fnv1a(new Uint8Array(samples.buffer)),
    };
  }

  async getDrums(): Promise<DrumsState> {
    return this.drums.state;
  }

  async listDrumPorts(): Promise<DrumPort[]> {
    const { ports, error } = await findDrumPorts();
    if (error) throw error;
    return ports.map((p) => ({ path: p.path, kind: p.kind }));
  }

  async connectDrums(path: string | null): Promise<DrumsState> {
    const port = path ?? (await this.listDrumPorts())[0]?.path;
    if (port === undefined) throw axonError('drum_no_board');
    this.drums.connect(port);
    return this.drums.state;
  }

  async disconnectDrums(): Promise<DrumsState> {
    await this.drums.disconnect();
    return this.drums.state;
  }

  async testStrike(drum: number, velocity: number): Promise<void> {
    await this.drums.testStrike(drum, velocity);
  }

  async listDrumProfiles(): Promise<string[]> {
    return listProfiles();
  }

  /** A profile that fails to read leaves the current one in use. */
  async useDrumProfile(name: string | null): Promise<DrumsState> {
    this.drums.setProfile(name === null ? null : readProfile(name));
    return this.drums.state;
  }

  // ---- The Drums view (issue 6): tables, heard strikes, calibration by ear, profiles as text.
  // The work is DrumWorkbench's; what hears the drums is the simulated board's model microphone
  // when that board plays, else the live rig's audio input.

  private drumBench: DrumWorkbench | null = null;
  private simulatedDrums: { port: string; microphone: Ear; name: string } | null = null;

  private get drumWorkbench(): DrumWorkbench {
    this.drumBench ??= new DrumWorkbench(this.drums, (port) => this.drumEar(port), (n) => this.emit('notice', n));
    return this.drumBench;
  }

  /** A simulated board to rehearse with (axon serve --simulate-drums, tests): while it plays, its model microphone hears the drums. */
  attachSimulatedDrums(sim: { port: string; microphone: Ear; name: string } | null): void {
    this.simulatedDrums = sim;
  }

  private drumEar(port: string | null): DrumEar {
    const sim = this.simulatedDrums;
    if (sim && port === sim.port) return { ear: sim.microphone, name: sim.name };
    if (!this.rig) return { ear: null, problem: 'this app runs without the live rig, so it has no audio input' };
    return this.rig.drumEar?.() ?? { ear: null, problem: 'the live rig has no audio input' };
  }

  async getDrumTables(): Promise<DrumTables> {
    return this.drumWorkbench.tables();
  }

  async setDrumTable(drum: number, table: StrikeTable): Promise<DrumTables> {
    return this.drumWorkbench.setTable(drum, table);
  }

  async saveDrumTables(profile: string | null): Promise<DrumTables> {
    return this.drumWorkbench.save(profile);
  }

  async getDrumStatus(): Promise<DrumLiveStatus> {
    return this.drumWorkbench.status();
  }

  async strikeAndListen(drum: number, velocity: number): Promise<DrumStrikeHeard> {
    return this.drumWorkbench.strikeAndListen(drum, velocity);
  }

  async exportDrumProfile(name: string): Promise<string> {
    return this.drumWorkbench.exportProfile(name);
  }

  async importDrumProfile(text: string, replace: boolean): Promise<string> {
    return this.drumWorkbench.importProfile(text, replace);
  }

  async calibrateDrum(request: DrumCalibrationRequest): Promise<DrumCalibrationStatus> {
    return this.drumWorkbench.calibrate(request);
  }

  async cancelDrumCalibration(job: string): Promise<void> {
    this.drumWorkbench.cancel(job);
  }

  /** The live rig's devices join the API (null: detach). */
  attachRig(rig: RigControls | null): void {
    this.rig = rig;
    this.devicesChanged();
  }

  /** Tells every UI what the devices are now (the rig calls it on every change). */
  devicesChanged(): void {
    this.emit('notice', { type: 'devices', state: this.devices() });
  }

  private devices(): DevicesState {
    const audioOut = { ...this.engine.sink, latencyMs: this.engine.outputLatencyMs, sampleRate: this.engine.sampleRate, blockSize: this.engine.memory.blockSize, priority: this.engine.priority, queueMs: this.engine.queueMs };
    return { audioOut, ...(this.rig?.devices() ?? NO_RIG) };
  }

  async setAudioFormat(sampleRate: Hertz, blockSize: Frames): Promise<DevicesState> {
    const rate = SAMPLE_RATES.find((r) => r === sampleRate);
    if (rate === undefined || !isValidBlockSize(blockSize)) throw axonError('request_invalid', 'setAudioFormat', `${sampleRate} Hz with blocks of ${blockSize} frames is not offered`);
    const blocker = this.formatBlocker();
    if (blocker) throw axonError('audio_format_busy', blocker);
    if (rate !== this.engine.sampleRate || blockSize !== this.engine.memory.blockSize) {
      this.restarting = true;
      try {
        await this.restartEngine(rate, blockSize);
      } finally {
        this.restarting = false;
      }
    }
    this.remember({ audioFormat: { sampleRate: rate, blockSize } });
    return this.devices();
  }

  /** What a restart of the engine would break, in words, or null. */
  private formatBlocker(): string | null {
    if (this.restarting) return 'the engine is restarting at the rate or buffer chosen before';
    if (this.recorder.state().state !== 'idle') return 'a set is being recorded (stop the recording first)';
    if (this.training.running) return 'a model is training (wait for it or cancel it)';
    if (this.sineNetJobs?.running) return 'sine nets are being generated (wait or cancel)';
    if (this.drumBench?.calibrating) return 'a drum is being calibrated (wait or cancel)';
    return null;
  }

  /** The engine at another rate or block size, playing the same patch as it sounds now. */
  private async restartEngine(sampleRate: Hertz, blockSize: Frames): Promise<void> {
    const layout = this.layout;
    const state = this.state;
    const assets = this.assets;
    const patch = layout ? patchWithValues(layout, this.values) : null;
    this.drainLog();
    await this.engine.reconfigure(sampleRate, blockSize);
    this.journal.begin(sampleRate, blockSize);
    this.lastTelemetryFrame = -1;
    if (patch && state) await this.loadValidated(patch, state.patchName, assets ?? undefined);
    // What the engine kept besides the patch: panic, the scopes.
    if (this.panicked) this.engine.send({ type: 'panic', on: true });
    if (this.layout) {
      this.scopes.forEach((neuron, scope) => {
        if (neuron === null || this.layout?.neurons.some((n) => n.id === neuron)) this.engine.send({ type: 'scope', scope, neuron });
      });
    }
    this.engine.send({ type: 'scopeTime', timeBase: this.scopeTime });
    await this.rig?.engineRestarted?.();
    this.devicesChanged();
  }

  async panic(on: boolean): Promise<EngineState> {
    if (!this.state) throw axonError('engine_not_running');
    this.panicked = on;
    this.engine.send({ type: 'panic', on });
    if (on) {
      this.rig?.panic();
      this.drums.cancelPending();
      await this.drums.allStop();
    }
    const state = this.snapshotState(this.state);
    this.emit('notice', { type: 'patch', state });
    return state;
  }

  async getDevices(): Promise<DevicesState> {
    return this.devices();
  }

  async listAudioDevices(): Promise<AudioDevices> {
    return listAudioDevices();
  }

  async setAudioOutput(choice: AudioOutputPick | null): Promise<DevicesState> {
    await this.engine.setOutput(outputChoiceOf(choice, this.engine.queueMs));
    // Kept with the queue in force, so the next start plays with it too.
    this.remember({ audioOut: choice && { ...choice, queueMs: this.engine.queueMs } });
    return this.devices();
  }

  async setAudioInput(choice: { device: string | null; channel: number } | null): Promise<DevicesState> {
    if (!this.rig) throw axonError('rig_off', 'an audio input');
    await this.rig.setAudioInput(choice);
    const devices = this.devices();
    // An input that did not open is not worth opening at the next start.
    if (choice === null || devices.audioIn.state === 'on') this.remember({ audioIn: choice });
    return devices;
  }

  async reopenAudioOutput(): Promise<DevicesState> {
    await this.engine.reopenOutput();
    return this.devices();
  }

  async setMidiInput(query: string | null): Promise<DevicesState> {
    if (!this.rig) throw axonError('rig_off', 'MIDI');
    this.rig.setMidiInput(query);
    this.remember({ midiIn: query });
    return this.devices();
  }

  async setOsc(config: { listen: string | null; targets: string[] } | null): Promise<DevicesState> {
    if (!this.rig) throw axonError('rig_off', 'OSC');
    await this.rig.setOsc(config);
    this.remember({ osc: config });
    return this.devices();
  }

  /** Keeps a device choice for the next start; a settings file that cannot be written is reported, the choice stands. */
  private remember(change: DeviceSettings): void {
    try {
      saveDeviceSettings(change);
    } catch (err) {
      this.emit('notice', { type: 'error', error: toErrorPayload(err) });
    }
  }

  /**
   * Opens the audio devices chosen in the app last time (call after the rig is attached). What
   * fails (a device unplugged since) keeps the default, and is returned and reported to the UIs.
   */
  /** Opens the devices chosen last time (`audioFormat: false`: keep the rate and block size given at the start). */
  async restoreDevices(o: { audioFormat?: boolean } = {}): Promise<Error[]> {
    const problems: Error[] = [];
    const attempt = async (what: () => Promise<unknown>) => {
      try {
        await what();
      } catch (err) {
        problems.push(err instanceof Error ? err : new Error(String(err)));
        this.emit('notice', { type: 'error', error: toErrorPayload(err) });
      }
    };
    let saved: DeviceSettings = {};
    await attempt(async () => {
      saved = readDeviceSettings();
    });
    const { audioFormat, audioOut, audioIn, midiIn, osc } = saved;
    if (audioFormat && o.audioFormat !== false) await attempt(() => this.setAudioFormat(audioFormat.sampleRate, audioFormat.blockSize));
    if (audioOut !== undefined) await attempt(() => this.engine.setOutput(outputChoiceOf(audioOut, this.engine.queueMs)));
    const rig = this.rig;
    if (audioIn && rig) await attempt(() => rig.setAudioInput(audioIn));
    if (osc && rig) await attempt(() => rig.setOsc(osc));
    if (midiIn !== undefined && rig) await attempt(async () => rig.setMidiInput(midiIn));
    if (problems.length > 0) this.devicesChanged();
    return problems;
  }

  async calibrateJoystick(id: string, action: 'start' | 'save' | 'cancel'): Promise<{ devices: DevicesState; warnings: string[] }> {
    if (!this.rig) throw axonError('rig_off', 'joysticks');
    const warnings = this.rig.calibrateJoystick(id, action);
    return { devices: this.devices(), warnings };
  }

  async setJoystickAxis(id: string, axis: string, response: JoystickAxisResponse): Promise<DevicesState> {
    if (!this.rig) throw axonError('rig_off', 'joysticks');
    this.rig.setJoystickAxis(id, axis, response);
    return this.devices();
  }

  async savePatch(name: string, title: string, overwrite: boolean): Promise<PatchInfo[]> {
    const layout = this.requireLayout();
    const patch: Patch = { ...patchWithValues(layout, this.values), name: title };
    saveUserPatch(name, patch, overwrite);
    // It plays on untouched (a reload would restart the network); from now on it is that patch.
    this.layout = layoutPatch(patch);
    if (this.state) this.state = { ...this.state, patchName: name, patch };
    // The list first: a UI seeing the new name finds it there.
    const list = this.patchesChanged();
    this.noticeState();
    return list;
  }

  async duplicatePatch(from: string, to: string): Promise<PatchInfo[]> {
    const { patch } = readPatch(from, false);
    saveUserPatch(to, { ...patch, name: `${patch.name} (copy)`.slice(0, 80) }, false);
    return this.patchesChanged();
  }

  private patchesChanged(): PatchInfo[] {
    const patches = listPatches();
    this.emit('notice', { type: 'patches', patches });
    return patches;
  }

  async getSetList(): Promise<SetListState> {
    return { scenes: readSetList(), current: this.scene };
  }

  async setSetList(scenes: Scene[]): Promise<SetListState> {
    const saved = writeSetList(scenes);
    if (this.scene !== null && this.scene >= saved.length) this.scene = null;
    return this.setListChanged(saved);
  }

  async goToScene(index: number): Promise<SetListState> {
    const scenes = readSetList();
    const scene = scenes[index];
    if (!scene) throw axonError('scene_unknown', index + 1, scenes.length);
    // Read everything before changing anything: a missing profile must not leave half a scene.
    const profile = scene.drumProfile === undefined ? undefined : readProfile(scene.drumProfile);
    // The scene cannot ask (a pedal, a program change): unsaved table edits go to a profile of their own.
    const kept = profile ? this.keepDrumEdits() : null;
    const target = scene.crossfade ? readPlayablePatch(scene.patch, false) : null;
    const targetLayout = target ? layoutPatch(target.patch) : null;
    const fade = this.layout && targetLayout ? crossfadeParams(this.layout, this.values, targetLayout) : null;
    if (target && targetLayout && fade && scene.crossfade) this.startCrossfade(scene.patch, target.patch, targetLayout, fade, scene.crossfade);
    else await this.loadPatch(scene.patch);
    if (profile) this.drums.setProfile(profile);
    if (profile && kept) this.emit('notice', { type: 'error', error: toErrorPayload(axonError('drum_edits_kept', kept.drums, kept.name, profile.name)) });
    this.scene = index;
    return this.setListChanged(scenes);
  }

  /** Saves the drum tables as they play, unsaved edits included, as a new profile; null when nothing is unsaved. */
  private keepDrumEdits(): { name: string; drums: string } | null {
    const edited = this.drums.editedDrums;
    if (edited.length === 0) return null;
    const taken = new Set(listProfiles());
    const base = `${this.drums.profileInUse?.name ?? 'drums'}`.slice(0, 48) + '-unsaved';
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    saveProfile({ ...newProfile(name), drums: this.drums.drumEntries() });
    return { name, drums: edited.join(', ') };
  }

  /** MIDI program change n plays scene n; a failure reaches the UIs as an error notice. */
  programChange(program: number): void {
    this.goToScene(program).catch((err: unknown) => this.emit('notice', { type: 'error', error: toErrorPayload(err) }));
  }

  async setScope(scope: number, neuron: string | null): Promise<void> {
    this.requireLayout();
    this.engine.send({ type: 'scope', scope, neuron });
    this.scopes[scope] = neuron;
  }

  async setScopeTime(timeBase: number): Promise<void> {
    const t = SCOPE_TIME_BASES.find((b) => b === timeBase);
    if (t === undefined) throw axonError('request_invalid', 'setScopeTime', `time base must be one of ${SCOPE_TIME_BASES.join(', ')}`);
    this.engine.send({ type: 'scopeTime', timeBase: t });
    this.scopeTime = t;
  }

  async startRecording(title: string | null, options: RecordOptions = {}): Promise<RecordingState> {
    if (this.restarting) throw axonError('engine_restarting');
    return this.recorder.start(title, options);
  }

  async armRecording(title: string | null, options: RecordOptions = {}): Promise<RecordingState> {
    if (this.restarting) throw axonError('engine_restarting');
    return this.recorder.arm(title, options);
  }

  async stopRecording(): Promise<RecordingState> {
    return this.recorder.stop('user');
  }

  async getRecording(): Promise<RecordingState> {
    return this.recorder.recording ? this.recorder.state() : this.recorder.refreshSpace();
  }

  async listSets(): Promise<RecordedSet[]> {
    return listRecordedSets(setsDir());
  }

  /** What a new set's manifest says about the rig. */
  private setContext(): SetContext {
    const devices = this.devices();
    const board = this.drums.state.board;
    return {
      app: { name: 'axon-stage', version: appVersion() },
      firmware: board?.firmware ?? null,
      patch: { name: this.state?.patchName ?? '', seed: this.state?.seed ?? 0 },
      blockSize: this.engine.memory.blockSize,
      devices: {
        audioOut: devices.audioOut.device ? `${devices.audioOut.device} through ${devices.audioOut.sink}` : devices.audioOut.sink,
        audioIn: devices.audioIn.state === 'on' ? `${devices.audioIn.device} channel ${devices.audioIn.channel}` : null,
        midiIn: devices.midi.input,
        drums: this.drums.state.port,
      },
    };
  }

  private setListChanged(scenes: Scene[]): SetListState {
    const state = { scenes, current: this.scene };
    this.emit('notice', { type: 'setlist', state });
    return state;
  }

  private requireLayout(): PatchLayout {
    if (!this.layout) throw axonError('engine_not_running');
    return this.layout;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopCrossfade();
    this.saveState(true);
    await this.recorder.stop('app_closed');
    await this.training.close();
    await this.sineNetJobs?.close();
    this.drums.cancelPending();
    await this.drumBench?.close();
    await this.drums.disconnect();
    await this.engine.stop();
    this.drainLog();
    await this.journal.close();
  }
}
