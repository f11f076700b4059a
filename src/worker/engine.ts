import {
  EV_CC,
  EV_INPUT,
  EV_LEARN,
  EV_NOTE_OFF,
  EV_NOTE_ON,
  EV_PARAM,
  EV_PITCHBEND,
  EVENT_WORDS,
  eventGeneration,
  eventType,
  NAN_MASTER,
  OUT_NAN,
} from '../shared/events';
import { CONTROL_INPUTS, MIDI_CC0_INPUT, MIDI_GATE_INPUT, MIDI_NOTE_INPUT, MIDI_VELOCITY_INPUT, controlInputIndex } from '../shared/inputs';
import type { PatchLayout } from '../shared/patch/layout';
import * as T from '../shared/telemetry';
import { dbToGain, type Frames, type Hertz } from '../shared/units';
import { DcBlocker } from './dsp/dc-blocker';
import { Limiter } from './dsp/limiter';
import type { OutEventSink } from './outputs/out-event-sink';
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
}

export interface EngineOptions {
  sampleRate: Hertz;
  /** Snapshots per second (default 120). */
  telemetryRate?: number;
  telemetry?: TelemetrySink;
  out: OutEventSink;
}

export const SAMPLE_RATES = [44100, 48000, 96000] as const;
export const MIN_BLOCK = 64;
export const MAX_BLOCK = 1024;
export const DEFAULT_BLOCK = 128;

