import type { SourceLayout } from '../../shared/patch/layout';
import type { Hertz } from '../../shared/units';
import { MorphOsc, WavetableBank, SHAPE_SAW, SHAPE_SINE, SHAPE_TRIANGLE } from '../dsp/wavetable';
import type { Source } from './source';

const MORPH_OF_SHAPE = [SHAPE_SINE, SHAPE_TRIANGLE, SHAPE_SAW];
const PULSE = 3;

/** Band-limited sine, triangle, saw or pulse. */
export class OscillatorSource implements Source {
  private readonly osc: MorphOsc;
  private readonly freq: number;
  private readonly level: number;
  private readonly width: number;
  private readonly shape: number;

  constructor(s: SourceLayout, sampleRate: Hertz) {
    this.osc = new MorphOsc(WavetableBank.shared(), sampleRate);
    this.freq = s.slots.freq;
    this.level = s.slots.level;
    this.width = s.slots.width;
    this.shape = s.shape;
  }

  process(p: Float64Array): number {
    const y = this.shape === PULSE ? this.osc.processPulse(p[this.freq], p[this.width]) : this.osc.process(p[this.freq], MORPH_OF_SHAPE[this.shape]);
    return y * p[this.level];
  }

  reset(): void {
    this.osc.reset(0);
  }
}
