/**
 * MidiPorts: the app's MIDI ports. Lists them, opens inputs and outputs by name, offers virtual
 * ports other programs connect to, and follows hot-plugging by polling the port names.
 *
 * Main thread only (RtMidi delivers input callbacks there).
 *
 *   const midi = new MidiPorts();             // or new MidiPorts({ createBackend: () => fake })
 *   midi.on('status', s => ...);              // 'available' (backend) | 'unavailable' (midi_unavailable)
 *   midi.on('message', e => ...);             // every parsed input message, with its port and host time
 *   midi.start();
 *   midi.openInput('Launchkey');              // exact name, else the first name containing it (any case)
 *   const out = midi.openOutput('Digitone');  // a MidiSink; valid across unplug / replug
 *   midi.openVirtualInput(); midi.openVirtualOutput();   // "Axon Stage in" / "Axon Stage out"
 *
 * A port asked for stays wanted until closed: when it is missing it opens as soon as a matching
 * name appears; when it goes away it closes ('closed' with midi_port_lost) and reopens when it
 * comes back (its last name first, then the query). Nothing here throws out to the caller: when
 * RtMidi cannot initialise, `status` is 'unavailable' with a `midi_unavailable` error the UI
 * shows, opening only records the wish, and sends are dropped. Problems that do not stop MIDI
 * (a port that fails to open, a send that fails) arrive as 'problem' events, once per cause.
 *
 * Events:
 *   'status'   MidiStatus on every change.
 *   'ports'    MidiPortList when the lists change (and on start).
 *   'opened'   PortInfo each time a wanted port opens (again).
 *   'closed'   PortInfo with the error (midi_port_lost) or null when closed on request.
 *   'message'  MidiInputEvent for each message parseMidiMessage reads (others are counted in `ignored`).
 *   'problem'  AxonError (midi_port_open, midi_port_not_found, midi_send).
 */
import { EventEmitter } from 'node:events';
import { AxonError, axonError } from '../../shared/errors';
import type { Milliseconds } from '../../shared/units';
import type { MidiBackend, MidiInputPort, MidiOutputPort } from './midi-backend';
import { parseMidiMessage, type MidiMessage } from './midi-message';
import { RtMidiBackend } from './rtmidi-backend';

export const DEFAULT_POLL_MS = 1000;
export const DEFAULT_VIRTUAL_NAME = 'Axon Stage';

export type PortKind = 'input' | 'output';

export interface MidiPortsOptions {
  /** Default: RtMidi (midi-binding.ts picks the addon). May throw: that is the unavailable state. */
  createBackend?: () => MidiBackend;
  /** How often to look for plugged and unplugged ports (default 1000 ms). */
  pollMs?: Milliseconds;
  /** Virtual ports are "<name> in" and "<name> out" (default "Axon Stage"). */
  virtualName?: string;
}

export type MidiStatus =
  | { state: 'stopped' }
  | { state: 'available'; backend: string }
  | { state: 'unavailable'; error: AxonError };

export interface MidiPortList {
  inputs: string[];
  outputs: string[];
}

export interface PortInfo {
  kind: PortKind;
  /** What was asked for (the virtual port's name for virtual ports). */
  query: string;
  /** The system's name of the open port. */
  name: string;
  virtual: boolean;
}

export interface MidiInputEvent {
  port: string;
  message: MidiMessage;
  /** Host time in ms (performance.now() clock for RtMidi). */
  time: Milliseconds;
}

export interface MidiPortsEvents {
  status: [MidiStatus];
  ports: [MidiPortList];
  opened: [PortInfo];
  closed: [PortInfo & { error: AxonError | null }];
  message: [MidiInputEvent];
  problem: [AxonError];
}

/** Anything bytes can be sent to: an output handle, a fake in tests. */
export interface MidiSink {
  send(bytes: readonly number[]): void;
}

/** A wanted port. `isOpen` and `name` follow hot-plugging; `close()` stops wanting it. */
export interface PortHandle {
  readonly kind: PortKind;
  readonly query: string;
  readonly virtual: boolean;
  readonly isOpen: boolean;
  /** The open port's system name, null while closed. */
  readonly name: string | null;
  close(): void;
}

