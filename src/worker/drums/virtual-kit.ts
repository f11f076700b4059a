import type { Hertz, Seconds } from '../../shared/units';
import { bipolar, streamSeed } from '../random';

/** How one virtual drum sounds: a membrane (a sine that drops in pitch) over a noise burst. */
export interface VirtualDrumSound {
  name: string;
  /** Membrane frequency once the strike's pitch drop has settled. */
  freq: Hertz;
  /** The membrane starts this many times higher and falls to freq within `drop`. */
  bend: number;
  drop: Seconds;
  /** Time for the membrane to fall by 60 dB. */
  decay: Seconds;
  /** Noise (stick, snare wires, cymbal) level relative to the membrane, and its 60 dB decay. */
  noise: number;
  noiseDecay: Seconds;
  /** Corner of the one-pole high-pass on the noise (bright for hats, dull for toms). */
  noiseTone: Hertz;
  /** -1 left .. 1 right. */
  pan: number;
}

/**
 * The sixteen drums the drum outputs and the drum bridge address, as the virtual kit plays them
 * when no board is connected: drums 0-3 are the four motors of the first shield.
 */
export const VIRTUAL_DRUMS: readonly VirtualDrumSound[] = [
  { name: 'kick', freq: 52, bend: 3, drop: 0.04, decay: 0.45, noise: 0.15, noiseDecay: 0.02, noiseTone: 800, pan: 0 },
  { name: 'snare', freq: 185, bend: 1.6, drop: 0.015, decay: 0.18, noise: 0.9, noiseDecay: 0.22, noiseTone: 1500, pan: 0.1 },
  { name: 'low tom', freq: 98, bend: 1.5, drop: 0.05, decay: 0.5, noise: 0.12, noiseDecay: 0.03, noiseTone: 600, pan: -0.35 },
  { name: 'high tom', freq: 147, bend: 1.5, drop: 0.04, decay: 0.4, noise: 0.12, noiseDecay: 0.03, noiseTone: 700, pan: 0.35 },
  { name: 'closed hat', freq: 3200, bend: 1, drop: 0.01, decay: 0.02, noise: 1.6, noiseDecay: 0.06, noiseTone: 7000, pan: 0.45 },
  { name: 'open hat', freq: 3200, bend: 1, drop: 0.01, decay: 0.02, noise: 1.6, noiseDecay: 0.45, noiseTone: 7000, pan: 0.45 },
  { name: 'rim', freq: 820, bend: 1.2, drop: 0.004, decay: 0.05, noise: 0.5, noiseDecay: 0.012, noiseTone: 2500, pan: -0.15 },
  { name: 'clap', freq: 1100, bend: 1, drop: 0.01, decay: 0.01, noise: 1.4, noiseDecay: 0.2, noiseTone: 1200, pan: -0.05 },
  { name: 'floor tom', freq: 73, bend: 1.6, drop: 0.06, decay: 0.65, noise: 0.1, noiseDecay: 0.03, noiseTone: 500, pan: -0.5 },
  { name: 'mid tom', freq: 123, bend: 1.5, drop: 0.045, decay: 0.45, noise: 0.12, noiseDecay: 0.03, noiseTone: 650, pan: 0.05 },
  { name: 'ride', freq: 4300, bend: 1, drop: 0.01, decay: 0.02, noise: 1.3, noiseDecay: 0.9, noiseTone: 5500, pan: 0.55 },
  { name: 'crash', freq: 3900, bend: 1, drop: 0.01, decay: 0.02, noise: 1.8, noiseDecay: 1.4, noiseTone: 4500, pan: -0.55 },
  { name: 'cowbell', freq: 560, bend: 1, drop: 0.01, decay: 0.3, noise: 0.05, noiseDecay: 0.01, noiseTone: 2000, pan: 0.25 },
  { name: 'wood block', freq: 1250, bend: 1.1, drop: 0.003, decay: 0.07, noise: 0.2, noiseDecay: 0.008, noiseTone: 3000, pan: -0.25 },
  { name: 'shaker', freq: 5000, bend: 1, drop: 0.01, decay: 0.005, noise: 1.2, noiseDecay: 0.09, noiseTone: 6000, pan: 0.3 },
  { name: 'surdo', freq: 44, bend: 2, drop: 0.06, decay: 0.8, noise: 0.08, noiseDecay: 0.02, noiseTone: 400, pan: 0 },
];

/** Level of a full-velocity hit, before the master gain: leaves headroom for several at once. */
const HIT_LEVEL = 0.45;
/** A voice below this level (about -90 dB) is done. */
const SILENT = 3e-5;
const LN_1000 = Math.log(1000);

/**
 * Synthesized drums standing in for the robot drums when no board is connected, so a
 * performance sounds anywhere. One voice per drum (a new hit restarts it, as a stick does).
 * Engine-thread only; nothing allocates after construction.
 */
