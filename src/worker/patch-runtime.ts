import { NAN_NETWORK, NAN_REVERB, NAN_VOICE } from '../shared/events';
import type { PatchLayout } from '../shared/patch/layout';
import { PARAM_ROUTE_TARGETS, type ParamRouteTarget } from '../shared/patch/schema';
import { VOICE_PARAMS } from '../shared/params/registry';
import { toNormal, type ParamSpec } from '../shared/params/spec';
import type { Hertz } from '../shared/units';
import { SpringReverb } from './dsp/spring-reverb';
import { Network } from './neurons/network';
import { EventOutputs } from './outputs/event-outputs';
import type { OutEventSink } from './outputs/out-event-sink';
import { ParamBank } from './params/param-bank';
import { ChaosTriangleSource } from './sources/chaos-triangle-source';
import { ControlInputSource } from './sources/control-input-source';
import { OscillatorSource } from './sources/oscillator-source';
import { SequenceSource } from './sources/sequence-source';
import type { Source } from './sources/source';
import { Voice } from './voice/voice';

/**
 * One routed parameter: value = the parameter's base value moved by sum(amount x source) in its
 * normalised (0..1, log or linear) range. The base's normal position is cached, so a sample
 * costs the mix plus one exp for log parameters.
 */
class Modulation {
  private readonly base: number;
  private readonly min: number;
  private readonly span: number;
  private readonly log: boolean;
  private lastBase = NaN;
  private baseNorm = 0;

  constructor(
    private readonly spec: ParamSpec,
    base: number,
    readonly columns: Int32Array,
    readonly amounts: Int32Array,
  ) {
    this.base = base;
    this.log = spec.scaling === 'log';
    this.min = this.log ? Math.log(spec.min) : spec.min;
    this.span = this.log ? Math.log(spec.max / spec.min) : spec.max - spec.min;
  }

  value(v: Float64Array, p: Float64Array): number {
    const base = p[this.base];
    const cols = this.columns;
    if (cols.length === 0) return base;
    if (base !== this.lastBase) {
      this.lastBase = base;
      this.baseNorm = toNormal(this.spec, base);
    }
    let n = this.baseNorm;
    for (let k = 0; k < cols.length; k++) n += p[this.amounts[k]] * v[cols[k]];
    n = n > 0 ? (n < 1 ? n : 1) : 0;
    const x = this.min + n * this.span;
    return this.log ? Math.exp(x) : x;
  }
}

const VOICE_KEY: Record<ParamRouteTarget, keyof typeof VOICE_PARAMS> = {
  'voice.pitch': 'pitch',
  'voice.morph': 'morph',
  'voice.cutoff': 'cutoff',
  'voice.resonance': 'resonance',
  'voice.level': 'level',
  'voice.osc': 'osc',
};

function routesTo(layout: PatchLayout, target: string): { columns: Int32Array; amounts: Int32Array } {
  const list = layout.routes.filter((r) => r.target === target);
  return { columns: Int32Array.from(list, (r) => r.column), amounts: Int32Array.from(list, (r) => r.amountSlot) };
}

function mix(v: Float64Array, p: Float64Array, r: { columns: Int32Array; amounts: Int32Array }): number {
  let s = 0;
  for (let k = 0; k < r.columns.length; k++) s += p[r.amounts[k]] * v[r.columns[k]];
  return s;
}

/**
 * Everything one loaded patch needs at run time, built off the audio path (this allocates) and
 * then rendered a frame at a time without allocating. Engine-thread only.
 */
export class PatchRuntime {
  readonly bank: ParamBank;
  readonly network: Network;
  readonly voice: Voice;
  readonly reverb: SpringReverb;
  readonly outputs: EventOutputs;
  private readonly sources: Source[];
  private readonly sourceColumns: Int32Array;
  private readonly reverbColumns: Int32Array;
  private readonly mod: Modulation[];
  private readonly voiceIn;
  private readonly reverbIn;
  private readonly masterIn;
  private lastDecay = -1;
  private lastTone = -1;
  private lastDispersion = -1;
  /** Stereo output of the last frame, before the master chain. */
  outL = 0;
  outR = 0;
  /** Effective voice parameters of the last frame (telemetry). */
  pitch = 0;
  morph = 0;
  cutoff = 0;
  /** Module that held a non-finite value in the last frame (NAN_*), 0 if none. */
  fault = 0;

