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
    const r = this.record;
    r[0] = frame;
    r[1] = type;
    r[2] = a;
    r[3] = b;
    r[4] = c;
    pushOrCount(this.ring, r, this.status, STATUS_DROPPED_OUT);
  }
}

/** Pushes one record, or counts it in `status[dropped]` when the ring has no room (the reader fell behind). */
export function pushOrCount(ring: RingBuffer, record: Float64Array, status: Int32Array, dropped: number): void {
  if (ring.availableWrite() < record.length) {
    Atomics.add(status, dropped, 1);
    return;
  }
  ring.push(record, record.length);
}
