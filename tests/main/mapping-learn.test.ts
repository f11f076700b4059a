import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/main/backend';
import { answer, type Notice } from '../../src/shared/api';
import { AxonError } from '../../src/shared/errors';
import { decodeTelemetry, type Telemetry } from '../../src/shared/telemetry';
import { useTempDataDir } from '../support/data-dir';
import { until } from '../support/until';

// Mapping "learn" through the Backend API with a real engine worker: arm a destination, move a
// control, and the mapping is in the playing patch. Learning is reported in `patch` notices
// (state.learning, state.mappings). Assertions wait on notices and telemetry, never on timing.

useTempDataDir('mapping-learn');

let backend: Backend;
const notices: Notice[] = [];
let telemetry: Telemetry | null = null;
/** The state every `patch` notice carried, oldest first. */
const states = () => notices.flatMap((n) => (n.type === 'patch' ? [n.state] : []));
const rejection = async (p: Promise<unknown>): Promise<AxonError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof AxonError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
};

/** Waits for neuron a's weight from x (row 0, column 0 of dual-neuron) to settle near `w`. */
const weightNear = (w: number) => until(`weight a<-x near ${w}`, () => telemetry !== null && Math.abs(telemetry.weights[0] - w) < 1e-3);

beforeAll(async () => {
  backend = await Backend.start();
  backend.on('notice', (n) => notices.push(n));
  backend.on('telemetry', (words) => (telemetry = decodeTelemetry(words)));
  await backend.loadPatch('dual-neuron');
});

afterAll(async () => {
  await backend?.close();
});

describe('learning a mapping', () => {
  it('binds the first control that moves past the threshold and plays it', async () => {
    await backend.setParam('voice.resonance', 0.6);
    await backend.learnMapping('neurons.a.w.x');
    expect(states().at(-1)?.learning).toBe('neurons.a.w.x');
    expect((await backend.getState())?.learning).toBe('neurons.a.w.x');

    // A small wobble (5% of the axis) does not bind; a real move does.
    await backend.setInput('joystick.y', 0.1);
    expect((await backend.getState())?.learning).toBe('neurons.a.w.x');
    await backend.setInput('joystick.y', 0.5);
    const learned = await until('the reloaded patch', () => states().find((st) => st.mappings.length > 0));
    expect(learned.mappings).toEqual([{ from: 'joystick.y', to: 'neurons.a.w.x' }]);
    expect(learned.learning).toBeNull();

    const state = await backend.getState();
    expect(state?.learning).toBeNull();
    expect(state?.mappings).toEqual([{ from: 'joystick.y', to: 'neurons.a.w.x' }]);
    expect(state?.patch.mappings).toEqual([{ from: 'joystick.y', to: 'neurons.a.w.x' }]);
    // The reload kept the live tweak.
    expect(state?.params.find((p) => p.id === 'voice.resonance')?.value).toBe(0.6);

    // The weight's full range (-4 .. 4) follows the joystick's (-1 .. 1).
    await weightNear(2);
    await backend.setInput('joystick.y', -1);
    await weightNear(-4);
  });

  it('lets the mapping win: setParam on its destination is refused by name', async () => {
    const err = await rejection(backend.setParam('neurons.a.w.x', 1));
    expect(err.code).toBe('mapping_owns_param');
    expect(err.message).toContain('mappings[0] (from joystick.y)');
  });

  it('learns from controls the live rig sends straight to the engine (a MIDI CC)', async () => {
    await backend.learnMapping('reverb.mix');
    backend.engine.send({ type: 'cc', cc: 7, value: 100 });
    const learned = await until('a CC binding', () => states().find((st) => st.mappings.some((m) => m.to === 'reverb.mix')));
    expect(learned.mappings).toEqual([
      { from: 'joystick.y', to: 'neurons.a.w.x' },
      { from: 'midi.cc7', to: 'reverb.mix' },
    ]);
  });

  it('can be cancelled, and refuses a destination that cannot take a mapping', async () => {
    await backend.learnMapping('voice.level');
    expect(states().at(-1)?.learning).toBe('voice.level');
    await backend.cancelLearn();
    expect(states().at(-1)?.learning).toBeNull();
    expect((await backend.getState())?.learning).toBeNull();
    await backend.setInput('joystick.z', 1);
    expect((await backend.getState())?.mappings).toHaveLength(2);

    const err = await rejection(backend.learnMapping('voice.nope'));
    expect(err.code).toBe('mapping_destination');
    expect(err.details[0]).toMatch(/^mappings\[\d\]\.to: unknown parameter "voice.nope"/);
  });
});

describe('setMappings', () => {
  it('refuses invalid mappings with one detail per problem and keeps the patch', async () => {
    const err = await rejection(backend.setMappings([{ from: 'joystick.q', to: 'voice.cutoff' }, { from: 'a', to: 'voice.cutoff', min: 1 }]));
    expect(err.code).toBe('mapping_invalid');
    expect(err.details).toEqual(['mappings[0].from: unknown source "joystick.q" (a control input such as joystick.x or midi.cc1, a neuron or source id, or "lfo")']);
    expect((await backend.getState())?.mappings).toHaveLength(2);
    const wire = await answer(backend, 'setMappings', [[{ from: 'a' }]]);
    expect(wire.ok).toBe(false);
    if (!wire.ok) expect(wire.error.details).toEqual(['argument 0[0].to: required (string)']);
  });

  it('replaces the mappings; with none, the destination is free again', async () => {
    const state = await backend.setMappings([{ from: 'lfo', lfo: { shape: 'sine', rate: 0.5 }, to: 'voice.morph', min: 0.5, max: 1.5, smoothing: 0 }]);
    expect(state.mappings).toEqual([{ from: 'lfo', lfo: { shape: 'sine', rate: 0.5 }, to: 'voice.morph', min: 0.5, max: 1.5, smoothing: 0 }]);
    await backend.setParam('neurons.a.w.x', 1);
    await weightNear(1);
    const none = await backend.setMappings([]);
    expect(none.mappings).toEqual([]);
    expect(none.patch.mappings).toBeUndefined();
  });
});
