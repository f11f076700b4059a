import type { AxonError } from '../../../shared/errors';

/** What a transport tells its user while open. */
export interface TransportHandlers {
  /** Bytes as they arrive, in order. */
  data(bytes: Uint8Array): void;
  /** The port went away by itself (unplugged, I/O error); not called after `close()`. */
  closed(error: AxonError): void;
}

/**
 * A byte pipe to the board: a serial port in the app, an in-memory pipe in tests. One open at a
 * time; handlers are per open, so nothing from an earlier connection reaches a later one.
 */
export interface ByteTransport {
  /** Names the port in messages (its path). */
  readonly name: string;
  /** Rejects with `drum_port_open`. */
  open(handlers: TransportHandlers): Promise<void>;
  /** Write errors arrive as `closed`. */
  write(bytes: Uint8Array): void;
  /** Safe to call when not open. */
  close(): Promise<void>;
  /**
   * Optional: calls `back` once when the port, gone, is there again (a USB cable plugged back
   * in), so a reconnection need not wait out its backoff. Returns a function that stops watching.
   */
  watchReturn?(back: () => void): () => void;
}
