import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listPatches, readPatch, saveUserPatch, userPatchesDir } from '../../src/main/patches/patch-library';
import { AxonError } from '../../src/shared/errors';
import { CONTROL_INPUTS } from '../../src/shared/inputs';
import type { ParamSpec } from '../../src/shared/params/spec';
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
  RESERVOIR_PARAMS,
  REVERB_PARAMS,
  ROUTE_PARAMS,
  SEQUENCE_PARAMS,
  SINENET_PARAMS,
  VOICE_PARAMS,
  WEIGHT_PARAMS,
} from '../../src/shared/params/registry';
import { layoutPatch } from '../../src/shared/patch/layout';
import { ACTIVATIONS, LFO_SHAPES, OSC_SHAPES, PARAM_ROUTE_TARGETS, AUDIO_ROUTE_TARGETS, type Patch } from '../../src/shared/patch/schema';
import { checkPatch, parsePatch, validatePatch } from '../../src/shared/patch/validate';
import { useTempDataDir } from '../support/data-dir';
import { ROOT } from '../support/engine-harness';

// Properties of the patch loader: generated valid patches survive JSON and the disk unchanged;
// arbitrary text, arbitrary JSON and damaged patches are either a patch whose every number is
// in its parameter's range, or an AxonError (patch_json / patch_invalid) with one line per
// problem. validation.test.ts holds the exact wording of each problem.

useTempDataDir('patch-props');
const SEED = 0x9a7c4;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: unknown };

const EXAMPLES = readdirSync(path.join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(path.join(ROOT, 'examples', f), 'utf8')) as Json);

// ---------------------------------------------------------------------------------------------
// The contract every outcome must keep.

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const SOURCE_SPECS: Record<string, Record<string, ParamSpec>> = {
  oscillator: OSCILLATOR_PARAMS,
  sequence: SEQUENCE_PARAMS,
  'chaos-triangle': CHAOS_PARAMS,
  input: INPUT_SOURCE_PARAMS,
  reservoir: RESERVOIR_PARAMS,
  sinenet: SINENET_PARAMS,
  'reverb-return': {},
};

/** Every parameter value an accepted patch states that lies outside its spec (read straight from the patch, not the clamped layout). */
function rangeViolations(patch: Patch): string[] {
  const out: string[] = [];
  const check = (where: string, values: unknown, specs: Record<string, ParamSpec>) => {
    if (!isObj(values)) return;
    for (const [key, spec] of Object.entries(specs)) {
      const v = values[key];
      if (v === undefined) continue;
      const ok = typeof v === 'number' && Number.isFinite(v) && v >= spec.min && v <= spec.max && (!spec.integer || Number.isInteger(v));
      if (!ok) out.push(`${where}.${key} = ${String(v)}`);
    }
  };
  patch.sources?.forEach((s, i) => check(`sources[${i}]`, s, SOURCE_SPECS[s.type]));
  patch.neurons.forEach((n, i) => {
    check(`neurons[${i}]`, n, NEURON_PARAMS);
    for (const [from, w] of Object.entries(n.inputs ?? {})) {
      if (typeof w === 'number') check(`neurons[${i}].inputs`, { [from]: w }, { [from]: WEIGHT_PARAMS.value });
      else {
        check(`neurons[${i}].inputs.${from}`, { weight: w.weight }, { weight: WEIGHT_PARAMS.value });
        check(`neurons[${i}].inputs.${from}.automation`, { rate: w.automation?.rate, depth: w.automation?.depth }, { rate: WEIGHT_PARAMS.lfoRate, depth: WEIGHT_PARAMS.lfoDepth });
      }
    }
  });
  check('voice', patch.voice, VOICE_PARAMS);
  check('reverb', patch.reverb, REVERB_PARAMS);
  check('master', patch.master, MASTER_PARAMS);
  patch.routes?.forEach((r, i) => check(`routes[${i}]`, r, ROUTE_PARAMS));
  patch.midi?.forEach((m, i) => check(`midi[${i}]`, m, m.type === 'note' ? NOTE_OUT_PARAMS : CC_OUT_PARAMS));
  patch.drums?.forEach((d, i) => check(`drums[${i}]`, d, DRUM_OUT_PARAMS));
  patch.mappings?.forEach((m, i) => check(`mappings[${i}]`, m, { curve: MAPPING_PARAMS.curve, smoothing: MAPPING_PARAMS.smoothing }));
  return out;
}

