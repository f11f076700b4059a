import { describe, expect, it } from 'vitest';
import { NAN_NETWORK, OUT_NAN } from '../../src/shared/events';
import { layoutPatch } from '../../src/shared/patch/layout';
import { Engine, NO_EVENTS } from '../../src/worker/engine';
import { OutEventList } from '../../src/worker/outputs/out-event-sink';
import { dbToGain } from '../../src/shared/units';
import { maxAbs, patchOf, recordColumns, render, rms } from '../support/engine-harness';

const SR = 48000;

describe('output safety', () => {
  it('a ReLU in a loop with gain above one saturates at its rail instead of running away', () => {
    const patch = patchOf({
      sources: [{ id: 'o', type: 'oscillator', shape: 'sine', freq: 3 }],
      neurons: [{ id: 'boom', activation: 'relu', bias: 0.01, inputs: { boom: 2, o: 0.1 } }],
      voice: { pitch: 220, level: 0.3 },
      routes: [{ from: 'boom', to: 'master', amount: 1 }],
    });
    const r = render(patch, { seconds: 2 });
    expect(r.nanEvents).toBe(0);
    for (const x of r.audio) expect(Number.isFinite(x)).toBe(true);
    expect(maxAbs(r.audio)).toBeLessThanOrEqual(dbToGain(-0.3));
    const { columns } = recordColumns(patch, 0.5);
    const boom = columns[1];
    expect(Math.max(...boom)).toBeCloseTo(10, 6);
  });

  it('a network gone non-finite is reset, reported and ramped back in; the output stays finite and under the ceiling', () => {
    // No patch can drive the network there any more (every activation is bounded): the fault is
    // put in by hand, half a second in, on a neuron that feeds itself.
    const patch = patchOf({
      sources: [{ id: 'o', type: 'oscillator', shape: 'sine', freq: 3 }],
      neurons: [{ id: 'n', activation: 'tanh', inputs: { n: 1.5, o: 0.5 } }],
      voice: { pitch: 220, level: 0.3 },
      routes: [{ from: 'n', to: 'master', amount: 0.5 }],
    });
    const out = new OutEventList();
    const engine = new Engine({ sampleRate: SR, out });
    engine.load(layoutPatch(patch), 1);
    const audio = new Float32Array(2 * SR * 2);
    const block = new Float32Array(128 * 2);
    for (let f = 0; f < 2 * SR; f += 128) {
      if (f === 24064) {
        const net = engine.runtime?.network;
        if (!net) throw new Error('no runtime');
        net.state[0] = Number.POSITIVE_INFINITY;
      }
      engine.render(block, 128, NO_EVENTS);
      audio.set(block, f * 2);
    }
    expect(engine.nanEvents).toBeGreaterThan(0);
    for (const x of audio) expect(Number.isFinite(x)).toBe(true);
    expect(maxAbs(audio)).toBeLessThanOrEqual(dbToGain(-0.3));
    const reports = out.events.filter((e) => e[1] === OUT_NAN);
    expect(reports.length).toBeGreaterThan(0);
    expect(reports[0][2]).toBe(NAN_NETWORK);
    // It plays on after the reset.
    expect(rms(audio, SR, 2 * SR)).toBeGreaterThan(0.001);
    console.log(`[safety] forced fault: ${engine.nanEvents} recoveries, ${reports.length} reports, peak ${maxAbs(audio).toFixed(4)}`);
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
