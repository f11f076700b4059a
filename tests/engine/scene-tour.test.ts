import { describe, expect, it } from 'vitest';
import { sceneTour } from '../../src/main/soak/realtime-soak';
import { SOAK_SCENES } from '../../src/main/soak/soak';

// The real-time soak's scenes come from a stream of their own: a seed names the same run
// whatever the machine's speed, so two runs of one seed can be compared.

describe('the real-time soak scene tour', () => {
  it('is the same for a seed, and another for another seed', () => {
    expect(sceneTour(18, 600)).toEqual(sceneTour(18, 600));
    expect(sceneTour(18, 600)).not.toEqual(sceneTour(1, 600));
  });

  it('starts with a scene before the run, changes every 2 to 5 minutes, and plays every scene before any again', () => {
    const tour = sceneTour(3, 3600);
    expect(tour[0].at).toBe(0);
    for (let i = 1; i < tour.length; i++) {
      const gap = tour[i].at - tour[i - 1].at;
      expect(gap).toBeGreaterThanOrEqual(120);
      expect(gap).toBeLessThan(300);
    }
    expect(tour.at(-1)?.at).toBeLessThan(3600);
    for (let deck = 0; deck + SOAK_SCENES.length <= tour.length; deck += SOAK_SCENES.length) {
      expect(tour.slice(deck, deck + SOAK_SCENES.length).map((s) => s.name).sort()).toEqual([...SOAK_SCENES].sort());
    }
  });
});
