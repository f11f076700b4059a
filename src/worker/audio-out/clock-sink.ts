import { RingBuffer } from 'ringbuf.js';
import { CHANNELS, STATUS_UNDERRUNS } from '../../shared/engine-memory';
import type { Frames, Hertz } from '../../shared/units';
import type { AudioSink } from './audio-sink';
import type { MonitorTap } from './monitor-tap';

/**
 * A device-less sink: consumes the ring at real-time pace by the wall clock, as a sound card
 * would, so the engine runs, meters and telemetry move, and capture works without hardware.
 * Counts an underrun when a block is due and the ring cannot supply it.
 */
export class ClockSink implements AudioSink {
  readonly name = 'clock';
  readonly device = '';
  /** Timer jitter under load reaches 10+ ms: keep about 40 ms rendered ahead. */
  readonly queueBlocks = 16;
  readonly error = null;
  private readonly ring: RingBuffer;
  private readonly scratch: Float32Array;
  private readonly start = performance.now();
  private consumed = 0;

  constructor(
    sab: SharedArrayBuffer,
    private readonly sampleRate: Hertz,
    private readonly blockSize: Frames,
    private readonly status: Int32Array,
    private readonly tap: MonitorTap,
  ) {
    this.ring = new RingBuffer(sab, Float32Array);
    this.scratch = new Float32Array(this.ring.capacity());
  }

  pump(): number {
    const due = Math.floor(((performance.now() - this.start) / 1000) * this.sampleRate) - this.consumed;
    let blocks = Math.floor(due / this.blockSize);
    while (blocks-- > 0) {
      const want = this.blockSize * CHANNELS;
      if (this.ring.availableRead() < want) {
        // The device plays silence for this block; keep its clock moving.
        Atomics.add(this.status, STATUS_UNDERRUNS, 1);
      } else {
        this.ring.pop(this.scratch, want);
        this.tap.write(this.scratch, this.blockSize);
      }
      this.consumed += this.blockSize;
    }
    return (this.blockSize / this.sampleRate) * 500;
  }

  /** No device: the block is "heard" the moment it is consumed. */
  latencyFrames(): number {
    return 0;
  }

  async close(): Promise<void> {}
}
