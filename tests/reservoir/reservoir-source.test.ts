import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPatchAssets } from '../../src/main/patches/patch-assets';
import { loadModel } from '../../src/main/reservoir/model-file';
import { AxonError } from '../../src/shared/errors';
import { layoutPatch } from '../../src/shared/patch/layout';
import { checkPatch } from '../../src/shared/patch/validate';
import { fromNormal, toNormal } from '../../src/shared/params/spec';
import { RESERVOIR_PARAMS } from '../../src/shared/params/registry';
import { ControlModulation } from '../../src/worker/params/control-modulation';
import { ParamBank } from '../../src/worker/params/param-bank';
import { useTempDataDir } from '../support/data-dir';
import { example, patchOf, render, ROOT, rms } from '../support/engine-harness';

// The reservoir as a patch source: the bundled "pluck" model (scripts/build-example-models.cjs
// trains it before the tests), played by the engine, modulated by routes, with derived conceptors.

const DATA = useTempDataDir('reservoir');

const MODEL = path.join(ROOT, 'examples', 'models', 'pluck.axrm');

/** A patch with one reservoir source straight to the master, the voice silent. */
function reservoirPatch(source: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return patchOf({
    sources: [{ id: 'res', type: 'reservoir', model: 'pluck', ...source } as never],
    neurons: [{ id: 'n', activation: 'tanh' }],
    voice: { level: 0 },
    reverb: { mix: 0 },
    routes: [{ from: 'res', to: 'master', amount: 1 }],
    ...extra,
  });
}

const left = (audio: Float32Array) => audio.filter((_, i) => i % 2 === 0);
/** Upward zero crossings per second. */
function pitch(x: Float32Array, rate: number): number {
  let n = 0;
  for (let i = 1; i < x.length; i++) if (x[i - 1] < 0 && x[i] >= 0) n++;
  return (n * rate) / x.length;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof AxonError) return [err.message, ...err.details];
    throw err;
  }
  return [];
}

