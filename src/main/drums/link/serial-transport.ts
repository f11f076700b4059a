import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { axonError } from '../../../shared/errors';
import type { ByteTransport, TransportHandlers } from './transport';

export const DEFAULT_BAUD_RATE = 115200;
/** How often a vanished port's path is looked for (watchReturn). */
export const PORT_WATCH_MS = 100;

/** A serial port (8N1, no flow control) as a ByteTransport; also works on a pty, which ignores the baud rate. */
export class SerialTransport implements ByteTransport {
  readonly name: string;
  private port: SerialPort | null = null;

  constructor(
    readonly path: string,
    readonly baudRate: number = DEFAULT_BAUD_RATE,
  ) {
    this.name = path;
  }

  async open(handlers: TransportHandlers): Promise<void> {
    await this.close();
    const port = new SerialPort({ path: this.path, baudRate: this.baudRate, autoOpen: false });
    // Events of a port we closed ourselves, or replaced, are not news.
    const current = () => this.port === port;
    port.on('data', (chunk: Buffer) => {
      if (current()) handlers.data(chunk);
    });
    port.on('close', (err: Error | null) => {
      if (!current()) return;
      this.port = null;
      handlers.closed(axonError('drum_port_closed', this.path, err?.message ?? 'closed'));
    });
    port.on('error', (err: Error) => {
      if (!current()) return;
      this.port = null;
      if (port.isOpen) port.close();
      handlers.closed(axonError('drum_port_closed', this.path, err.message));
    });
    this.port = port;
    await new Promise<void>((resolve, reject) =>
      port.open((err) => {
        if (!err && current()) return resolve();
        if (!err) port.close(); // close() was called while the port was opening
        else if (current()) this.port = null;
        reject(axonError('drum_port_open', this.path, err?.message ?? 'closed while opening'));
      }),
    );
  }

  write(bytes: Uint8Array): void {
    this.port?.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  }

  /**
   * Looks for the port's path every PORT_WATCH_MS; calls `back` once it is there after having
   * been missing (a USB device node, or a pty's link, made again). A path that is not in the file
   * system (a Windows COM port) never comes back this way: the link's backoff still retries it.
   */
  watchReturn(back: () => void): () => void {
    let gone = !existsSync(this.path);
    const timer = setInterval(() => {
      if (!existsSync(this.path)) gone = true;
      else if (gone) {
        clearInterval(timer);
        back();
      }
    }, PORT_WATCH_MS);
    timer.unref();
    return () => clearInterval(timer);
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
