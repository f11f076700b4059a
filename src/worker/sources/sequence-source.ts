import type { SourceLayout } from '../../shared/patch/layout';
import type { Hertz } from '../../shared/units';
import { MorphOsc, WavetableBank, SHAPE_SINE } from '../dsp/wavetable';
import type { Source } from './source';

/** The sequenced sine of seed 000: steps through a list of frequencies with optional glide. */
export class SequenceSource implements Source {
  private readonly osc: MorphOsc;
  private readonly steps: Float64Array;
  private readonly rate: number;
  private readonly glide: number;
  private readonly level: number;
  private readonly invRate: number;
  private readonly sampleRate: Hertz;
  private stepPhase = 0;
  private step = 0;
  private freq: Hertz;

  constructor(s: SourceLayout, sampleRate: Hertz) {
    if (s.source.type !== 'sequence') throw new Error('not a sequence source');
    this.osc = new MorphOsc(WavetableBank.shared(), sampleRate);
    this.steps = Float64Array.from(s.source.steps);
    this.rate = s.slots.rate;
    this.glide = s.slots.glide;
    this.level = s.slots.level;
    this.invRate = 1 / sampleRate;
    this.sampleRate = sampleRate;
    this.freq = this.steps[0];
  }

  process(p: Float64Array): number {
    this.stepPhase += p[this.rate] * this.invRate;
    if (this.stepPhase >= 1) {
      this.stepPhase -= Math.floor(this.stepPhase);
      this.step = (this.step + 1) % this.steps.length;
    }
    const target = this.steps[this.step];
    const glide = p[this.glide];
    // Glide in the log-frequency domain so intervals sound even.
    if (glide > 0) this.freq *= Math.pow(target / this.freq, 1 - Math.exp(-1 / (glide * this.sampleRate)));
    else this.freq = target;
    return this.osc.process(this.freq, SHAPE_SINE) * p[this.level];
  }

  reset(): void {
    this.stepPhase = 0;
    this.step = 0;
    this.freq = this.steps[0];
    this.osc.reset(0);
  }
}