describe('reservoir source', () => {
  it('the example patch sustains a pitched tone in the range of its grains, finite and below full scale', () => {
    const { audio, nanEvents } = render(example('reservoir-pluck'), { seconds: 3 });
    const x = left(audio).subarray(24000);
    expect(nanEvents).toBe(0);
    expect(x.every((v) => Number.isFinite(v) && Math.abs(v) <= 1)).toBe(true);
    expect(rms(x)).toBeGreaterThan(0.05);
    // Grains run from 322 Hz down to 255 Hz; morphs stay near them.
    const f = pitch(x, 48000);
    expect(f).toBeGreaterThan(200);
    expect(f).toBeLessThan(360);
  });

  it('holding one grain recalls its pitch', () => {
    const model = loadModel(MODEL);
    for (const g of [0, model.grains.length - 1]) {
      // morph 1 on a one-conceptor morph set holds that grain whatever the speed.
      const x = left(render(reservoirPatch({ morphSet: [g], morph: 1, speed: 0 }), { seconds: 1 }).audio).subarray(12000);
      const expected = 48000 / model.grains[g].length;
      expect(Math.abs(pitch(x, 48000) - expected) / expected, `grain ${g}`).toBeLessThan(0.05);
    }
  });

  it('renders the same whatever the block size, and again for the same seed', () => {
    const patch = example('reservoir-pluck');
    const a = render(patch, { seconds: 0.5, blockSize: 64 }).audio;
    const b = render(patch, { seconds: 0.5, blockSize: 512 }).audio;
    expect(b).toEqual(a);
    expect(render(patch, { seconds: 0.5, blockSize: 64 }).audio).toEqual(a);
  });

  it('with morph at 1 the sequence no longer matters: every speed sounds the same', () => {
    const slow = render(reservoirPatch({ morphSet: [3, 9], morph: 1, position: 0.4, speed: 0 }), { seconds: 0.5 }).audio;
    const fast = render(reservoirPatch({ morphSet: [3, 9], morph: 1, position: 0.4, speed: 3 }), { seconds: 0.5 }).audio;
    expect(fast).toEqual(slow);
    const other = render(reservoirPatch({ morphSet: [3, 9], morph: 1, position: 0.9, speed: 0 }), { seconds: 0.5 }).audio;
    expect(other).not.toEqual(slow);
  });

  it('a route from a neuron or input moves a reservoir parameter, at control rate, in its normalised range', () => {
    const patch = reservoirPatch(
      { speed: 0.5 },
      {
        sources: [
          { id: 'x', type: 'input', input: 'joystick.x', smoothing: 0 },
          { id: 'res', type: 'reservoir', model: 'pluck', speed: 0.5 },
        ],
        routes: [
          { from: 'res', to: 'master', amount: 1 },
          { from: 'x', to: 'sources.res.speed', amount: 0.25 },
          { from: 'x', to: 'sources.res.leak', amount: -2 },
        ],
      },
    );
    const layout = layoutPatch(patch);
    const bank = new ParamBank(layout.params, 48000);
    const mod = new ControlModulation(layout, bank);
    const cols = layout.columnIds.map(() => new Float64Array(32));
    const speed = layout.slotOf.get('sources.res.speed') ?? -1;
    const leak = layout.slotOf.get('sources.res.leak') ?? -1;
    cols[0].fill(0.6);
    mod.update(cols, 0, bank);
    expect(mod.value(bank, speed)).toBe(0.5);
    mod.update(cols, 32, bank);
    expect(mod.value(bank, speed)).toBeCloseTo(fromNormal(RESERVOIR_PARAMS.speed, toNormal(RESERVOIR_PARAMS.speed, 0.5) + 0.25 * 0.6), 12);
    // Pushed below its range, a parameter stops at the bottom.
    expect(mod.value(bank, leak)).toBe(RESERVOIR_PARAMS.leak.min);
    // A non-finite signal leaves the parameter where the bank has it.
    cols[0][31] = NaN;
    mod.update(cols, 32, bank);
    expect(mod.value(bank, speed)).toBe(0.5);
    const still = render(patch, { seconds: 0.5 }).audio;
    const pushed = render(patch, { seconds: 0.5, events: [{ frame: 0, type: 'input', input: 'joystick.x', value: 1 }] }).audio;
    expect(pushed).not.toEqual(still);
    expect(pushed.every(Number.isFinite)).toBe(true);
  });

  it('derived conceptors follow the algebra: NOT is I - C, aperture 1 keeps C, OR is NOT(AND(NOT, NOT))', () => {
    const model = loadModel(MODEL);
    const n = model.hyper.neurons;
    const { reservoirs } = loadPatchAssets(
      reservoirPatch({
        derive: [
          { op: 'not', a: 2 },
          { op: 'aperture', a: 2, factor: 1 },
          { op: 'not', a: 0 },
          { op: 'not', a: 15 },
          { op: 'and', a: 18, b: 19 },
          { op: 'not', a: 20 },
          { op: 'or', a: 0, b: 15 },
        ],
        morphSet: [16, 22],
      }),
      'test',
    );
    const d = reservoirs.res.derived;
    expect(d).toHaveLength(7);
    const c = model.conceptors.subarray(2 * n * n, 3 * n * n);
    const maxDiff = (a: ArrayLike<number>, b: (i: number) => number) => {
      let m = 0;
      for (let i = 0; i < n * n; i++) m = Math.max(m, Math.abs(a[i] - b(i)));
      return m;
    };
    expect(maxDiff(d[0], (i) => (i % (n + 1) === 0 ? 1 : 0) - c[i])).toBeLessThan(1e-6);
    expect(maxDiff(d[1], (i) => c[i])).toBeLessThan(1e-4);
    expect(maxDiff(d[5], (i) => d[6][i])).toBeLessThan(1e-4);
    const { audio } = render(reservoirPatch({ derive: [{ op: 'or', a: 0, b: 15 }], morphSet: [16], morph: 1 }), { seconds: 0.5 });
    expect(audio.every(Number.isFinite)).toBe(true);
    expect(rms(audio)).toBeGreaterThan(0.01);
  });

  it('a missing model, an index the model lacks and a forward reference are each named with their place', () => {
    const problems = problemsOf(() =>
      loadPatchAssets(
        patchOf({
          sources: [
            { id: 'a', type: 'reservoir', model: 'nowhere' },
            { id: 'b', type: 'reservoir', model: 'pluck', morphSet: [0, 17], derive: [{ op: 'and', a: 0, b: 16 }] },
          ] as never,
          neurons: [{ id: 'n', activation: 'tanh' }],
        }),
        'my.json',
      ),
    );
    expect(problems[0]).toBe('my.json is not a valid patch (3 problems)');
    expect(problems[1]).toMatch(/^sources\[0\]\.model: no model "nowhere" in .*models or .*examples\/models$/);
    expect(problems[2]).toBe('sources[1].derive[0].b: conceptor 16 does not exist here (a derived conceptor may use conceptors 0..15: 16 grains)');
    expect(problems[3]).toBe('sources[1].morphSet[1]: conceptor 17 does not exist (conceptors 0..16: 16 grains and 1 derived)');
  });

  it('a user model shadows the bundled one, and a damaged one is reported, not played', () => {
    mkdirSync(path.join(DATA, 'models'), { recursive: true });
    const mine = path.join(DATA, 'models', 'pluck.axrm');
    copyFileSync(MODEL, mine);
    expect(() => loadPatchAssets(reservoirPatch(), 'p')).not.toThrow();
    writeFileSync(mine, 'not a model at all');
    expect(problemsOf(() => loadPatchAssets(reservoirPatch(), 'p'))[1]).toBe(`sources[0].model: ${mine} is not an Axon Stage reservoir model`);
    rmSync(mine);
  });

  it('model names are names, never paths', () => {
    const check = checkPatch({ format: 'axon-patch', version: 1, name: 't', sources: [{ id: 'r', type: 'reservoir', model: '../../etc/passwd' }], neurons: [{ id: 'n', activation: 'tanh' }] });
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problems[0]).toMatch(/^sources\[0\]\.model: "\.\.\/\.\.\/etc\/passwd" must be a model name .*not a path$/);
  });

  it('routes to source parameters are checked: the source, its kind and the parameter', () => {
    const check = checkPatch({
      format: 'axon-patch',
      version: 1,
      name: 't',
      sources: [
        { id: 'osc', type: 'oscillator', shape: 'sine' },
        { id: 'res', type: 'reservoir', model: 'pluck' },
      ],
      neurons: [{ id: 'n', activation: 'tanh' }],
      routes: [
        { from: 'n', to: 'sources.ghost.speed' },
        { from: 'n', to: 'sources.osc.freq' },
        { from: 'n', to: 'sources.res.pitch' },
        { from: 'n', to: 'sources.res.morph' },
        { from: 'n', to: 'nowhere' },
      ],
    });
    expect(check.ok).toBe(false);
    if (!check.ok)
      expect(check.problems).toEqual([
        expect.stringMatching(/^routes\[4\]\.to: expected voice\.pitch\|.*\|master\|sources\.<id>\.<param>, got "nowhere"$/),
        'routes[0].to: unknown source "ghost"',
        'routes[1].to: source "osc" (type oscillator) has no parameters a route can modulate (only reservoir, sinenet sources do)',
        'routes[2].to: source "res" (type reservoir) has no parameter "pitch" (speed, leak, radius, gain, morph, position, level)',
      ]);
  });
});
