import { describe, expect, it } from 'vitest';
import { soak } from '../../src/main/soak/soak';
import { runAxon } from '../support/cli-runner';
import { useTempDataDir } from '../support/data-dir';

// The soak: a seeded random performance through every example scene, offline. A short one here
// (npm run bench:soak plays the hour).

const DATA = useTempDataDir('soak');

describe('axon soak', () => {
  // Seed 7 went through neuron-mixer, whose ReLU ran away and was reset 12,556 times before it saturated at a rail.
  it('plays three minutes of scenes, gestures and answered phrases: no NaN, never above the ceiling, little DC, the same figures for the same seed', () => {
    const a = soak({ minutes: 3, seed: 7 });
    console.log(`[soak] ${JSON.stringify(a)}`);
    expect(a.scenes).toBeGreaterThanOrEqual(1);
    // Five inputs about every 10 ms (every fourth block of 128).
    expect(a.events).toBeGreaterThan(3 * 60 * 90 * 5);
    // A phrase and a rest every few seconds; call-and-response answers them, on notes and on the drums.
    expect(a.calls).toBeGreaterThan(20);
    expect(a.answers).toBeGreaterThan(a.calls / 2);
    expect(a.answerNotes).toBeGreaterThan(0);
    expect(a.answerStrikes).toBeGreaterThan(0);
    expect(a.nanEvents).toBe(0);
    expect(a.nonFiniteSamples).toBe(0);
    expect(a.peakDbfs).toBeLessThanOrEqual(a.ceilingDbfs + 0.01);
    expect(a.dcMax).toBeLessThan(0.05);
    // Deterministic: the same seed gives the same sound (its figures), whatever the timing.
    const b = soak({ minutes: 3, seed: 7 });
    expect({ ...b, heapStartMb: 0, heapEndMb: 0, heapGrowthPct: 0, worstBlockMs: 0, p99BlockMs: 0, realtimeFactor: 0 }).toEqual({ ...a, heapStartMb: 0, heapEndMb: 0, heapGrowthPct: 0, worstBlockMs: 0, p99BlockMs: 0, realtimeFactor: 0 });
    // Another seed, another hour.
    expect(soak({ minutes: 0.5, seed: 8 }).events).not.toBe(soak({ minutes: 0.5, seed: 9 }).events);
  }, 120_000);

  it('prints one JSON object with --json, and refuses a bad flag', async () => {
    const r = await runAxon(DATA, 'soak', '--minutes', '0.1', '--json');
    expect(r.code).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout))).toEqual(expect.arrayContaining(['nanEvents', 'peakDbfs', 'dcMax', 'heapGrowthPct', 'worstBlockMs']));
    const bad = await runAxon(DATA, 'soak', '--minutes', 'lots');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--minutes needs a number, got "lots"');
  }, 60_000);
});
