import { RingBuffer } from 'ringbuf.js';
import { EVENT_WORDS } from '../../shared/events';
import type { EventSource } from '../engine';

/** Control events from the SharedArrayBuffer ring, with one event of lookahead. */
export class RingEventSource implements EventSource {
  private readonly ring: RingBuffer;
  private readonly head = new Float64Array(EVENT_WORDS);
  private hasHead = false;

  constructor(sab: SharedArrayBuffer) {
    this.ring = new RingBuffer(sab, Float64Array);
  }

  private fill(): boolean {
    if (!this.hasHead && this.ring.availableRead() >= EVENT_WORDS) {
      this.ring.pop(this.head, EVENT_WORDS);
      this.hasHead = true;
    }
    return this.hasHead;
  }

  peekFrame(): number {
    return this.fill() ? this.head[0] : Infinity;
  }

  peekTypeWord(): number {
    return this.fill() ? this.head[1] : 0;
  }

  next(into: Float64Array): void {
    if (!this.fill()) return;
    into.set(this.head);
    this.hasHead = false;
  }
}