/**
 * Runs the loader and checks its contract: a patch with every value in range that lays out, or
 * an AxonError with the file's name, and for patch_invalid one single-line `path: problem` per
 * problem, counted in the message. Anything else thrown (a TypeError, a RangeError) fails.
 */
function expectLoaderContract(load: () => Patch, where: string): 'accepted' | 'patch_json' | 'patch_invalid' {
  let patch: Patch;
  try {
    patch = load();
  } catch (err) {
    if (!(err instanceof AxonError)) throw err;
    expect(['patch_json', 'patch_invalid']).toContain(err.code);
    expect(err.message.startsWith(`${where} is not`)).toBe(true);
    if (err.code === 'patch_json') return 'patch_json';
    const n = err.details.length;
    expect(n).toBeGreaterThan(0);
    expect(err.message).toBe(`${where} is not a valid patch (${n} problem${n === 1 ? '' : 's'})`);
    for (const line of err.details) expect(line).toMatch(/^[^\n\r\u2028\u2029]+?: [^\n\r\u2028\u2029]+$/);
    return 'patch_invalid';
  }
  expect(rangeViolations(patch)).toEqual([]);
  expect(() => layoutPatch(patch)).not.toThrow();
  return 'accepted';
}

// ---------------------------------------------------------------------------------------------
// Generated valid patches.

/** A double in [min, max] without -0 (JSON writes -0 as 0). */
const inRange = (spec: ParamSpec) =>
  spec.integer ? fc.integer({ min: spec.min, max: spec.max }) : fc.double({ min: spec.min, max: spec.max, noNaN: true }).map((v) => (v === 0 ? 0 : v));

/** Some of a module's parameters, each within its spec. */
function params<K extends string>(specs: Record<K, ParamSpec>): fc.Arbitrary<Partial<Record<K, number>>> {
  const shape = {} as Record<K, fc.Arbitrary<number>>;
  for (const key of Object.keys(specs) as K[]) shape[key] = inRange(specs[key]);
  return fc.record(shape, { requiredKeys: [] }) as fc.Arbitrary<Partial<Record<K, number>>>;
}

const controlInput = fc.constantFrom(...CONTROL_INPUTS.map((c) => c.id));
/** Any non-empty text at all: names and descriptions are free text (quotes, newlines, emoji). */
const freeText = (maxLength: number) => fc.string({ unit: 'grapheme', minLength: 1, maxLength });

const sourceArb = (id: string): fc.Arbitrary<Obj> =>
  fc.oneof(
    fc.tuple(fc.constantFrom(...OSC_SHAPES), params(OSCILLATOR_PARAMS)).map(([shape, p]) => ({ id, type: 'oscillator', shape, ...p })),
    fc.tuple(fc.array(inRange(OSCILLATOR_PARAMS.freq), { minLength: 1, maxLength: 8 }), params(SEQUENCE_PARAMS)).map(([steps, p]) => ({ id, type: 'sequence', steps, ...p })),
    params(CHAOS_PARAMS).map((p) => ({ id, type: 'chaos-triangle', ...p })),
    fc.tuple(controlInput, params(INPUT_SOURCE_PARAMS)).map(([input, p]) => ({ id, type: 'input', input, ...p })),
    fc.constant({ id, type: 'reverb-return' }),
  );

