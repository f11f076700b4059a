import { mulberry32 } from '../dsp/measure';
import type { MidiTimers } from '../../src/main/midi/midi-timers';

/** Fake time: timers fire in due order when `advance` passes them; `lateness` delays each firing. */
export class FakeTimers implements MidiTimers {
  time = 0;
  /** Added to each timer's firing time (a sluggish event loop). */
  lateness: () => number = () => 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now = (): number => this.time;

  setTimer(fn: () => void, delay: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + Math.max(0, delay) + this.lateness(), fn });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | null = null;
      for (const entry of this.timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].fn();
    }
    this.time = end;
  }
}

/** Seeded uniform [0, 1), so jitter tests are repeatable. */
export const seeded = mulberry32;

export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