  constructor(
    readonly layout: PatchLayout,
    readonly sampleRate: Hertz,
    seed: number,
    readonly generation: number,
    inputTargets: Float64Array,
  ) {
    this.bank = new ParamBank(layout.params, sampleRate);
    this.network = new Network(layout, this.bank, sampleRate, seed);
    this.voice = new Voice(sampleRate);
    this.reverb = new SpringReverb(sampleRate);
    this.outputs = new EventOutputs(layout, sampleRate);
    const built: { column: number; source: Source }[] = [];
    const reverbColumns: number[] = [];
    for (const s of layout.sources) {
      switch (s.source.type) {
        case 'oscillator':
          built.push({ column: s.column, source: new OscillatorSource(s, sampleRate) });
          break;
        case 'sequence':
          built.push({ column: s.column, source: new SequenceSource(s, sampleRate) });
          break;
        case 'chaos-triangle':
          built.push({ column: s.column, source: new ChaosTriangleSource(s, sampleRate) });
          break;
        case 'input':
          built.push({ column: s.column, source: new ControlInputSource(s, sampleRate, inputTargets) });
          break;
        case 'reverb-return':
          reverbColumns.push(s.column);
          break;
      }
    }
    this.sources = built.map((b) => b.source);
    this.sourceColumns = Int32Array.from(built, (b) => b.column);
    this.reverbColumns = Int32Array.from(reverbColumns);
    this.mod = PARAM_ROUTE_TARGETS.map((t) => {
      const key = VOICE_KEY[t];
      const r = routesTo(layout, t);
      return new Modulation(VOICE_PARAMS[key], layout.voice[key], r.columns, r.amounts);
    });
    this.voiceIn = routesTo(layout, 'voice.input');
    this.reverbIn = routesTo(layout, 'reverb.input');
    this.masterIn = routesTo(layout, 'master');
  }

  /** Renders one frame into outL/outR; sets `fault` when a module went non-finite. */
  renderFrame(frame: number, sink: OutEventSink): void {
    const bank = this.bank;
    bank.step();
    const p = bank.value;
    const net = this.network;
    const v = net.v;
    for (let k = 0; k < this.sources.length; k++) v[this.sourceColumns[k]] = this.sources[k].process(p);
    const rv = this.reverb;
    if (this.reverbColumns.length > 0) {
      const ret = 0.5 * (rv.outL + rv.outR);
      for (let k = 0; k < this.reverbColumns.length; k++) v[this.reverbColumns[k]] = ret;
    }
    net.step(p, bank);
    this.fault = 0;
    if (!net.healthy) {
      this.fault = NAN_NETWORK;
      net.reset();
    }
    if (this.outputs.active) this.outputs.process(frame, v, p, sink);

    const L = this.layout;
    const mod = this.mod;
    const pitch = mod[0].value(v, p);
    const morph = mod[1].value(v, p);
    const cutoff = mod[2].value(v, p);
    this.pitch = pitch;
    this.morph = morph;
    this.cutoff = cutoff;
    let voice = this.voice.process(pitch, morph, mod[5].value(v, p), mix(v, p, this.voiceIn), cutoff, mod[3].value(v, p), mod[4].value(v, p));
    if (!(voice - voice === 0) || !this.voice.healthy()) {
      this.fault = NAN_VOICE;
      this.voice.reset();
      voice = 0;
    }

    const decay = p[L.reverb.decay];
    const tone = p[L.reverb.tone];
    const dispersion = p[L.reverb.dispersion];
    if (decay !== this.lastDecay || tone !== this.lastTone || dispersion !== this.lastDispersion) {
      this.lastDecay = decay;
      this.lastTone = tone;
      this.lastDispersion = dispersion;
      rv.set(decay, tone, dispersion);
    }
    rv.process(voice * p[L.reverb.send] + mix(v, p, this.reverbIn));
    if (!(rv.outL - rv.outL === 0 && rv.outR - rv.outR === 0)) {
      this.fault = NAN_REVERB;
      rv.reset();
    }
    const wet = p[L.reverb.mix];
    const direct = mix(v, p, this.masterIn);
    this.outL = voice + rv.outL * wet + direct;
    this.outR = voice + rv.outR * wet + direct;
  }

  /** Clears every signal state (weights and parameters stay). */
  reset(): void {
    this.network.reset();
    this.voice.reset();
    this.reverb.reset();
    for (const s of this.sources) s.reset();
  }
}
