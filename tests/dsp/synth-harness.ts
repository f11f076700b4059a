// Drives the synth kernel (src/worker/dsp/synth.ts) for the DSP tests: oscillators and the voice
// rendered over any length in kernel-sized blocks, with the voice's controls built like the engine.
import { VOICE_PARAMS } from '../../src/shared/params/registry';
import { toNormal } from '../../src/shared/params/spec';
import { VOICE_CONTROL_KEYS, voiceControlSpecs } from '../../src/shared/patch/schema';
import { Synth } from '../../src/worker/dsp/synth';
import { SYNTH_MAX_BLOCK } from '../../src/worker/kernels/synth-layout';

export type VoiceKey = keyof typeof VOICE_PARAMS;

/** The voice's controls in the kernel's row order (PARAM_ROUTE_TARGETS). */
export { VOICE_CONTROL_KEYS, voiceControlSpecs };

const synths = new Map<number, Synth>();

/** One synth per sample rate, shared by a test file (callers reset what they render). */
export function sharedSynth(sampleRate: number): Synth {
  let s = synths.get(sampleRate);
  if (!s) {
    s = newSynth(sampleRate);
    synths.set(sampleRate, s);
  }
  return s;
}

export function newSynth(sampleRate: number): Synth {
  return new Synth(sampleRate, voiceControlSpecs());
}

/** A value per sample: a constant, or a function of the sample index from the start. */
export type PerSample = number | ((n: number) => number);

/** The kernel's largest block. */
export const BLOCK = SYNTH_MAX_BLOCK;

function fill(dest: Float64Array, v: PerSample, from: number, len: number): void {
  if (typeof v === 'number') dest.fill(v, 0, len);
  else for (let k = 0; k < len; k++) dest[k] = v(from + k);
}

/** Oscillator o for `length` samples (freq in Hz, shape = morph 0..3 or pulse width). */
export function renderOsc(synth: Synth, o: number, freq: PerSample, shape: PerSample, length: number, pulse = false, block = BLOCK): Float64Array {
  const y = new Float64Array(length);
  for (let i = 0; i < length; i += block) {
    const len = Math.min(block, length - i);
    fill(synth.freq, freq, i, len);
    fill(synth.shape, shape, i, len);
    synth.oscillator(o, len, pulse);
    y.set(synth.oscOut.subarray(0, len), i);
  }
  return y;
}

/** Normalised (0..1) voice controls, per sample. */
export type VoiceControls = Record<VoiceKey, PerSample>;

/** Normalised controls for plain parameter values (Hz, morph 0..3, ...), via the specs. */
export function voiceNormals(values: Record<VoiceKey, number>): VoiceControls {
  const out = {} as Record<VoiceKey, number>;
  for (const key of VOICE_CONTROL_KEYS) out[key] = toNormal(VOICE_PARAMS[key], values[key]);
  return out;
}

/** The voice for `length` samples with normalised `controls` and routed audio `input`. */
export function renderVoice(synth: Synth, controls: VoiceControls, input: PerSample, length: number, block = BLOCK): Float64Array {
  const y = new Float64Array(length);
  for (let i = 0; i < length; i += block) {
    const len = Math.min(block, length - i);
    VOICE_CONTROL_KEYS.forEach((key, k) => fill(synth.controls[k], controls[key], i, len));
    fill(synth.audioIn, input, i, len);
    synth.voice(len);
    y.set(synth.voiceOut.subarray(0, len), i);
  }
  return y;
}

/** The resonance (normalised, = plain) that gives filter Q `q`: Q = 0.5 * 50^r. */
export const resonanceForQ = (q: number): number => Math.log(q / 0.5) / Math.log(50);
