import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parameterDocs } from '../../src/main/docs/param-docs';
import { layoutPatch, weightParamId } from '../../src/shared/patch/layout';
import { PatchSchema } from '../../src/shared/patch/schema';
import {
  CC_OUT_PARAMS,
  CHAOS_PARAMS,
  DRUM_OUT_PARAMS,
  INPUT_SOURCE_PARAMS,
  MAPPING_PARAMS,
  MASTER_PARAMS,
  NEURON_PARAMS,
  NOTE_OUT_PARAMS,
  OSCILLATOR_PARAMS,
  PARAM_GROUPS,
  RESERVOIR_PARAMS,
  REVERB_PARAMS,
  ROUTE_PARAMS,
  SEQUENCE_PARAMS,
  SINENET_PARAMS,
  VOICE_PARAMS,
  WEIGHT_PARAMS,
} from '../../src/shared/params/registry';
import { fromNormal, toNormal, type ParamSpec } from '../../src/shared/params/spec';
import { patchOf, ROOT } from '../support/engine-harness';

// The parameter registry is the one declaration of every number a patch holds: the schema takes
// its ranges from it, the layout its defaults, and docs/parameters.md is generated from it.

type Schema = z.core.$ZodType;

/** Every number the schema accepts, by a readable path (`neurons[].bias`, `sources[oscillator].freq`). */
function numbersIn(schema: Schema, at: string, out: Map<string, z.ZodNumber>): Map<string, z.ZodNumber> {
  if (schema instanceof z.ZodNumber) {
    if (out.has(at)) throw new Error(`two numbers at ${at}`);
    out.set(at, schema);
  } else if (schema instanceof z.ZodOptional) numbersIn(schema.unwrap(), at, out);
  else if (schema instanceof z.ZodObject) {
    for (const [key, child] of Object.entries(schema.shape as Record<string, Schema>)) numbersIn(child, at ? `${at}.${key}` : key, out);
  } else if (schema instanceof z.ZodArray) numbersIn(schema.element, `${at}[]`, out);
  else if (schema instanceof z.ZodRecord) numbersIn(schema.valueType, `${at}.*`, out);
  else if (schema instanceof z.ZodDiscriminatedUnion) {
    const key = schema.def.discriminator;
    for (const option of schema.options as Schema[]) {
      if (!(option instanceof z.ZodObject)) throw new Error(`unexpected union member at ${at}`);
      const tag = (option.shape as Record<string, Schema>)[key];
      if (!(tag instanceof z.ZodLiteral)) throw new Error(`union member without a type literal at ${at}`);
      numbersIn(option, `${at.replace(/\[\]$/, '')}[${String(tag.value)}]`, out);
    }
  } else if (schema instanceof z.ZodUnion) {
    for (const option of schema.options as Schema[]) numbersIn(option, at, out);
  } else if (!(schema instanceof z.ZodString || schema instanceof z.ZodLiteral || schema instanceof z.ZodEnum || schema instanceof z.ZodBoolean)) {
    // A kind of schema this walk does not know could hide numbers: fail loudly.
    throw new Error(`unknown schema kind at ${at}: ${schema.constructor.name}`);
  }
  return out;
}

/** Where each registry group appears in the patch format. */
const PLACES: ReadonlyArray<[string, Record<string, ParamSpec>]> = [
  ['neurons[]', NEURON_PARAMS],
  ['sources[oscillator]', OSCILLATOR_PARAMS],
  ['sources[sequence]', SEQUENCE_PARAMS],
  ['sources[chaos-triangle]', CHAOS_PARAMS],
  ['sources[input]', INPUT_SOURCE_PARAMS],
  ['sources[reservoir]', RESERVOIR_PARAMS],
  ['sources[sinenet]', SINENET_PARAMS],
  ['voice', VOICE_PARAMS],
  ['reverb', REVERB_PARAMS],
  ['master', MASTER_PARAMS],
  ['routes[]', ROUTE_PARAMS],
  ['midi[note]', NOTE_OUT_PARAMS],
  ['midi[cc]', CC_OUT_PARAMS],
  ['drums[]', DRUM_OUT_PARAMS],
];

/** Registry parameters that live at other paths: weights, their automation, sequence steps. */
const SPECIAL: ReadonlyArray<[string, ParamSpec]> = [
  ['neurons[].inputs.*', WEIGHT_PARAMS.value],
  ['neurons[].inputs.*.weight', WEIGHT_PARAMS.value],
  ['neurons[].inputs.*.automation.rate', WEIGHT_PARAMS.lfoRate],
  ['neurons[].inputs.*.automation.depth', WEIGHT_PARAMS.lfoDepth],
  ['sources[sequence].steps[]', OSCILLATOR_PARAMS.freq],
  ['mappings[].curve', MAPPING_PARAMS.curve],
  ['mappings[].smoothing', MAPPING_PARAMS.smoothing],
  ['mappings[].lfo.rate', MAPPING_PARAMS.rate],
];

