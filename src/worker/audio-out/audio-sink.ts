/**
 * Consumes the audio ring on the device's schedule. Runs on the engine worker's thread; `pump`
 * is called from the worker loop and returns how soon (ms) it wants to be called again.
 */
export interface AudioSink {
  readonly name: string;
  /** Blocks the worker keeps rendered ahead in the ring for this sink. */
  readonly queueBlocks: number;
  /** Set when the device failed; the worker then replaces the sink. */
  readonly error: Error | null;
  pump(): number;
  close(): Promise<void>;
}
