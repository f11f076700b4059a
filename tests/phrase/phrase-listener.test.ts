import { describe, expect, it } from 'vitest';
import { PhraseListener } from '../../src/main/phrase/phrase-listener';
import { estimateTempo } from '../../src/main/phrase/tempo-estimate';
import { AxonError } from '../../src/shared/errors';
import { bars, FUNK_BAR, listen, play, ROCK_BAR, type PatternHit } from './phrase-fixtures';

const SEARCH = { minBpm: 60, maxBpm: 200, stepsPerBeat: 4, preferredBpm: 110 };

/** Host time at which a listener fed `onsets` first reports the phrase's end (10 ms ticks). */
function endTime(pattern: PatternHit[], bpm: number): number {
  const onsets = play(pattern, bpm, 100, 'drum');
  const listener = new PhraseListener();
  for (const o of onsets) listener.push(o);
  const last = onsets[onsets.length - 1].time;
  for (let now = last; now < last + 60; now += 0.01) if (listener.tick(now)) return now - last;
  return Infinity;
}

describe('phrase end detection', () => {
  it('ends a tight rhythm sooner than a sparse one at the same tempo', () => {
    const tight = endTime(bars(FUNK_BAR, 2), 100);
    const sparse = endTime([[0, 0, 100], [8, 1, 100], [16, 0, 100], [24, 1, 100]], 100); // half notes
    expect(tight).toBeLessThan(sparse);
    // Tight: half a bar at 100 BPM (1.2 s) beats 2 x the 16th-note IOI; sparse: 2 x 1.2 s.
    expect(tight).toBeCloseTo(1.2, 1);
    expect(sparse).toBeCloseTo(2.4, 1);
  });

  it('keeps the gap within [minGap, maxGap]', () => {
    const slow = new PhraseListener({ maxGap: 1.5 });
    for (const o of play([[0, 0, 100], [16, 0, 100], [32, 0, 100]], 100, 0, 'drum')) slow.push(o);
    expect(slow.gapThreshold()).toBe(1.5);
    const fast = new PhraseListener({ minGap: 0.5, gapBarFraction: 0 });
    for (const o of play(bars(FUNK_BAR, 1), 180, 0, 'drum')) fast.push(o);
    expect(fast.gapThreshold()).toBe(0.5);
  });

  it('does not end while the phrase is being played, and needs no timers', () => {
    const listener = new PhraseListener();
    const onsets = play(bars(ROCK_BAR, 2), 110, 5, 'drum');
    for (const o of onsets) {
      expect(listener.push(o)).toBeNull();
      expect(listener.tick(o.time + 0.05)).toBeNull();
    }
    expect(listener.listening).toBe(true);
  });

  it('finishes the open phrase when an onset arrives after the gap without a tick', () => {
    const listener = new PhraseListener();
    for (const o of play(bars(ROCK_BAR, 1), 120, 0, 'drum')) listener.push(o);
    const phrase = listener.push({ time: 10, note: 0, velocity: 100, source: 'drum' });
    expect(phrase?.onsets).toHaveLength(ROCK_BAR.length);
    expect(listener.listening).toBe(true);
  });

  it('drops a stray single hit', () => {
    const listener = new PhraseListener();
    listener.push({ time: 1, note: 0, velocity: 100, source: 'drum' });
    expect(listener.tick(20)).toBeNull();
    expect(listener.listening).toBe(false);
  });

  it('cuts a phrase that never pauses at maxPhraseSeconds', () => {
    const listener = new PhraseListener({ maxPhraseSeconds: 5 });
    const onsets = play(bars(ROCK_BAR, 8), 120, 0, 'drum'); // 16 s without a gap
    const phrases = onsets.map((o) => listener.push(o) ?? listener.tick(o.time)).filter((p) => p !== null);
    expect(phrases.length).toBeGreaterThan(0);
  });
});

