import { RingBuffer } from 'ringbuf.js';
import { EV_SCOPE, EV_SCOPE_TIME, EVENT_WORDS, eventType } from '../../shared/events';
import { STATUS_LOG_DROPPED } from '../../shared/engine-memory';
import type { Frames } from '../../shared/units';
import { pushOrCount } from './ring-out-sink';

/**
 * Applied control events into the log ring, each on the frame it applied, for main's event log
 * (what a set's replay plays back). Display events are not part of the performance and stay out;
 * a full ring drops the event and counts it.
 */
export class EventLogWriter {
  private readonly ring: RingBuffer;
  private readonly record = new Float64Array(EVENT_WORDS);

  constructor(
    sab: SharedArrayBuffer,
    private readonly status: Int32Array,
  ) {
    this.ring = new RingBuffer(sab, Float64Array);
  }

  write(frame: Frames, event: Float64Array): void {
    const type = eventType(event[1]);
    if (type === EV_SCOPE || type === EV_SCOPE_TIME) return;
    const r = this.record;
    r[0] = frame;
    r[1] = event[1];
    r[2] = event[2];
    r[3] = event[3];
    pushOrCount(this.ring, r, this.status, STATUS_LOG_DROPPED);
  }
}
