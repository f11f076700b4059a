import { STATUS_TELEMETRY_READ, TELEMETRY_HEADER_BYTES } from '../../shared/engine-memory';
import { TELEMETRY_WORDS } from '../../shared/telemetry';
import type { TelemetrySink } from '../engine';

/** Publishes snapshots under a seqlock: the word is odd while the copy is in progress. */
export class TelemetryWriter implements TelemetrySink {
  private readonly seq: Int32Array;
  private readonly words: Float64Array;

  constructor(
    sab: SharedArrayBuffer,
    private readonly status: Int32Array,
  ) {
    this.seq = new Int32Array(sab, 0, 1);
    this.words = new Float64Array(sab, TELEMETRY_HEADER_BYTES, TELEMETRY_WORDS);
  }

  /** True when main has read the last snapshot published (or none was published yet). */
  consumed(): boolean {
    const s = Atomics.load(this.seq, 0);
    return s === 0 || Atomics.load(this.status, STATUS_TELEMETRY_READ) === s;
  }

  publish(snapshot: Float64Array): void {
    const s = Atomics.load(this.seq, 0);
    Atomics.store(this.seq, 0, s + 1);
    this.words.set(snapshot);
    // Wraps past 2^31 but stays even after each publish (0 means "never written").
    Atomics.store(this.seq, 0, (s + 2) | 0 || 2);
  }
}
