import dgram from 'node:dgram';
import net from 'node:net';
import { AxonError, axonError } from '../../shared/errors';
import { CONTROL_INPUTS, controlInputIndex } from '../../shared/inputs';
import type { Milliseconds } from '../../shared/units';
import { decodeOsc, type OscMessage, type OscPacket } from './osc-codec';
import { OSC_DEFAULT_LISTEN, formatEndpoint, type OscEndpoint } from './osc-endpoint';
import { isOscPattern, OscPattern } from './osc-pattern';
import { OscProblemLog, type OscProblemListener } from './osc-problem-log';

export const OSC_PARAM_PREFIX = '/axon/param/';
export const OSC_INPUT_PREFIX = '/axon/input/';

/** What incoming OSC drives: the Backend, or a fake in tests. */
export interface OscTarget {
  setParam(id: string, value: number): void | Promise<void>;
  setInput(input: string, value: number): void | Promise<void>;
  /** Parameter ids of the current patch (may return the same array until the patch changes). */
  paramIds(): readonly string[];
}

export interface OscServerOptions {
  target: OscTarget;
  /** Default 127.0.0.1: only this machine may drive the rig unless told otherwise. */
  host?: string;
  /** Default 9000; 0 picks a free port. */
  port?: number;
  onProblem?: OscProblemListener;
  /** At most one problem report per interval (default 1000 ms); every problem is counted. */
  reportIntervalMs?: Milliseconds;
}

export interface OscServerStats {
  packets: number;
  messages: number;
  /** Parameter and input changes passed to the target (a pattern may make several). */
  applied: number;
  malformed: number;
  /** Addresses, parameters or inputs that do not exist, and patterns that match nothing. */
  unknown: number;
  /** Wrong arguments, non-finite values, bad patterns. */
  rejected: number;
  /** Changes the target refused (e.g. no patch loaded). */
  failed: number;
}

/** `/axon/param/<id>` tails may separate id parts with "/" or "."; internally both become "/". */
const toPath = (id: string) => id.replaceAll('.', '/');
const toId = (tail: string) => tail.replaceAll('/', '.');
const INPUT_PATHS = CONTROL_INPUTS.map((s) => ({ id: s.id, address: OSC_INPUT_PREFIX + toPath(s.id) }));

/** The one number a parameter or input message carries, or why it has none. */
function numberOf(m: OscMessage): number | AxonError {
  if (m.args.length !== 1) return axonError('osc_args', m.address, m.args.length === 0 ? 'no arguments' : `${m.args.length} arguments`);
  const a = m.args[0];
  let v: number;
  switch (a.type) {
    case 'i':
    case 'f':
    case 'd':
      v = a.value;
      break;
    case 'h':
      v = Number(a.value);
      break;
    // Toggle buttons on control surfaces send true/false.
    case 'T':
      v = 1;
      break;
    case 'F':
      v = 0;
      break;
    default:
      return axonError('osc_args', m.address, `type "${a.type}"`);
  }
  return Number.isFinite(v) ? v : axonError('osc_value', m.address, String(v));
}

/**
 * Listens for OSC on UDP and turns `/axon/param/<id> <number>` and `/axon/input/<id> <number>`
 * into `setParam` / `setInput` on its target. Address patterns may name many at once. Every bad
 * datagram is counted and reported (rate-limited) and never stops the listener.
 */
export class OscServer {
  readonly stats: OscServerStats = { packets: 0, messages: 0, applied: 0, malformed: 0, unknown: 0, rejected: 0, failed: 0 };
  readonly problems: OscProblemLog;
  private paramList: readonly string[] = [];
  private paramSet = new Set<string>();
  private paramPaths: readonly { id: string; address: string }[] = [];

  private constructor(
    private readonly socket: dgram.Socket,
    readonly address: OscEndpoint,
    private readonly target: OscTarget,
    problems: OscProblemLog,
  ) {
    this.problems = problems;
    socket.on('message', (msg) => this.handle(msg));
  }

