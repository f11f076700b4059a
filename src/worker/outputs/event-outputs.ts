import { OUT_CC, OUT_DRUM, OUT_NOTE_OFF, OUT_NOTE_ON } from '../../shared/events';
import type { PatchLayout } from '../../shared/patch/layout';
import { quantizeToScale } from '../../shared/scales';
import type { Hertz } from '../../shared/units';
import type { OutEventSink } from './out-event-sink';

/**
 * Turns signals into MIDI notes, MIDI CCs and drum triggers. Notes and drums fire on comparator
 * crossings (with hysteresis) of their gate signal; a note's pitch is its pitch signal quantised
 * to the scale (-1..1 spans root..root+span); velocity comes from a velocity signal (|v|, 0..1)
 * or the fixed velocity. CCs send the signal (-1..1 -> 0..127) when it changes, at most `rate`
 * times a second.
 */
export class EventOutputs {
  private readonly layout: PatchLayout;
  private readonly noteGate: Uint8Array;
  private readonly noteOn: Int16Array;
  private readonly drumGate: Uint8Array;
  private readonly ccLast: Int16Array;
  private readonly ccNextFrame: Float64Array;
  private readonly sampleRate: Hertz;
  notes = 0;
  drums = 0;

  constructor(layout: PatchLayout, sampleRate: Hertz) {
    this.layout = layout;
    this.noteGate = new Uint8Array(layout.midi.length);
    this.noteOn = new Int16Array(layout.midi.length).fill(-1);
    this.drumGate = new Uint8Array(layout.drums.length);
    this.ccLast = new Int16Array(layout.midi.length).fill(-1);
    this.ccNextFrame = new Float64Array(layout.midi.length);
    this.sampleRate = sampleRate;
  }

  get active(): boolean {
    return this.layout.midi.length > 0 || this.layout.drums.length > 0;
  }

  /** Scans one chunk of the signal columns; events carry their exact frame. */
  process(frame0: number, len: number, cols: readonly Float64Array[], p: Float64Array, sink: OutEventSink): void {
    const midi = this.layout.midi;
    for (let k = 0; k < midi.length; k++) {
      const m = midi[k];
      if (m.kind === 'note') {
        const s = m.slots;
        const gate = cols[m.gateColumn];
        const half = p[s.hysteresis] * 0.5;
        const on = p[s.threshold] + half;
        const off = p[s.threshold] - half;
        for (let i = 0; i < len; i++) {
          const x = gate[i];
          if (this.noteGate[k] === 0 && x > on) {
            this.noteGate[k] = 1;
            const pos = m.pitchColumn >= 0 ? (cols[m.pitchColumn][i] + 1) * 0.5 : 0;
            const note = quantizeToScale(m.scale, p[s.root], p[s.span], pos);
            const vel = m.velocityColumn >= 0 ? velocityOf(cols[m.velocityColumn][i]) : p[s.velocity];
            this.noteOn[k] = note;
            sink.emit(frame0 + i, OUT_NOTE_ON, p[s.channel], note, vel);
            this.notes++;
          } else if (this.noteGate[k] === 1 && x < off) {
            this.noteGate[k] = 0;
            sink.emit(frame0 + i, OUT_NOTE_OFF, p[s.channel], this.noteOn[k], 0);
            this.noteOn[k] = -1;
          }
        }
      } else {
        const s = m.slots;
        const col = cols[m.column];
        for (let i = 0; i < len; i++) {
          const frame = frame0 + i;
          if (frame < this.ccNextFrame[k]) continue;
          let x = (col[i] + 1) * 0.5;
          x = x < 0 ? 0 : x > 1 ? 1 : x;
          const value = Math.round(x * 127);
          if (value !== this.ccLast[k]) {
            this.ccLast[k] = value;
            sink.emit(frame, OUT_CC, p[s.channel], p[s.cc], value);
            this.ccNextFrame[k] = frame + this.sampleRate / p[s.rate];
          }
        }
      }
    }
    const drums = this.layout.drums;
    for (let k = 0; k < drums.length; k++) {
      const d = drums[k];
      const s = d.slots;
      const gate = cols[d.gateColumn];
      const half = p[s.hysteresis] * 0.5;
      const on = p[s.threshold] + half;
      const off = p[s.threshold] - half;
      for (let i = 0; i < len; i++) {
        const x = gate[i];
        if (this.drumGate[k] === 0 && x > on) {
          this.drumGate[k] = 1;
          const vel = d.velocityColumn >= 0 ? velocityOf(cols[d.velocityColumn][i]) : p[s.velocity];
          sink.emit(frame0 + i, OUT_DRUM, p[s.drum], vel, 0);
          this.drums++;
        } else if (this.drumGate[k] === 1 && x < off) {
          this.drumGate[k] = 0;
        }
      }
    }
  }

  /** Note-offs for every sounding note (patch change, panic). */
  release(frame: number, p: Float64Array, sink: OutEventSink): void {
    const midi = this.layout.midi;
    for (let k = 0; k < midi.length; k++) {
      const m = midi[k];
      if (m.kind === 'note' && this.noteOn[k] >= 0) {
        sink.emit(frame, OUT_NOTE_OFF, p[m.slots.channel], this.noteOn[k], 0);
        this.noteOn[k] = -1;
        this.noteGate[k] = 0;
      }
    }
  }
}

function velocityOf(x: number): number {
  const a = x < 0 ? -x : x;
  return a >= 1 ? 127 : Math.max(1, Math.round(1 + a * 126));
}
