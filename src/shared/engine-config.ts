import { CHUNK } from './chunk';
import type { Frames } from './units';

export const SAMPLE_RATES = [44100, 48000, 96000] as const;
export const MIN_BLOCK = 64;
export const MAX_BLOCK = 1024;
export const DEFAULT_BLOCK = 128;
export const DEFAULT_SAMPLE_RATE = 48000;
/**
 * The device queue a performer may choose (audify), in ms: the margin for the engine thread's
 * stalls, added to the latency. Unchosen, the sink keeps 4 device periods (21 ms at 256/48k).
 */
export const MIN_QUEUE_MS = 5;
export const MAX_QUEUE_MS = 200;
/** The engine worker starts with the patch's drum outputs sounding on the virtual kit: no board plays them until one connects. */
export const START_WITH_VIRTUAL_DRUMS = true;

/**
 * Block sizes are multiples of the control chunk, so block boundaries never split a chunk and
 * output is identical at every block size.
 */
export function isValidBlockSize(frames: Frames): boolean {
  return Number.isInteger(frames) && frames >= MIN_BLOCK && frames <= MAX_BLOCK && frames % CHUNK === 0;
}
