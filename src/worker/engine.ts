import {
  EV_CC,
  EV_DRUM,
  EV_INPUT,
  EV_LEARN,
  EV_NOTE_OFF,
  EV_NOTE_ON,
  EV_PARAM,
  EV_PITCHBEND,
  EV_PANIC,
  EV_SCOPE,
  EV_SCOPE_TIME,
  EV_VIRTUAL_DRUMS,
  EVENT_WORDS,
  eventGeneration,
  eventType,
  NAN_MASTER,
  OUT_DRUM,
  OUT_NAN,
} from '../shared/events';
import { AUDIO_IN_INPUTS, CONTROL_INPUTS, MIDI_CC0_INPUT, MIDI_GATE_INPUT, MIDI_NOTE_INPUT, MIDI_VELOCITY_INPUT, controlInputIndex } from '../shared/inputs';
import type { PatchLayout } from '../shared/patch/layout';
import * as T from '../shared/telemetry';
import { dbToGain, type Frames, type Hertz } from '../shared/units';
import { MasterChain } from './dsp/master-chain';
import { VirtualKit } from './drums/virtual-kit';
import type { OutEventSink } from './outputs/out-event-sink';
import { ScopeCapture } from './telemetry/scope-capture';
import type { StemTap } from './telemetry/stem-tap';
import { CHUNK } from './kernels/network-layout';
import { NO_ASSETS, type PatchAssets } from './patch-assets';
import { PatchRuntime } from './patch-runtime';

/** Where control events come from: the control ring in the worker, a parsed log offline. */
export interface EventSource {
  /** Frame of the next event (ASAP events report -1), or Infinity when none is waiting. */
  peekFrame(): number;
  /** Copies the next event's EVENT_WORDS words into `into` and consumes it. */
  next(into: Float64Array): void;
  /** Word 1 (type and generation) of the next event, valid after peekFrame() < Infinity. */
  peekTypeWord(): number;
}

export const NO_EVENTS: EventSource = { peekFrame: () => Infinity, next: () => undefined, peekTypeWord: () => 0 };

/** Receives telemetry snapshots (shared memory in the worker). */
export interface TelemetrySink {
  publish(words: Float64Array): void;
  /** Whether the reader has taken the last snapshot; if not, the next one also covers its span. */
  consumed(): boolean;
}

export interface EngineOptions {
  sampleRate: Hertz;
  /** Snapshots per second, at least (default 60). */
  telemetryRate?: number;
  telemetry?: TelemetrySink;
  out: OutEventSink;
  /** Play the patch's drum outputs on the virtual kit from the start (EV_VIRTUAL_DRUMS changes it). */
  virtualDrums?: boolean;
  /** Told every control event applied and its frame (latency measurement, the event log). */
  eventProbe?: EventProbe;
  /** Gets the stems of every chunk (the worker's shared stems block). */
  stems?: StemTap;
}

export interface EventProbe {
  /** `event` holds the event's EVENT_WORDS words as queued (its frame may be ASAP); valid during the call. */
  applied(frame: Frames, event: Float64Array): void;
}



/** Fade applied when a patch starts, is swapped out, or recovers from a fault. */
const FADE_SECONDS = 0.01;
const PITCHBEND_INPUT = controlInputIndex('midi.pitchbend');
/** A fault that repeats (a runaway loop) is reported at most this often; every one is counted. */
const REPORT_INTERVAL = 0.1;
const P_PEAK_L = 0;
const P_PEAK_R = 1;
const P_SUM_L = 2;
const P_SUM_R = 3;
const P_GR = 4;
const P_COUNT = 5;

/**
 * The real-time engine: renders blocks of interleaved stereo float32 from the loaded patch,
 * applying timestamped control events on their exact frame, and guarding the output (NaN/Inf
 * guard, DC blocker, brickwall limiter). Deterministic: the same patch, seed and events give the
 * same samples regardless of block size. Owned by one thread (the engine worker, or the caller
 * of an offline render); no method allocates except `load`.
 */
