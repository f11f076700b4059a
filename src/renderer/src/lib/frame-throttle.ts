// Coalesces rapid control changes (pointer moves arrive faster than the screen refreshes) into
// at most one call per key per animation frame, always sending the latest value.

/** Runs a callback before the next repaint; `requestAnimationFrame` in the renderer. */
export type FrameScheduler = (cb: () => void) => void;

export class FrameThrottle<K, V> {
  private readonly pending = new Map<K, V>();
  private scheduled = false;
  private cancelled = false;

  constructor(
    private readonly send: (key: K, value: V) => void,
    private readonly schedule: FrameScheduler,
  ) {}

  /** Queues `value` for `key`, replacing any value for that key not yet sent. */
  push(key: K, value: V): void {
    if (this.cancelled) return;
    this.pending.set(key, value);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  /** Sends everything queued now (also what the scheduled frame does). */
  flush(): void {
    this.scheduled = false;
    if (this.cancelled) return;
    const batch = [...this.pending];
    this.pending.clear();
    for (const [key, value] of batch) this.send(key, value);
  }

  /** Drops queued values and ignores later pushes (component teardown). */
  cancel(): void {
    this.cancelled = true;
    this.pending.clear();
  }

  get size(): number {
    return this.pending.size;
  }
}
