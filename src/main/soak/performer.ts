import type { Seconds } from '../../shared/units';
import { CallAndResponse } from '../phrase/call-and-response';
import type { AnswerEvent, OnsetSource } from '../phrase/phrase';

// The soak's performer, the same offline and in real time: a hand on the joystick and the mouse
// (random walks at 100 Hz), now and then a dragged weight, bias or morph, and phrases played on
// MIDI notes or on the drums with rests between, which call-and-response answers. Seeded: the
// same seed plays the same set.

/** One thing the performer (or the responder) does. */
export type Gesture =
  | { type: 'input'; input: string; value: number }
  | { type: 'param'; id: string; value: number }
  | { type: 'noteOn'; note: number; velocity: number }
  | { type: 'noteOff'; note: number }
  | { type: 'drum'; drum: number; velocity: number }
  /** The responder's answers: drum strikes play the drums, notes go out on MIDI. */
  | { type: 'answerDrum'; drum: number; velocity: number }
  | { type: 'answerNote'; note: number; velocity: number; duration: Seconds };

/** A parameter a hand may drag, with its range. */
export interface DraggableParam {
  id: string;
  min: number;
  max: number;
}

export const SOAK_INPUTS = ['joystick.x', 'joystick.y', 'joystick.z', 'mouse.x', 'mouse.y'];
/** The hand moves this often (a 100 Hz joystick). */
export const GESTURE_PERIOD_S = 0.01;

export class SoakPerformer {
  calls = 0;
  answers = 0;
  answerNotes = 0;
  answerStrikes = 0;

  private readonly walk = SOAK_INPUTS.map(() => 0);
  private readonly responder: CallAndResponse;
  private readonly pending: AnswerEvent[] = [];
  private readonly noteOffs: { time: Seconds; note: number }[] = [];
  private nextMove: Seconds = 0;
  private readonly phrase = { source: 'midi' as OnsetSource, left: 0, step: 0.2, next: 0, note: 60 };

  constructor(
    private readonly rand: () => number,
    seed: number,
  ) {
    this.responder = new CallAndResponse({ seed });
    this.responder.on('answer', (a) => {
      this.answers++;
      this.pending.push(...a.events);
      this.pending.sort((x, y) => x.time - y.time);
    });
  }

  /** What happens from `now` until `until`, each with its time (in order of kind, not of time). */
  step(now: Seconds, until: Seconds, params: readonly DraggableParam[]): { time: Seconds; gesture: Gesture }[] {
    const out: { time: Seconds; gesture: Gesture }[] = [];
    const rand = this.rand;
    if (now >= this.nextMove) {
      this.nextMove = now + GESTURE_PERIOD_S;
      this.walk.forEach((v, k) => {
        this.walk[k] = Math.max(-1, Math.min(1, v + (rand() - 0.5) * 0.1));
        // The mouse reads 0..1, the stick -1..1.
        out.push({ time: now, gesture: { type: 'input', input: SOAK_INPUTS[k], value: k >= 3 ? (this.walk[k] + 1) / 2 : this.walk[k] } });
      });
      if (rand() < 0.02 && params.length > 0) {
        const p = params[Math.floor(rand() * params.length)];
        out.push({ time: now, gesture: { type: 'param', id: p.id, value: p.min + rand() * (p.max - p.min) } });
      }
      this.responder.tick(now);
    }
    const ph = this.phrase;
    if (now >= ph.next) {
      if (ph.left === 0) {
        // A new phrase after a rest: on notes or on the drums, 3-10 onsets, 0.12-0.3 s apart.
        ph.source = rand() < 0.5 ? 'midi' : 'drum';
        ph.left = 3 + Math.floor(rand() * 8);
        ph.step = 0.12 + rand() * 0.18;
        ph.note = 48 + Math.floor(rand() * 24);
        this.calls++;
      }
      const velocity = 40 + Math.floor(rand() * 88);
      const note = ph.source === 'midi' ? ph.note + Math.floor(rand() * 12) : Math.floor(rand() * 4);
      if (ph.source === 'midi') {
        out.push({ time: now, gesture: { type: 'noteOn', note, velocity } });
        this.noteOffs.push({ time: now + ph.step * 0.8, note });
      } else out.push({ time: now, gesture: { type: 'drum', drum: note, velocity } });
      this.responder.onset({ time: now, note, velocity, source: ph.source });
      ph.left--;
      ph.next = ph.left > 0 ? now + ph.step * (0.9 + rand() * 0.2) : now + 2 + rand() * 3;
    }
    while (this.noteOffs.length > 0 && this.noteOffs[0].time < until) {
      const off = this.noteOffs.shift() as { time: Seconds; note: number };
      out.push({ time: off.time, gesture: { type: 'noteOff', note: off.note } });
    }
    while (this.pending.length > 0 && this.pending[0].time < until) {
      const e = this.pending.shift() as AnswerEvent;
      if (e.kind === 'drum') {
        this.answerStrikes++;
        out.push({ time: e.time, gesture: { type: 'answerDrum', drum: e.drum, velocity: e.velocity } });
      } else {
        this.answerNotes++;
        out.push({ time: e.time, gesture: { type: 'answerNote', note: e.note, velocity: e.velocity, duration: e.duration } });
      }
    }
    return out;
  }
}
