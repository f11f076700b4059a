import type { AxonError } from '../../shared/errors';
import type { Milliseconds } from '../../shared/units';

/** Called with a problem and how many were held back since the previous report. */
export type OscProblemListener = (error: AxonError, suppressed: number) => void;

/**
 * Counts problems and passes at most one per interval on: a controller sending a wrong address
 * at 100 Hz, or a receiver that went away, must not flood the log or the UI.
 */
export class OscProblemLog {
  count = 0;
  last: AxonError | null = null;
  /** When `last` happened. */
  lastAt: Milliseconds = -Infinity;
  private lastReport = -Infinity;
  private suppressed = 0;

  constructor(
    private readonly listener: OscProblemListener | undefined,
    private readonly intervalMs: Milliseconds,
    private readonly now: () => Milliseconds = Date.now,
  ) {}

  add(error: AxonError): void {
    this.count++;
    this.last = error;
    const t = this.now();
    this.lastAt = t;
    if (t - this.lastReport < this.intervalMs) {
      this.suppressed++;
      return;
    }
    this.lastReport = t;
    const held = this.suppressed;
    this.suppressed = 0;
    try {
      this.listener?.(error, held);
    } catch {
      // A failing listener must not take the socket handler down with it.
    }
  }
}
