import { describe, expect, it } from 'vitest';
import { decodeOutEvent, type OutEvent } from '../../src/shared/events';
import { example, maxAbs, render, rms } from '../support/engine-harness';

// Panic in the engine: notes off at once, no notes or drums after it, the output ramped to
// silence and held there while the network runs on; resume ramps it back in.

const RATE = 48000;

describe('panic', () => {
  const PANIC = 2 * RATE;
  const RESUME = 4 * RATE;
  const r = render(example('neural-midi'), {
    seconds: 6,
    virtualDrums: true,
    events: [
      { frame: PANIC, type: 'panic', on: true },
      { frame: RESUME, type: 'panic', on: false },
    ],
  });
  const channel = (from: number, to: number) => r.audio.subarray(2 * from, 2 * to);
  const events = r.outEvents.map((w) => decodeOutEvent(w)).filter((e): e is OutEvent => e !== null);

  it('plays, then releases every sounding note at the panic frame and sends nothing until resumed', () => {
    const before = events.filter((e) => e.frame < PANIC);
    expect(before.some((e) => e.type === 'noteOn')).toBe(true);
    expect(before.some((e) => e.type === 'drum')).toBe(true);
    // Every note on before the panic has its note off by the panic frame.
    const sounding = new Map<string, number>();
    for (const e of events.filter((x) => x.frame <= PANIC)) {
      if (e.type === 'noteOn') sounding.set(`${e.channel}:${e.note}`, e.frame);
      if (e.type === 'noteOff') sounding.delete(`${e.channel}:${e.note}`);
    }
    expect([...sounding.keys()]).toEqual([]);
    const during = events.filter((e) => e.frame > PANIC && e.frame < RESUME);
    expect(during.filter((e) => e.type === 'noteOn' || e.type === 'drum' || e.type === 'cc')).toEqual([]);
    const after = events.filter((e) => e.frame >= RESUME);
    expect(after.some((e) => e.type === 'noteOn' || e.type === 'drum')).toBe(true);
  });

  it('ramps the output below -60 dBFS within 50 ms, to exact silence (the DC blocker tail) within 1.5 s, and holds it; resume brings the sound back', () => {
    expect(rms(channel(PANIC - RATE, PANIC))).toBeGreaterThan(0.01);
    expect(maxAbs(channel(PANIC + 0.05 * RATE, RESUME))).toBeLessThan(1e-3);
    expect(maxAbs(channel(PANIC + 1.5 * RATE, RESUME))).toBe(0);
    expect(rms(channel(RESUME + RATE, RESUME + 2 * RATE))).toBeGreaterThan(0.01);
  });
});
