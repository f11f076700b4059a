import type { Milliseconds } from '../../shared/units';

/**
 * What the ports manager needs from a MIDI system: RtMidi in the app (rtmidi-backend.ts), a fake
 * in tests. Port names are the system's (JACK: "client:port"; ALSA: "client:port n:m").
 * Every method may throw a plain Error; the manager reports it and carries on.
 */
export interface MidiBackend {
  /** "jack" | "system" | a fake's name: shown in the status. */
  readonly kind: string;
  /** False when the MIDI system behind it has gone (a JACK server stopped); absent: always there. */
  readonly alive?: boolean;
  inputNames(): string[];
  outputNames(): string[];
  /** Opens the input port of that exact name. */
  openInput(name: string, onMessage: InputHandler): MidiInputPort;
  /** Creates a port other programs connect to ("Axon Stage in"). */
  openVirtualInput(name: string, onMessage: InputHandler): MidiInputPort;
  openOutput(name: string): MidiOutputPort;
  openVirtualOutput(name: string): MidiOutputPort;
  /** Lets go of what the backend holds for itself (its port-listing clients); its ports close on their own. */
  close?(): void;
}

/** One message's bytes and when it arrived, host time in ms (the backend's `now()` clock). */
export type InputHandler = (bytes: Uint8Array, time: Milliseconds) => void;

export interface MidiInputPort {
  close(): void;
}

export interface MidiOutputPort {
  send(bytes: readonly number[]): void;
  close(): void;
}
