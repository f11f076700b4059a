import { RingBuffer } from 'ringbuf.js';
import { OUT_WORDS } from '../../shared/events';
import { STATUS_DROPPED_OUT } from '../../shared/engine-memory';
import type { OutEventSink } from '../outputs/out-event-sink';

/** Output events into the SharedArrayBuffer ring; a full ring drops the event and counts it. */
export class RingOutSink implements OutEventSink {
  private readonly ring: RingBuffer;
  private readonly record = new Float64Array(OUT_WORDS);

  constructor(
    sab: SharedArrayBuffer,
    private readonly status: Int32Array,
  ) {
    this.ring = new RingBuffer(sab, Float64Array);
  }

  emit(frame: number, type: number, a: number, b: number, c: number): void {
    if (this.ring.availableWrite() < OUT_WORDS) {
      Atomics.add(this.status, STATUS_DROPPED_OUT, 1);
      return;
    }
    const r = this.record;
    r[0] = frame;
    r[1] = type;
    r[2] = a;
    r[3] = b;
    r[4] = c;
    this.ring.push(r, OUT_WORDS);
  }
}
