import type { Milliseconds } from '../../shared/units';

/** Time and one-shot timers, injected so note lengths and the clock sender run on fake time in tests. */
export interface MidiTimers {
  /** Monotonic host time (performance.now() by default). */
  now(): Milliseconds;
  setTimer(fn: () => void, delay: Milliseconds): unknown;
  clearTimer(handle: unknown): void;
}

export const systemTimers: MidiTimers = {
  now: () => performance.now(),
  setTimer: (fn, delay) => setTimeout(fn, Math.max(0, delay)),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
