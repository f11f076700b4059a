import { z } from 'zod';
import type { ParamSpec } from '../params/spec';
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
} from '../params/registry';
import { SCALE_NAMES } from '../scales';
import { SINENET_LIMITS } from '../sinenet-design';

// The patch file format. Numeric fields take their range from the parameter registry and are
// optional (the registry default applies), so a patch states only what differs.

export const PATCH_FORMAT = 'axon-patch';
export const PATCH_VERSION = 1;
export const MAX_NEURONS = 16;
export const MAX_SOURCES = 32;
/** Sources one learning neuron's target may mix. */
export const MAX_LEARN_TARGETS = 8;
/** Conceptors a reservoir's morph set blends at most, and conceptors it may derive. */
export const MAX_MORPH_SET = 8;
export const MAX_DERIVED = 16;
export const MAX_MAPPINGS = 64;

export const ACTIVATIONS = ['tanh', 'sigmoid', 'relu', 'sine', 'hardclip', 'comparator', 'nlc'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const OSC_SHAPES = ['sine', 'triangle', 'saw', 'pulse'] as const;
export const LFO_SHAPES = ['sine', 'triangle', 'random-walk'] as const;

/** Parameter targets a route modulates, in the normalised range of the parameter. */
export const PARAM_ROUTE_TARGETS = ['voice.pitch', 'voice.morph', 'voice.cutoff', 'voice.resonance', 'voice.level', 'voice.osc'] as const;
/** The voice parameter behind each of PARAM_ROUTE_TARGETS, same order (the synth kernel's control rows). */
export const VOICE_CONTROL_KEYS = ['pitch', 'morph', 'cutoff', 'resonance', 'level', 'osc'] as const satisfies readonly (keyof typeof VOICE_PARAMS)[];
export const voiceControlSpecs = (): ParamSpec[] => VOICE_CONTROL_KEYS.map((k) => VOICE_PARAMS[k]);
/** Audio targets a route feeds with the source signal times the amount. */
export const AUDIO_ROUTE_TARGETS = ['voice.input', 'reverb.input', 'master'] as const;
export const ROUTE_TARGETS = [...PARAM_ROUTE_TARGETS, ...AUDIO_ROUTE_TARGETS] as const;
/** A route target naming a source parameter: `sources.<id>.<param>`. */
export const SOURCE_PARAM_TARGET = /^sources\.([A-Za-z][A-Za-z0-9_-]{0,31})\.([A-Za-z]+)$/;

export const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
const Id = z.string().regex(ID_PATTERN, { message: 'must start with a letter and use only letters, digits, _ and - (at most 32)' });

function num(spec: ParamSpec) {
  const n = z.number().min(spec.min).max(spec.max);
  return spec.integer ? n.int() : n;
}

/** Optional numeric fields for every parameter of a module kind. */
function paramFields<K extends string>(params: Record<K, ParamSpec>) {
  const shape = {} as Record<K, z.ZodOptional<ReturnType<typeof num>>>;
  for (const key of Object.keys(params) as K[]) shape[key] = num(params[key]).optional();
  return shape;
}

const OscillatorSource = z.strictObject({
  id: Id,
  type: z.literal('oscillator'),
  shape: z.enum(OSC_SHAPES),
  ...paramFields(OSCILLATOR_PARAMS),
});

const SequenceSource = z.strictObject({
  id: Id,
  type: z.literal('sequence'),
  steps: z.array(num(OSCILLATOR_PARAMS.freq)).min(1).max(64),
  ...paramFields(SEQUENCE_PARAMS),
});

const ChaosSource = z.strictObject({
  id: Id,
  type: z.literal('chaos-triangle'),
  ...paramFields(CHAOS_PARAMS),
});

const InputSource = z.strictObject({
  id: Id,
  type: z.literal('input'),
  input: z.string(),
  ...paramFields(INPUT_SOURCE_PARAMS),
});

const ReverbReturnSource = z.strictObject({
  id: Id,
  type: z.literal('reverb-return'),
});

/** A model in the user's models folder or the bundled examples: a name, never a path. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const ConceptorIndex = z.number().int().min(0);
/** A conceptor computed from others when the patch loads; it takes the next index after the grains. */
export const DerivedConceptor = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('and'), a: ConceptorIndex, b: ConceptorIndex }),
  z.strictObject({ op: z.literal('or'), a: ConceptorIndex, b: ConceptorIndex }),
  z.strictObject({ op: z.literal('not'), a: ConceptorIndex }),
  z.strictObject({ op: z.literal('aperture'), a: ConceptorIndex, factor: z.number().min(0.001).max(1000) }),
]);
export const CONCEPTOR_OPS = ['and', 'or', 'not', 'aperture'] as const;