export class Engine {
  readonly sampleRate: Hertz;
  /** Absolute frame of the next sample to render. */
  frame: Frames = 0;
  nanEvents = 0;
  /** Set by the host: render load and underruns, copied into telemetry. */
  renderLoad = 0;
  underruns = 0;
  private current: PatchRuntime | null = null;
  private pending: PatchRuntime | null = null;
  private readonly inputTargets = new Float64Array(CONTROL_INPUTS.length);
  private readonly heldNotes = new Int16Array(128);
  private heldCount = 0;
  private readonly master: MasterChain;
  private ceilingDb = NaN;
  private masterDb = NaN;
  private masterGain = 1;
  private lastGain = 1;
  private nextNanReport = 0;
  private fadeDir = 1;
  private panicked = false;
  private readonly fadeStep: number;
  private readonly event = new Float64Array(EVENT_WORDS);
  private readonly out: OutEventSink;
  private readonly drumTap: OutEventSink;
  private readonly kit: VirtualKit;
  /** The kit's chunk, kept apart for its stem before it joins the mix. */
  private readonly kitL = new Float64Array(CHUNK);
  private readonly kitR = new Float64Array(CHUNK);
  private readonly stems: StemTap | null;
  /** Whether the patch's drum outputs also sound on the virtual kit (no board plays them). */
  private virtualDrums: boolean;
  private readonly eventProbe: EventProbe | null;
  private readonly telemetry: TelemetrySink | null;
  private readonly telemetryInterval: number;
  private sinceSnapshot = 0;
  /** Levels over the spans published but not yet read (P_* words) and their activity. */
  private readonly unread = new Float64Array(6);
  private readonly pendingActivity = new Float64Array(T.MAX_COLUMNS);
  private readonly snapshot = new Float64Array(T.TELEMETRY_WORDS);
  private readonly activity = new Float64Array(T.MAX_COLUMNS);
  private readonly scope = new ScopeCapture(T.SCOPE_CHANNELS);
  /** The neuron (index) each neuron scope shows; the first two until told otherwise. */
  private readonly scopeNeurons = Int32Array.from({ length: T.NEURON_SCOPES }, (_, k) => k);

  constructor(opts: EngineOptions) {
    this.sampleRate = opts.sampleRate;
    this.out = opts.out;
    this.kit = new VirtualKit(opts.sampleRate);
    this.virtualDrums = opts.virtualDrums ?? false;
    this.eventProbe = opts.eventProbe ?? null;
    this.stems = opts.stems ?? null;
    // The patch's drum outputs pass through here: on to main (and the board), and into the
    // virtual kit on their exact frame while no board plays them.
    this.drumTap = {
      emit: (frame, type, a, b, c) => {
        this.out.emit(frame, type, a, b, c);
        if (type === OUT_DRUM && this.virtualDrums) this.kit.trigger(a, b, frame - this.frame);
      },
    };
    this.telemetry = opts.telemetry ?? null;
    // A whole number of chunks, rounded down so the rate is never below the one asked for.
    this.telemetryInterval = Math.max(CHUNK, Math.floor(opts.sampleRate / (opts.telemetryRate ?? 60) / CHUNK) * CHUNK);
    this.master = new MasterChain(opts.sampleRate);
    this.master.setFade(0);
    this.fadeStep = 1 / (FADE_SECONDS * opts.sampleRate);
    CONTROL_INPUTS.forEach((c, i) => (this.inputTargets[i] = c.rest));
  }

  get runtime(): PatchRuntime | null {
    return this.current;
  }

  /**
   * Prepares a patch (allocates: call between blocks). The first patch fades in; a later one
   * replaces the current after a short fade-out, so a patch change never clicks.
   */
  load(layout: PatchLayout, seed: number, generation = 0, assets: PatchAssets = NO_ASSETS): void {
    const runtime = new PatchRuntime(layout, this.sampleRate, seed, generation, this.inputTargets, { left: this.master.inL, right: this.master.inR }, assets);
    if (this.current === null) {
      this.current = runtime;
      this.master.setFade(0);
      this.fadeDir = this.panicked ? -1 : 1;
    } else {
      this.pending = runtime;
      this.fadeDir = -1;
    }
  }