const weightArb: fc.Arbitrary<unknown> = fc.oneof(
  inRange(WEIGHT_PARAMS.value),
  fc.record(
    {
      weight: inRange(WEIGHT_PARAMS.value),
      automation: fc.record({ shape: fc.constantFrom(...LFO_SHAPES), rate: inRange(WEIGHT_PARAMS.lfoRate), depth: inRange(WEIGHT_PARAMS.lfoDepth) }, { requiredKeys: ['shape'] }),
    },
    { requiredKeys: ['weight'] },
  ),
);

/** A valid patch: ids are s0.. and n0.., every reference points at one of them. */
const validPatch: fc.Arbitrary<Obj> = fc
  .record({ sources: fc.nat({ max: 4 }), neurons: fc.integer({ min: 1, max: 4 }) })
  .chain(({ sources, neurons }) => {
    const sourceIds = Array.from({ length: sources }, (_, i) => `s${i}`);
    const neuronIds = Array.from({ length: neurons }, (_, i) => `n${i}`);
    const signal = fc.constantFrom(...sourceIds, ...neuronIds);
    const neuron = (id: string) =>
      fc
        .tuple(fc.constantFrom(...ACTIVATIONS), params(NEURON_PARAMS), fc.dictionary(signal, weightArb, { maxKeys: 4 }))
        .map(([activation, p, inputs]) => ({ id, activation, ...p, ...(Object.keys(inputs).length ? { inputs } : {}) }));
    return fc.record(
      {
        format: fc.constant('axon-patch'),
        version: fc.constant(1),
        name: freeText(80),
        description: fc.string({ unit: 'grapheme', maxLength: 120 }),
        seed: fc.integer({ min: 0, max: 0xffffffff }),
        sources: fc.tuple(...sourceIds.map(sourceArb)),
        neurons: fc.tuple(...neuronIds.map(neuron)),
        voice: params(VOICE_PARAMS),
        reverb: params(REVERB_PARAMS),
        master: params(MASTER_PARAMS),
        routes: fc.array(
          fc.tuple(signal, fc.constantFrom(...PARAM_ROUTE_TARGETS, ...AUDIO_ROUTE_TARGETS), params(ROUTE_PARAMS)).map(([from, to, p]) => ({ from, to, ...p })),
          { maxLength: 3 },
        ),
        midi: fc.array(
          fc.oneof(
            fc.tuple(signal, fc.option(signal, { nil: undefined }), params(NOTE_OUT_PARAMS)).map(([gate, pitchFrom, p]) => ({ type: 'note', gate, ...(pitchFrom ? { pitchFrom } : {}), ...p })),
            fc.tuple(signal, params(CC_OUT_PARAMS)).map(([from, p]) => ({ type: 'cc', from, ...p })),
          ),
          { maxLength: 2 },
        ),
        drums: fc.array(fc.tuple(signal, params(DRUM_OUT_PARAMS)).map(([gate, p]) => ({ gate, ...p })), { maxLength: 2 }),
        mappings: fc.array(
          fc.tuple(controlInput, fc.constantFrom(...Object.keys(VOICE_PARAMS)), params({ curve: MAPPING_PARAMS.curve, smoothing: MAPPING_PARAMS.smoothing }), fc.boolean()).map(([from, key, p, invert]) => ({
            from,
            to: `voice.${key}`,
            ...p,
            invert,
          })),
          { maxLength: 1 },
        ),
      },
      { requiredKeys: ['format', 'version', 'name', 'sources', 'neurons'] },
    );
  });

// ---------------------------------------------------------------------------------------------
// Damage: one edit somewhere in a JSON tree.

