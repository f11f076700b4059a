import type { ParamSpec } from '../params/spec';
import { clampToSpec } from '../params/spec';
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
import { CONTROL_INPUTS, controlInputIndex } from '../inputs';
import { SCALES, type ScaleName } from '../scales';
import type { Activation, Patch, PatchMapping, PatchSource, RouteTarget } from './schema';
import { LFO_SHAPES, MAPPING_LFO, OSC_SHAPES, SOURCE_PARAM_TARGET } from './schema';

// A validated patch flattened into numbered parameter slots and signal columns. Main and the
// engine worker both derive it from the same patch, so a parameter id maps to the same slot on
// both sides without asking the other thread.

export interface ParamSlot {
  readonly id: string;
  readonly spec: ParamSpec;
  readonly initial: number;
}

type Slots<T> = { readonly [K in keyof T]: number };

/** Signal columns: sources first, then neurons (neurons are read one sample late). */
export interface SourceLayout {
  readonly id: string;
  readonly column: number;
  readonly source: PatchSource;
  /** Slots of the source's own parameters, by key. */
  readonly slots: Readonly<Record<string, number>>;
  /** For `input` sources: control input index. */
  readonly inputIndex: number;
  /** For oscillators: index into OSC_SHAPES. */
  readonly shape: number;
}

export interface WeightLayout {
  readonly column: number;
  readonly slot: number;
  /** Index into LFO_SHAPES, or -1 when the weight is not automated. */
  readonly lfoShape: number;
  readonly rateSlot: number;
  readonly depthSlot: number;
}

export interface NeuronLayout {
  readonly id: string;
  readonly index: number;
  readonly column: number;
  readonly activation: Activation;
  readonly slots: Slots<typeof NEURON_PARAMS>;
  /** One per column, in column order: every connection exists (weight 0 when not in the patch). */
  readonly weights: readonly WeightLayout[];
  readonly learn: null | { readonly target: ReadonlyArray<{ column: number; gain: number }>; readonly frozen: boolean };
}

export interface RouteLayout {
  readonly column: number;
  readonly target: RouteTarget;
  readonly amountSlot: number;
  /** For a `sources.<id>.<param>` target, that parameter's slot; -1 otherwise. */
  readonly targetSlot: number;
}

export interface NoteOutLayout {
  readonly kind: 'note';
  readonly gateColumn: number;
  readonly pitchColumn: number;
  readonly velocityColumn: number;
  readonly scale: readonly number[];
  readonly slots: Slots<typeof NOTE_OUT_PARAMS>;
}
export interface CcOutLayout {
  readonly kind: 'cc';
  readonly column: number;
  readonly slots: Slots<typeof CC_OUT_PARAMS>;
}
export interface DrumOutLayout {
  readonly gateColumn: number;
  readonly velocityColumn: number;
  readonly slots: Slots<typeof DRUM_OUT_PARAMS>;
}

/** Where a mapping reads its value (the audio input's envelope and pitch are control inputs). */
export const MAPPING_INPUT = 0;
export const MAPPING_COLUMN = 1;
export const MAPPING_LFO_SOURCE = 2;
/** The range a signal column (neuron or source output) is read in: -1..1, clamped. */
export const COLUMN_RANGE = { min: -1, max: 1 } as const;

export interface MappingLayout {
  readonly kind: typeof MAPPING_INPUT | typeof MAPPING_COLUMN | typeof MAPPING_LFO_SOURCE;
  /** Control input index (MAPPING_INPUT), column (MAPPING_COLUMN), LFO_SHAPES index (LFO), else -1. */
  readonly input: number;
  readonly column: number;
  readonly lfoShape: number;
  /** The source's full range, which maps onto min..max. */
  readonly sourceMin: number;
  readonly sourceMax: number;
  readonly invert: boolean;
  readonly targetSlot: number;
  readonly minSlot: number;
  readonly maxSlot: number;
  readonly curveSlot: number;
  readonly smoothingSlot: number;
  /** The LFO's rate (LFO mappings only), else -1. */
  readonly rateSlot: number;
}