export class VirtualKit {
  readonly count = VIRTUAL_DRUMS.length;
  private readonly omega: Float64Array;
  private readonly bendKeep: Float64Array;
  private readonly ampKeep: Float64Array;
  private readonly noiseKeep: Float64Array;
  private readonly noiseCoef: Float64Array;
  private readonly gainL: Float64Array;
  private readonly gainR: Float64Array;
  // Voice state.
  private readonly active: Uint8Array;
  private readonly start: Int32Array;
  private readonly phase: Float64Array;
  private readonly bend: Float64Array;
  private readonly amp: Float64Array;
  private readonly noiseAmp: Float64Array;
  private readonly noiseLp: Float64Array;
  private readonly rng: Int32Array;

  constructor(sampleRate: Hertz) {
    const n = this.count;
    const perSample = (seconds: Seconds, factor: number) => Math.exp(-Math.log(factor) / (seconds * sampleRate));
    this.omega = Float64Array.from(VIRTUAL_DRUMS, (d) => (2 * Math.PI * d.freq) / sampleRate);
    this.bendKeep = Float64Array.from(VIRTUAL_DRUMS, (d) => perSample(d.drop, 1000));
    this.ampKeep = Float64Array.from(VIRTUAL_DRUMS, (d) => Math.exp(-LN_1000 / (d.decay * sampleRate)));
    this.noiseKeep = Float64Array.from(VIRTUAL_DRUMS, (d) => Math.exp(-LN_1000 / (d.noiseDecay * sampleRate)));
    this.noiseCoef = Float64Array.from(VIRTUAL_DRUMS, (d) => Math.exp((-2 * Math.PI * d.noiseTone) / sampleRate));
    // Equal-power pan.
    this.gainL = Float64Array.from(VIRTUAL_DRUMS, (d) => Math.cos(((d.pan + 1) * Math.PI) / 4));
    this.gainR = Float64Array.from(VIRTUAL_DRUMS, (d) => Math.sin(((d.pan + 1) * Math.PI) / 4));
    this.active = new Uint8Array(n);
    this.start = new Int32Array(n);
    this.phase = new Float64Array(n);
    this.bend = new Float64Array(n);
    this.amp = new Float64Array(n);
    this.noiseAmp = new Float64Array(n);
    this.noiseLp = new Float64Array(n);
    this.rng = new Int32Array([streamSeed(0x64_72_75_6d, 0)]);
  }

  /** Strikes drum d (0..15) with velocity 1..127, `offset` samples into the next process(). */
  trigger(drum: number, velocity: number, offset: number): void {
    const d = Math.floor(drum);
    if (!(d >= 0 && d < this.count) || !(velocity > 0)) return;
    const v = Math.min(127, velocity) / 127;
    const level = HIT_LEVEL * v * Math.sqrt(v);
    const sound = VIRTUAL_DRUMS[d];
    this.active[d] = 1;
    this.start[d] = Math.max(0, Math.floor(offset));
    this.phase[d] = 0;
    this.bend[d] = sound.bend - 1;
    this.amp[d] = level;
    this.noiseAmp[d] = level * sound.noise;
    this.noiseLp[d] = 0;
  }

  /** Adds len samples of every sounding drum into outL/outR. */
  process(outL: Float64Array, outR: Float64Array, len: number): void {
    const rng = this.rng;
    for (let d = 0; d < this.count; d++) {
      if (this.active[d] === 0) continue;
      const from = Math.min(len, this.start[d]);
      this.start[d] = Math.max(0, this.start[d] - len);
      let phase = this.phase[d];
      let bend = this.bend[d];
      let amp = this.amp[d];
      let noise = this.noiseAmp[d];
      let lp = this.noiseLp[d];
      const w = this.omega[d];
      const bk = this.bendKeep[d];
      const ak = this.ampKeep[d];
      const nk = this.noiseKeep[d];
      const nc = this.noiseCoef[d];
      const gl = this.gainL[d];
      const gr = this.gainR[d];
      for (let s = from; s < len; s++) {
        phase += w * (1 + bend);
        if (phase > 2 * Math.PI) phase -= 2 * Math.PI;
        bend *= bk;
        const white = bipolar(rng, 0);
        // One-pole low-pass, subtracted: a high-pass that sets the noise's brightness.
        lp = white + nc * (lp - white);
        const y = amp * Math.sin(phase) + noise * (white - lp);
        amp *= ak;
        noise *= nk;
        outL[s] += y * gl;
        outR[s] += y * gr;
      }
      this.phase[d] = phase;
      this.bend[d] = bend;
      this.amp[d] = amp;
      this.noiseAmp[d] = noise;
      this.noiseLp[d] = lp;
      if (amp < SILENT && noise < SILENT && this.start[d] === 0) this.active[d] = 0;
    }
  }

  reset(): void {
    this.active.fill(0);
  }
}