/** Every path to a value in a JSON tree (the root excluded). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = prefix.length ? [prefix] : [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (isObj(value)) for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

type Edit =
  | { kind: 'replace'; pick: number; value: Json }
  | { kind: 'delete'; pick: number }
  | { kind: 'addKey'; pick: number; key: string; value: Json }
  | { kind: 'nest'; pick: number; depth: number }
  | { kind: 'number'; pick: number; value: number }
  | { kind: 'string'; pick: number; value: string };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('addKey' as const), pick: fc.nat(), key: fc.string({ maxLength: 8 }), value: fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json> }),
  // Deeply nested arrays, as a hostile or generated file may hold (JSON.parse takes them).
  fc.record({ kind: fc.constant('nest' as const), pick: fc.nat(), depth: fc.constantFrom(10, 1000, 6000) }),
  // Numbers JSON can spell but no range holds; -0 and the edges of float64.
  fc.record({ kind: fc.constant('number' as const), pick: fc.nat(), value: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, 1e308, -1e308, 5e-324, 2 ** 53 + 2)) }),
  // Strings with the characters that break lines and quotes.
  fc.record({ kind: fc.constant('string' as const), pick: fc.nat(), value: fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('a\nb', '"', '\\', '\u2028', '', 'x'.repeat(5000))) }),
);

/** Stands for arrays nested `depth` deep until `patchText`: they are made as text, since JSON.stringify cannot write them. */
const NEST = '@@nest:';

/** The text of a damaged patch, with its deep nesting spelled out. */
const patchText = (value: Json): string => JSON.stringify(value).replace(new RegExp(`"${NEST}(\\d+)"`, 'g'), (_, d: string) => '['.repeat(Number(d)) + ']'.repeat(Number(d)));