  /** Renders `frames` interleaved stereo frames into out[0 .. 2*frames). */
  render(out: Float32Array, frames: Frames, events: EventSource): void {
    let pos = 0;
    while (pos < frames) {
      let next = events.peekFrame();
      let waiting = false;
      while (next <= this.frame) {
        if (!this.applyNext(events)) {
          waiting = true;
          break;
        }
        next = events.peekFrame();
      }
      let end = frames;
      if (!waiting && next < this.frame + (frames - pos)) end = pos + Math.ceil(next - this.frame);
      this.renderSpan(out, pos, end);
      pos = end;
    }
  }

  /** Applies the next event; false when it belongs to a patch not yet swapped in (it waits). */
  private applyNext(events: EventSource): boolean {
    const word = events.peekTypeWord();
    const type = eventType(word);
    const rt = this.current;
    if (type === EV_PARAM || type === EV_LEARN) {
      const gen = eventGeneration(word);
      if (rt === null || gen > rt.generation) return false;
      events.next(this.event);
      if (gen < rt.generation) return true; // meant for a patch that is gone
      this.eventProbe?.applied(this.frame, this.event);
      if (type === EV_PARAM) rt.bank.set(this.event[2], this.event[3]);
      else rt.network.learnCommand(this.event[2], this.event[3], rt.bank);
      return true;
    }
    events.next(this.event);
    this.eventProbe?.applied(this.frame, this.event);
    const a = this.event[2];
    const b = this.event[3];
    switch (type) {
      case EV_INPUT:
        if (a >= 0 && a < this.inputTargets.length) this.inputTargets[a] = b;
        break;
      case EV_NOTE_ON:
        this.noteOn(a, b);
        break;
      case EV_NOTE_OFF:
        this.noteOff(a);
        break;
      case EV_CC:
        if (a >= 0 && a < 128) this.inputTargets[MIDI_CC0_INPUT + a] = b / 127;
        break;
      case EV_PITCHBEND:
        this.inputTargets[PITCHBEND_INPUT] = a;
        break;
      case EV_DRUM:
        this.kit.trigger(a, b, 0);
        break;
      case EV_VIRTUAL_DRUMS:
        this.virtualDrums = a !== 0;
        break;
      case EV_PANIC:
        this.setPanic(a !== 0);
        break;
      case EV_SCOPE:
        if (a >= 0 && a < T.NEURON_SCOPES) this.scopeNeurons[a] = b;
        break;
      case EV_SCOPE_TIME:
        this.scope.setTimeBase(a);
        break;
    }
    return true;
  }

  /**
   * Panic: held notes dropped, the patch's sounding notes released, no notes or drums after it,
   * and the output ramped to silence, where it stays (the network keeps running underneath)
   * until resumed.
   */
  private setPanic(on: boolean): void {
    this.panicked = on;
    if (on) {
      this.heldCount = 0;
      this.inputTargets[MIDI_GATE_INPUT] = 0;
      const rt = this.current;
      if (rt !== null) rt.outputs.release(this.frame, rt.bank.value, this.out);
    }
    if (this.pending === null) this.fadeDir = on ? -1 : 1;
  }

  private noteOn(note: number, velocity: number): void {
    if (note < 0 || note > 127) return;
    for (let k = 0; k < this.heldCount; k++) {
      if (this.heldNotes[k] === note) {
        this.heldNotes.copyWithin(k, k + 1, this.heldCount);
        this.heldCount--;
        break;
      }
    }
    this.heldNotes[this.heldCount++] = note;
    this.inputTargets[MIDI_NOTE_INPUT] = note / 127;
    this.inputTargets[MIDI_VELOCITY_INPUT] = velocity / 127;
    this.inputTargets[MIDI_GATE_INPUT] = 1;
  }

  private noteOff(note: number): void {
    for (let k = 0; k < this.heldCount; k++) {
      if (this.heldNotes[k] === note) {
        this.heldNotes.copyWithin(k, k + 1, this.heldCount);
        this.heldCount--;
        break;
      }
    }
    // Last-note priority: fall back to the most recent note still held.
    if (this.heldCount > 0) this.inputTargets[MIDI_NOTE_INPUT] = this.heldNotes[this.heldCount - 1] / 127;
    else this.inputTargets[MIDI_GATE_INPUT] = 0;
  }

