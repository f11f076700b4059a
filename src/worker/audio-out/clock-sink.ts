import { RingBuffer } from 'ringbuf.js';
import { CHANNELS, STATUS_UNDERRUNS } from '../../shared/engine-memory';
import type { Frames, Hertz } from '../../shared/units';
import type { AudioSink } from './audio-sink';
import type { MonitorTap } from './monitor-tap';

/** The most a clock standing in for a failed device owes (see since). */
const MAX_OWED_MS = 1000;

/**
 * A device-less sink: consumes the ring at real-time pace by the wall clock, as a sound card
 * would, so the engine runs, meters and telemetry move, and capture works without hardware.
 * Counts an underrun when a block is due and the ring cannot supply it.
 *
 * Standing in for a device (one failed, one is opening), it keeps the set's timeline on the wall
 * clock: it starts where the device stopped playing (`since`), and frames that fell due while the
 * worker was held up (`since`, catchUp) are taken late, as fast as the worker renders them,
 * instead of being dropped; the recording (fed from the monitor) then has every frame.
 */
export class ClockSink implements AudioSink {
  readonly name = 'clock';
  readonly device = '';
  /** Timer jitter under load reaches 10+ ms: keep about 40 ms rendered ahead. */
  readonly queueBlocks = 16;
  readonly error = null;
  private readonly ring: RingBuffer;
  private readonly scratch: Float32Array;
  private readonly start: number;
  private consumed = 0;
  /** Frames due up to this time (performance.now() ms) are owed: taken late rather than dropped. */
  private owedUntil = performance.now();

  constructor(
    sab: SharedArrayBuffer,
    private readonly sampleRate: Hertz,
    private readonly blockSize: Frames,
    private readonly status: Int32Array,
    private readonly tap: MonitorTap,
    /** When (performance.now() ms) its timeline starts: by default now. */
    since: number = performance.now(),
  ) {
    this.ring = new RingBuffer(sab, Float32Array);
    this.scratch = new Float32Array(this.ring.capacity());
    // At most a second back: the catch-up must stay well inside the monitor the recorder reads.
    this.start = Math.max(Math.min(since, this.owedUntil), this.owedUntil - MAX_OWED_MS);
  }

  private framesAt(t: number): number {
    return Math.floor(((t - this.start) / 1000) * this.sampleRate);
  }

  /** The worker was held up (a device opening): what fell due until now is owed. */
  catchUp(): void {
    this.owedUntil = performance.now();
  }

  /** Frames it owes are still to be taken. */
  get behind(): boolean {
    return this.framesAt(this.owedUntil) - this.consumed >= this.blockSize;
  }

  pump(): number {
    const due = this.framesAt(performance.now()) - this.consumed;
    const owed = this.framesAt(this.owedUntil);
    let blocks = Math.floor(due / this.blockSize);
    while (blocks-- > 0) {
      const want = this.blockSize * CHANNELS;
      if (this.ring.availableRead() < want) {
        // Owed frames wait for the worker to render them (it loops at once while behind).
        if (this.consumed + this.blockSize <= owed) break;
        // The device plays silence for this block; keep its clock moving.
        Atomics.add(this.status, STATUS_UNDERRUNS, 1);
      } else {
        this.ring.pop(this.scratch, want);
        this.tap.write(this.scratch, this.blockSize);
      }
      this.consumed += this.blockSize;
    }
    return this.behind ? 0 : (this.blockSize / this.sampleRate) * 500;
  }

  /** No device: the block is "heard" the moment it is consumed. */
  latencyFrames(): number {
    return 0;
  }

  async close(): Promise<void> {}
}
