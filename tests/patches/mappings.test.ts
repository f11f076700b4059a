import { describe, expect, it } from 'vitest';
import { MAPPING_PARAMS, VOICE_PARAMS } from '../../src/shared/params/registry';
import { layoutPatch, MAPPING_COLUMN, MAPPING_INPUT, MAPPING_LFO_SOURCE } from '../../src/shared/patch/layout';
import { checkPatch } from '../../src/shared/patch/validate';

// The `mappings` block of a patch: what validation says about each kind of mistake (one line per
// problem, with its JSON path), and how a valid mapping is laid out into parameter slots.

type Obj = { [key: string]: unknown };

function patch(mappings: unknown, extra: Obj = {}): Obj {
  return {
    format: 'axon-patch',
    version: 1,
    name: 'mapped',
    sources: [
      { id: 'x', type: 'input', input: 'joystick.x' },
      { id: 'osc', type: 'oscillator', shape: 'sine' },
    ],
    neurons: [
      { id: 'a', activation: 'tanh', inputs: { x: 1, osc: 0.5 } },
      { id: 'b', activation: 'tanh', inputs: { a: 0.5 } },
    ],
    mappings,
    ...extra,
  };
}

const problems = (value: Obj): string[] => {
  const r = checkPatch(value);
  return r.ok ? [] : r.problems;
};