  /** Renders [from, to) of the block in control chunks that end on multiples of CHUNK frames. */
  private renderSpan(out: Float32Array, from: number, to: number): void {
    let pos = from;
    while (pos < to) {
      const len = Math.min(to - pos, CHUNK - (this.frame % CHUNK));
      this.renderChunk(out, pos, len);
      pos += len;
    }
  }

  private renderChunk(out: Float32Array, pos: number, len: number): void {
    this.swapIfFaded();
    const rt = this.current;
    const master = this.master;
    let g0 = 0;
    let dg = 0;
    if (rt !== null) {
      rt.outputsMuted = this.panicked;
      rt.renderChunk(this.frame, len, this.drumTap);
      if (rt.fault !== 0) this.recover(rt, rt.fault);
      const kitL = this.kitL;
      const kitR = this.kitR;
      kitL.fill(0, 0, len);
      kitR.fill(0, 0, len);
      this.kit.process(kitL, kitR, len);
      for (let s = 0; s < len; s++) {
        master.inL[s] += kitL[s];
        master.inR[s] += kitR[s];
      }
      this.stems?.write(this.frame, len, rt.synth.voiceOut, rt.direct, kitL, kitR);
      const p = rt.bank.value;
      const ceiling = p[rt.layout.master.ceiling];
      if (ceiling !== this.ceilingDb) {
        this.ceilingDb = ceiling;
        master.setCeiling(ceiling);
      }
      const db = p[rt.layout.master.gain];
      if (db !== this.masterDb) {
        this.masterDb = db;
        this.masterGain = dbToGain(db);
      }
      g0 = this.lastGain;
      dg = (this.masterGain - g0) / len;
      // The runtime rendered straight into the master chain's input.
      let sum = 0;
      for (let s = 0; s < len; s++) sum += master.inL[s] + master.inR[s];
      if (!(sum - sum === 0)) {
        this.recover(rt, NAN_MASTER);
        master.inL.fill(0, 0, len);
        master.inR.fill(0, 0, len);
      }
    } else {
      master.inL.fill(0, 0, len);
      master.inR.fill(0, 0, len);
      this.kitL.fill(0, 0, len);
      this.kitR.fill(0, 0, len);
      this.stems?.write(this.frame, len, null, null, this.kitL, this.kitR);
    }
    master.process(len, g0, dg, this.fadeDir > 0 ? this.fadeStep : -this.fadeStep);
    this.lastGain = this.masterGain;
    const mo = master.out;
    for (let k = 0, o = 2 * pos; k < 2 * len; k++, o++) out[o] = mo[k];
    this.frame += len;
    if (this.telemetry === null) return;
    this.scope.writeStereo(0, mo, len);
    for (let k = 0; k < T.NEURON_SCOPES; k++) {
      const i = this.scopeNeurons[k];
      if (rt !== null && i >= 0 && i < rt.network.n) this.scope.write(1 + k, rt.network.columnBuffers[rt.network.firstNeuron + i], len);
      else this.scope.writeSilence(1 + k, len);
    }
    if (rt !== null) {
      const cols = rt.network.columnBuffers;
      for (let k = 0; k < cols.length; k++) {
        const col = cols[k];
        let a = 0;
        for (let s = 0; s < len; s++) a += col[s] * col[s];
        this.activity[k] += a;
      }
    }
    this.sinceSnapshot += len;
    if (this.sinceSnapshot >= this.telemetryInterval) this.publish();
  }

  /** Swaps in a pending patch once the fade-out has reached silence. */
  private swapIfFaded(): void {
    if (this.pending === null || this.master.fade > 0) return;
    const old = this.current;
    if (old !== null) old.outputs.release(this.frame, old.bank.value, this.out);
    this.current = this.pending;
    this.pending = null;
    this.fadeDir = this.panicked ? -1 : 1;
  }

