import { describe, expect, it } from 'vitest';
import { MarkovModel } from '../../src/main/phrase/markov-model';
import type { Phrase } from '../../src/main/phrase/phrase';
import { PhraseListener } from '../../src/main/phrase/phrase-listener';
import { respond, type ResponderOptions } from '../../src/main/phrase/responder';
import { AxonError } from '../../src/shared/errors';
import { bars, FUNK_BAR, listen, MELODY, play, ROCK_BAR, type PatternHit } from './phrase-fixtures';

/** A model that has heard a few different drum phrases, and the last of them as the call. */
function trained(bpm = 100): { model: MarkovModel; call: Phrase } {
  const listener = new PhraseListener();
  const model = new MarkovModel();
  const variants: PatternHit[][] = [bars(FUNK_BAR, 2), bars(ROCK_BAR, 2), [...FUNK_BAR, ...bars(ROCK_BAR, 1).map(([s, n, v]): PatternHit => [s + 16, n, v])], bars(FUNK_BAR, 1)];
  let call: Phrase | null = null;
  variants.forEach((v, i) => {
    call = listen(play(v, bpm, 20 * i, 'drum', 0.008, i + 1), listener);
    model.learn(call);
  });
  return { model, call: call! };
}

function entropy(items: string[]): number {
  const counts = new Map<string, number>();
  for (const x of items) counts.set(x, (counts.get(x) ?? 0) + 1);
  return -[...counts.values()].reduce((h, c) => h + (c / items.length) * Math.log2(c / items.length), 0);
}

describe('responder', () => {
  it('stays on the call grid and starts after the call ended', () => {
    for (const bpm of [84, 100, 133]) {
      const { model, call } = trained(bpm);
      for (const temperature of [0, 1, 2]) {
        for (const density of [0.5, 1, 2]) {
          const a = respond(call, model, { temperature, density, seed: 3 });
          expect(a.events.length).toBeGreaterThan(0);
          expect(a.start).toBeGreaterThanOrEqual(call.endedAt);
          expect(a.bpm).toBe(call.bpm);
          for (const e of a.events) {
            const steps = (e.time - call.gridOrigin) / call.stepDuration;
            expect(Math.abs(steps - Math.round(steps))).toBeLessThan(1e-6);
            expect(e.time).toBeGreaterThanOrEqual(call.endedAt);
            expect(e.kind).toBe('drum');
            expect(e.velocity).toBeGreaterThanOrEqual(1);
            expect(e.velocity).toBeLessThanOrEqual(127);
          }
          // It starts on a beat and lasts the call's whole bars (one here).
          const startStep = Math.round((a.start - call.gridOrigin) / call.stepDuration);
          expect(startStep % 4).toBe(0);
          expect(a.events[0].step).toBe(startStep);
          const first = a.events[0].step;
          for (const e of a.events) expect(e.step - first).toBeLessThan(16);
        }
      }
    }
  });

  it('answers with more varied material at higher temperature (entropy)', () => {
    const { model, call } = trained();
    const h = [0, 0.5, 1, 3].map((temperature) => {
      const answers = Array.from({ length: 60 }, (_, seed) => respond(call, model, { temperature, seed }));
      const symbols = answers.flatMap((a) => a.events.map((e, i) => `${e.step - a.events[0].step}:${e.kind === 'drum' ? e.drum : e.note}:${i}`));
      return entropy(symbols);
    });
    // Temperature 0 ignores the seed: every answer is the same.
    const greedy = respond(call, model, { temperature: 0, seed: 0 }).events;
    for (const seed of [1, 2, 99]) expect(respond(call, model, { temperature: 0, seed }).events).toEqual(greedy);
    expect(h[1]).toBeGreaterThan(h[0]);
    expect(h[2]).toBeGreaterThan(h[1]);
    expect(h[3]).toBeGreaterThan(h[2]);
  });

  it('scales the onset count monotonically with density', () => {
    const { model, call } = trained();
    for (const seed of [1, 2, 3]) {
      for (const temperature of [0, 1]) {
        const counts = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2].map((density) => respond(call, model, { density, seed, temperature }).events.length);
        for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1]);
        expect(counts[0]).toBe(0);
        expect(counts[1]).toBeLessThan(counts[4]);
        expect(counts[4]).toBeLessThan(counts[8]);
        expect(counts[8]).toBe(16); // full: every step of the bar
      }
    }
  });

  it('is deterministic in (seed, model state, call)', () => {
    const a = trained();
    const b = trained();
    const opts: Partial<ResponderOptions> = { temperature: 1.2, density: 1.3, seed: 42 };
    expect(respond(b.call, b.model, opts)).toEqual(respond(a.call, a.model, opts));
    const other = respond(a.call, a.model, { ...opts, seed: 43 });
    expect(other.events).not.toEqual(respond(a.call, a.model, opts).events);
  });

  it('echoes the call with variations while the model is young', () => {
    const listener = new PhraseListener();
    const model = new MarkovModel();
    const call = listen(play(MELODY, 100, 0, 'midi', 0.005), listener);
    model.learn(call);
    const a = respond(call, model, { temperature: 1, seed: 2 });
    expect(a.origin).toBe('echo');
    expect(a.events.every((e) => e.kind === 'note')).toBe(true);
    const notes = a.events.map((e) => (e.kind === 'note' ? e.note : -1));
    for (const n of notes) expect(MELODY.map(([, x]) => x)).toContain(n);
    const same = a.events.map((e) => [e.step - a.events[0].step, e.kind === 'note' ? e.note : -1]);
    expect(same).not.toEqual(MELODY.map(([s, n]) => [s, n]));
  });

  it('plays a drum call on MIDI notes and a MIDI call on drums when asked', () => {
    const { model, call } = trained();
    const onNotes = respond(call, model, { answerKind: 'note' });
    expect(onNotes.events.every((e) => e.kind === 'note' && e.note >= 35 && e.note <= 81 && e.duration > 0)).toBe(true);
    const melody = listen(play(MELODY, 100, 0, 'midi'));
    const onDrums = respond(melody, new MarkovModel(), { answerKind: 'drum' });
    expect(onDrums.events.every((e) => e.kind === 'drum' && e.drum >= 0 && e.drum < 16)).toBe(true);
  });

  it('rejects bad controls with phrase_option', () => {
    const { model, call } = trained();
    const bad: [Partial<ResponderOptions>, RegExp][] = [
      [{ temperature: -0.1 }, /temperature must be a number 0-10, got -0.1/],
      [{ temperature: NaN }, /temperature .* got NaN/],
      [{ density: 2.5 }, /density must be a number 0-2, got 2.5/],
      [{ density: -1 }, /density/],
      [{ seed: 1.5 }, /seed must be a whole number/],
    ];
    for (const [opts, message] of bad) {
      try {
        respond(call, model, opts);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(AxonError);
        expect((err as AxonError).code).toBe('phrase_option');
        expect((err as AxonError).message).toMatch(message);
      }
    }
  });
});
