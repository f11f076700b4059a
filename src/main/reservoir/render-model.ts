import type { Hertz, Seconds } from '../../shared/units';
import { CHUNK } from '../../shared/chunk';
import type { ReservoirModel } from '../../worker/reservoir/reservoir-model';
import { ReservoirPlayer } from '../../worker/reservoir/reservoir-player';

export interface ModelRenderOptions {
  sampleRate: Hertz;
  seconds: Seconds;
  speed: number;
  leak: number;
  radius: number;
  gain: number;
  /** Morph from grain `from` to grain `to` by `amount` (0..1), held instead of the sequence. */
  morph: { from: number; to: number; amount: number } | null;
}

/** Renders a model offline, as the engine would play it, into interleaved stereo. */
export function renderModel(model: ReservoirModel, o: ModelRenderOptions): Float32Array {
  const player = new ReservoirPlayer(model, o.sampleRate);
  if (o.morph) player.setMorph([o.morph.from, o.morph.to], [1 - o.morph.amount, o.morph.amount]);
  const frames = Math.round(o.seconds * o.sampleRate);
  const audio = new Float32Array(frames * 2);
  const controls = { speed: o.speed, leak: o.leak, radius: o.radius, gain: o.gain, morph: o.morph ? 1 : 0 };
  for (let at = 0; at < frames; at += CHUNK) {
    const len = Math.min(CHUNK, frames - at);
    player.render(len, controls);
    for (let s = 0; s < len; s++) audio[2 * (at + s)] = audio[2 * (at + s) + 1] = player.out[s];
  }
  return audio;
}
