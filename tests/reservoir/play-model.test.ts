import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/main/backend';
import { drawDesign } from '../../src/main/sinenet/batch';
import { answer, type Notice } from '../../src/shared/api';
import { useTempDataDir } from '../support/data-dir';
import { until } from '../support/until';
import { FRAME_MODULO } from '../../src/shared/engine-memory';

// Playing a model and auditioning a sine net from the views: the backend makes a patch around
// the one source, the engine plays it, and the source's parameters take setParam.

useTempDataDir('play-model');
let backend: Backend;
const notices: Notice[] = [];

beforeAll(async () => {
  backend = await Backend.start({ seed: 1 });
  await backend.loadPatch('dual-neuron');
  backend.on('notice', (n) => notices.push(n));
}, 300_000);

afterAll(async () => {
  await backend?.close();
});

/** Waits until the engine has played `seconds` more (on a busy machine the clock sink falls behind the wall clock). */
async function played(seconds: number): Promise<void> {
  const from = backend.engine.monitorPosition();
  const frames = seconds * backend.engine.sampleRate;
  await until(`${seconds} s played`, () => (backend.engine.monitorPosition() - from + FRAME_MODULO) % FRAME_MODULO >= frames, 10_000);
}

describe('playing a model', () => {
  it("tells a model's settings and each grain's figures", async () => {
    const d = await backend.getModel('pluck');
    expect(d.info).toMatchObject({ name: 'pluck', origin: 'example', neurons: 128, kind: 'full', grains: 16 });
    expect(d.grains).toHaveLength(16);
    for (const g of d.grains) {
      expect(g.length).toBeGreaterThan(100);
      expect(g.nrmse).not.toBeNull();
      expect(g.aperture).toBeGreaterThan(0);
    }
    expect(d.hyper.spectralRadius).toBeCloseTo(1.7, 6);
    const missing = await answer(backend, 'getModel', ['nope']);
    expect(!missing.ok && missing.error.message).toMatch(/^no model "nope" in .*models or .*models; train one in the Reservoir view or pick one from the list$/);
  });

  it('plays it alone with derived conceptors and a morph set; its controls take setParam and change the sound', async () => {
    const state = await backend.playModel({ model: 'pluck', derive: [{ op: 'or', a: 0, b: 15 }], morphSet: [0, 16, 15], controls: { morph: 1, position: 0 } });
    expect(state.patchName).toBe('reservoir: pluck');
    expect(state.sources).toEqual([{ id: 'res', type: 'reservoir' }]);
    expect(state.patch.sources?.[0]).toMatchObject({ model: 'pluck', derive: [{ op: 'or', a: 0, b: 15 }], morphSet: [0, 16, 15], morph: 1, position: 0 });
    const value = (id: string) => state.params.find((p) => p.id === id)?.value;
    expect(value('sources.res.morph')).toBe(1);
    expect(value('sources.res.speed')).toBe(1);
    expect(notices.some((n) => n.type === 'patch' && n.state.patchName === 'reservoir: pluck')).toBe(true);

    await played(0.4);
    const first = await backend.captureAudio(0.3);
    expect(first.peak).toBeGreaterThan(0.05);
    await backend.setParam('sources.res.position', 1);
    expect((await backend.getState())?.params.find((p) => p.id === 'sources.res.position')?.value).toBe(1);
    await played(0.4);
    const last = await backend.captureAudio(0.3);
    // Grain 0 is the pluck's highest period (about 330 Hz), grain 15 among its lowest.
    expect(last.peak).toBeGreaterThan(0.05);
    expect(first.crossingsPerSecond / last.crossingsPerSecond).toBeGreaterThan(1.1);
  });

  it('refuses a conceptor the model does not have, naming it, and keeps playing', async () => {
    const reply = await answer(backend, 'playModel', [{ model: 'pluck', derive: [{ op: 'not', a: 40 }] }]);
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.message).toBe('reservoir: pluck is not a valid patch (1 problem)');
      expect(reply.error.details).toEqual(['sources[0].derive[0].a: conceptor 40 does not exist here (a derived conceptor may use conceptors 0..15: 16 grains)']);
    }
    const bad = await answer(backend, 'playModel', [{ model: 'pluck', controls: { radius: 3 } }]);
    expect(!bad.ok && bad.error.details).toEqual(['argument 0.controls.radius: 3 is above the maximum 1.5']);
    expect((await backend.getState())?.patch.sources?.[0]).toMatchObject({ model: 'pluck', morphSet: [0, 16, 15] });
  });
});

describe('auditioning a sine net', () => {
  it('plays the design in the engine', async () => {
    const design = drawDesign(1, 1);
    const state = await backend.playSineNet(design);
    expect(state.patchName).toBe(`sine net: ${design.seed}`);
    expect(state.patch.sources?.[0]).toMatchObject({ id: 'net', type: 'sinenet', ...design });
    await until('sound from the sine net', async () => (await backend.captureAudio(0.2)).peak > 0.05, 5000);
  });
});
