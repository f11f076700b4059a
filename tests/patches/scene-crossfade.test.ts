import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/main/backend';
import { readPatch } from '../../src/main/patches/patch-library';
import { crossfadeParams, fadeValue } from '../../src/main/patches/scene-crossfade';
import { layoutPatch } from '../../src/shared/patch/layout';
import { patchWithValues } from '../../src/shared/patch/patch-values';
import { useTempDataDir } from '../support/data-dir';
import { until } from '../support/until';

// A scene's crossfade: to a variation of the playing patch its values glide; to another patch it loads.

const dataDir = useTempDataDir('crossfade');
const duo = () => layoutPatch(readPatch('dual-neuron').patch);
/** dual-neuron with some values moved, saved as another patch. */
const variation = (moves: Record<string, number>, name = 'Duo B') => layoutPatch({ ...patchWithValues(duo(), new Map(Object.entries(moves))), name });

describe('which parameters glide', () => {
  it('a variation: the parameters whose values differ, from where they play now', () => {
    const current = duo();
    const playing = new Map([['neurons.a.w.b', -1.5]]);
    const fade = crossfadeParams(current, playing, variation({ 'neurons.a.w.b': -1.9, 'neurons.b.leak': 200 }));
    expect(fade?.map((p) => [p.id, p.from, p.to])).toEqual([
      ['neurons.a.w.b', -1.5, -1.9],
      ['neurons.b.leak', current.params[current.slotOf.get('neurons.b.leak') as number].initial, 200],
    ]);
  });

  it('another patch: none (it loads)', () => {
    expect(crossfadeParams(duo(), new Map(), layoutPatch(readPatch('neural-midi').patch))).toBeNull();
  });

  it('along each parameter\'s scale: log ones through the geometric middle, whole numbers switch half way', () => {
    const layout = duo();
    const leak = layout.params[layout.slotOf.get('neurons.b.leak') as number].spec;
    const p = { id: 'neurons.b.leak', spec: leak, from: 200, to: 20000 };
    expect(fadeValue(p, 0)).toBeCloseTo(200, 6);
    expect(fadeValue(p, 0.5)).toBeCloseTo(2000, 6);
    expect(fadeValue(p, 1)).toBe(20000);
    const note = { id: 'x', spec: { ...leak, integer: true, scaling: 'linear' as const, min: 0, max: 127 }, from: 40, to: 60 };
    expect([fadeValue(note, 0.49), fadeValue(note, 0.5)]).toEqual([40, 60]);
  });
});

describe('switching to a scene with a crossfade', () => {
  it('glides the weight over the time set, without loading, then plays the scene\'s patch', async () => {
    mkdirSync(path.join(dataDir, 'patches'), { recursive: true });
    writeFileSync(path.join(dataDir, 'patches', 'duo-b.json'), JSON.stringify(variation({ 'neurons.a.w.b': -1.9 }).patch));
    const backend = await Backend.start({ output: { kind: 'none' } });
    try {
      await backend.setSetList([
        { name: 'Duo', patch: 'dual-neuron' },
        { name: 'Duo B', patch: 'duo-b', crossfade: 1 },
        { name: 'Other', patch: 'neural-midi', crossfade: 1 },
      ]);
      await backend.goToScene(0);
      const weight = async () => (await backend.getState())?.params.find((p) => p.id === 'neurons.a.w.b')?.value;
      const start = await weight();
      const generation = backend.engine.patchGeneration;
      await backend.goToScene(1);
      await new Promise((r) => setTimeout(r, 500));
      // Half way there, along the way.
      const mid = (await weight()) as number;
      expect(Math.min(start as number, -1.9) < mid && mid < Math.max(start as number, -1.9)).toBe(true);
      await until('the crossfade to end', async () => (await backend.getState())?.patchName === 'duo-b', 3000);
      expect(await weight()).toBe(-1.9);
      expect(backend.engine.patchGeneration).toBe(generation);
      expect((await backend.getSetList()).current).toBe(1);
      // Another patch cannot glide: it loads.
      await backend.goToScene(2);
      expect((await backend.getState())?.patchName).toBe('neural-midi');
      expect(backend.engine.patchGeneration).toBe(generation + 1);
    } finally {
      await backend.close();
    }
  }, 20_000);
});
