import { CHANNELS, FRAME_MODULO, PROBE_EVENT, PROBE_LEFT_AT, STATUS_EVENT_FRAME, STATUS_EVENTS_APPLIED, STATUS_MONITOR_POS } from '../../shared/engine-memory';

/**
 * Copies what the sink hands to the device into the circular monitor buffer (scopes, capture),
 * and stamps when the block holding the latest control event's frame leaves (latency probe).
 */
export class MonitorTap {
  private readonly buf: Float32Array;
  private readonly frames: number;
  private readonly probe: Float64Array;
  private pos = 0;
  private stamped = 0;

  constructor(
    sab: SharedArrayBuffer,
    private readonly status: Int32Array,
    probe: SharedArrayBuffer,
  ) {
    this.buf = new Float32Array(sab);
    this.frames = this.buf.length / CHANNELS;
    this.probe = new Float64Array(probe);
  }

  write(src: Float32Array, frames: number): void {
    let at = (this.pos % this.frames) * CHANNELS;
    const n = frames * CHANNELS;
    for (let k = 0; k < n; k++) {
      this.buf[at++] = src[k];
      if (at >= this.buf.length) at = 0;
    }
    const applied = Atomics.load(this.status, STATUS_EVENTS_APPLIED);
    if (applied !== this.stamped) {
      const into = (Atomics.load(this.status, STATUS_EVENT_FRAME) - this.pos + FRAME_MODULO) % FRAME_MODULO;
      if (into < frames) {
        this.probe[PROBE_LEFT_AT] = performance.timeOrigin + performance.now();
        this.probe[PROBE_EVENT] = applied;
        this.stamped = applied;
      }
    }
    this.pos = (this.pos + frames) % FRAME_MODULO;
    Atomics.store(this.status, STATUS_MONITOR_POS, this.pos);
  }
}