/** `root` with one edit applied at a picked path (a copy; JSON cannot tell the difference). */
function applyEdit(root: Json, edit: Edit): Json {
  const copy = JSON.parse(JSON.stringify(root)) as Json;
  const all = paths(copy);
  if (all.length === 0) return copy;
  const at = all[edit.pick % all.length];
  let parent = copy as Record<string | number, Json>;
  for (const k of at.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
  const last = at[at.length - 1];
  switch (edit.kind) {
    case 'replace':
      parent[last] = edit.value;
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      break;
    case 'addKey': {
      const target = parent[last];
      if (isObj(target)) (target as Record<string, Json>)[edit.key] = edit.value;
      else parent[last] = { [edit.key]: edit.value };
      break;
    }
    case 'nest':
      parent[last] = `${NEST}${edit.depth}`;
      break;
    case 'number':
      parent[last] = edit.value;
      break;
    case 'string':
      parent[last] = edit.value;
      break;
  }
  return copy;
}

const basePatch: fc.Arbitrary<Json> = fc.oneof(fc.constantFrom(...EXAMPLES), validPatch as fc.Arbitrary<Json>);

// ---------------------------------------------------------------------------------------------

describe('patch loader: round trips', () => {
  it('a generated valid patch validates, and survives JSON text unchanged', () => {
    fc.assert(
      fc.property(validPatch, (raw) => {
        const result = checkPatch(raw);
        // If this fails, the generator or the validator is wrong: both are worth knowing.
        expect(result.ok ? [] : result.problems).toEqual([]);
        const patch = validatePatch(raw, 'gen.json');
        expect(patch).toEqual(raw);
        expect(parsePatch(JSON.stringify(patch), 'gen.json')).toEqual(patch);
        expect(parsePatch(JSON.stringify(patch, null, '\t'), 'gen.json')).toEqual(patch);
        expect(expectLoaderContract(() => patch, 'gen.json')).toBe('accepted');
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('a patch saved to the user folder reads back equal, by name and by path', () => {
    fc.assert(
      fc.property(validPatch, fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), (raw, name) => {
        const patch = validatePatch(raw, name);
        const file = saveUserPatch(name, patch, true);
        expect(readPatch(name, false)).toEqual({ patch, file });
        expect(readPatch(file).patch).toEqual(patch);
      }),
      { seed: SEED, numRuns: 25 },
    );
  });
});

describe('patch loader: robustness', () => {
  it('arbitrary text: a patch or patch_json / patch_invalid, never another error', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      // Valid patch text cut short or with a splice of other text: what a crash mid-write leaves.
      fc.tuple(basePatch, fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 10 })).map(([p, at, drop, insert]) => {
        const s = JSON.stringify(p, null, 2);
        const i = at % (s.length + 1);
        return s.slice(0, i) + insert + s.slice(i + drop);
      }),
    );
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(text, (t) => {
        const outcome = expectLoaderContract(() => parsePatch(t, 'fuzz.json'), 'fuzz.json');
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: 600 },
    );
    expect(outcomes.get('patch_json')).toBeGreaterThan(50);
    expect(outcomes.get('patch_invalid')).toBeGreaterThan(50);
  });

  it('arbitrary JSON values, at the root and inside a patch shell: patch_invalid with one line per problem', () => {
    const shell = fc.record(
      {
        format: fc.oneof(fc.constant('axon-patch'), fc.jsonValue({ maxDepth: 1 })),
        version: fc.oneof(fc.constant(1), fc.jsonValue({ maxDepth: 1 })),
        name: fc.jsonValue({ maxDepth: 1 }),
        sources: fc.jsonValue({ maxDepth: 3 }),
        neurons: fc.oneof(fc.array(fc.dictionary(fc.constantFrom('id', 'activation', 'inputs', 'learn', 'bias', 'x'), fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })),
        routes: fc.jsonValue({ maxDepth: 3 }),
        midi: fc.jsonValue({ maxDepth: 3 }),
        mappings: fc.jsonValue({ maxDepth: 3 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), shell), (value) => {
        expectLoaderContract(() => validatePatch(value, 'fuzz.json'), 'fuzz.json');
      }),
      { seed: SEED, numRuns: 600 },
    );
  });

  it('one edit anywhere in a valid patch (junk, a lost field, an unknown key, deep nesting, extreme numbers, odd strings)', () => {
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(basePatch, fc.array(editArb, { minLength: 1, maxLength: 3 }), (base, edits) => {
        const text = patchText(edits.reduce(applyEdit, base));
        const outcome = expectLoaderContract(() => validatePatch(JSON.parse(text), 'edit.json'), 'edit.json');
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        // Reading the same text from disk must agree with validating it in memory.
        expect(expectLoaderContract(() => parsePatch(text, 'edit.json'), 'edit.json')).toBe(outcome);
      }),
      { seed: SEED, numRuns: 250 },
    );
    expect(outcomes.get('accepted')).toBeGreaterThan(5);
    expect(outcomes.get('patch_invalid')).toBeGreaterThan(120);
  });

  it('a damaged patch file in the user folder is listed nowhere, and loading it says why', () => {
    fc.assert(
      fc.property(basePatch, editArb, (base, edit) => {
        const text = patchText(applyEdit(base, edit));
        const file = path.join(userPatchesDir(), 'damaged.json');
        writeFileSync(file, text);
        const outcome = expectLoaderContract(() => readPatch(file).patch, 'damaged.json');
        expect(listPatches().some((p) => p.name === 'damaged')).toBe(outcome === 'accepted');
      }),
      { seed: SEED, numRuns: 25 },
    );
  });
});

describe('patch loader: regressions found by the properties', () => {
  it('a value nested 5000 deep is a problem line, not a stack overflow', () => {
    const text = `{"format":"axon-patch","version":1,"name":${'['.repeat(5000)}${']'.repeat(5000)},"neurons":[{"id":"a","activation":"tanh"}]}`;
    expect(expectLoaderContract(() => parsePatch(text, 'deep.json'), 'deep.json')).toBe('patch_invalid');
    expect(expectLoaderContract(() => parsePatch('['.repeat(5000) + ']'.repeat(5000), 'deep.json'), 'deep.json')).toBe('patch_invalid');
  });

  it('a string with a line break stays on its problem line', () => {
    let caught: unknown;
    try {
      validatePatch({ format: 'axon-patch', version: 1, name: 'x', neurons: [{ id: 'a', activation: 'tan\nh' }], 'odd\nkey': 1 }, 'nl.json');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AxonError);
    const details = (caught as AxonError).details;
    expect(details).toHaveLength(2);
    for (const line of details) expect(line).not.toMatch(/[\n\r]/);
    expect(details.join(' / ')).toContain('"tan\\nh"');
  });
});
