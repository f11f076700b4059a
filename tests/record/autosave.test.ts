import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/main/backend';
import { AutosaveFile } from '../../src/main/session/autosave';
import type { Notice } from '../../src/shared/api';
import { useTempDataDir } from '../support/data-dir';
import { until } from '../support/until';

// What plays is kept in autosave.json; a start after a crash plays it again. (The crash itself,
// a SIGKILL mid-recording, is in tests/cli/record-kill.solo.test.ts.)

const dataDir = useTempDataDir('autosave');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'axon-autosave-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the autosave file', () => {
  const state = { patchName: 'dual-neuron', patch: { any: 'thing' }, scene: 2, drumProfile: null };

  it('is written when what plays changes, and read back only when the app did not close cleanly', () => {
    const file = path.join(scratch, 'a', 'autosave.json');
    const a = new AutosaveFile(file);
    expect(a.readAfterCrash()).toBeNull();
    a.write(state);
    const first = readFileSync(file, 'utf8');
    a.write(state);
    expect(readFileSync(file, 'utf8')).toBe(first);
    expect(a.readAfterCrash()).toMatchObject({ ...state, closed: false });
    a.write(state, true);
    expect(a.readAfterCrash()).toBeNull();
  });

  it('moves a damaged file aside, keeping it, and says what is wrong', () => {
    const file = path.join(scratch, 'autosave.json');
    writeFileSync(file, '{"format":"axon-autosave","version":1,"closed":fal');
    const a = new AutosaveFile(file);
    expect(() => a.readAfterCrash()).toThrow(`could not be read, so nothing was restored from before the last stop; it was moved to ${path.join(scratch, 'autosave.damaged.json')}`);
    expect(existsSync(file)).toBe(false);
    expect(readFileSync(path.join(scratch, 'autosave.damaged.json'), 'utf8')).toBe('{"format":"axon-autosave","version":1,"closed":fal');
  });
});

describe('a start after a crash', () => {
  it('plays the patch with its moved values, in its scene, as the last autosave had it', async () => {
    const a = await Backend.start({ output: { kind: 'none' } });
    let leftover = '';
    try {
      await a.setSetList([
        { name: 'Opening', patch: 'neural-midi' },
        { name: 'Duo', patch: 'dual-neuron' },
      ]);
      await a.goToScene(1);
      await a.setParam('neurons.a.w.b', -1.25);
      await until('the autosave', () => existsSync(path.join(dataDir, 'autosave.json')) && readFileSync(path.join(dataDir, 'autosave.json'), 'utf8').includes('-1.25'), 8000);
      // What a crash would have left: the file as it stood while the app ran.
      leftover = readFileSync(path.join(dataDir, 'autosave.json'), 'utf8');
    } finally {
      await a.close();
    }
    expect(JSON.parse(readFileSync(path.join(dataDir, 'autosave.json'), 'utf8'))).toMatchObject({ closed: true });
    writeFileSync(path.join(dataDir, 'autosave.json'), leftover);

    const b = await Backend.start({ output: { kind: 'none' } });
    const notices: Notice[] = [];
    b.on('notice', (n) => notices.push(n));
    try {
      await b.loadPatch('neural-midi');
      await b.restoreAfterCrash();
      const state = await b.getState();
      expect(state?.patchName).toBe('dual-neuron');
      expect(state?.params.find((p) => p.id === 'neurons.a.w.b')?.value).toBe(-1.25);
      expect((await b.getSetList()).current).toBe(1);
      const said = notices.filter((n): n is Extract<Notice, { type: 'error' }> => n.type === 'error').map((n) => n.error.message);
      expect(said).toEqual([expect.stringMatching(/^Axon Stage did not close cleanly: dual-neuron plays again as it was at .+, in scene 2$/)]);
      // Once only.
      await b.restoreAfterCrash();
      expect(notices.filter((n) => n.type === 'error')).toHaveLength(1);
    } finally {
      await b.close();
    }
  }, 30_000);
});
