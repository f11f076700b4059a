import type { PatchLayout } from '../shared/patch/layout';
import type { Frames, Hertz, Seconds } from '../shared/units';
import { CHANNELS } from '../shared/engine-memory';
import { DEFAULT_BLOCK } from '../shared/engine-config';
import { Engine, NO_EVENTS } from './engine';
import type { PatchAssets } from './patch-assets';
import { OutEventList } from './outputs/out-event-sink';
import { ArrayEventSource } from './rings/array-event-source';

export interface OfflineOptions {
  sampleRate: Hertz;
  seconds: Seconds;
  seed: number;
  /** Encoded, frame-sorted control events (see parseEventLog). */
  events?: Float64Array;
  blockSize?: Frames;
  assets?: PatchAssets;
  /** Play the patch's drum outputs on the virtual kit. */
  virtualDrums?: boolean;
}

export interface OfflineResult {
  /** Interleaved stereo. */
  audio: Float32Array;
  frames: Frames;
  outEvents: number[][];
  nanEvents: number;
}

/** Renders a patch faster than real time on the calling thread, exactly as the worker would. */
export function renderOffline(layout: PatchLayout, opts: OfflineOptions): OfflineResult {
  const frames = Math.round(opts.seconds * opts.sampleRate);
  const block = opts.blockSize ?? DEFAULT_BLOCK;
  const out = new OutEventList();
  const engine = new Engine({ sampleRate: opts.sampleRate, out, virtualDrums: opts.virtualDrums });
  engine.load(layout, opts.seed, 0, opts.assets);
  const events = opts.events ? new ArrayEventSource(opts.events) : NO_EVENTS;
  const audio = new Float32Array(frames * CHANNELS);
  const buf = new Float32Array(block * CHANNELS);
  for (let done = 0; done < frames; done += block) {
    const n = Math.min(block, frames - done);
    engine.render(buf, n, events);
    audio.set(n === block ? buf : buf.subarray(0, n * CHANNELS), done * CHANNELS);
  }
  return { audio, frames, outEvents: out.events, nanEvents: engine.nanEvents };
}