  static async start(opts: OscServerOptions): Promise<OscServer> {
    const host = opts.host ?? OSC_DEFAULT_LISTEN.host;
    const port = opts.port ?? OSC_DEFAULT_LISTEN.port;
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    const problems = new OscProblemLog(opts.onProblem, opts.reportIntervalMs ?? 1000);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (err) => {
        socket.close();
        reject(axonError('osc_listen', formatEndpoint({ host, port }), err.message));
      });
      socket.bind(port, host, () => resolve());
    });
    socket.removeAllListeners('error');
    socket.on('error', (err) => problems.add(axonError('osc_listen', formatEndpoint({ host, port }), err.message)));
    const bound = socket.address();
    return new OscServer(socket, { host: bound.address, port: bound.port }, opts.target, problems);
  }

  /** Handles one datagram (public so tests can feed bytes without a socket). */
  handle(bytes: Uint8Array): void {
    this.stats.packets++;
    const decoded = decodeOsc(bytes);
    if (!decoded.ok) {
      this.stats.malformed++;
      this.problems.add(decoded.error);
      return;
    }
    this.dispatch(decoded.packet);
  }

  // Bundles apply at once, whatever their timetag: live control wants changes now, and a
  // controller's clock is not ours.
  private dispatch(packet: OscPacket): void {
    if (packet.kind === 'bundle') {
      for (const e of packet.elements) this.dispatch(e);
      return;
    }
    this.stats.messages++;
    const address = packet.address;
    const params: string[] = [];
    const inputs: string[] = [];
    if (!isOscPattern(address)) {
      if (address.startsWith(OSC_PARAM_PREFIX) && address.length > OSC_PARAM_PREFIX.length) {
        const id = toId(address.slice(OSC_PARAM_PREFIX.length));
        if (!this.params().has(id)) return this.unknown(axonError('param_unknown', id));
        params.push(id);
      } else if (address.startsWith(OSC_INPUT_PREFIX) && address.length > OSC_INPUT_PREFIX.length) {
        const id = toId(address.slice(OSC_INPUT_PREFIX.length));
        if (controlInputIndex(id) < 0) return this.unknown(axonError('input_unknown', id));
        inputs.push(id);
      } else return this.unknown(axonError('osc_address', address));
    } else {
      const compiled = OscPattern.compile(toPath(address));
      if (!compiled.ok) return this.reject(compiled.error);
      const pattern = compiled.pattern;
      this.params();
      for (const p of this.paramPaths) if (pattern.matches(p.address)) params.push(p.id);
      for (const p of INPUT_PATHS) if (pattern.matches(p.address)) inputs.push(p.id);
      if (params.length === 0 && inputs.length === 0) return this.unknown(axonError('osc_no_match', address));
    }
    const value = numberOf(packet);
    if (value instanceof AxonError) return this.reject(value);
    for (const id of params) this.apply(address, () => this.target.setParam(id, value));
    for (const id of inputs) this.apply(address, () => this.target.setInput(id, value));
  }

  /** The current parameter ids as a set, refreshed when the target hands out a new list. */
  private params(): ReadonlySet<string> {
    const list = this.target.paramIds();
    if (list !== this.paramList) {
      this.paramList = list;
      this.paramSet = new Set(list);
      this.paramPaths = list.map((id) => ({ id, address: OSC_PARAM_PREFIX + toPath(id) }));
    }
    return this.paramSet;
  }

  private apply(address: string, change: () => void | Promise<void>): void {
    this.stats.applied++;
    const fail = (err: unknown) => {
      this.stats.failed++;
      this.problems.add(err instanceof AxonError ? err : axonError('osc_target', address, err instanceof Error ? err.message : String(err)));
    };
    try {
      const done = change();
      if (done instanceof Promise) done.catch(fail);
    } catch (err) {
      fail(err);
    }
  }

  private unknown(err: AxonError): void {
    this.stats.unknown++;
    this.problems.add(err);
  }

  private reject(err: AxonError): void {
    this.stats.rejected++;
    this.problems.add(err);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }
}
