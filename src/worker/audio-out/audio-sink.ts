/**
 * Consumes the audio ring on the device's schedule. Runs on the engine worker's thread; `pump`
 * is called from the worker loop and returns how soon (ms) it wants to be called again.
 */
export interface AudioSink {
  readonly name: string;
  pump(): number;
  close(): Promise<void>;
}
