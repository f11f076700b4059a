import { describe, expect, it } from 'vitest';
import { OUT_NAN } from '../../src/shared/events';
import { dbToGain } from '../../src/shared/units';
import { maxAbs, patchOf, render, rms } from '../support/engine-harness';

const SR = 48000;

describe('output safety', () => {
  it('a runaway loop (ReLU with self-gain 2) is reset, reported and ramped back in; the output stays finite and under the ceiling', () => {
    const patch = patchOf({
      sources: [{ id: 'o', type: 'oscillator', shape: 'sine', freq: 3 }],
      neurons: [{ id: 'boom', activation: 'relu', bias: 0.01, inputs: { boom: 2, o: 0.1 } }],
      voice: { pitch: 220, level: 0.3 },
      routes: [{ from: 'boom', to: 'master', amount: 1 }],
    });
    const r = render(patch, { seconds: 2 });
    expect(r.nanEvents).toBeGreaterThan(0);
    for (const x of r.audio) expect(Number.isFinite(x)).toBe(true);
    expect(maxAbs(r.audio)).toBeLessThanOrEqual(dbToGain(-0.3));
    // Reports are rate-limited (every recovery counts, one report per 100 ms at most).
    const reports = r.outEvents.filter((e) => e[1] === OUT_NAN);
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.length).toBeLessThanOrEqual(21);
    expect(reports[reports.length - 1][3]).toBeLessThanOrEqual(r.nanEvents);
    // The voice keeps sounding between recoveries.
    expect(rms(r.audio, SR, 2 * SR)).toBeGreaterThan(0.001);
    console.log(`[safety] runaway: ${r.nanEvents} recoveries, ${reports.length} reports, peak ${maxAbs(r.audio).toFixed(4)}`);
  });

  it('a network that blows up once recovers and plays on', () => {
    // Input gain 8 with weight 4 on itself: the hard clip holds it, so only a reset of a huge
    // input makes it fault; here the drive comes from a relu stage that explodes then is cleared.
    const patch = patchOf({
      sources: [{ id: 'x', type: 'input', input: 'joystick.x', smoothing: 0 }],
      neurons: [
        { id: 'r', activation: 'relu', inputs: { r: 1.5, x: 1 } },
        { id: 'c', activation: 'hardclip', inputs: { r: 1 } },
      ],
      routes: [{ from: 'c', to: 'master', amount: 0.5 }],
    });
    const r = render(patch, {
      seconds: 1,
      events: [
        { frame: 0, type: 'input', input: 'joystick.x', value: 0.5 },
        { frame: 4800, type: 'input', input: 'joystick.x', value: 0 },
      ],
    });
    expect(r.nanEvents).toBeGreaterThan(0);
    for (const x of r.audio) expect(Number.isFinite(x)).toBe(true);
  });

  it('the brickwall holds the ceiling on a hot patch at every ceiling setting', () => {
    for (const ceiling of [-0.3, -6, -12]) {
      const patch = patchOf({
        sources: [{ id: 'saw', type: 'oscillator', shape: 'saw', freq: 55, level: 2 }],
        neurons: [{ id: 'n', activation: 'hardclip', inputGain: 4, inputs: { saw: 1 } }],
        master: { gain: 12, ceiling },
        routes: [{ from: 'n', to: 'master', amount: 4 }],
      });
      const r = render(patch, { seconds: 1 });
      expect(maxAbs(r.audio)).toBeLessThanOrEqual(dbToGain(ceiling));
      expect(maxAbs(r.audio)).toBeGreaterThan(dbToGain(ceiling) * 0.99);
    }
  });

  it('removes DC from the output', () => {
    const patch = patchOf({
      sources: [{ id: 'o', type: 'oscillator', shape: 'sine', freq: 200, level: 0.2 }],
      neurons: [{ id: 'n', activation: 'hardclip', bias: 0.5, inputs: { o: 1 } }],
      routes: [{ from: 'n', to: 'master', amount: 1 }],
    });
    const r = render(patch, { seconds: 2 });
    let dc = 0;
    for (let i = 2 * SR; i < r.audio.length; i += 2) dc += r.audio[i];
    expect(Math.abs(dc / SR)).toBeLessThan(1e-3);
  });
});