/** The only numbers in a patch that are not engine parameters. */
const NOT_PARAMETERS = [
  'seed',
  'neurons[].learn.target.*',
  // Conceptor indices and the aperture factor of a derived conceptor: structure computed when the patch loads.
  'sources[reservoir].morphSet[]',
  ...['and', 'or'].flatMap((op) => [`sources[reservoir].derive[${op}].a`, `sources[reservoir].derive[${op}].b`]),
  'sources[reservoir].derive[not].a',
  'sources[reservoir].derive[aperture].a',
  'sources[reservoir].derive[aperture].factor',
  // A sine network's design: its structure, fixed while it plays.
  ...['seed', 'length', 'gap', 'hidden[]', 'weightMin', 'weightMax', 'biasMin', 'biasMax'].map((k) => `sources[sinenet].${k}`),
  // A mapping's range is in its destination's units; validation checks it against that spec.
  'mappings[].min',
  'mappings[].max',
];

function expectedParamPaths(): Map<string, ParamSpec> {
  const out = new Map<string, ParamSpec>();
  for (const [place, params] of PLACES) for (const [key, spec] of Object.entries(params)) out.set(`${place}.${key}`, spec);
  for (const [at, spec] of SPECIAL) out.set(at, spec);
  return out;
}

const allSpecs = (): [string, string, ParamSpec][] =>
  Object.entries(PARAM_GROUPS).flatMap(([group, g]) => Object.entries(g.params as Record<string, ParamSpec>).map(([key, spec]): [string, string, ParamSpec] => [group, key, spec]));

describe('the schema takes every number from the registry', () => {
  const numbers = numbersIn(PatchSchema, '', new Map());
  const expected = expectedParamPaths();

  it('finds the numbers of the patch format', () => {
    // Guards the walk itself: it must see into objects, arrays, records, unions and options.
    expect(numbers.has('neurons[].bias')).toBe(true);
    expect(numbers.has('midi[note].root')).toBe(true);
    expect(numbers.has('neurons[].inputs.*.automation.rate')).toBe(true);
    expect(numbers.has('sources[sequence].steps[]')).toBe(true);
  });

  it('every number is a registry parameter (or one of the few that are not)', () => {
    expect([...numbers.keys()].sort()).toEqual([...expected.keys(), ...NOT_PARAMETERS].sort());
  });

  it('every parameter field takes range and wholeness from its spec', () => {
    for (const [at, spec] of expected) {
      const n = numbers.get(at);
      expect(n, at).toBeDefined();
      if (!n) continue;
      expect([at, n.minValue, n.maxValue]).toEqual([at, spec.min, spec.max]);
      expect([at, n.isInt]).toEqual([at, spec.integer === true]);
    }
  });

  it('every registry group has a place in the patch format', () => {
    const placed = new Set<Record<string, ParamSpec>>([...PLACES.map(([, params]) => params), WEIGHT_PARAMS, MAPPING_PARAMS]);
    for (const [name, group] of Object.entries(PARAM_GROUPS)) expect(placed.has(group.params), name).toBe(true);
    // And every parameter of the weight and mapping groups is reachable.
    for (const spec of [...Object.values(WEIGHT_PARAMS), ...Object.values(MAPPING_PARAMS)]) expect(SPECIAL.some(([, s]) => s === spec)).toBe(true);
  });
});

describe('every spec is sane', () => {
  it.each(allSpecs())('%s.%s', (_group, key, s) => {
    expect(key).toMatch(/^[a-z][A-Za-z0-9]*$/);
    expect(s.label.trim()).not.toBe('');
    expect(s.description.trim()).not.toBe('');
    for (const v of [s.min, s.max, s.default, s.smoothing]) expect(Number.isFinite(v)).toBe(true);
    expect(s.min).toBeLessThan(s.max);
    expect(s.default).toBeGreaterThanOrEqual(s.min);
    expect(s.default).toBeLessThanOrEqual(s.max);
    expect(s.smoothing).toBeGreaterThanOrEqual(0);
    expect(['linear', 'log']).toContain(s.scaling);
    if (s.scaling === 'log') expect(s.min).toBeGreaterThan(0);
    if (s.integer) {
      expect(Number.isInteger(s.min)).toBe(true);
      expect(Number.isInteger(s.max)).toBe(true);
      expect(Number.isInteger(s.default)).toBe(true);
      expect(s.smoothing).toBe(0);
    }
    // A control's normalised position maps back to the same value.
    expect(fromNormal(s, toNormal(s, s.default))).toBeCloseTo(s.default, 9);
    expect(fromNormal(s, 0)).toBeCloseTo(s.min, 9);
    expect(fromNormal(s, 1)).toBeCloseTo(s.max, 9);
    expect(Object.isFrozen(s)).toBe(true);
  });
});

