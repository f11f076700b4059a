import { CHANNELS, STEMS } from '../../shared/engine-memory';
import type { Frames } from '../../shared/units';

/**
 * Writes the stems of each rendered chunk into the shared stems block at its frames (a circle as
 * long as the monitor), for main to record beside the master. No allocation.
 */
export class StemTap {
  private readonly buf: Float32Array;
  private readonly frames: number;
  /** Floats per frame: STEMS x CHANNELS. */
  private static readonly WIDTH = STEMS.length * CHANNELS;

  constructor(sab: SharedArrayBuffer) {
    this.buf = new Float32Array(sab);
    this.frames = this.buf.length / StemTap.WIDTH;
  }

  /** `voice` and `direct` are mono (both channels), the kit stereo; null buffers write silence. */
  write(frame: Frames, len: number, voice: Float64Array | null, direct: Float64Array | null, kitL: Float64Array, kitR: Float64Array): void {
    const b = this.buf;
    for (let s = 0; s < len; s++) {
      const at = ((frame + s) % this.frames) * StemTap.WIDTH;
      // A non-finite sample (the engine recovers from it) is written as silence.
      const v = voice && voice[s] - voice[s] === 0 ? voice[s] : 0;
      const d = direct && direct[s] - direct[s] === 0 ? direct[s] : 0;
      b[at] = v;
      b[at + 1] = v;
      b[at + 2] = d;
      b[at + 3] = d;
      b[at + 4] = kitL[s];
      b[at + 5] = kitR[s];
    }
  }
}
