import type { ParamSpec } from '../../shared/params/spec';
import type { Hertz } from '../../shared/units';
import { instantiateKernel } from '../kernels/load-kernel';
import * as L from '../kernels/synth-layout';
import { WavetableBank } from './wavetable';

/** Oscillator index of the voice; sources use 1.. */
export const VOICE_OSCILLATOR = 0;

/**
 * The band-limited oscillators and the voice filter of one patch, in a WebAssembly kernel
 * (kernels/synth-kernel.as.ts).
 *
 * Oscillators: wavetables with a continuous sine -> triangle -> saw -> square morph. With
 * l = log2(Nyquist / |freq|), mip tables floor(l)-1 and floor(l) (level L holds harmonics up to
 * 2^L) are blended by frac(l): the newest octave of harmonics fades in as the pitch falls, so the
 * timbre moves continuously and no partial ever passes Nyquist. Negative frequency runs the phase
 * backwards (through-zero FM) with the band limit of |freq|; 0 Hz holds the phase; above Nyquist
 * an oscillator is silent. Pulses are the difference of two saws, DC removed.
 * Use: fill `freq` and `shape` (morph 0..3, or pulse width) for len samples, call
 * oscillator(o, len, pulse), read `oscOut`.
 *
 * Voice: oscillator 0 times the osc level, plus `audioIn`, through a zero-delay-feedback
 * state-variable low-pass (Simper's trapezoidal form) with Q = 0.5 * 50^resonance, times the
 * level. Its six controls arrive per sample in their normalised range (`controls`, in
 * PARAM_ROUTE_TARGETS order) and are mapped back by their specs.
 */
export class Synth {
  readonly freq: Float64Array;
  readonly shape: Float64Array;
  readonly oscOut: Float64Array;
  readonly controls: Float64Array[];
  readonly audioIn: Float64Array;
  readonly voiceOut: Float64Array;
  private readonly voiceState: Float64Array;
  private readonly runOsc: (o: number, len: number, pulse: number) => void;
  private readonly runVoice: (len: number) => void;
  private readonly resetOscRaw: (o: number, phase: number) => void;
  private readonly resetVoiceRaw: () => void;

  constructor(sampleRate: Hertz, controlSpecs: readonly ParamSpec[]) {
    const k = instantiateKernel('synth-kernel', L.SYNTH_BYTES);
    const mem = k.memory;
    const f64 = (ptr: number, len: number) => new Float64Array(mem, ptr, len);
    this.freq = f64(L.FREQ_PTR, L.SYNTH_MAX_BLOCK);
    this.shape = f64(L.SHAPE_PTR, L.SYNTH_MAX_BLOCK);
    this.oscOut = f64(L.OSC_OUT_PTR, L.SYNTH_MAX_BLOCK);
    this.controls = Array.from({ length: L.VOICE_CONTROLS }, (_, i) => f64(L.CONTROL_PTR + i * L.SYNTH_MAX_BLOCK * 8, L.SYNTH_MAX_BLOCK));
    this.audioIn = f64(L.AUDIO_IN_PTR, L.SYNTH_MAX_BLOCK);
    this.voiceOut = f64(L.VOICE_OUT_PTR, L.SYNTH_MAX_BLOCK);
    this.voiceState = f64(L.VOICE_STATE_PTR, 16);
    this.runOsc = k.exports.osc as typeof this.runOsc;
    this.runVoice = k.exports.voice as typeof this.runVoice;
    this.resetOscRaw = k.exports.resetOsc as typeof this.resetOscRaw;
    this.resetVoiceRaw = k.exports.resetVoice as () => void;
    (k.exports.init as (rate: number) => void)(sampleRate);
    const tables = WavetableBank.shared().tables;
    const dest = new Float32Array(mem, L.TABLES_PTR, tables.length * L.TABLE_STRIDE);
    tables.forEach((t, i) => dest.set(t, i * L.TABLE_STRIDE));
    const map = f64(L.CONTROL_MAP_PTR, L.VOICE_CONTROLS * 3);
    controlSpecs.forEach((spec, i) => {
      const log = spec.scaling === 'log';
      map.set([log ? Math.log(spec.min) : spec.min, log ? Math.log(spec.max / spec.min) : spec.max - spec.min, log ? 1 : 0], i * 3);
    });
    for (let o = 0; o < L.MAX_OSCILLATORS; o++) this.resetOscRaw(o, 0);
    this.resetVoiceRaw();
  }

  oscillator(o: number, len: number, pulse: boolean): void {
    this.runOsc(o, Math.min(len, L.SYNTH_MAX_BLOCK), pulse ? 1 : 0);
  }

  resetOscillator(o: number, phase = 0): void {
    this.resetOscRaw(o, phase);
  }

  voice(len: number): void {
    this.runVoice(Math.min(len, L.SYNTH_MAX_BLOCK));
  }

  resetVoice(): void {
    this.resetVoiceRaw();
  }

  /** The voice's pitch, morph and cutoff at the last sample it rendered. */
  get voicePitch(): Hertz {
    return this.voiceState[10];
  }
  get voiceMorph(): number {
    return this.voiceState[11];
  }
  get voiceCutoff(): Hertz {
    return this.voiceState[12];
  }
}

export const MAX_SOURCE_OSCILLATORS = L.MAX_OSCILLATORS - 1;
