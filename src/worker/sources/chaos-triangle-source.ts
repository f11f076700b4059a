import type { SourceLayout } from '../../shared/patch/layout';
import type { Hertz } from '../../shared/units';
import { MorphOsc, WavetableBank, SHAPE_TRIANGLE } from '../dsp/wavetable';
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
  private readonly osc: MorphOsc;
  private readonly freq: number;
  private readonly depth: number;
  private readonly speed: number;
  private readonly level: number;
  private readonly dtPerSample: number;
  private x = 1;
  private y = 1;
  private z = 20;

  constructor(s: SourceLayout, sampleRate: Hertz) {
    this.osc = new MorphOsc(WavetableBank.shared(), sampleRate);
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

  process(p: Float64Array): number {
    const dt = p[this.speed] * this.dtPerSample;
    const x = this.x;
    const y = this.y;
    const z = this.z;
    this.x = x + dt * SIGMA * (y - x);
    this.y = y + dt * (x * (RHO - z) - y);
    this.z = z + dt * (x * y - BETA * z);
    const f = p[this.freq] * Math.pow(2, (p[this.depth] * this.x) / X_SPAN);
    return this.osc.process(f, SHAPE_TRIANGLE) * p[this.level];
  }

  reset(): void {
    this.x = 1;
    this.y = 1;
    this.z = 20;
    this.osc.reset(0);
  }
}
