import { describe, expect, it } from 'vitest';
import { CallAndResponse, type CallAndResponseOptions } from '../../src/main/phrase/call-and-response';
import type { Answer, Onset } from '../../src/main/phrase/phrase';
import { AxonError } from '../../src/shared/errors';
import { bars, FUNK_BAR, MELODY, play, ROCK_BAR } from './phrase-fixtures';

const TICK = 0.01;

/**
 * Plays onsets into the rig in real time, ticking every 10 ms up to `until` (or only until the
 * first answer); returns the answers it gave.
 */
function perform(car: CallAndResponse, onsets: Onset[], until: number, from = onsets[0]?.time ?? 0, untilAnswer = false): Answer[] {
  const answers: Answer[] = [];
  const queue = [...onsets].sort((a, b) => a.time - b.time);
  for (let now = from; now <= until; now += TICK) {
    while (queue.length && queue[0].time <= now) {
      const a = car.onset(queue.shift()!);
      if (a) answers.push(a);
    }
    const a = car.tick(now);
    if (a) answers.push(a);
    if (untilAnswer && answers.length) break;
  }
  return answers;
}

/** Plays a call until the rig answers; returns the answer and the time it came. */
function callUntilAnswer(car: CallAndResponse, onsets: Onset[]): Answer {
  const [answer] = perform(car, onsets, onsets[0].time + 30, onsets[0].time, true);
  expect(answer).toBeDefined();
  return answer;
}

/** The answer's events as the drum sensor / MIDI loopback would report them back. */
const asOnsets = (a: Answer): Onset[] =>
  a.events.map((e) => ({ time: e.time + 0.004, note: e.kind === 'drum' ? e.drum : e.note, velocity: e.velocity, source: e.kind === 'drum' ? 'drum' : 'midi' }));

/** A set: calls every 12 s, alternating drum grooves and a melody. */
function set(car: CallAndResponse, calls = 4): Answer[] {
  const answers: Answer[] = [];
  for (let i = 0; i < calls; i++) {
    const t = 12 * i;
    const onsets = i % 3 === 2 ? play(MELODY, 100, t, 'midi', 0.008, i) : play(bars(i % 2 ? ROCK_BAR : FUNK_BAR, 1), 100, t, 'drum', 0.008, i);
    answers.push(...perform(car, onsets, t + 11.9, t));
  }
  return answers;
}

describe('call and response', () => {
  it('answers each call once, learning as it goes, and emits the answer', () => {
    const car = new CallAndResponse({ seed: 4 });
    const emitted: Answer[] = [];
    car.on('answer', (a, call) => {
      expect(a.start).toBeGreaterThanOrEqual(call.endedAt);
      emitted.push(a);
    });
    const answers = set(car, 4);
    expect(answers).toHaveLength(4);
    expect(emitted).toEqual(answers);
    expect(answers[0].origin).toBe('echo'); // one drum phrase learnt: too little for the model
    expect(answers[1].origin).toBe('model');
    expect(car.model('drum').phraseCount).toBe(3);
    expect(car.model('midi').phraseCount).toBe(1);
    expect(answers[2].events.every((e) => e.kind === 'note')).toBe(true);
  });

  it('gives identical answers for the same seed and calls, different ones for another seed', () => {
    const opts: Partial<CallAndResponseOptions> = { temperature: 1, density: 1.2 };
    const a = set(new CallAndResponse({ ...opts, seed: 11 }), 5);
    const b = set(new CallAndResponse({ ...opts, seed: 11 }), 5);
    const c = set(new CallAndResponse({ ...opts, seed: 12 }), 5);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('does not answer its own answer when it comes back as input', () => {
    for (const mode of ['all', 'echoes'] as const) {
      const car = new CallAndResponse({ seed: 2, ignoreDuringAnswer: mode });
      const answer = callUntilAnswer(car, play(bars(FUNK_BAR, 1), 100, 0, 'drum'));
      // The robot drums' strikes reach the drum input while the answer plays.
      const again = perform(car, asOnsets(answer), answer.end + 10, answer.start - 0.1);
      expect(again).toEqual([]);
      expect(car.model('drum').phraseCount).toBe(1);
    }
  });

  it("in 'echoes' mode still hears the performer over the answer", () => {
    const car = new CallAndResponse({ seed: 2, ignoreDuringAnswer: 'echoes' });
    const answer = callUntilAnswer(car, play(bars(ROCK_BAR, 1), 100, 0, 'drum'));
    const performer = play(MELODY, 100, answer.start, 'midi');
    const next = perform(car, [...asOnsets(answer), ...performer], answer.end + 8, answer.start - 0.1);
    expect(next).toHaveLength(1);
    expect(car.model('midi').phraseCount).toBe(1);
    expect(car.model('drum').phraseCount).toBe(1);
  });

  it('learns but does not answer while disabled, and obeys live controls', () => {
    const car = new CallAndResponse({ enabled: false });
    expect(perform(car, play(bars(FUNK_BAR, 1), 100, 0, 'drum'), 8)).toEqual([]);
    expect(car.model('drum').phraseCount).toBe(1);
    car.set({ enabled: true, density: 0.5, temperature: 0 });
    expect(perform(car, play(bars(FUNK_BAR, 1), 100, 10, 'drum'), 18)).toHaveLength(1);
    expect(() => car.set({ temperature: -1 })).toThrow(/temperature must be a number 0-10, got -1/);
    expect(() => car.set({ density: 3 })).toThrow(AxonError);
    expect(car.current.temperature).toBe(0); // a refused change changes nothing
  });

  it('uses the MIDI clock tempo when it runs', () => {
    const car = new CallAndResponse();
    car.setTempo({ bpm: 100, beatTime: 0 });
    const [answer] = perform(car, play(bars(ROCK_BAR, 1), 100, 0, 'drum', 0.01), 8);
    expect(answer.bpm).toBe(100);
    for (const e of answer.events) expect(Math.abs(e.time / 0.15 - Math.round(e.time / 0.15))).toBeLessThan(1e-6);
  });

  it('saves and restores a set that then answers identically', () => {
    const car = new CallAndResponse({ seed: 8, temperature: 1.1 });
    set(car, 3);
    const copy = CallAndResponse.fromJSON(JSON.parse(JSON.stringify(car.toJSON())));
    const more = play(bars(FUNK_BAR, 2), 100, 100, 'drum', 0.01, 5);
    expect(perform(copy, more, 112)).toEqual(perform(car, more, 112));
    expect(() => CallAndResponse.fromJSON({ format: 'nope' })).toThrow(/not a valid call-and-response model/);
  });

  it('rejects bad onsets and options with phrase_ errors', () => {
    const car = new CallAndResponse();
    expect(() => car.onset({ time: NaN, note: 1, velocity: 1, source: 'drum' })).toThrow(/bad onset \(time must be a finite number/);
    expect(() => car.tick(NaN)).toThrow(/tick time must be a finite number/);
    expect(() => new CallAndResponse({ density: 2.01 })).toThrow(/density must be a number 0-2/);
    expect(() => new CallAndResponse({ temperature: -0.5 })).toThrow(/temperature must be a number 0-10/);
    expect(() => new CallAndResponse({ maxOrder: 0 })).toThrow(/maxOrder/);
  });
});