  /**
   * NaN/Inf guard: the runtime already cleared the faulty module (the whole runtime for a master
   * fault); ramp the output back in and report, at most every REPORT_INTERVAL seconds.
   */
  private recover(rt: PatchRuntime, module: number): void {
    if (module === NAN_MASTER) rt.reset();
    this.nanEvents++;
    this.master.setFade(0);
    if (this.frame >= this.nextNanReport) {
      this.out.emit(this.frame, OUT_NAN, module, this.nanEvents, 0);
      this.nextNanReport = this.frame + REPORT_INTERVAL * this.sampleRate;
    }
  }

  private publish(): void {
    const s = this.snapshot;
    const master = this.master;
    const pending = this.unread;
    // Spans the reader has not taken yet are folded into this snapshot, so no peak is lost.
    if (this.telemetry === null || this.telemetry.consumed()) {
      pending.fill(0);
      this.pendingActivity.fill(0);
    }
    pending[P_PEAK_L] = Math.max(pending[P_PEAK_L], master.peakL);
    pending[P_PEAK_R] = Math.max(pending[P_PEAK_R], master.peakR);
    pending[P_SUM_L] += master.sumSquaresL;
    pending[P_SUM_R] += master.sumSquaresR;
    pending[P_GR] = Math.max(pending[P_GR], master.maxGainReductionDb);
    pending[P_COUNT] += this.sinceSnapshot;
    for (let k = 0; k < this.activity.length; k++) this.pendingActivity[k] += this.activity[k];
    master.clearStats();
    this.activity.fill(0);
    this.sinceSnapshot = 0;
    const count = pending[P_COUNT];
    s[T.T_FRAME] = this.frame;
    s[T.T_SAMPLE_RATE] = this.sampleRate;
    s[T.T_PEAK_L] = pending[P_PEAK_L];
    s[T.T_PEAK_R] = pending[P_PEAK_R];
    s[T.T_RMS_L] = Math.sqrt(pending[P_SUM_L] / count);
    s[T.T_RMS_R] = Math.sqrt(pending[P_SUM_R] / count);
    s[T.T_GAIN_REDUCTION] = pending[P_GR];
    s[T.T_NAN_EVENTS] = this.nanEvents;
    s[T.T_LOAD] = this.renderLoad;
    s[T.T_UNDERRUNS] = this.underruns;
    for (let k = 0; k < T.TELEMETRY_INPUTS; k++) s[T.T_INPUTS + k] = this.inputTargets[k];
    for (let k = 0; k < AUDIO_IN_INPUTS.length; k++) s[T.T_AUDIO_IN + k] = this.inputTargets[AUDIO_IN_INPUTS[k]];
    const rt = this.current;
    if (rt !== null) {
      const net = rt.network;
      const n = net.n;
      const c = net.columns;
      s[T.T_NEURONS] = n;
      s[T.T_COLUMNS] = c;
      s[T.T_PATCH_GEN] = rt.generation;
      s[T.T_NOTES] = rt.outputs.notes;
      s[T.T_DRUMS] = rt.outputs.drums;
      s[T.T_VOICE_PITCH] = rt.synth.voicePitch;
      s[T.T_VOICE_MORPH] = rt.synth.voiceMorph;
      s[T.T_VOICE_CUTOFF] = rt.synth.voiceCutoff;
      for (let i = 0; i < n; i++) {
        s[T.T_OUTPUTS + i] = net.v[net.firstNeuron + i];
        s[T.T_ACTIVITY + i] = Math.sqrt(this.pendingActivity[net.firstNeuron + i] / count);
        s[T.T_GATES + i] = net.gate[i];
        s[T.T_LEARN_ERROR + i] = net.takeError(i);
      }
      for (let k = 0; k < c; k++) s[T.T_COLUMN_VALUES + k] = net.v[k];
      for (let k = 0; k < T.NEURON_SCOPES; k++) s[T.T_SCOPE_NEURONS + k] = this.scopeNeurons[k] < n ? this.scopeNeurons[k] : -1;
      s.set(net.W, T.T_WEIGHTS);
    }
    s[T.T_SCOPE_TIME] = this.scope.timeBase;
    for (let ch = 0; ch < T.SCOPE_CHANNELS; ch++) this.scope.read(ch, s, T.T_SCOPE + ch * T.SCOPE_LEN);
    this.telemetry?.publish(s);
  }

}
