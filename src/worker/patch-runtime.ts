import { NAN_NETWORK, NAN_REVERB, NAN_SOURCE, NAN_VOICE } from '../shared/events';
import type { PatchLayout } from '../shared/patch/layout';
import { PARAM_ROUTE_TARGETS, VOICE_CONTROL_KEYS, voiceControlSpecs } from '../shared/patch/schema';
import { toNormal, type ParamSpec } from '../shared/params/spec';
import type { Hertz } from '../shared/units';
import { SpringReverb } from './dsp/spring-reverb';
import { Synth, VOICE_OSCILLATOR } from './dsp/synth';
import { CHUNK } from './kernels/network-layout';
import { Network } from './neurons/network';
import { EventOutputs } from './outputs/event-outputs';
import type { OutEventSink } from './outputs/out-event-sink';
import { ControlModulation } from './params/control-modulation';
import { MappingMatrix } from './params/mapping-matrix';
import { ParamBank } from './params/param-bank';
import { NO_ASSETS, type PatchAssets } from './patch-assets';
import { ChaosTriangleSource } from './sources/chaos-triangle-source';
import { ControlInputSource } from './sources/control-input-source';
import { OscillatorSource } from './sources/oscillator-source';
import { ReservoirSource } from './sources/reservoir-source';
import { SequenceSource } from './sources/sequence-source';
import { SineNetSource } from './sources/sinenet-source';
import type { Source } from './sources/source';

/**
 * Frames by which the reverb's output reaches a `reverb-return` source. A fixed delay of one
 * chunk lets the network and the audio chain each run a whole chunk at a time; 0.67 ms at 48 kHz
 * is far below the spring's own delay, and output does not depend on the block size.
 */
export const RETURN_DELAY = CHUNK;
const RETURN_RING = 2 * CHUNK;


/** Signals routed to one target: column buffers and the slots of their amounts. */
class Routes {
  constructor(
    readonly columns: Int32Array,
    readonly amounts: Int32Array,
  ) {}

  static to(layout: PatchLayout, target: string): Routes {
    const list = layout.routes.filter((r) => r.target === target);
    return new Routes(Int32Array.from(list, (r) => r.column), Int32Array.from(list, (r) => r.amountSlot));
  }

  /** out[s] += sum over routes of amount(s) x source(s), amounts ramped across the chunk. */
  addTo(out: Float64Array, len: number, cols: readonly Float64Array[], bank: ParamBank): void {
    const inv = 1 / len;
    for (let r = 0; r < this.columns.length; r++) {
      const col = cols[this.columns[r]];
      const a0 = bank.start[this.amounts[r]];
      const da = (bank.value[this.amounts[r]] - a0) * inv;
      for (let s = 0; s < len; s++) out[s] += (a0 + da * (s + 1)) * col[s];
    }
  }
}

/**
 * One voice control per sample, in its parameter's normalised range (0..1, log or linear): the
 * base value ramped across the chunk plus its routes. The synth kernel clamps and maps it back.
 */
class Modulation {
  private cachedBase = NaN;
  private cachedNorm = 0;
  /** The constant the output buffer already holds (NaN when it holds anything else). */
  private filled = NaN;

  constructor(
    private readonly spec: ParamSpec,
    private readonly base: number,
    private readonly routes: Routes,
  ) {}

  private norm(v: number): number {
    if (v !== this.cachedBase) {
      this.cachedBase = v;
      this.cachedNorm = toNormal(this.spec, v);
    }
    return this.cachedNorm;
  }

  fill(out: Float64Array, len: number, cols: readonly Float64Array[], bank: ParamBank): void {
    const n0 = this.norm(bank.start[this.base]);
    const n1 = this.norm(bank.value[this.base]);
    if (this.routes.columns.length === 0 && n0 === n1) {
      if (this.filled !== n1) out.fill(n1);
      this.filled = n1;
      return;
    }
    this.filled = NaN;
    const dn = (n1 - n0) / len;
    for (let s = 0; s < len; s++) out[s] = n0 + dn * (s + 1);
    this.routes.addTo(out, len, cols, bank);
  }
}

const buffer = () => new Float64Array(CHUNK);

/**
 * Everything one loaded patch needs at run time, built off the audio path (this allocates) and
 * then rendered a chunk (<= CHUNK frames) at a time without allocating: sources, the network,
 * MIDI/drum outputs, the voice and the reverb. Engine-thread only.
 */