export interface OutputHandle extends PortHandle, MidiSink {
  /** Messages dropped because the port was closed or the send failed. */
  readonly dropped: number;
}

/** Exact name first, then the first name containing the query, ignoring case. */
export function matchPortName(names: readonly string[], query: string): string | null {
  if (names.includes(query)) return query;
  const q = query.toLowerCase();
  return names.find((n) => n.toLowerCase().includes(q)) ?? null;
}

class Wanted implements OutputHandle {
  port: MidiInputPort | MidiOutputPort | null = null;
  name: string | null = null;
  /** The name it last had open: preferred when it comes back. */
  lastName: string | null = null;
  /** Code of the last problem reported, so a port failing every poll is reported once. */
  reported: string | null = null;
  dropped = 0;

  constructor(
    private readonly owner: MidiPorts,
    readonly kind: PortKind,
    readonly query: string,
    readonly virtual: boolean,
  ) {}

  get isOpen(): boolean {
    return this.port !== null;
  }

  send(bytes: readonly number[]): void {
    const port = this.port as MidiOutputPort | null;
    if (this.kind !== 'output' || !port) {
      this.dropped++;
      return;
    }
    try {
      port.send(bytes);
      if (this.reported === 'midi_send') this.reported = null;
    } catch (err) {
      this.dropped++;
      this.owner.report(this, axonError('midi_send', this.name ?? this.query, err instanceof Error ? err.message : String(err)));
    }
  }

  close(): void {
    this.owner.release(this);
  }
}

export class MidiPorts extends EventEmitter<MidiPortsEvents> {
  private readonly createBackend: () => MidiBackend;
  private readonly pollMs: Milliseconds;
  readonly virtualName: string;
  private backend: MidiBackend | null = null;
  private statusNow: MidiStatus = { state: 'stopped' };
  private lists: MidiPortList = { inputs: [], outputs: [] };
  private readonly wanted = new Set<Wanted>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private listProblem = false;
  /** Input messages parseMidiMessage did not read (sysex, MTC, garbage). */
  ignored = 0;

  constructor(options: MidiPortsOptions = {}) {
    super();
    this.createBackend = options.createBackend ?? (() => new RtMidiBackend());
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.virtualName = options.virtualName ?? DEFAULT_VIRTUAL_NAME;
  }

  get status(): MidiStatus {
    return this.statusNow;
  }

  /** The port names at the last poll. */
  get ports(): MidiPortList {
    return { inputs: [...this.lists.inputs], outputs: [...this.lists.outputs] };
  }

  /** Every wanted port, open or waiting. */
  get handles(): PortHandle[] {
    return [...this.wanted];
  }

  /** Starts the backend (or settles in 'unavailable') and polls for port changes. */
  start(): void {
    if (this.timer) return;
    this.connect();
    this.timer = setInterval(() => this.poll(), this.pollMs);
    this.timer.unref?.();
  }

  /** Tries the backend again after 'unavailable' (e.g. the user started jackd). */
  retry(): void {
    if (this.statusNow.state === 'unavailable') this.connect();
  }

  /** Closes every port and forgets them; `start()` begins afresh. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const w of [...this.wanted]) this.release(w);
    this.backend?.close?.();
    this.backend = null;
    this.setStatus({ state: 'stopped' });
  }

  openInput(query: string): PortHandle {
    return this.want('input', query, false);
  }

  openOutput(query: string): OutputHandle {
    return this.want('output', query, false);
  }

  /** A port named "<virtualName> in" that other programs send to. */
  openVirtualInput(name = `${this.virtualName} in`): PortHandle {
    return this.want('input', name, true);
  }

  /** A port named "<virtualName> out" that other programs read from. */
  openVirtualOutput(name = `${this.virtualName} out`): OutputHandle {
    return this.want('output', name, true);
  }

