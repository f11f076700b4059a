import type { SourceLayout } from '../../shared/patch/layout';
import type { Hertz } from '../../shared/units';
import { SHAPE_TRIANGLE } from '../dsp/wavetable';
import type { Synth } from '../dsp/synth';
import type { ParamBank } from '../params/param-bank';
import type { Source } from './source';

const SIGMA = 10;
const RHO = 28;
const BETA = 8 / 3;
/** Lorenz time units per second at speed 1: about one lobe change per second. */
const TIME_SCALE = 1.5;
/** Typical |x| of the attractor: x / X_SPAN is the modulation in octaves per unit depth. */
const X_SPAN = 20;

/**
 * The chaotically modulated triangle of seed 000: a band-limited triangle whose frequency
 * follows the x coordinate of a Lorenz attractor (deterministic, so it needs no seed).
 */
export class ChaosTriangleSource implements Source {
  private readonly freq: number;
  private readonly depth: number;
  private readonly speed: number;
  private readonly level: number;
  private readonly dtPerSample: number;
  private x = 1;
  private y = 1;
  private z = 20;

  constructor(
    s: SourceLayout,
    sampleRate: Hertz,
    private readonly synth: Synth,
    private readonly osc: number,
  ) {
    this.freq = s.slots.freq;
    this.depth = s.slots.depth;
    this.speed = s.slots.speed;
    this.level = s.slots.level;
    this.dtPerSample = TIME_SCALE / sampleRate;
  }

  /** Current x of the attractor (for tests). */
  get chaos(): number {
    return this.x;
  }

  process(out: Float64Array, len: number, bank: ParamBank): void {
    const { start, value } = bank;
    const dt = value[this.speed] * this.dtPerSample;
    const octavesPerX = value[this.depth] / X_SPAN;
    const f = value[this.freq];
    const freq = this.synth.freq;
    let x = this.x;
    let y = this.y;
    let z = this.z;
    for (let s = 0; s < len; s++) {
      const nx = x + dt * SIGMA * (y - x);
      const ny = y + dt * (x * (RHO - z) - y);
      z = z + dt * (x * y - BETA * z);
      x = nx;
      y = ny;
      freq[s] = f * Math.pow(2, octavesPerX * x);
    }
    this.x = x;
    this.y = y;
    this.z = z;
    this.synth.shape.fill(SHAPE_TRIANGLE, 0, len);
    this.synth.oscillator(this.osc, len, false);
    const l0 = start[this.level];
    const dl = (value[this.level] - l0) / len;
    const out0 = this.synth.oscOut;
    for (let s = 0; s < len; s++) out[s] = out0[s] * (l0 + dl * (s + 1));
  }

  reset(): void {
    this.x = 1;
    this.y = 1;
    this.z = 20;
    this.synth.resetOscillator(this.osc);
  }
}