export class PatchRuntime {
  readonly bank: ParamBank;
  readonly network: Network;
  readonly synth: Synth;
  readonly reverb: SpringReverb;
  readonly outputs: EventOutputs;
  /** Set by the engine during a panic: no notes, CCs or drum hits leave the patch. */
  outputsMuted = false;
  private readonly sources: Source[];
  private readonly reservoirs: ReservoirSource[];
  private readonly control: ControlModulation;
  readonly mappings: MappingMatrix;
  /** Frames of the last chunk: the columns hold them when the next chunk's sources start. */
  private lastLen = 0;
  private readonly sourceColumns: Int32Array;
  private readonly reverbColumns: Int32Array;
  private readonly returnRing = new Float64Array(RETURN_RING);
  private readonly mods: Modulation[];
  private readonly voiceIn: Routes;
  private readonly reverbIn: Routes;
  private readonly masterIn: Routes;
  /** What the routes to the master carry this chunk (mono): the reservoir synths, sine networks, any column sent there. */
  readonly direct = buffer();
  private lastDecay = -1;
  private lastTone = -1;
  private lastDispersion = -1;
  /** Stereo output of the last chunk, before the master chain (the master chain's input). */
  readonly outL: Float64Array;
  readonly outR: Float64Array;
  /** Module that held a non-finite value in the last chunk (NAN_*), 0 if none. */
  fault = 0;

  constructor(
    readonly layout: PatchLayout,
    readonly sampleRate: Hertz,
    seed: number,
    readonly generation: number,
    inputTargets: Float64Array,
    output?: { left: Float64Array; right: Float64Array },
    assets: PatchAssets = NO_ASSETS,
  ) {
    this.outL = output?.left ?? buffer();
    this.outR = output?.right ?? buffer();
    this.bank = new ParamBank(layout.params, sampleRate);
    // Before the network copies its weights out of the bank, so mapped weights start mapped.
    this.mappings = new MappingMatrix(layout, sampleRate, seed, inputTargets);
    this.mappings.prime(this.bank);
    this.network = new Network(layout, this.bank, sampleRate, seed);
    const controlSpecs = voiceControlSpecs();
    this.synth = new Synth(sampleRate, controlSpecs);
    this.reverb = new SpringReverb(sampleRate);
    this.outputs = new EventOutputs(layout, sampleRate);
    this.control = new ControlModulation(layout, this.bank);
    const built: { column: number; source: Source }[] = [];
    const reservoirs: ReservoirSource[] = [];
    const reverbColumns: number[] = [];
    // Each oscillating source gets its own oscillator of the synth kernel (0 is the voice's).
    let osc = VOICE_OSCILLATOR;
    for (const s of layout.sources) {
      switch (s.source.type) {
        case 'oscillator':
          built.push({ column: s.column, source: new OscillatorSource(s, this.synth, ++osc) });
          break;
        case 'sequence':
          built.push({ column: s.column, source: new SequenceSource(s, sampleRate, this.synth, ++osc) });
          break;
        case 'chaos-triangle':
          built.push({ column: s.column, source: new ChaosTriangleSource(s, sampleRate, this.synth, ++osc) });
          break;
        case 'input':
          built.push({ column: s.column, source: new ControlInputSource(s, sampleRate, inputTargets) });
          break;
        case 'reverb-return':
          reverbColumns.push(s.column);
          break;
        case 'sinenet':
          built.push({ column: s.column, source: new SineNetSource(s, sampleRate, this.control) });
          break;
        case 'reservoir': {
          const asset = assets.reservoirs[s.id];
          if (!asset) throw new Error(`no model was loaded for reservoir source "${s.id}"`);
          const source = new ReservoirSource(s, asset, sampleRate, this.control);
          reservoirs.push(source);
          built.push({ column: s.column, source });
          break;
        }
      }
    }
    this.reservoirs = reservoirs;
    this.sources = built.map((b) => b.source);
    this.sourceColumns = Int32Array.from(built, (b) => b.column);
    this.reverbColumns = Int32Array.from(reverbColumns);
    this.mods = PARAM_ROUTE_TARGETS.map((t, i) => new Modulation(controlSpecs[i], layout.voice[VOICE_CONTROL_KEYS[i]], Routes.to(layout, t)));
    this.voiceIn = Routes.to(layout, 'voice.input');
    this.reverbIn = Routes.to(layout, 'reverb.input');
    this.masterIn = Routes.to(layout, 'master');
  }

