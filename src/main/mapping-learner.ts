import type { LoggedEvent } from '../shared/events';
import { CONTROL_INPUTS, controlInputIndex, MIDI_CC0_INPUT, MIDI_GATE_INPUT, MIDI_NOTE_INPUT, MIDI_VELOCITY_INPUT } from '../shared/inputs';

/** How far (a fraction of its range) a control must move from where it was when learning was armed. */
export const LEARN_THRESHOLD = 0.1;
const PITCHBEND_INPUT = controlInputIndex('midi.pitchbend');

/**
 * "Learn" for mappings: follows every control input as main sends it (so it sees the UI's
 * setInput calls and the live rig's joystick and MIDI alike) and, while armed for a destination,
 * names the first input that moved more than LEARN_THRESHOLD of its range from its value at
 * arming. When one event moves several inputs (a note: note, velocity, gate), the largest
 * relative move wins. Main-thread only.
 */
export class MappingLearner {
  /** Each input's last value as sent (its rest value until something is sent). */
  private readonly known = Float64Array.from(CONTROL_INPUTS, (c) => c.rest);
  private readonly baseline = new Float64Array(CONTROL_INPUTS.length);
  /** The destination being learned, or null. */
  target: string | null = null;

  arm(to: string): void {
    this.target = to;
    this.baseline.set(this.known);
  }

  cancel(): void {
    this.target = null;
  }

  /** Takes one sent event; returns the control input id it binds (and disarms), or null. */
  observe(e: LoggedEvent): string | null {
    let best = -1;
    let bestMove = LEARN_THRESHOLD;
    const see = (index: number, value: number) => {
      if (index < 0 || !Number.isFinite(value)) return;
      this.known[index] = value;
      const spec = CONTROL_INPUTS[index];
      if (this.target === null || !spec.learnable) return;
      const move = Math.abs(value - this.baseline[index]) / (spec.max - spec.min);
      if (move > bestMove) {
        bestMove = move;
        best = index;
      }
    };
    switch (e.type) {
      case 'input': {
        const index = controlInputIndex(e.input);
        if (index >= 0) see(index, Math.min(CONTROL_INPUTS[index].max, Math.max(CONTROL_INPUTS[index].min, e.value)));
        break;
      }
      case 'cc':
        see(MIDI_CC0_INPUT + e.cc, e.value / 127);
        break;
      case 'pitchbend':
        see(PITCHBEND_INPUT, e.value);
        break;
      case 'noteOn':
        see(MIDI_NOTE_INPUT, e.note / 127);
        see(MIDI_VELOCITY_INPUT, e.velocity / 127);
        see(MIDI_GATE_INPUT, 1);
        break;
      case 'noteOff':
        see(MIDI_GATE_INPUT, 0);
        break;
      default:
        break;
    }
    if (best < 0 || this.target === null) return null;
    this.target = null;
    return CONTROL_INPUTS[best].id;
  }
}
