import type { SourceLayout } from '../../shared/patch/layout';
import type { Hertz } from '../../shared/units';
import type { ParamBank } from '../params/param-bank';
import type { Source } from './source';

/** A named control input (joystick axis, mouse, MIDI CC ...) through a one-pole smoother. */
export class ControlInputSource implements Source {
  private readonly input: number;
  private readonly smoothing: number;
  private readonly scale: number;
  private readonly sampleRate: Hertz;
  private coefFor = -1;
  private coef = 1;
  private value = 0;

  constructor(
    s: SourceLayout,
    sampleRate: Hertz,
    private readonly targets: Float64Array,
  ) {
    this.input = s.inputIndex;
    this.smoothing = s.slots.smoothing;
    this.scale = s.slots.scale;
    this.sampleRate = sampleRate;
    this.value = targets[this.input];
  }

  process(out: Float64Array, len: number, bank: ParamBank): void {
    const ms = bank.value[this.smoothing];
    if (ms !== this.coefFor) {
      this.coefFor = ms;
      this.coef = ms > 0 ? 1 - Math.exp(-1000 / (ms * this.sampleRate)) : 1;
    }
    const target = this.targets[this.input];
    const coef = this.coef;
    const s0 = bank.start[this.scale];
    const ds = (bank.value[this.scale] - s0) / len;
    let v = this.value;
    for (let s = 0; s < len; s++) {
      v += (target - v) * coef;
      out[s] = v * (s0 + ds * (s + 1));
    }
    this.value = v;
  }

  reset(): void {
    this.value = this.targets[this.input];
  }
}
