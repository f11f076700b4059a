// Named control inputs: every external controller value the engine can read, one slot each.
// The slot index is the position in CONTROL_INPUTS; it is what travels through the control ring.

export interface ControlInputSpec {
  readonly id: string;
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly rest: number;
  /** False for inputs that move on their own (room sound): mapping "learn" never binds them. */
  readonly learnable: boolean;
}

const axis = (id: string, label: string): ControlInputSpec => ({ id, label, min: -1, max: 1, rest: 0, learnable: true });
const unit = (id: string, label: string): ControlInputSpec => ({ id, label, min: 0, max: 1, rest: 0, learnable: true });
const heard = (id: string, label: string): ControlInputSpec => ({ ...unit(id, label), learnable: false });

export const JOYSTICK_BUTTONS = 8;
export const MIDI_CCS = 128;

export const CONTROL_INPUTS: readonly ControlInputSpec[] = Object.freeze([
  axis('joystick.x', 'Joystick X'),
  axis('joystick.y', 'Joystick Y'),
  axis('joystick.z', 'Joystick Z (twist)'),
  ...Array.from({ length: JOYSTICK_BUTTONS }, (_, i) => unit(`joystick.button${i + 1}`, `Joystick button ${i + 1}`)),
  unit('mouse.x', 'Mouse X'),
  unit('mouse.y', 'Mouse Y'),
  axis('pad.x', 'On-screen XY pad X'),
  axis('pad.y', 'On-screen XY pad Y'),
  unit('midi.note', 'MIDI note (note number / 127)'),
  unit('midi.velocity', 'MIDI velocity (/ 127)'),
  unit('midi.gate', 'MIDI gate (1 while a note is held)'),
  axis('midi.pitchbend', 'MIDI pitch bend'),
  ...Array.from({ length: MIDI_CCS }, (_, i) => unit(`midi.cc${i}`, `MIDI CC ${i}`)),
  // The audio input's analysis (main/audio-in): a mic or line played into the network.
  heard('audio.envelope', 'Audio in level (-60..0 dBFS)'),
  heard('audio.pitch', 'Audio in pitch (MIDI note / 127, held while unvoiced)'),
  heard('audio.voiced', 'Audio in voiced (1 while a steady pitch is heard)'),
  heard('audio.onset', 'Audio in onset (1 for a moment at each hit)'),
]);

const INDEX = new Map(CONTROL_INPUTS.map((s, i) => [s.id, i]));

/** Slot of a control input, or -1 when the name is unknown. */
export function controlInputIndex(id: string): number {
  return INDEX.get(id) ?? -1;
}

export const MIDI_NOTE_INPUT = controlInputIndex('midi.note');
export const MIDI_VELOCITY_INPUT = controlInputIndex('midi.velocity');
export const MIDI_GATE_INPUT = controlInputIndex('midi.gate');
export const MIDI_CC0_INPUT = controlInputIndex('midi.cc0');
/** The audio input's slots, in telemetry order (T_AUDIO_IN). */
export const AUDIO_IN_INPUTS = ['audio.envelope', 'audio.pitch', 'audio.voiced', 'audio.onset'].map(controlInputIndex);