export interface PatchLayout {
  readonly patch: Patch;
  readonly sources: readonly SourceLayout[];
  readonly neurons: readonly NeuronLayout[];
  /** Number of signal columns (sources + neurons). */
  readonly columns: number;
  readonly columnIds: readonly string[];
  readonly params: readonly ParamSlot[];
  readonly slotOf: ReadonlyMap<string, number>;
  readonly voice: Slots<typeof VOICE_PARAMS>;
  readonly reverb: Slots<typeof REVERB_PARAMS>;
  readonly master: Slots<typeof MASTER_PARAMS>;
  readonly routes: readonly RouteLayout[];
  readonly midi: ReadonlyArray<NoteOutLayout | CcOutLayout>;
  readonly drums: readonly DrumOutLayout[];
  readonly mappings: readonly MappingLayout[];
}

export const weightParamId = (to: string, from: string) => `neurons.${to}.w.${from}`;

const SOURCE_PARAMS: Record<PatchSource['type'], Record<string, ParamSpec>> = {
  oscillator: OSCILLATOR_PARAMS,
  sequence: SEQUENCE_PARAMS,
  'chaos-triangle': CHAOS_PARAMS,
  input: INPUT_SOURCE_PARAMS,
  'reverb-return': {},
  reservoir: RESERVOIR_PARAMS,
  sinenet: SINENET_PARAMS,
};

