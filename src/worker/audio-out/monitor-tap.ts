import { CHANNELS, STATUS_MONITOR_POS } from '../../shared/engine-memory';

/** Copies what the sink consumed into the circular monitor buffer (scopes, capture). */
export class MonitorTap {
  private readonly buf: Float32Array;
  private readonly frames: number;
  private pos = 0;

  constructor(
    sab: SharedArrayBuffer,
    private readonly status: Int32Array,
  ) {
    this.buf = new Float32Array(sab);
    this.frames = this.buf.length / CHANNELS;
  }

  write(src: Float32Array, frames: number): void {
    let at = (this.pos % this.frames) * CHANNELS;
    const n = frames * CHANNELS;
    for (let k = 0; k < n; k++) {
      this.buf[at++] = src[k];
      if (at >= this.buf.length) at = 0;
    }
    this.pos = (this.pos + frames) % 0x40000000;
    Atomics.store(this.status, STATUS_MONITOR_POS, this.pos);
  }
}
