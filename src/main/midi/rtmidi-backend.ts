import type { Milliseconds } from '../../shared/units';
import type { InputHandler, MidiBackend, MidiInputPort, MidiOutputPort } from './midi-backend';
import { jackServerRunning, loadMidiBinding, type LoadedMidiBinding, type NativeMidiInput, type NativeMidiOutput } from './midi-binding';

/**
 * A message's host time is rebuilt from RtMidi's per-port deltas (driver timestamps: JACK frame
 * times, ALSA queue times) rather than taken at arrival, because arrival includes main-thread
 * scheduling jitter that a clock follower would read as tempo wobble. The rebuilt time is never
 * later than arrival (a quicker arrival pulls it back) and never more than MAX_LAG_MS earlier (a
 * stall or a driver clock drifting apart re-anchors it at arrival).
 */
const MAX_LAG_MS = 100;

/**
 * Ports whose JACK server died under them. RtMidi crashes the process when such a client is
 * destroyed, and the garbage collector would destroy it: they are kept here, unreachable for
 * it, for the life of the process.
 */
const DEAD_CLIENTS: (NativeMidiInput | NativeMidiOutput)[] = [];

/** Whether ports died with their JACK server (the process should then end with process.exit(), which runs no finalizers). */
export const deadMidiClients = (): number => DEAD_CLIENTS.length;

function names(port: NativeMidiInput | NativeMidiOutput): string[] {
  const count = port.getPortCount();
  return Array.from({ length: count }, (_, i) => port.getPortName(i));
}

function indexOf(port: NativeMidiInput | NativeMidiOutput, name: string): number {
  const count = port.getPortCount();
  for (let i = 0; i < count; i++) if (port.getPortName(i) === name) return i;
  throw new Error('no port of that name (it went away)');
}

/** RtMidi through the addon midi-binding.ts loads. */
export class RtMidiBackend implements MidiBackend {
  readonly kind: string;

  /**
   * Throws a plain Error saying why MIDI cannot work: the addon does not load, or RtMidi cannot
   * initialise (no ALSA sequencer). Listing ports is the probe: it creates an RtMidi client.
   */
  constructor(
    private readonly loaded: LoadedMidiBinding = loadMidiBinding(),
    private readonly now: () => Milliseconds = () => performance.now(),
  ) {
    this.kind = loaded.kind;
    try {
      loaded.binding.getInputPortNames();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const hint =
        process.platform === 'linux' && loaded.kind === 'system'
          ? ' (no ALSA sequencer: load snd-seq, or run jackd and build the JACK addon with "node scripts/build-midi-jack.mjs")'
          : '';
      throw new Error(`${reason}${hint}`);
    }
  }

  /**
   * False once a JACK build's server has gone: its clients are then dead, and RtMidi crashes the
   * process (SIGSEGV) when one is closed, so they are dropped without a call.
   */
  get alive(): boolean {
    return this.kind !== 'jack' || jackServerRunning();
  }

  private check(): void {
    if (!this.alive) throw new Error('the JACK server stopped');
  }

  /**
   * One client each to list the ports, kept for the backend's life: the binding's own listing
   * opens and closes a client every call, and polled a few times a second by every MIDI user that
   * churned the JACK server (each client's arrival and departure is a graph change all clients are
   * told of) until its requests queued for tens of seconds on a busy machine.
   */
  private listers: { input: NativeMidiInput; output: NativeMidiOutput } | null = null;

  private lister(): { input: NativeMidiInput; output: NativeMidiOutput } {
    this.check();
    this.listers ??= { input: new this.loaded.binding.Input(() => undefined), output: new this.loaded.binding.Output() };
    return this.listers;
  }

  inputNames(): string[] {
    return names(this.lister().input);
  }

  outputNames(): string[] {
    return names(this.lister().output);
  }

  close(): void {
    const l = this.listers;
    this.listers = null;
    if (!l) return;
    if (!this.alive) DEAD_CLIENTS.push(l.input, l.output);
    else {
      l.input.destroy();
      l.output.destroy();
    }
  }

  openInput(name: string, onMessage: InputHandler): MidiInputPort {
    return this.input(onMessage, (port) => port.openPort(indexOf(port, name)));
  }

  openVirtualInput(name: string, onMessage: InputHandler): MidiInputPort {
    return this.input(onMessage, (port) => port.openVirtualPort(name));
  }

  openOutput(name: string): MidiOutputPort {
    return this.output((port) => port.openPort(indexOf(port, name)));
  }

  openVirtualOutput(name: string): MidiOutputPort {
    return this.output((port) => port.openVirtualPort(name));
  }

  private input(onMessage: InputHandler, open: (port: NativeMidiInput) => void): MidiInputPort {
    let last: Milliseconds | null = null;
    let closed = false;
    this.check();
    const port = new this.loaded.binding.Input((deltaSeconds, message) => {
      if (closed) return;
      const arrival = this.now();
      let time = last === null ? arrival : last + deltaSeconds * 1000;
      if (time > arrival || time < arrival - MAX_LAG_MS) time = arrival;
      last = time;
      onMessage(new Uint8Array(message), time);
    });
    try {
      // Keep clock and transport (timing); drop sysex and active sensing.
      port.ignoreTypes(true, false, true);
      open(port);
    } catch (err) {
      port.destroy();
      throw err;
    }
    return {
      close: () => {
        if (closed) return;
        closed = true;
        this.release(port);
      },
    };
  }

  /** Closes a port, unless its JACK server died under it (then it is kept, never destroyed). */
  private release(port: NativeMidiInput | NativeMidiOutput): void {
    if (!this.alive) return void DEAD_CLIENTS.push(port);
    port.closePort();
    port.destroy();
  }

  private output(open: (port: NativeMidiOutput) => void): MidiOutputPort {
    this.check();
    const port = new this.loaded.binding.Output();
    try {
      open(port);
    } catch (err) {
      port.destroy();
      throw err;
    }
    let closed = false;
    return {
      send: (bytes) => {
        if (closed) return;
        this.check();
        port.sendMessage(Buffer.from(bytes));
      },
      close: () => {
        if (closed) return;
        closed = true;
        this.release(port);
      },
    };
  }
}