  /** Looks at the port lists now: reports changes, closes vanished ports, opens wanted ones. */
  poll(): void {
    const backend = this.backend;
    if (!backend) return;
    let lists: MidiPortList;
    try {
      lists = { inputs: backend.inputNames(), outputs: backend.outputNames() };
      this.listProblem = false;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (backend.alive === false) {
        // The MIDI system itself went away (jackd stopped): every port is dead. Drop them all and
        // wait for retry() to find it again; wanted ports reopen then.
        for (const w of this.wanted) if (w.port) this.drop(w, axonError('midi_port_lost', w.kind, w.name ?? w.query));
        backend.close?.();
        this.backend = null;
        this.setStatus({ state: 'unavailable', error: axonError('midi_unavailable', reason) });
        return;
      }
      // A listing failure is reported once; ports stay as they are until a listing works.
      if (!this.listProblem) this.emit('problem', axonError('midi_unavailable', `cannot list ports (${reason})`));
      this.listProblem = true;
      return;
    }
    const changed =
      lists.inputs.join('\n') !== this.lists.inputs.join('\n') || lists.outputs.join('\n') !== this.lists.outputs.join('\n');
    this.lists = lists;
    if (changed) this.emit('ports', this.ports);
    for (const w of [...this.wanted]) {
      if (!this.wanted.has(w) || w.virtual) continue;
      const names = w.kind === 'input' ? lists.inputs : lists.outputs;
      if (w.port && w.name !== null && !names.includes(w.name)) this.drop(w, axonError('midi_port_lost', w.kind, w.name));
      if (!w.port) this.tryOpen(w, names);
    }
  }

  /** @internal Wanted ports report through here (once per cause). */
  report(w: Wanted, error: AxonError): void {
    if (w.reported === error.code) return;
    w.reported = error.code;
    this.emit('problem', error);
  }

  /** @internal `handle.close()`. */
  release(w: Wanted): void {
    if (!this.wanted.delete(w)) return;
    if (w.port) this.drop(w, null);
  }

  private connect(): void {
    try {
      this.backend = this.createBackend();
    } catch (err) {
      this.backend = null;
      this.setStatus({ state: 'unavailable', error: axonError('midi_unavailable', err instanceof Error ? err.message : String(err)) });
      return;
    }
    this.setStatus({ state: 'available', backend: this.backend.kind });
    this.poll();
    for (const w of this.wanted) if (w.virtual && !w.port) this.tryOpen(w, []);
  }

  private setStatus(status: MidiStatus): void {
    this.statusNow = status;
    this.emit('status', status);
  }

  private want(kind: PortKind, query: string, virtual: boolean): Wanted {
    const existing = [...this.wanted].find((w) => w.kind === kind && w.query === query && w.virtual === virtual);
    if (existing) return existing;
    const w = new Wanted(this, kind, query, virtual);
    this.wanted.add(w);
    if (this.backend) {
      const names = kind === 'input' ? this.lists.inputs : this.lists.outputs;
      this.tryOpen(w, names);
      if (!w.port && !virtual && w.reported === null) {
        this.report(w, axonError('midi_port_not_found', kind, query, names.join(', ')));
      }
    }
    return w;
  }

  private tryOpen(w: Wanted, names: readonly string[]): void {
    const backend = this.backend;
    if (!backend) return;
    const name = w.virtual ? w.query : (w.lastName !== null && names.includes(w.lastName) ? w.lastName : matchPortName(names, w.query));
    if (name === null) return;
    try {
      if (w.kind === 'input') {
        const onMessage = (bytes: Uint8Array, time: Milliseconds) => {
          const message = parseMidiMessage(bytes);
          if (message) this.emit('message', { port: name, message, time });
          else this.ignored++;
        };
        w.port = w.virtual ? backend.openVirtualInput(name, onMessage) : backend.openInput(name, onMessage);
      } else {
        w.port = w.virtual ? backend.openVirtualOutput(name) : backend.openOutput(name);
      }
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.report(w, axonError('midi_port_open', w.kind, name, backend.kind === 'jack' ? `${reason} (is jackd running?)` : reason));
      return;
    }
    w.name = name;
    w.lastName = name;
    w.reported = null;
    this.emit('opened', { kind: w.kind, query: w.query, name, virtual: w.virtual });
  }

  private drop(w: Wanted, error: AxonError | null): void {
    const port = w.port;
    const name = w.name ?? w.query;
    w.port = null;
    w.name = null;
    try {
      port?.close();
    } catch {
      // Closing a port whose device is gone may fail; it is closed as far as we are concerned.
    }
    this.emit('closed', { kind: w.kind, query: w.query, name, virtual: w.virtual, error });
  }
}