/** Fade applied when a patch starts, is swapped out, or recovers from a fault. */
const FADE_SECONDS = 0.01;
const PITCHBEND_INPUT = controlInputIndex('midi.pitchbend');
/** A fault that repeats (a runaway loop) is reported at most this often; every one is counted. */
const REPORT_INTERVAL = 0.1;

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
  private readonly dcL: DcBlocker;
  private readonly dcR: DcBlocker;
  private readonly limiter: Limiter;
  private ceilingDb = NaN;
  private masterDb = NaN;
  private masterGain = 1;
  private fade = 0;
  private nextNanReport = 0;
  private fadeDir = 1;
  private readonly fadeStep: number;
  private readonly event = new Float64Array(EVENT_WORDS);
  private readonly out: OutEventSink;
  private readonly telemetry: TelemetrySink | null;
  private readonly telemetryInterval: number;
  private sinceSnapshot = 0;
  private readonly snapshot = new Float64Array(T.TELEMETRY_WORDS);
  private peakL = 0;
  private peakR = 0;
  private sumL = 0;
  private sumR = 0;
  private grMax = 0;
  private readonly activity = new Float64Array(T.MAX_COLUMNS);

  constructor(opts: EngineOptions) {
    this.sampleRate = opts.sampleRate;
    this.out = opts.out;
    this.telemetry = opts.telemetry ?? null;
    this.telemetryInterval = Math.max(1, Math.round(opts.sampleRate / (opts.telemetryRate ?? 120)));
    this.dcL = new DcBlocker(opts.sampleRate);
    this.dcR = new DcBlocker(opts.sampleRate);
    this.limiter = new Limiter(opts.sampleRate);
    this.fadeStep = 1 / (FADE_SECONDS * opts.sampleRate);
    CONTROL_INPUTS.forEach((c, i) => (this.inputTargets[i] = c.rest));
  }

  get runtime(): PatchRuntime | null {
    return this.current;
  }

  get generation(): number {
    return this.pending?.generation ?? this.current?.generation ?? -1;
  }

  /**
   * Prepares a patch (allocates: call between blocks). The first patch fades in; a later one
   * replaces the current after a short fade-out, so a patch change never clicks.
   */
  load(layout: PatchLayout, seed: number, generation = 0): void {
    const runtime = new PatchRuntime(layout, this.sampleRate, seed, generation, this.inputTargets);
    if (this.current === null) {
      this.current = runtime;
      this.fade = 0;
      this.fadeDir = 1;
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
      if (type === EV_PARAM) rt.bank.set(this.event[2], this.event[3]);
      else rt.network.learnCommand(this.event[2], this.event[3], rt.bank);
      return true;
    }
    events.next(this.event);
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
    }
    return true;
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

  private renderSpan(out: Float32Array, from: number, to: number): void {
    const limiter = this.limiter;
    for (let i = from; i < to; i++) {
      const rt = this.current;
      let l = 0;
      let r = 0;
      if (rt !== null) {
        rt.renderFrame(this.frame, this.out);
        if (rt.fault !== 0) this.recover(rt, rt.fault);
        const p = rt.bank.value;
        const db = p[rt.layout.master.gain];
        if (db !== this.masterDb) {
          this.masterDb = db;
          this.masterGain = dbToGain(db);
        }
        const ceiling = p[rt.layout.master.ceiling];
        if (ceiling !== this.ceilingDb) {
          this.ceilingDb = ceiling;
          limiter.setCeiling(ceiling);
        }
        const g = this.masterGain * this.fade;
        l = rt.outL * g;
        r = rt.outR * g;
        if (!(l - l === 0 && r - r === 0)) {
          this.recover(rt, NAN_MASTER);
          l = 0;
          r = 0;
        }
      }
      this.stepFade();
      limiter.process(this.dcL.process(l), this.dcR.process(r));
      const ol = limiter.outL;
      const or = limiter.outR;
      out[2 * i] = ol;
      out[2 * i + 1] = or;
      this.frame++;
      this.measure(ol, or);
    }
  }

  private stepFade(): void {
    if (this.fadeDir > 0) {
      if (this.fade < 1) this.fade = Math.min(1, this.fade + this.fadeStep);
    } else {
      this.fade -= this.fadeStep;
      if (this.fade <= 0) {
        this.fade = 0;
        this.fadeDir = 1;
        if (this.pending !== null) {
          const old = this.current;
          if (old !== null) old.outputs.release(this.frame, old.bank.value, this.out);
          this.current = this.pending;
          this.pending = null;
        }
      }
    }
  }

  /**
   * NaN/Inf guard: the runtime already cleared the faulty module (the whole runtime for a master
   * fault); ramp the output back in and report, at most every REPORT_INTERVAL seconds.
   */
  private recover(rt: PatchRuntime, module: number): void {
    if (module === NAN_MASTER) rt.reset();
    this.nanEvents++;
    this.fade = 0;
    if (this.pending === null) this.fadeDir = 1;
    if (this.frame >= this.nextNanReport) {
      this.out.emit(this.frame, OUT_NAN, module, this.nanEvents, 0);
      this.nextNanReport = this.frame + REPORT_INTERVAL * this.sampleRate;
    }
  }

  private measure(l: number, r: number): void {
    const al = l < 0 ? -l : l;
    const ar = r < 0 ? -r : r;
    if (al > this.peakL) this.peakL = al;
    if (ar > this.peakR) this.peakR = ar;
    this.sumL += l * l;
    this.sumR += r * r;
    if (this.limiter.gainReductionDb > this.grMax) this.grMax = this.limiter.gainReductionDb;
    if (this.telemetry === null) return;
    const rt = this.current;
    if (rt !== null) {
      const v = rt.network.v;
      for (let k = 0; k < rt.layout.columns; k++) this.activity[k] += v[k] * v[k];
    }
    if (++this.sinceSnapshot >= this.telemetryInterval) this.publish();
  }

  private publish(): void {
    const s = this.snapshot;
    const count = this.sinceSnapshot;
    s[T.T_FRAME] = this.frame;
    s[T.T_SAMPLE_RATE] = this.sampleRate;
    s[T.T_PEAK_L] = this.peakL;
    s[T.T_PEAK_R] = this.peakR;
    s[T.T_RMS_L] = Math.sqrt(this.sumL / count);
    s[T.T_RMS_R] = Math.sqrt(this.sumR / count);
    s[T.T_GAIN_REDUCTION] = this.grMax;
    s[T.T_NAN_EVENTS] = this.nanEvents;
    s[T.T_LOAD] = this.renderLoad;
    s[T.T_UNDERRUNS] = this.underruns;
    for (let k = 0; k < T.TELEMETRY_INPUTS; k++) s[T.T_INPUTS + k] = this.inputTargets[k];
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
      s[T.T_VOICE_PITCH] = rt.pitch;
      s[T.T_VOICE_MORPH] = rt.morph;
      s[T.T_VOICE_CUTOFF] = rt.cutoff;
      for (let i = 0; i < n; i++) {
        s[T.T_OUTPUTS + i] = net.v[net.firstNeuron + i];
        s[T.T_ACTIVITY + i] = Math.sqrt(this.activity[net.firstNeuron + i] / count);
        s[T.T_GATES + i] = net.gate[i];
        s[T.T_LEARN_ERROR + i] = NaN;
      }
      for (const l of net.learners) s[T.T_LEARN_ERROR + l.neuron] = l.takeError();
      for (let k = 0; k < c; k++) s[T.T_COLUMN_VALUES + k] = net.v[k];
      s.set(net.W, T.T_WEIGHTS);
    }
    this.telemetry?.publish(s);
    this.sinceSnapshot = 0;
    this.peakL = this.peakR = this.sumL = this.sumR = this.grMax = 0;
    this.activity.fill(0);
  }
}
