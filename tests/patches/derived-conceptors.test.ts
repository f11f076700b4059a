import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPatchAssets } from '../../src/main/patches/patch-assets';
import { exampleModelsDir } from '../../src/main/reservoir/model-library';
import type { Patch, PatchDerivedConceptor } from '../../src/shared/patch/schema';

// A patch's derived conceptors are made once per model file and derive chain: a scene loaded
// again (a set list) costs main no conceptor algebra, and a retrained model file is used fresh.

const patchWith = (derive: PatchDerivedConceptor[]): Patch =>
  ({ format: 'axon-patch', version: 1, name: 'derived', sources: [{ id: 'res', type: 'reservoir', model: 'pluck-copy', derive }], routes: [{ from: 'res', to: 'master', amount: 1 }] }) as Patch;

const derivedOf = (derive: PatchDerivedConceptor[]) => loadPatchAssets(patchWith(derive), 'derived.json').reservoirs.res.derived;

describe('derived conceptors', () => {
  const saved = process.env.AXON_DATA_DIR;
  let dir = '';
  let file = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'axon-derived-'));
    process.env.AXON_DATA_DIR = dir;
    mkdirSync(path.join(dir, 'models'));
    file = path.join(dir, 'models', 'pluck-copy.axrm');
    copyFileSync(path.join(exampleModelsDir(), 'pluck.axrm'), file);
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.AXON_DATA_DIR;
    else process.env.AXON_DATA_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('are made once per model file and chain, and again when the file changes', () => {
    const or: PatchDerivedConceptor = { op: 'or', a: 0, b: 15 };
    const first = derivedOf([or]);
    expect(first).toHaveLength(1);
    // Loaded again: the same conceptor, not made anew.
    expect(derivedOf([or])[0]).toBe(first[0]);
    // Another chain makes its own; a chain that starts the same shares its start.
    const chain = derivedOf([or, { op: 'not', a: 16 }]);
    expect(chain[0]).toBe(first[0]);
    expect(Array.from(chain[1]).slice(0, 8)).not.toEqual(Array.from(first[0]).slice(0, 8));
    expect(derivedOf([{ op: 'and', a: 0, b: 15 }])[0]).not.toBe(first[0]);
    // The file written again (a retrained model): made from it afresh, here to the same values.
    const later = new Date(Date.now() + 60_000);
    utimesSync(file, later, later);
    const fresh = derivedOf([or]);
    expect(fresh[0]).not.toBe(first[0]);
    expect(fresh[0]).toEqual(first[0]);
  });
});