describe('valid mappings', () => {
  it('take control inputs, neuron and source outputs and LFOs onto any parameter', () => {
    expect(
      problems(
        patch([
          { from: 'joystick.x', to: 'neurons.a.w.osc', min: -2, max: 2, curve: 2, smoothing: 50, invert: true },
          { from: 'midi.cc74', to: 'voice.cutoff', min: 200, max: 8000 },
          { from: 'b', to: 'neurons.a.bias' },
          { from: 'osc', to: 'reverb.mix' },
          { from: 'lfo', lfo: { shape: 'sine', rate: 0.5 }, to: 'sources.osc.freq', min: 100, max: 400 },
          { from: 'mouse.y', to: 'master.gain' },
        ]),
      ),
    ).toEqual([]);
  });

  it('lay out their own parameters after every other slot, min and max with the destination spec', () => {
    const plain = checkPatch(patch(undefined));
    if (!plain.ok) throw new Error(plain.problems.join('\n'));
    const without = layoutPatch(plain.patch);
    const r = checkPatch(
      patch([
        { from: 'joystick.y', to: 'voice.cutoff', min: 100 },
        { from: 'lfo', lfo: { shape: 'triangle' }, to: 'neurons.a.bias' },
        { from: 'a', to: 'neurons.b.bias', curve: 3 },
      ]),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const layout = layoutPatch(r.patch);
    // Every other parameter keeps its slot.
    without.params.forEach((p, slot) => expect(layout.params[slot].id).toBe(p.id));
    const spec = (id: string) => layout.params[layout.slotOf.get(id)!];
    expect(spec('mappings.0.min').spec).toBe(VOICE_PARAMS.cutoff);
    expect(spec('mappings.0.min').initial).toBe(100);
    expect(spec('mappings.0.max').initial).toBe(VOICE_PARAMS.cutoff.max);
    expect(spec('mappings.1.rate').spec).toBe(MAPPING_PARAMS.rate);
    expect(spec('mappings.1.rate').initial).toBe(MAPPING_PARAMS.rate.default);
    expect(layout.slotOf.has('mappings.0.rate')).toBe(false);
    expect(spec('mappings.2.curve').initial).toBe(3);
    expect(spec('mappings.2.smoothing').initial).toBe(MAPPING_PARAMS.smoothing.default);
    expect(layout.mappings.map((m) => m.kind)).toEqual([MAPPING_INPUT, MAPPING_LFO_SOURCE, MAPPING_COLUMN]);
    expect(layout.mappings.map((m) => [m.sourceMin, m.sourceMax])).toEqual([
      [-1, 1],
      [-1, 1],
      [-1, 1],
    ]);
    expect(layout.mappings[0].targetSlot).toBe(layout.slotOf.get('voice.cutoff'));
  });
});

describe('mapping mistakes, one line each', () => {
  it.each([
    [{ from: 'joystick.w', to: 'voice.cutoff' }, 'mappings[0].from: unknown source "joystick.w" (a control input such as joystick.x or midi.cc1, a neuron or source id, or "lfo")'],
    [{ from: 'audio.in', to: 'voice.cutoff' }, 'mappings[0].from: unknown source "audio.in" (a control input such as joystick.x or midi.cc1, a neuron or source id, or "lfo")'],
    [{ from: 'lfo', to: 'voice.cutoff' }, 'mappings[0].from: "lfo" needs an "lfo" block with its shape and rate, e.g. "lfo": {"shape": "sine", "rate": 0.5}'],
    [{ from: 'a', lfo: { shape: 'sine' }, to: 'voice.cutoff' }, 'mappings[0].lfo: only a mapping with "from": "lfo" has an LFO (this one reads "a")'],
    [{ from: 'lfo', lfo: { shape: 'square' }, to: 'voice.cutoff' }, 'mappings[0].lfo.shape: expected sine|triangle|random-walk, got "square"'],
    [{ from: 'lfo', lfo: { shape: 'sine', rate: 99 }, to: 'voice.cutoff' }, 'mappings[0].lfo.rate: 99 is above the maximum 50'],
    [{ from: 'a', to: 'voice.cutof' }, 'mappings[0].to: unknown parameter "voice.cutof" (for example voice.pitch, voice.morph, voice.osc, voice.cutoff, voice.resonance, voice.level)'],
    [{ from: 'a', to: 'mappings.0.curve' }, 'mappings[0].to: unknown parameter "mappings.0.curve" (a mapping cannot drive another mapping\'s settings)'],
    [{ from: 'a', to: 'voice.cutoff', min: 5 }, 'mappings[0].min: 5 is outside the range of "voice.cutoff" (20.0 Hz .. 20.00 kHz)'],
    [{ from: 'a', to: 'neurons.b.bias', max: 9 }, 'mappings[0].max: 9 is outside the range of "neurons.b.bias" (-4.00 .. 4.00)'],
    [{ from: 'a', to: 'voice.cutoff', curve: 0 }, 'mappings[0].curve: 0 is below the minimum 0.1'],
    [{ from: 'a', to: 'voice.cutoff', smoothing: -1 }, 'mappings[0].smoothing: -1 is below the minimum 0'],
    [{ from: 'a', to: 'voice.cutoff', invert: 'yes' }, 'mappings[0].invert: expected boolean, got "yes"'],
    [{ from: 'a', to: 'voice.cutoff', amount: 1 }, 'mappings[0].amount: unknown field'],
  ])('%j', (mapping, message) => {
    expect(problems(patch([mapping]))).toEqual([message]);
  });

  it('refuses a second mapping to the same destination (mappings do not sum)', () => {
    expect(
      problems(
        patch([
          { from: 'joystick.x', to: 'voice.cutoff' },
          { from: 'a', to: 'neurons.b.bias' },
          { from: 'joystick.y', to: 'voice.cutoff' },
        ]),
      ),
    ).toEqual(['mappings[2].to: "voice.cutoff" is already driven by mappings[0] (one mapping per destination)']);
  });

  it('refuses to drive what a learning neuron learns', () => {
    const learning = {
      neurons: [
        { id: 'a', activation: 'tanh', inputs: { x: 1, osc: 0.5 }, learn: { target: { osc: 1 } } },
        { id: 'b', activation: 'tanh', inputs: { a: 0.5 } },
      ],
    };
    expect(problems(patch([{ from: 'joystick.y', to: 'neurons.a.w.osc' }, { from: 'joystick.z', to: 'neurons.a.bias' }, { from: 'b', to: 'neurons.a.w.b' }], learning))).toEqual([
      'mappings[0].to: "neurons.a.w.osc" is learned by neuron "a"; a mapping cannot drive it',
      'mappings[1].to: "neurons.a.bias" is learned by neuron "a"; a mapping cannot drive it',
    ]);
  });

  it('reports source problems together with the rest of the patch', () => {
    const bad = patch([{ from: 'nope', to: 'voice.cutoff' }], { name: '' });
    expect(problems(bad)).toEqual(['name: needs at least 1 character', 'mappings[0].from: unknown source "nope" (a control input such as joystick.x or midi.cc1, a neuron or source id, or "lfo")']);
  });
});
