import { describe, expect, it } from 'vitest';
import { ClockFollower, type ClockTransport } from '../../src/main/midi/clock-follower';
import { gaussian, seeded } from './fake-time';

const period = (bpm: number) => 60_000 / (bpm * 24);

/** Clock times for a tempo plan (list of [bpm, beats]), ideal times plus jitter. */
function stream(plan: [number, number][], jitter: () => number, start = 1000): number[] {
  const times: number[] = [];
  let t = start;
  for (const [bpm, beats] of plan) {
    for (let i = 0; i < beats * 24; i++) {
      times.push(t + jitter());
      t += period(bpm);
    }
  }
  return times;
}

function feed(follower: ClockFollower, times: number[]): void {
  for (const t of times) follower.handle({ type: 'clock' }, t);
}

describe('ClockFollower tempo', () => {
  it.each([
    ['uniform ±2 ms', 24, (seed: number) => { const r = seeded(seed); return () => (r() * 2 - 1) * 2; }],
    ['gaussian σ=1 ms (±2 ms at 2σ)', 24, (seed: number) => { const g = gaussian(seeded(seed)); return () => g(); }],
    ['gaussian σ=2 ms', 48, (seed: number) => { const g = gaussian(seeded(seed)); return () => 2 * g(); }],
  ])('estimates 120 BPM within ±0.5 under %s jitter, at every clock from clock %d', (_name, from, makeJitter) => {
    for (let seed = 1; seed <= 20; seed++) {
      const follower = new ClockFollower();
      const times = stream([[120, 16]], makeJitter(seed));
      let worst = 0;
      times.forEach((t, i) => {
        follower.handle({ type: 'clock' }, t);
        if (i >= from) worst = Math.max(worst, Math.abs((follower.bpm ?? 0) - 120));
      });
      expect(worst, `seed ${seed}`).toBeLessThan(0.5);
      expect(follower.tempoResets, `seed ${seed}: no false tempo changes`).toBe(0);
    }
  });

  it('emits tempo only when it moves noticeably', () => {
    const follower = new ClockFollower();
    const tempos: number[] = [];
    follower.on('tempo', (bpm) => tempos.push(bpm));
    const r = seeded(3);
    feed(follower, stream([[120, 32]], () => (r() * 2 - 1) * 2));
    expect(tempos.length).toBeGreaterThan(0);
    expect(tempos.length).toBeLessThan(8);
    expect(tempos.at(-1)).toBeCloseTo(120, 0);
  });

  it.each([
    [120, 90],
    [90, 120],
    [120, 160],
    [128, 126],
  ])('follows a step %d -> %d BPM within 2 beats (±2 ms jitter)', (from, to) => {
    for (let seed = 1; seed <= 10; seed++) {
      const r = seeded(seed);
      const follower = new ClockFollower();
      const before = stream([[from, 8]], () => (r() * 2 - 1) * 2);
      feed(follower, before);
      expect(follower.bpm).toBeCloseTo(from, 0);
      const after = stream([[to, 8]], () => (r() * 2 - 1) * 2, 1000 + 8 * 60_000 / from);
      let settledAt = -1;
      after.forEach((t, i) => {
        follower.handle({ type: 'clock' }, t);
        const ok = Math.abs((follower.bpm ?? 0) - to) < 0.5;
        if (ok && settledAt < 0) settledAt = i;
        if (!ok) settledAt = -1;
      });
      expect(settledAt, `seed ${seed}`).toBeGreaterThanOrEqual(0);
      expect(settledAt / 24, `seed ${seed}: beats to settle`).toBeLessThanOrEqual(2);
    }
  });

  it('a big step is noticed within a few clocks and is close within a beat', () => {
    const r = seeded(11);
    const follower = new ClockFollower();
    feed(follower, stream([[120, 8]], () => (r() * 2 - 1) * 2));
    const after = stream([[90, 2]], () => (r() * 2 - 1) * 2, 1000 + 4000);
    feed(follower, after.slice(0, 6));
    expect(follower.tempoResets).toBe(1);
    feed(follower, after.slice(6, 24));
    expect(Math.abs((follower.bpm ?? 0) - 90)).toBeLessThan(1);
  });

  it('a lost clock keeps tempo and beat phase; a stall that catches up is not a tempo change', () => {
    const follower = new ClockFollower();
    const beats: number[] = [];
    follower.on('beat', (p) => beats.push(p.beats));
    follower.handle({ type: 'start' }, 999);
    const times = stream([[120, 8]], () => 0);
    // Clock 50 lost; clocks 100-103 delayed by a 15 ms stall, arriving in a burst.
    const received = times.flatMap((t, i) => (i === 50 ? [] : [i >= 100 && i <= 103 ? times[103] + 0.1 * (i - 100) : t]));
    feed(follower, received);
    expect(follower.droppedClocks).toBe(1);
    expect(follower.tempoResets).toBe(0);
    expect(Math.abs(follower.bpm! - 120)).toBeLessThan(0.5);
    expect(follower.position().tick).toBe(8 * 24 - 1);
    expect(beats).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('unlocks when the clock stops arriving and locks again on its return', () => {
    let now = 0;
    const follower = new ClockFollower({ now: () => now, timeoutMs: 300 });
    const locks: boolean[] = [];
    follower.on('lock', (l) => locks.push(l));
    const times = stream([[120, 4]], () => 0, 0);
    feed(follower, times);
    now = times.at(-1)! + 200;
    follower.poll();
    expect(follower.locked).toBe(true);
    now += 200;
    follower.poll();
    expect(follower.locked).toBe(false);
    expect(follower.bpm).toBeCloseTo(120, 3); // stale but kept
    feed(follower, stream([[100, 2]], () => 0, now + 1000));
    expect(locks).toEqual([true, false, true]);
    expect(follower.bpm).toBeCloseTo(100, 3);
  });
});

describe('ClockFollower transport and position', () => {
  it('start, stop, continue and song position follow MIDI rules', () => {
    const follower = new ClockFollower();
    const transports: ClockTransport[] = [];
    follower.on('transport', (t) => transports.push(t));
    const times = stream([[120, 12]], () => 0);
    let i = 0;
    const clocks = (n: number) => {
      for (let k = 0; k < n; k++) follower.handle({ type: 'clock' }, times[i++]);
    };
    clocks(30); // clocks while stopped: tempo only
    expect(follower.playing).toBe(false);
    expect(follower.position().tick).toBe(0);
    expect(follower.bpm).toBeCloseTo(120, 3);

    follower.handle({ type: 'start' }, times[i] - 1);
    clocks(1);
    expect(follower.position()).toEqual({ tick: 0, beats: 0, bar: 0, beatInBar: 0 });
    clocks(24 * 5); // ticks 1..120
    expect(follower.position().tick).toBe(120);
    expect(follower.position().bar).toBe(1);
    expect(follower.position().beatInBar).toBeCloseTo(1, 6);

    follower.handle({ type: 'stop' }, times[i]);
    follower.handle({ type: 'stop' }, times[i]); // repeated stop: no event
    clocks(10);
    expect(follower.position().tick).toBe(120);

    follower.handle({ type: 'continue' }, times[i]);
    clocks(1);
    expect(follower.position().tick).toBe(121);

    follower.handle({ type: 'stop' }, times[i]);
    follower.handle({ type: 'songPosition', sixteenths: 32 }, times[i]); // bar 2 (0-based), beat 0
    follower.handle({ type: 'continue' }, times[i]);
    clocks(1);
    expect(follower.position()).toMatchObject({ tick: 192, beats: 8, bar: 2, beatInBar: 0 });

    expect(transports.map((t) => `${t.cause}:${t.playing}`)).toEqual([
      'start:true',
      'stop:false',
      'continue:true',
      'stop:false',
      'continue:true',
    ]);
    expect(transports[1].position.tick).toBe(120);
  });

  it('interpolates the position between clocks, never past the next one', () => {
    const follower = new ClockFollower();
    const times = stream([[120, 2]], () => 0);
    follower.handle({ type: 'start' }, times[0] - 1);
    feed(follower, times.slice(0, 25));
    const last = times[24];
    expect(follower.position(last + period(120) / 2).beats).toBeCloseTo(1 + 0.5 / 24, 6);
    expect(follower.position(last + 10 * period(120)).beats).toBeLessThan(1 + 1 / 24);
  });

  it('ignores other messages', () => {
    const follower = new ClockFollower();
    follower.handle({ type: 'noteOn', channel: 1, note: 60, velocity: 1 }, 0);
    follower.handle({ type: 'cc', channel: 1, cc: 1, value: 1 }, 0);
    expect(follower.bpm).toBeNull();
    expect(follower.playing).toBe(false);
  });
});