const ReservoirSource = z.strictObject({
  id: Id,
  type: z.literal('reservoir'),
  model: z.string().regex(MODEL_NAME_PATTERN, { message: 'must be a model name (letters, digits, _ and -, at most 64), not a path' }),
  /** Conceptors (grain indices, then derived ones) the morph position travels through. */
  morphSet: z.array(ConceptorIndex).min(1).max(MAX_MORPH_SET).optional(),
  derive: z.array(DerivedConceptor).max(MAX_DERIVED).optional(),
  ...paramFields(RESERVOIR_PARAMS),
});

const L = SINENET_LIMITS;
const bound = z.number().min(-L.magnitude).max(L.magnitude);
/** A sine network's design (structure, fixed while it plays); omitted fields take SINENET_DEFAULT. */
const SineNetSource = z.strictObject({
  id: Id,
  type: z.literal('sinenet'),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  length: z.number().int().min(L.length.min).max(L.length.max).optional(),
  gap: z.number().int().min(L.gap.min).max(L.gap.max).optional(),
  hidden: z.array(z.number().int().min(L.width.min).max(L.width.max)).max(L.layers.max).optional(),
  weightMin: bound.optional(),
  weightMax: bound.optional(),
  biasMin: bound.optional(),
  biasMax: bound.optional(),
  ...paramFields(SINENET_PARAMS),
});

export const SourceSchema = z.discriminatedUnion('type', [OscillatorSource, SequenceSource, ChaosSource, InputSource, ReverbReturnSource, ReservoirSource, SineNetSource]);
export const SOURCE_TYPES = ['oscillator', 'sequence', 'chaos-triangle', 'input', 'reverb-return', 'reservoir', 'sinenet'] as const;
/** Source kinds whose parameters a route may modulate (at control rate, `sources.<id>.<param>`). */
export const MODULATABLE_SOURCES = { reservoir: RESERVOIR_PARAMS, sinenet: SINENET_PARAMS } as const satisfies Partial<Record<(typeof SOURCE_TYPES)[number], Record<string, ParamSpec>>>;

const Automation = z.strictObject({
  shape: z.enum(LFO_SHAPES),
  rate: num(WEIGHT_PARAMS.lfoRate).optional(),
  depth: num(WEIGHT_PARAMS.lfoDepth).optional(),
});

const WeightSchema = z.union([
  num(WEIGHT_PARAMS.value),
  z.strictObject({ weight: num(WEIGHT_PARAMS.value), automation: Automation.optional() }),
]);

const Learn = z.strictObject({
  /** The target waveform: a mix of sources, source id -> gain. */
  target: z.record(z.string(), z.number().min(-4).max(4)),
  freeze: z.boolean().optional(),
});

export const NeuronSchema = z.strictObject({
  id: Id,
  activation: z.enum(ACTIVATIONS),
  ...paramFields(NEURON_PARAMS),
  /** source or neuron id -> weight; a neuron input is read one sample late (recurrent). */
  inputs: z.record(z.string(), WeightSchema).optional(),
  learn: Learn.optional(),
});

