import dgram from 'node:dgram';
import { decodeOsc, type OscMessage, type OscPacket } from '../../src/main/osc/osc-codec';

/** The messages of a packet, bundles flattened in order. */
export function messagesOf(p: OscPacket): OscMessage[] {
  return p.kind === 'message' ? [p] : p.elements.flatMap(messagesOf);
}

/** A UDP socket on 127.0.0.1 (free port) that decodes and keeps every datagram it receives. */
export class OscReceiver {
  readonly packets: OscPacket[] = [];
  readonly sizes: number[] = [];
  readonly problems: string[] = [];

  private constructor(
    readonly socket: dgram.Socket,
    readonly port: number,
  ) {
    socket.on('message', (data) => {
      this.sizes.push(data.length);
      const d = decodeOsc(data);
      if (d.ok) this.packets.push(d.packet);
      else this.problems.push(d.error.message);
    });
  }

  static async open(): Promise<OscReceiver> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new OscReceiver(socket, socket.address().port);
  }

  get messages(): OscMessage[] {
    return this.packets.flatMap(messagesOf);
  }

  get bundles(): OscPacket[] {
    return this.packets.filter((p) => p.kind === 'bundle');
  }

  /** Sends raw bytes to a port on 127.0.0.1 from this socket. */
  send(bytes: Uint8Array, port: number): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(bytes, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
