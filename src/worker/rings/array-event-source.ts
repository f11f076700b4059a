import { EVENT_WORDS } from '../../shared/events';
import type { EventSource } from '../engine';

/** Control events from an encoded, frame-sorted list (an event log for offline renders). */
export class ArrayEventSource implements EventSource {
  private index = 0;
  constructor(private readonly words: Float64Array) {}

  peekFrame(): number {
    return this.index < this.words.length ? this.words[this.index] : Infinity;
  }

  peekTypeWord(): number {
    return this.words[this.index + 1];
  }

  next(into: Float64Array): void {
    if (this.index >= this.words.length) return;
    for (let k = 0; k < EVENT_WORDS; k++) into[k] = this.words[this.index + k];
    this.index += EVENT_WORDS;
  }
}