const RouteSchema = z.strictObject({
  from: z.string(),
  to: z.string().refine((v) => (ROUTE_TARGETS as readonly string[]).includes(v) || SOURCE_PARAM_TARGET.test(v), {
    error: (issue) => `expected ${[...ROUTE_TARGETS, 'sources.<id>.<param>'].join('|')}, got ${JSON.stringify(issue.input)}`,
  }),
  ...paramFields(ROUTE_PARAMS),
});

const NoteOut = z.strictObject({
  type: z.literal('note'),
  gate: z.string(),
  pitchFrom: z.string().optional(),
  velocityFrom: z.string().optional(),
  scale: z.enum(SCALE_NAMES).optional(),
  ...paramFields(NOTE_OUT_PARAMS),
});

const CcOut = z.strictObject({
  type: z.literal('cc'),
  from: z.string(),
  ...paramFields(CC_OUT_PARAMS),
});

const DrumOut = z.strictObject({
  gate: z.string(),
  velocityFrom: z.string().optional(),
  ...paramFields(DRUM_OUT_PARAMS),
});

/** The `from` of a mapping that plays its own LFO (declared in its `lfo` block). */
export const MAPPING_LFO = 'lfo';
/**
 * A control, signal or LFO driving one parameter: the source's full range maps onto min..max of
 * the destination (in its units, along its own scaling), through invert, curve and smoothing.
 */
export const MappingSchema = z.strictObject({
  /** A control input id (`joystick.x`, `midi.cc1`, `audio.envelope`), a neuron or source id (its output), or "lfo". */
  from: z.string().min(1).max(64),
  /** A parameter id of the patch (`neurons.a.w.b`, `voice.cutoff`, `sources.r.speed`, ...). */
  to: z.string().min(1).max(200),
  lfo: z.strictObject({ shape: z.enum(LFO_SHAPES), rate: num(MAPPING_PARAMS.rate).optional() }).optional(),
  /** In the destination's units and range (checked against it); default its full range. */
  min: z.number().optional(),
  max: z.number().optional(),
  curve: num(MAPPING_PARAMS.curve).optional(),
  smoothing: num(MAPPING_PARAMS.smoothing).optional(),
  invert: z.boolean().optional(),
});

export const PatchSchema = z.strictObject({
  format: z.literal(PATCH_FORMAT),
  version: z.literal(PATCH_VERSION),
  name: z.string().min(1).max(80),
  description: z.string().max(2000).optional(),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  sources: z.array(SourceSchema).max(MAX_SOURCES).optional(),
  neurons: z.array(NeuronSchema).min(1).max(MAX_NEURONS),
  voice: z.strictObject(paramFields(VOICE_PARAMS)).optional(),
  reverb: z.strictObject(paramFields(REVERB_PARAMS)).optional(),
  master: z.strictObject(paramFields(MASTER_PARAMS)).optional(),
  routes: z.array(RouteSchema).max(64).optional(),
  midi: z.array(z.discriminatedUnion('type', [NoteOut, CcOut])).max(32).optional(),
  drums: z.array(DrumOut).max(16).optional(),
  mappings: z.array(MappingSchema).max(MAX_MAPPINGS).optional(),
});

export type Patch = z.infer<typeof PatchSchema>;
export type PatchSource = z.infer<typeof SourceSchema>;
export type PatchNeuron = z.infer<typeof NeuronSchema>;
export type PatchWeight = z.infer<typeof WeightSchema>;
export type PatchRoute = z.infer<typeof RouteSchema>;
export type PatchMidiOut = NonNullable<Patch['midi']>[number];
export type PatchDrumOut = z.infer<typeof DrumOut>;
export type PatchMapping = z.infer<typeof MappingSchema>;
export type ParamRouteTarget = (typeof PARAM_ROUTE_TARGETS)[number];
export type RouteTarget = (typeof ROUTE_TARGETS)[number] | `sources.${string}`;
export type PatchDerivedConceptor = z.infer<typeof DerivedConceptor>;
