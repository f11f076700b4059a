import type { SourceLayout } from '../../shared/patch/layout';
import type { Hertz } from '../../shared/units';
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

  process(p: Float64Array): number {
    const ms = p[this.smoothing];
    if (ms !== this.coefFor) {
      this.coefFor = ms;
      this.coef = ms > 0 ? 1 - Math.exp(-1000 / (ms * this.sampleRate)) : 1;
    }
    this.value += (this.targets[this.input] - this.value) * this.coef;
    return this.value * p[this.scale];
  }

  reset(): void {
    this.value = this.targets[this.input];
  }
}
