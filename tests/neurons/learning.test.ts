import { describe, expect, it } from 'vitest';
import { decodeTelemetry, type Telemetry } from '../../src/shared/telemetry';
import { layoutPatch } from '../../src/shared/patch/layout';
import { Engine, type TelemetrySink } from '../../src/worker/engine';
import { OutEventList } from '../../src/worker/outputs/out-event-sink';
import { ArrayEventSource } from '../../src/worker/rings/array-event-source';
import type { Patch } from '../../src/shared/patch/schema';
import { encodeEvents, example, patchOf, recordColumns, rms } from '../support/engine-harness';

const SR = 48000;

/** RMS of (target mix - neuron output) over [from, to) seconds, from recorded columns. */
function learningError(patch: Patch, seconds: number, from: number, target: Record<string, number>) {
  const { columns, layout, runtime } = recordColumns(patch, seconds, { sampleRate: SR });
  const out = columns[layout.columnIds.indexOf(patch.neurons[0].id)];
  const err = new Float64Array(out.length);
  const tgt = new Float64Array(out.length);
  for (let i = 0; i < out.length; i++) {
    let t = 0;
    for (const [id, g] of Object.entries(target)) t += g * columns[layout.columnIds.indexOf(id)][i];
    tgt[i] = t;
    err[i] = t - out[i];
  }
  const a = Math.round(from * SR);
  return { error: rms(err, a), target: rms(tgt, a), out, runtime, layout };
}

const sources = [
  { id: 'sine', type: 'oscillator' as const, shape: 'sine' as const, freq: 220 },
  { id: 'tri', type: 'oscillator' as const, shape: 'triangle' as const, freq: 331 },
  { id: 'saw', type: 'oscillator' as const, shape: 'saw' as const, freq: 97 },
];

describe('learning neuron (normalised LMS)', () => {
  it('converges when the target is a mix of its inputs (linear region)', () => {
    const target = { sine: 0.5, tri: 0.3 };
    const patch = patchOf({
      sources,
      neurons: [{ id: 'n', activation: 'hardclip', learnRate: 0.01, inputs: { sine: -0.4, tri: 0.2, saw: 0.6 }, learn: { target } }],
    });
    const start = learningError(patch, 0.05, 0, target);
    const { error, target: level, runtime, layout } = learningError(patch, 3, 2.5, target);
    expect(error / level).toBeLessThan(1e-3);
    // ...by finding the mix itself.
    const W = runtime.network.W;
    expect(W[layout.columnIds.indexOf('sine')]).toBeCloseTo(0.5, 2);
    expect(W[layout.columnIds.indexOf('tri')]).toBeCloseTo(0.3, 2);
    expect(Math.abs(W[layout.columnIds.indexOf('saw')])).toBeLessThan(0.01);
    console.log(`[learning] hardclip: relative error ${(start.error / start.target).toFixed(3)} -> ${(error / level).toExponential(2)}`);
  });

  it('converges closely through tanh when the target stays in its soft range', () => {
    const target = { sine: 0.3, tri: 0.2 };
    const patch = patchOf({
      sources,
      neurons: [{ id: 'n', activation: 'tanh', learnRate: 0.01, inputs: { sine: 1, tri: -1, saw: 0.5 }, learn: { target } }],
    });
    const { error, target: level } = learningError(patch, 4, 3.5, target);
    expect(error / level).toBeLessThan(0.05);
    console.log(`[learning] tanh: relative error after 3.5 s ${(error / level).toFixed(4)}`);
  });

  it('stays bounded and audible when the target is out of reach', () => {
    const patch = patchOf({
      sources: [...sources.slice(0, 2), { id: 'goal', type: 'oscillator', shape: 'pulse', freq: 61, level: 2 }],
      neurons: [{ id: 'n', activation: 'tanh', learnRate: 1, inputs: { sine: 0.3, tri: 0.3 }, learn: { target: { goal: 1 } } }],
    });
    const { out, runtime, layout } = learningError(patch, 5, 0, { goal: 1 });
    for (const x of out) expect(Number.isFinite(x)).toBe(true);
    const row = runtime.network.W.subarray(0, layout.columns);
    for (const w of row) expect(Math.abs(w)).toBeLessThanOrEqual(4);
    expect(rms(out, 4 * SR)).toBeGreaterThan(0.05);
    expect(runtime.network.healthy).toBe(true);
  });

  it('the example learns: its error falls and is reported in telemetry', () => {
    const snapshots: Telemetry[] = [];
    const sink: TelemetrySink = { publish: (w) => snapshots.push(decodeTelemetry(w)), consumed: () => true };
    const layout = layoutPatch(example('learning-neuron'));
    const engine = new Engine({ sampleRate: SR, out: new OutEventList(), telemetry: sink });
    engine.load(layout, 5);
    const buf = new Float32Array(256);
    const events = new ArrayEventSource(new Float64Array(0));
    for (let b = 0; b < (6 * SR) / 128; b++) engine.render(buf, 128, events);
    const first = snapshots[2].learnError[0];
    const last = snapshots[snapshots.length - 1].learnError[0];
    expect(last).toBeLessThan(first * 0.5);
    expect(Number.isNaN(snapshots[0].learnError[0])).toBe(false);
    console.log(`[learning] example: telemetry error ${first.toFixed(3)} -> ${last.toFixed(3)} over 6 s`);
  });

  it('freezes, thaws and resets on events', () => {
    const patch = patchOf({
      sources,
      neurons: [{ id: 'n', activation: 'hardclip', learnRate: 0.01, inputs: { sine: -0.4, tri: 0.2 }, learn: { target: { sine: 0.5 } } }],
    });
    const layout = layoutPatch(patch);
    const engine = new Engine({ sampleRate: SR, out: new OutEventList() });
    engine.load(layout, 1);
    const events = new ArrayEventSource(
      encodeEvents(layout, [
        { frame: SR, type: 'learn', neuron: 'n', command: 'freeze' },
        { frame: 2 * SR, type: 'learn', neuron: 'n', command: 'reset' },
        { frame: 3 * SR, type: 'learn', neuron: 'n', command: 'thaw' },
      ]),
    );
    const buf = new Float32Array(256);
    const W = () => Array.from(engine.runtime?.network.W.subarray(0, 2) ?? []);
    const until = (seconds: number) => {
      while (engine.frame < seconds * SR) engine.render(buf, 128, events);
    };
    until(0.5);
    const learning = W();
    expect(learning[0]).not.toBeCloseTo(-0.4, 2);
    until(1.1);
    const frozen = W();
    until(1.9);
    expect(W()).toEqual(frozen);
    until(2.1);
    expect(W()[0]).toBe(-0.4);
    expect(W()[1]).toBe(0.2);
    until(2.9);
    expect(W()[0]).toBe(-0.4); // still frozen after the reset
    until(4);
    expect(W()[0]).toBeCloseTo(0.5, 2);
  });
});
