import { MAX_MORPH_SET } from '../../shared/patch/schema';
import type { SourceLayout } from '../../shared/patch/layout';
import type { Hertz } from '../../shared/units';
import type { ControlModulation } from '../params/control-modulation';
import type { ParamBank } from '../params/param-bank';
import type { ReservoirAsset } from '../patch-assets';
import { ReservoirPlayer, type ReservoirControls } from '../reservoir/reservoir-player';
import { LevelRamp } from './level-ramp';
import type { Source } from './source';

/**
 * A conceptor-controlled reservoir playing its grains (conceptular synthesis). Its controls are
 * read once per chunk from the bank plus control-rate routes; the morph position picks two
 * neighbouring conceptors of the morph set and their blend. Engine-thread only.
 */
export class ReservoirSource implements Source {
  readonly player: ReservoirPlayer;
  private readonly controls: ReservoirControls = { speed: 1, leak: 1, radius: 1, gain: 1, morph: 0 };
  private readonly set: Int32Array;
  private readonly pair = new Int32Array(2);
  private readonly weights = new Float64Array(2);
  private readonly slot: { speed: number; leak: number; radius: number; gain: number; morph: number; position: number; level: number };
  private readonly level = new LevelRamp();

  constructor(
    s: SourceLayout,
    asset: ReservoirAsset,
    sampleRate: Hertz,
    private readonly mod: ControlModulation,
  ) {
    if (s.source.type !== 'reservoir') throw new Error('not a reservoir source');
    this.player = new ReservoirPlayer(asset.model, sampleRate);
    for (const c of asset.derived) this.player.addConceptor(c);
    const G = asset.model.grains.length;
    // Without a morph set, position sweeps from the first grain to the last.
    this.set = Int32Array.from((s.source.morphSet ?? (G > 1 ? [0, G - 1] : [0])).slice(0, MAX_MORPH_SET));
    const k = s.slots;
    this.slot = { speed: k.speed, leak: k.leak, radius: k.radius, gain: k.gain, morph: k.morph, position: k.position, level: k.level };
  }

  process(out: Float64Array, len: number, bank: ParamBank): void {
    const v = (slot: number) => this.mod.value(bank, slot);
    const c = this.controls;
    c.speed = v(this.slot.speed);
    c.leak = v(this.slot.leak);
    c.radius = v(this.slot.radius);
    c.gain = v(this.slot.gain);
    c.morph = v(this.slot.morph);
    if (c.morph > 0) {
      const at = v(this.slot.position) * (this.set.length - 1);
      const i = Math.min(this.set.length - 1, Math.floor(at));
      const j = Math.min(this.set.length - 1, i + 1);
      this.pair[0] = this.set[i];
      this.pair[1] = this.set[j];
      this.weights[1] = at - i;
      this.weights[0] = 1 - this.weights[1];
      this.player.setMorph(this.pair, this.weights);
    }
    this.player.render(len, c);
    this.level.apply(out, this.player.out, len, v(this.slot.level));
  }

  /** True when the last chunk went non-finite (the player silenced it and restarted). */
  get faulted(): boolean {
    return !this.player.healthy;
  }

  reset(): void {
    this.player.reset();
    this.level.reset();
  }
}
