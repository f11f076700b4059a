import type { SourceLayout } from '../../shared/patch/layout';
import { SHAPE_SAW, SHAPE_SINE, SHAPE_TRIANGLE } from '../dsp/wavetable';
import type { Synth } from '../dsp/synth';
import type { ParamBank } from '../params/param-bank';
import type { Source } from './source';

const MORPH_OF_SHAPE = [SHAPE_SINE, SHAPE_TRIANGLE, SHAPE_SAW];
const PULSE = 3;

/** Band-limited sine, triangle, saw or pulse (one of the synth kernel's oscillators). */
export class OscillatorSource implements Source {
  private readonly freq: number;
  private readonly level: number;
  private readonly width: number;
  private readonly pulse: boolean;
  private readonly morph: number;

  constructor(
    s: SourceLayout,
    private readonly synth: Synth,
    private readonly osc: number,
  ) {
    this.freq = s.slots.freq;
    this.level = s.slots.level;
    this.width = s.slots.width;
    this.pulse = s.shape === PULSE;
    this.morph = this.pulse ? 0 : MORPH_OF_SHAPE[s.shape];
  }

  process(out: Float64Array, len: number, bank: ParamBank): void {
    const { start, value } = bank;
    const inv = 1 / len;
    const synth = this.synth;
    const f0 = start[this.freq];
    const df = (value[this.freq] - f0) * inv;
    for (let s = 0; s < len; s++) synth.freq[s] = f0 + df * (s + 1);
    if (this.pulse) {
      const w0 = start[this.width];
      const dw = (value[this.width] - w0) * inv;
      for (let s = 0; s < len; s++) synth.shape[s] = w0 + dw * (s + 1);
    } else synth.shape.fill(this.morph, 0, len);
    synth.oscillator(this.osc, len, this.pulse);
    const l0 = start[this.level];
    const dl = (value[this.level] - l0) * inv;
    const y = synth.oscOut;
    for (let s = 0; s < len; s++) out[s] = y[s] * (l0 + dl * (s + 1));
  }

  reset(): void {
    this.synth.resetOscillator(this.osc);
  }
}