/** Builds the layout of a patch that already passed validatePatch. */
export function layoutPatch(patch: Patch): PatchLayout {
  const params: ParamSlot[] = [];
  const slotOf = new Map<string, number>();
  const add = (id: string, spec: ParamSpec, value: number | undefined): number => {
    const slot = params.length;
    params.push({ id, spec, initial: clampToSpec(spec, value ?? spec.default) });
    slotOf.set(id, slot);
    return slot;
  };
  function group<T extends Record<string, ParamSpec>>(prefix: string, specs: T, values: Partial<Record<keyof T, number>> | undefined): Slots<T> {
    const slots = {} as Record<keyof T, number>;
    for (const key of Object.keys(specs) as (keyof T & string)[]) slots[key] = add(`${prefix}.${key}`, specs[key], values?.[key]);
    return slots;
  }

  const sourcesIn = patch.sources ?? [];
  const columnIds = [...sourcesIn.map((s) => s.id), ...patch.neurons.map((n) => n.id)];
  const columnOf = new Map(columnIds.map((id, i) => [id, i]));
  const col = (id: string | undefined) => (id === undefined ? -1 : (columnOf.get(id) ?? -1));

  const sources: SourceLayout[] = sourcesIn.map((source, column) => {
    const values = source as unknown as Record<string, number | undefined>;
    return {
      id: source.id,
      column,
      source,
      slots: group(`sources.${source.id}`, SOURCE_PARAMS[source.type], values),
      inputIndex: source.type === 'input' ? controlInputIndex(source.input) : -1,
      shape: source.type === 'oscillator' ? OSC_SHAPES.indexOf(source.shape) : -1,
    };
  });

  const neurons: NeuronLayout[] = patch.neurons.map((n, index) => {
    const slots = group(`neurons.${n.id}`, NEURON_PARAMS, n);
    const weights = columnIds.map((from, column): WeightLayout => {
      const w = n.inputs?.[from];
      const value = typeof w === 'number' ? w : w?.weight;
      const slot = add(weightParamId(n.id, from), WEIGHT_PARAMS.value, value);
      const auto = typeof w === 'object' ? w.automation : undefined;
      if (!auto) return { column, slot, lfoShape: -1, rateSlot: -1, depthSlot: -1 };
      return {
        column,
        slot,
        lfoShape: LFO_SHAPES.indexOf(auto.shape),
        rateSlot: add(`${weightParamId(n.id, from)}.lfoRate`, WEIGHT_PARAMS.lfoRate, auto.rate),
        depthSlot: add(`${weightParamId(n.id, from)}.lfoDepth`, WEIGHT_PARAMS.lfoDepth, auto.depth),
      };
    });
    const learn = n.learn
      ? { target: Object.entries(n.learn.target).map(([id, gain]) => ({ column: col(id), gain })), frozen: n.learn.freeze ?? false }
      : null;
    return { id: n.id, index, column: sourcesIn.length + index, activation: n.activation, slots, weights, learn };
  });

  const voice = group('voice', VOICE_PARAMS, patch.voice);
  const reverb = group('reverb', REVERB_PARAMS, patch.reverb);
  const master = group('master', MASTER_PARAMS, patch.master);
  const routes = (patch.routes ?? []).map((r, i): RouteLayout => ({
    column: col(r.from),
    target: r.to as RouteTarget,
    amountSlot: add(`routes.${i}.amount`, ROUTE_PARAMS.amount, r.amount),
    targetSlot: SOURCE_PARAM_TARGET.test(r.to) ? (slotOf.get(r.to) ?? -1) : -1,
  }));
  const midi = (patch.midi ?? []).map((m, i): NoteOutLayout | CcOutLayout =>
    m.type === 'note'
      ? {
          kind: 'note',
          gateColumn: col(m.gate),
          pitchColumn: col(m.pitchFrom),
          velocityColumn: col(m.velocityFrom),
          scale: SCALES[(m.scale ?? 'chromatic') as ScaleName],
          slots: group(`midi.${i}`, NOTE_OUT_PARAMS, m),
        }
      : { kind: 'cc', column: col(m.from), slots: group(`midi.${i}`, CC_OUT_PARAMS, m) },
  );
  const drums = (patch.drums ?? []).map((d, i): DrumOutLayout => ({
    gateColumn: col(d.gate),
    velocityColumn: col(d.velocityFrom),
    slots: group(`drums.${i}`, DRUM_OUT_PARAMS, d),
  }));

  // Last, so a mapping's own slots never shift any other parameter's slot.
  const mappings = (patch.mappings ?? []).map((m, i): MappingLayout => {
    const targetSlot = slotOf.get(m.to) ?? -1;
    const target = targetSlot >= 0 ? params[targetSlot].spec : MAPPING_PARAMS.curve;
    const source = mappingSource(m, columnOf);
    return {
      ...source,
      invert: m.invert ?? false,
      targetSlot,
      minSlot: add(`mappings.${i}.min`, target, m.min ?? target.min),
      maxSlot: add(`mappings.${i}.max`, target, m.max ?? target.max),
      curveSlot: add(`mappings.${i}.curve`, MAPPING_PARAMS.curve, m.curve),
      smoothingSlot: add(`mappings.${i}.smoothing`, MAPPING_PARAMS.smoothing, m.smoothing),
      rateSlot: m.lfo ? add(`mappings.${i}.rate`, MAPPING_PARAMS.rate, m.lfo.rate) : -1,
    };
  });

  return { patch, sources, neurons, columns: columnIds.length, columnIds, params, slotOf, voice, reverb, master, routes, midi, drums, mappings };
}

type MappingSource = Pick<MappingLayout, 'kind' | 'input' | 'column' | 'lfoShape' | 'sourceMin' | 'sourceMax'>;

/** What a validated mapping reads: "lfo" is always its own LFO, then control inputs, then columns. */
function mappingSource(m: PatchMapping, columnOf: ReadonlyMap<string, number>): MappingSource {
  if (m.from === MAPPING_LFO && m.lfo) return { kind: MAPPING_LFO_SOURCE, input: -1, column: -1, lfoShape: LFO_SHAPES.indexOf(m.lfo.shape), sourceMin: -1, sourceMax: 1 };
  const input = controlInputIndex(m.from);
  if (input >= 0) return { kind: MAPPING_INPUT, input, column: -1, lfoShape: -1, sourceMin: CONTROL_INPUTS[input].min, sourceMax: CONTROL_INPUTS[input].max };
  return { kind: MAPPING_COLUMN, input: -1, column: columnOf.get(m.from) ?? -1, lfoShape: -1, sourceMin: COLUMN_RANGE.min, sourceMax: COLUMN_RANGE.max };
}