describe('tempo', () => {
  it('estimates a played 4/4 pattern within 2 % with ±10 ms jitter', () => {
    for (const bpm of [72, 90, 100, 118, 135, 160]) {
      for (const seed of [1, 2, 3]) {
        const phrase = listen(play(bars(FUNK_BAR, 2), bpm, 1000 + seed, 'drum', 0.01, seed));
        expect(phrase.tempoSource).toBe('estimated');
        expect(Math.abs(phrase.bpm / bpm - 1), `${bpm} BPM seed ${seed}: got ${phrase.bpm}`).toBeLessThan(0.02);
      }
    }
    for (const bpm of [84, 100, 120]) {
      const phrase = listen(play(bars(ROCK_BAR, 2), bpm, 3, 'drum', 0.01));
      expect(Math.abs(phrase.bpm / bpm - 1), `rock at ${bpm}: got ${phrase.bpm}`).toBeLessThan(0.02);
    }
  });

  it('needs at least four distinct onsets to estimate', () => {
    expect(estimateTempo([0, 0.5, 1], SEARCH)).toBeNull();
    expect(estimateTempo([0, 0.01, 0.5, 0.51, 1], SEARCH)).toBeNull(); // chords count once
  });

  it('uses the external clock when given, and its beat time for the grid phase', () => {
    const listener = new PhraseListener();
    // The phrase starts a sixteenth before a beat of the clock (a pickup).
    listener.setTempo({ bpm: 96, beatTime: 10 });
    const step = 60 / 96 / 4;
    const phrase = listen(play(bars(ROCK_BAR, 1), 96, 10 + 7 * step, 'drum', 0.005), listener);
    expect(phrase.tempoSource).toBe('external');
    expect(phrase.bpm).toBe(96);
    expect(phrase.beatPhase).toBe(3);
  });

  it('falls back to the previous phrase tempo, then to the default', () => {
    const listener = new PhraseListener({ defaultBpm: 90 });
    const first = listen(play([[0, 0, 100], [4, 0, 100]], 120, 0, 'drum'), listener);
    expect(first.tempoSource).toBe('default');
    expect(first.bpm).toBe(90);
    listen(play(bars(FUNK_BAR, 1), 130, 20, 'drum'), listener);
    const third = listen(play([[0, 0, 100], [4, 0, 100]], 130, 40, 'drum'), listener);
    expect(third.tempoSource).toBe('previous');
    expect(third.bpm).toBeCloseTo(130, 0);
  });
});

describe('quantisation', () => {
  it('puts onsets on the right 16th steps and keeps their timing error', () => {
    const listener = new PhraseListener();
    listener.setTempo({ bpm: 120, beatTime: 50 });
    const offsets = [0.004, -0.012, 0.02, -0.003, 0.011, -0.018, 0.007, 0];
    const pattern = bars(ROCK_BAR, 1);
    const onsets = play(pattern, 120, 50, 'drum').map((o, i) => ({ ...o, time: o.time + offsets[i] }));
    const phrase = listen(onsets, listener);
    expect(phrase.onsets.map((o) => o.step)).toEqual(pattern.map(([s]) => s));
    phrase.onsets.forEach((o, i) => expect(o.error).toBeCloseTo(offsets[i], 9));
    expect(phrase.gridOrigin).toBeCloseTo(50, 9);
    expect(phrase.stepDuration).toBeCloseTo(0.125, 12);
    expect(phrase.lengthSteps).toBe(16);
    expect(phrase.source).toBe('drum');
  });

  it('quantises a jittered phrase with its own estimated tempo', () => {
    const pattern = bars(FUNK_BAR, 2);
    const phrase = listen(play(pattern, 104, 7.3, 'drum', 0.01));
    expect(phrase.onsets.map((o) => o.step)).toEqual(pattern.map(([s]) => s));
    for (const o of phrase.onsets) expect(Math.abs(o.error)).toBeLessThan(0.025);
    expect(phrase.lengthSteps).toBe(32);
  });

  it('sorts onsets that arrive out of order', () => {
    const onsets = play(bars(ROCK_BAR, 1), 120, 0, 'drum');
    [onsets[2], onsets[3]] = [onsets[3], onsets[2]];
    const phrase = listen(onsets);
    expect(phrase.onsets.map((o) => o.step)).toEqual(ROCK_BAR.map(([s]) => s));
  });
});

describe('bad input', () => {
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (err) {
      if (err instanceof AxonError) return `${err.code}: ${err.message}`;
      throw err;
    }
    return 'no error';
  };

  it('rejects NaN times, bad notes and velocities with phrase_onset', () => {
    const l = new PhraseListener();
    expect(code(() => l.push({ time: NaN, note: 0, velocity: 100, source: 'drum' }))).toMatch(/^phrase_onset: .*time must be a finite number/);
    expect(code(() => l.push({ time: 1, note: 128, velocity: 100, source: 'midi' }))).toMatch(/^phrase_onset: .*note/);
    expect(code(() => l.push({ time: 1, note: 1, velocity: 0, source: 'midi' }))).toMatch(/^phrase_onset: .*velocity/);
    expect(code(() => l.tick(Infinity))).toMatch(/^phrase_onset: .*tick time/);
  });

  it('rejects bad options with phrase_option', () => {
    expect(code(() => new PhraseListener({ minGap: -1 }))).toMatch(/^phrase_option: .*minGap/);
    expect(code(() => new PhraseListener({ stepsPerBeat: 2.5 }))).toMatch(/^phrase_option: .*stepsPerBeat must be a whole number/);
    expect(code(() => new PhraseListener().setTempo({ bpm: NaN }))).toMatch(/^phrase_option: .*tempo bpm/);
  });
});