  /** Renders frames [frame0, frame0 + len) into outL/outR; sets `fault` if a module went bad. */
  renderChunk(frame0: number, len: number, sink: OutEventSink): void {
    const bank = this.bank;
    bank.advance(len);
    const net = this.network;
    const cols = net.columnBuffers;
    this.mappings.apply(len, cols, this.lastLen, bank);
    this.control.update(cols, this.lastLen, bank);
    this.lastLen = len;
    for (let k = 0; k < this.sources.length; k++) this.sources[k].process(cols[this.sourceColumns[k]], len, bank);
    const ring = this.returnRing;
    for (let k = 0; k < this.reverbColumns.length; k++) {
      const col = cols[this.reverbColumns[k]];
      for (let s = 0; s < len; s++) col[s] = ring[(frame0 + s - RETURN_DELAY) & (RETURN_RING - 1)];
    }
    net.run(len, bank);
    this.fault = 0;
    for (let k = 0; k < this.reservoirs.length; k++) if (this.reservoirs[k].faulted) this.fault = NAN_SOURCE;
    if (!net.healthy) {
      this.fault = NAN_NETWORK;
      net.reset();
      for (let k = 0; k < cols.length; k++) cols[k].fill(0);
    }
    const p = bank.value;
    if (this.outputs.active && !this.outputsMuted) this.outputs.process(frame0, len, cols, p, sink);

    // Voice: controls per sample, then oscillator -> filter -> level (synth kernel).
    const synth = this.synth;
    for (let k = 0; k < this.mods.length; k++) this.mods[k].fill(synth.controls[k], len, cols, bank);
    synth.audioIn.fill(0, 0, len);
    this.voiceIn.addTo(synth.audioIn, len, cols, bank);
    synth.voice(len);
    const voice = synth.voiceOut;
    let sum = 0;
    for (let s = 0; s < len; s++) sum += voice[s];
    if (!(sum - sum === 0)) {
      this.fault = NAN_VOICE;
      synth.resetVoice();
      voice.fill(0, 0, len);
    }

    // Reverb: parameters at control rate, send and return ramped per sample.
    const L = this.layout.reverb;
    const rv = this.reverb;
    const decay = p[L.decay];
    const tone = p[L.tone];
    const dispersion = p[L.dispersion];
    if (decay !== this.lastDecay || tone !== this.lastTone || dispersion !== this.lastDispersion) {
      this.lastDecay = decay;
      this.lastTone = tone;
      this.lastDispersion = dispersion;
      rv.set(decay, tone, dispersion);
    }
    const inv = 1 / len;
    const send0 = bank.start[L.send];
    const dSend = (p[L.send] - send0) * inv;
    const rin = rv.input;
    for (let s = 0; s < len; s++) rin[s] = voice[s] * (send0 + dSend * (s + 1));
    this.reverbIn.addTo(rin, len, cols, bank);
    rv.process(len);
    const direct = this.direct;
    direct.fill(0, 0, len);
    this.masterIn.addTo(direct, len, cols, bank);
    const mix0 = bank.start[L.mix];
    const dMix = (p[L.mix] - mix0) * inv;
    const wetL = rv.outL;
    const wetR = rv.outR;
    const outL = this.outL;
    const outR = this.outR;
    let wetSum = 0;
    for (let s = 0; s < len; s++) {
      const wl = wetL[s];
      const wr = wetR[s];
      wetSum += wl + wr;
      ring[(frame0 + s) & (RETURN_RING - 1)] = 0.5 * (wl + wr);
      const wet = mix0 + dMix * (s + 1);
      outL[s] = voice[s] + wl * wet + direct[s];
      outR[s] = voice[s] + wr * wet + direct[s];
    }
    if (!(wetSum - wetSum === 0)) {
      this.fault = NAN_REVERB;
      rv.reset();
      ring.fill(0);
      for (let s = 0; s < len; s++) {
        outL[s] = voice[s] + direct[s];
        outR[s] = outL[s];
      }
    }
  }

  /** Clears every signal state (weights and parameters stay). */
  reset(): void {
    this.network.reset();
    this.synth.resetVoice();
    this.reverb.reset();
    this.returnRing.fill(0);
    for (const s of this.sources) s.reset();
    this.lastLen = 0;
  }
}
