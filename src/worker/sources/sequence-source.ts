import type { SourceLayout } from '../../shared/patch/layout';
import type { Hertz } from '../../shared/units';
import { SHAPE_SINE } from '../dsp/wavetable';
import type { Synth } from '../dsp/synth';
import type { ParamBank } from '../params/param-bank';
import type { Source } from './source';

/** The sequenced sine of seed 000: steps through a list of frequencies with optional glide. */
export class SequenceSource implements Source {
  private readonly steps: Float64Array;
  private readonly rate: number;
  private readonly glide: number;
  private readonly level: number;
  private readonly invRate: number;
  private readonly sampleRate: Hertz;
  private stepPhase = 0;
  private step = 0;
  private current: Hertz;

  constructor(
    s: SourceLayout,
    sampleRate: Hertz,
    private readonly synth: Synth,
    private readonly osc: number,
  ) {
    if (s.source.type !== 'sequence') throw new Error('not a sequence source');
    this.steps = Float64Array.from(s.source.steps);
    this.rate = s.slots.rate;
    this.glide = s.slots.glide;
    this.level = s.slots.level;
    this.invRate = 1 / sampleRate;
    this.sampleRate = sampleRate;
    this.current = this.steps[0];
  }

  process(out: Float64Array, len: number, bank: ParamBank): void {
    const { start, value } = bank;
    const stepInc = value[this.rate] * this.invRate;
    const glide = value[this.glide];
    // Glide in the log-frequency domain, so intervals sound even.
    const follow = glide > 0 ? 1 - Math.exp(-1 / (glide * this.sampleRate)) : 1;
    const steps = this.steps;
    const freq = this.synth.freq;
    for (let s = 0; s < len; s++) {
      this.stepPhase += stepInc;
      if (this.stepPhase >= 1) {
        this.stepPhase -= Math.floor(this.stepPhase);
        this.step = (this.step + 1) % steps.length;
      }
      const target = steps[this.step];
      this.current = follow < 1 ? this.current * Math.pow(target / this.current, follow) : target;
      freq[s] = this.current;
    }
    this.synth.shape.fill(SHAPE_SINE, 0, len);
    this.synth.oscillator(this.osc, len, false);
    const l0 = start[this.level];
    const dl = (value[this.level] - l0) / len;
    const y = this.synth.oscOut;
    for (let s = 0; s < len; s++) out[s] = y[s] * (l0 + dl * (s + 1));
  }

  reset(): void {
    this.stepPhase = 0;
    this.step = 0;
    this.current = this.steps[0];
    this.synth.resetOscillator(this.osc);
  }
}
