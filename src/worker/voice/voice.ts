import type { Hertz } from '../../shared/units';
import { MorphOsc, WavetableBank } from '../dsp/wavetable';
import { resonanceToQ, Svf } from '../dsp/svf';

/**
 * The synth voice: a band-limited oscillator with continuous waveform morph plus any routed
 * audio, through a zero-delay-feedback low-pass, times the level.
 */
export class Voice {
  private readonly osc: MorphOsc;
  readonly filter: Svf;
  private lastCutoff = -1;
  private lastResonance = -1;
  private q = 0.5;

  constructor(sampleRate: Hertz) {
    this.osc = new MorphOsc(WavetableBank.shared(), sampleRate);
    this.filter = new Svf(sampleRate);
  }

  process(pitch: Hertz, morph: number, oscLevel: number, audioIn: number, cutoff: Hertz, resonance: number, level: number): number {
    if (resonance !== this.lastResonance) {
      this.lastResonance = resonance;
      this.q = resonanceToQ(resonance);
      this.lastCutoff = -1;
    }
    if (cutoff !== this.lastCutoff) {
      this.lastCutoff = cutoff;
      this.filter.set(cutoff, this.q);
    }
    const x = (oscLevel > 0 ? this.osc.process(pitch, morph) * oscLevel : 0) + audioIn;
    return this.filter.process(x) * level;
  }

  /** True while the filter state is finite. */
  healthy(): boolean {
    const f = this.filter;
    return Number.isFinite(f.lp) && Number.isFinite(f.bp) && Number.isFinite(f.hp);
  }

  reset(): void {
    this.filter.reset();
    this.osc.reset(0);
    this.lastCutoff = -1;
    this.lastResonance = -1;
  }
}
