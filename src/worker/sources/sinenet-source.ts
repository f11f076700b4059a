import type { SourceLayout } from '../../shared/patch/layout';
import { sineNetDesignOf } from '../../shared/sinenet-design';
import type { Hertz } from '../../shared/units';
import type { ControlModulation } from '../params/control-modulation';
import type { ParamBank } from '../params/param-bank';
import { SineNetwork } from '../sinenet/sine-network';
import { LevelRamp } from './level-ramp';
import type { Source } from './source';

/**
 * A sine network playing on its own history (seed 002): its design comes from the patch, its
 * drift and level from the bank plus control-rate routes. Engine-thread only.
 */
export class SineNetSource implements Source {
  readonly net: SineNetwork;
  private readonly driftSlot: number;
  private readonly levelSlot: number;
  private readonly level = new LevelRamp();

  constructor(
    s: SourceLayout,
    sampleRate: Hertz,
    private readonly mod: ControlModulation,
  ) {
    if (s.source.type !== 'sinenet') throw new Error('not a sine-network source');
    this.net = new SineNetwork(sineNetDesignOf(s.source), sampleRate);
    this.driftSlot = s.slots.drift;
    this.levelSlot = s.slots.level;
  }

  process(out: Float64Array, len: number, bank: ParamBank): void {
    this.net.process(out, len, this.mod.value(bank, this.driftSlot));
    this.level.apply(out, out, len, this.mod.value(bank, this.levelSlot));
  }

  reset(): void {
    this.net.reset();
    this.level.reset();
  }
}