describe('the layout fills every omitted parameter with its default', () => {
  // Every module kind, with no numbers given.
  const patch = patchOf({
    sources: [
      { id: 'osc', type: 'oscillator', shape: 'saw' },
      { id: 'seq', type: 'sequence', steps: [110, 220] },
      { id: 'ch', type: 'chaos-triangle' },
      { id: 'in', type: 'input', input: 'joystick.x' },
      { id: 'rv', type: 'reverb-return' },
    ],
    neurons: [
      { id: 'a', activation: 'tanh', inputs: { osc: 1, seq: { weight: 0.5, automation: { shape: 'sine' } } } },
      { id: 'b', activation: 'comparator' },
    ],
    routes: [{ from: 'a', to: 'voice.cutoff' }],
    midi: [
      { type: 'note', gate: 'b' },
      { type: 'cc', from: 'a' },
    ],
    drums: [{ gate: 'b' }],
  });
  const layout = layoutPatch(patch);

  function expectedIds(): Map<string, ParamSpec> {
    const out = new Map<string, ParamSpec>();
    const group = (prefix: string, params: Record<string, ParamSpec>) => {
      for (const [key, spec] of Object.entries(params)) out.set(`${prefix}.${key}`, spec);
    };
    group('sources.osc', OSCILLATOR_PARAMS);
    group('sources.seq', SEQUENCE_PARAMS);
    group('sources.ch', CHAOS_PARAMS);
    group('sources.in', INPUT_SOURCE_PARAMS);
    for (const n of ['a', 'b']) {
      group(`neurons.${n}`, NEURON_PARAMS);
      for (const from of ['osc', 'seq', 'ch', 'in', 'rv', 'a', 'b']) out.set(weightParamId(n, from), WEIGHT_PARAMS.value);
    }
    out.set(`${weightParamId('a', 'seq')}.lfoRate`, WEIGHT_PARAMS.lfoRate);
    out.set(`${weightParamId('a', 'seq')}.lfoDepth`, WEIGHT_PARAMS.lfoDepth);
    group('voice', VOICE_PARAMS);
    group('reverb', REVERB_PARAMS);
    group('master', MASTER_PARAMS);
    group('routes.0', ROUTE_PARAMS);
    group('midi.0', NOTE_OUT_PARAMS);
    group('midi.1', CC_OUT_PARAMS);
    group('drums.0', DRUM_OUT_PARAMS);
    return out;
  }

  it('gives every parameter id exactly one slot', () => {
    const expected = expectedIds();
    expect(layout.params.map((p) => p.id).sort()).toEqual([...expected.keys()].sort());
    layout.params.forEach((p, slot) => expect(layout.slotOf.get(p.id)).toBe(slot));
  });

  it('starts each slot at its spec default, with the spec itself', () => {
    const given = new Map([
      [weightParamId('a', 'osc'), 1],
      [weightParamId('a', 'seq'), 0.5],
    ]);
    for (const [id, spec] of expectedIds()) {
      const slot = layout.slotOf.get(id);
      expect(slot, id).toBeDefined();
      if (slot === undefined) continue;
      expect(layout.params[slot].spec, id).toBe(spec);
      expect([id, layout.params[slot].initial]).toEqual([id, given.get(id) ?? spec.default]);
    }
  });

  it('takes the patch value where one is given', () => {
    const custom = layoutPatch(
      patchOf({
        sources: [{ id: 'o', type: 'oscillator', shape: 'sine', freq: 440 }],
        neurons: [{ id: 'n', activation: 'nlc', bias: -0.5, sense: 2 }],
        voice: { cutoff: 500 },
        midi: [{ type: 'note', gate: 'n', channel: 10 }],
      }),
    );
    const initial = (id: string) => custom.params[custom.slotOf.get(id) ?? -1]?.initial;
    expect(initial('sources.o.freq')).toBe(440);
    expect(initial('neurons.n.bias')).toBe(-0.5);
    expect(initial('neurons.n.sense')).toBe(2);
    expect(initial('voice.cutoff')).toBe(500);
    expect(initial('midi.0.channel')).toBe(10);
    expect(initial('voice.pitch')).toBe(VOICE_PARAMS.pitch.default);
  });
});

describe('docs/parameters.md', () => {
  const file = path.join(ROOT, 'docs', 'parameters.md');

  it('equals parameterDocs() (regenerate with: node bin/axon.cjs docs --out docs/parameters.md)', () => {
    expect(readFileSync(file, 'utf8')).toBe(parameterDocs());
  });

  it('documents every parameter with its range and default', () => {
    const text = parameterDocs();
    const section = (title: string) => text.split('\n## ').find((sec) => sec.startsWith(`${title}\n`)) ?? '';
    for (const [group, key, s] of allSpecs()) {
      const title = PARAM_GROUPS[group as keyof typeof PARAM_GROUPS].title;
      expect(section(title), title).not.toBe('');
      const row = section(title).split('\n').find((l) => l.startsWith(`| \`${key}\` | ${s.label} |`));
      expect(row, `${group}.${key}`).toBeDefined();
      expect(row).toContain(` ${String(Number(s.min.toPrecision(6)))} .. ${String(Number(s.max.toPrecision(6)))} | ${String(Number(s.default.toPrecision(6)))} |`);
    }
  });
});
