import { describe, expect, it } from 'vitest';
import { BALLISTICS, dbToFraction, fallTo, formatDb, gainToDbfs, METER_FLOOR_DB, silentChannel, stepChannel, type ChannelMeter } from '../../src/renderer/src/lib/meter';

const run = (m: ChannelMeter, peak: number, rms: number, seconds: number, dt = 1 / 60): ChannelMeter => {
  for (let t = 0; t < seconds - 1e-9; t += dt) m = stepChannel(m, peak, rms, dt);
  return m;
};

describe('dB scaling', () => {
  it('maps gain to dBFS with a floor', () => {
    expect(gainToDbfs(1)).toBe(0);
    expect(gainToDbfs(0.5)).toBeCloseTo(-6.0206, 3);
    expect(gainToDbfs(0.001)).toBeCloseTo(-60, 9);
    expect(gainToDbfs(1e-6)).toBe(METER_FLOOR_DB);
    expect(gainToDbfs(0)).toBe(METER_FLOOR_DB);
    expect(gainToDbfs(NaN)).toBe(METER_FLOOR_DB);
    expect(gainToDbfs(-1)).toBe(METER_FLOOR_DB);
    expect(gainToDbfs(2)).toBeCloseTo(6.0206, 3);
  });

  it('places dB on a -60..0 scale', () => {
    expect(dbToFraction(-60)).toBe(0);
    expect(dbToFraction(-30)).toBe(0.5);
    expect(dbToFraction(0)).toBe(1);
    expect(dbToFraction(6)).toBe(1);
    expect(dbToFraction(-90)).toBe(0);
    expect(dbToFraction(NaN)).toBe(0);
  });

  it('formats dB at a fixed width', () => {
    for (const db of [-60, -59.99, -12.34, -0.3, 0, -0.01, 3.2, 150]) expect(formatDb(db)).toHaveLength(5);
    expect(formatDb(-12.34)).toBe('-12.3');
    expect(formatDb(-0.3)).toBe(' -0.3');
    expect(formatDb(-0.01)).toBe('  0.0');
    expect(formatDb(-60)).toBe(' -inf');
    expect(formatDb(NaN)).toBe(' -inf');
  });
});

describe('ballistics', () => {
  it('peak jumps up at once and falls at the set rate', () => {
    let m = stepChannel(silentChannel(), 1, 0.5, 1 / 60);
    expect(m.peakDb).toBe(0);
    m = run(m, 0, 0, 0.5);
    expect(m.peakDb).toBeCloseTo(-BALLISTICS.peakFallDbPerS * 0.5, 6);
    m = run(m, 0, 0, 5);
    expect(m.peakDb).toBe(METER_FLOOR_DB);
  });

  it('rms rises faster than it falls and settles on the input', () => {
    const rise = run(silentChannel(), 0.1, 0.1, 0.1);
    const target = gainToDbfs(0.1);
    const fromTop = run({ ...silentChannel(), rmsDb: 0 }, 0, 0, 0.1);
    // Fraction of the way covered in 100 ms, up versus down.
    const up = (rise.rmsDb - METER_FLOOR_DB) / (target - METER_FLOOR_DB);
    const down = (0 - fromTop.rmsDb) / (0 - METER_FLOOR_DB);
    expect(up).toBeGreaterThan(0.8);
    expect(down).toBeLessThan(0.4);
    expect(run(silentChannel(), 0.1, 0.1, 2).rmsDb).toBeCloseTo(target, 2);
  });

  it('holds the highest peak, then lets it fall to the peak bar', () => {
    let m = stepChannel(silentChannel(), 0.5, 0.1, 1 / 60);
    const held = m.holdDb;
    m = run(m, 0.01, 0.01, BALLISTICS.holdS - 0.1);
    expect(m.holdDb).toBe(held);
    m = run(m, 0.01, 0.01, 0.5);
    expect(m.holdDb).toBeLessThan(held);
    m = run(m, 0.01, 0.01, 3);
    expect(m.holdDb).toBeCloseTo(gainToDbfs(0.01), 6);
    // A new, louder peak resets the hold.
    m = stepChannel(m, 1, 0.1, 1 / 60);
    expect(m.holdDb).toBe(0);
    expect(m.holdAge).toBe(0);
  });

  it('behaves the same at 30 and 120 frames per second', () => {
    const a = run(stepChannel(silentChannel(), 1, 1, 0), 0, 0, 1, 1 / 30);
    const b = run(stepChannel(silentChannel(), 1, 1, 0), 0, 0, 1, 1 / 120);
    expect(a.peakDb).toBeCloseTo(b.peakDb, 6);
    expect(a.rmsDb).toBeCloseTo(b.rmsDb, 6);
  });

  it('ignores bad and huge time steps', () => {
    const m = stepChannel(silentChannel(), 1, 1, 0);
    expect(stepChannel(m, 0, 0, NaN).peakDb).toBe(0);
    expect(stepChannel(m, 0, 0, -1).peakDb).toBe(0);
    expect(stepChannel(m, 0, 0, 3600).peakDb).toBe(-BALLISTICS.peakFallDbPerS);
  });

  it('fallTo jumps up and falls linearly', () => {
    expect(fallTo(0, 6, 0.1, 20)).toBe(6);
    expect(fallTo(6, 0, 0.1, 20)).toBeCloseTo(4, 9);
    expect(fallTo(1, 0, 1, 20)).toBe(0);
  });
});
