// Sends edits one at a time, the latest winning: a drag or a held arrow key makes many edits,
// the backend (and the board behind it) needs only the last, and never two at once.

export interface CommitTimers {
  set(cb: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const REAL_TIMERS: CommitTimers = {
  set: (cb, ms) => setTimeout(cb, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class LatestCommit<T> {
  private waiting: { value: T } | null = null;
  private timer: unknown = null;
  private sending = false;

  constructor(
    private readonly send: (value: T) => Promise<unknown>,
    private readonly failed: (err: unknown, value: T) => void,
    /** Quiet time before a queued edit goes (a held key repeats faster). */
    private readonly delayMs: number,
    private readonly timers: CommitTimers = REAL_TIMERS,
  ) {}

  /** Whether an edit is waiting or on its way. */
  get busy(): boolean {
    return this.sending || this.waiting !== null;
  }

  /** Queues `value`, replacing any edit not yet sent; `now` sends without waiting for quiet (a drag's release). */
  push(value: T, now = false): void {
    this.waiting = { value };
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    if (now) void this.flush();
    else this.timer = this.timers.set(() => {
      this.timer = null;
      void this.flush();
    }, this.delayMs);
  }

  /** Drops an edit not yet sent. */
  cancel(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.waiting = null;
  }

  private async flush(): Promise<void> {
    if (this.sending || !this.waiting) return;
    const { value } = this.waiting;
    this.waiting = null;
    this.sending = true;
    try {
      await this.send(value);
    } catch (err) {
      this.failed(err, value);
    } finally {
      this.sending = false;
    }
    // What arrived meanwhile goes next (unless it still waits for quiet).
    if (this.waiting && this.timer === null) await this.flush();
  }
}
