import { describe, expect, it } from 'vitest';
import { MarkovModel } from '../../src/main/phrase/markov-model';
import { PhraseListener } from '../../src/main/phrase/phrase-listener';
import { respond } from '../../src/main/phrase/responder';
import { SeededRandom } from '../../src/main/reservoir/reservoir-build';
import { AxonError } from '../../src/shared/errors';
import { bars, FUNK_BAR, listen, MELODY, play } from './phrase-fixtures';

const clockedListener = () => {
  const l = new PhraseListener();
  l.setTempo({ bpm: 100, beatTime: 0 });
  return l;
};

describe('Markov model', () => {
  it('learns a repeated pattern and reproduces it at temperature 0', () => {
    const model = new MarkovModel({ maxOrder: 3 });
    const listener = clockedListener();
    let call = listen(play(bars(FUNK_BAR, 1), 100, 0, 'drum', 0.008), listener);
    for (let i = 1; i <= 4; i++) {
      model.learn(call);
      call = listen(play(bars(FUNK_BAR, 1), 100, 10 * i, 'drum', 0.008, i), listener);
    }
    model.learn(call);
    const answer = respond(call, model, { temperature: 0, seed: 5 });
    expect(answer.origin).toBe('model');
    const played = answer.events.map((e) => [e.step - answer.events[0].step, e.kind === 'drum' ? e.drum : -1]);
    expect(played).toEqual(FUNK_BAR.map(([s, d]) => [s, d]));
    // The same holds for pitched phrases, in the call's register.
    const melodic = new MarkovModel();
    let m = listen(play(MELODY, 100, 0, 'midi'), listener);
    for (let i = 1; i <= 3; i++) {
      melodic.learn(m);
      m = listen(play(MELODY, 100, 10 * i, 'midi'), listener);
    }
    melodic.learn(m);
    const tune = respond(m, melodic, { temperature: 0 }).events.map((e) => (e.kind === 'note' ? e.note : -1));
    expect(tune).toEqual(MELODY.map(([, n]) => n));
  });

  it('gives a normalised distribution that backs off to shorter contexts', () => {
    const model = new MarkovModel({ maxOrder: 3 });
    model.learnSymbols(['0:d0:3', '4:d1:2', '4:d0:3', '4:d1:2']);
    const dist = model.distribution(['4:d1:2']);
    expect(dist.reduce((a, [, p]) => a + p, 0)).toBeCloseTo(1, 12);
    const top = dist.reduce((a, b) => (b[1] > a[1] ? b : a));
    expect(top[0]).toBe('4:d0:3');
    // A context never seen still predicts (from order 0), over the whole vocabulary.
    expect(model.distribution(['9:n3:0', '1:n4:1']).map(([s]) => s)).toEqual(['0:d0:3', '4:d0:3', '4:d1:2', '|']);
    expect(new MarkovModel().distribution([])).toEqual([]);
  });

  it('keeps memory bounded on a long random set', () => {
    const model = new MarkovModel({ maxOrder: 3, maxContexts: 200, countCap: 16 });
    const rnd = new SeededRandom(3, 0);
    for (let p = 0; p < 300; p++) {
      const phrase = Array.from({ length: 12 }, () => `${Math.floor(rnd.uniform() * 5)}:d${Math.floor(rnd.uniform() * 4)}:${Math.floor(rnd.uniform() * 4)}`);
      model.learnSymbols(phrase);
      expect(model.contextCount).toBeLessThanOrEqual(200);
    }
    expect(model.phraseCount).toBe(300);
    expect(model.distribution([]).length).toBeGreaterThan(0);
  });

  it('serialises and restores to identical continuations', () => {
    const model = new MarkovModel({ maxOrder: 3, maxContexts: 64 });
    const listener = clockedListener();
    const calls = [0, 1, 2, 3, 4].map((i) => listen(play(i % 2 ? MELODY : bars(FUNK_BAR, 1), 100, 10 * i, i % 2 ? 'midi' : 'drum', 0.01, i), listener));
    for (const c of calls.slice(0, 3)) model.learn(c);
    const copy = MarkovModel.fromJSON(JSON.parse(JSON.stringify(model)));
    expect(copy.toJSON()).toEqual(model.toJSON());
    for (const c of calls.slice(3)) {
      model.learn(c);
      copy.learn(c);
      for (const temperature of [0, 0.7, 1.5]) expect(respond(c, copy, { temperature, seed: 9 })).toEqual(respond(c, model, { temperature, seed: 9 }));
    }
  });

  it('rejects damaged state with phrase_model_invalid', () => {
    const good = new MarkovModel().toJSON();
    const bad: unknown[] = [null, { ...good, format: 'x' }, { ...good, version: 2 }, { ...good, options: { ...good.options, maxOrder: 0 } }, { ...good, contexts: [['a b c d', 1, [['x', 1]]]] }];
    for (const json of bad) {
      try {
        MarkovModel.fromJSON(json, 'set.json');
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(AxonError);
        expect((err as AxonError).code).toBe('phrase_model_invalid');
        expect((err as AxonError).message).toMatch(/^set\.json is not a valid call-and-response model/);
      }
    }
  });
});
