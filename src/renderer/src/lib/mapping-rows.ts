import { CONTROL_INPUTS } from '../../../shared/inputs';
import { MAPPING_PARAMS } from '../../../shared/params/registry';
import type { ParamSpec } from '../../../shared/params/spec';
import { LFO_SHAPES, MAPPING_LFO, type PatchMapping } from '../../../shared/patch/schema';

// The mapping editor's rows: what a patch mapping looks like as form fields, and back. Number
// fields hold the text as typed, so a half-typed "-" or "1e" is never rewritten under the cursor.

export type LfoShape = (typeof LFO_SHAPES)[number];

/** The source select's value for "MIDI CC <n>" (the number has a field of its own). */
export const MIDI_CC_CHOICE = 'midi.cc';
const MIDI_CC = /^midi\.cc(\d{1,3})$/;

export interface MappingRow {
  /** The source select's value: a control input id, a column id, "lfo" or MIDI_CC_CHOICE. */
  source: string;
  /** The CC number, as typed (source MIDI_CC_CHOICE). */
  cc: string;
  lfoShape: LfoShape;
  /** LFO rate in Hz, as typed (source "lfo"). */
  rate: string;
  to: string;
  /** In the destination's units, as typed. */
  min: string;
  max: string;
  curve: string;
  /** Milliseconds, as typed. */
  smoothing: string;
  invert: boolean;
}

export interface Choice {
  value: string;
  text: string;
  /** The long description (a tooltip). */
  title: string;
  disabled?: boolean;
}

export interface ChoiceGroup {
  label: string;
  choices: Choice[];
}

/** A number for a form field: at most 6 significant digits, no trailing zeros or exponent for everyday values. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return '';
  const n = Number(v.toPrecision(6));
  return Object.is(n, -0) ? '0' : String(n);
}

/** A typed number: null when left empty (the default applies), NaN when it is not a number. */
export function parseNumber(text: string): number | null {
  const t = text.trim().replace(/\u2212/g, '-');
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : NaN;
}

/** A control input's label, short: no parenthetical ("MIDI note (note number / 127)" -> "MIDI note"), no "On-screen". */
const shortLabel = (label: string) => label.replace(/\s*\(.*\)\s*$/, '').replace(/^On-screen /, '');

const control = (id: string): Choice => {
  const spec = CONTROL_INPUTS.find((c) => c.id === id);
  return { value: id, text: spec ? shortLabel(spec.label) : id, title: spec ? `${id}: ${spec.label}` : id };
};

/**
 * The source select's groups: the control inputs (joystick, mouse and pad, MIDI with one entry
 * for every CC, the audio input), the patch's sources and neurons, then the mapping's own LFO.
 */
export function sourceGroups(columns: readonly string[], neuronIds: readonly string[]): ChoiceGroup[] {
  const ids = CONTROL_INPUTS.map((c) => c.id);
  const neurons = new Set(neuronIds);
  const group = (label: string, prefixes: string[]) => ({ label, choices: ids.filter((id) => prefixes.some((p) => id.startsWith(p)) && !MIDI_CC.test(id)).map(control) });
  const midi = group('MIDI', ['midi.']);
  midi.choices.push({ value: MIDI_CC_CHOICE, text: 'MIDI CC #', title: 'A MIDI control change (0..127 as 0..1); type its number' });
  const column = (id: string, kind: string): Choice => ({ value: id, text: id, title: `The output of ${kind} "${id}"` });
  const groups: ChoiceGroup[] = [
    group('Joystick', ['joystick.']),
    group('Mouse / Pad', ['mouse.', 'pad.']),
    midi,
    group('Audio in', ['audio.']),
    { label: 'Sources', choices: columns.filter((c) => !neurons.has(c)).map((c) => column(c, 'source')) },
    { label: 'Neurons', choices: columns.filter((c) => neurons.has(c)).map((c) => column(c, 'neuron')) },
    { label: 'LFO', choices: [{ value: MAPPING_LFO, text: 'LFO', title: 'The mapping\'s own low-frequency oscillator (shape and rate)' }] },
  ];
  return groups.filter((g) => g.choices.length > 0);
}

/** The select value and CC number that show a mapping's `from`. */
export function sourceChoice(from: string): { source: string; cc: string } {
  const cc = MIDI_CC.exec(from);
  return cc ? { source: MIDI_CC_CHOICE, cc: cc[1] } : { source: from, cc: '' };
}

/** Whether a source select value is offered (an unknown one gets an option of its own). */
export function isOffered(groups: readonly ChoiceGroup[], source: string): boolean {
  return groups.some((g) => g.choices.some((c) => c.value === source));
}

const GROUP_TITLES: Record<string, string> = { voice: 'Voice', reverb: 'Reverb', master: 'Master', routes: 'Routes', midi: 'MIDI out', drums: 'Drums' };

/** Which group a parameter id belongs to: "Neuron a", "Source osc", "Voice", ... */
export function paramGroup(id: string): string {
  const [head, second] = id.split('.');
  if (head === 'neurons') return `Neuron ${second}`;
  if (head === 'sources') return `Source ${second}`;
  return GROUP_TITLES[head] ?? head;
}

/** "voice.cutoff · Cutoff", the label left out where the id already says it. */
export function paramText(p: { id: string; label: string }): string {
  const last = p.id.split('.').pop() ?? p.id;
  return last.toLowerCase() === p.label.toLowerCase() ? p.id : `${p.id} · ${p.label}`;
}

/** The range of a parameter for people: "20 Hz .. 20000 Hz". */
export function rangeText(spec: Pick<ParamSpec, 'min' | 'max' | 'unit'>): string {
  const u = spec.unit ? ` ${spec.unit}` : '';
  return `${formatNumber(spec.min)}${u} .. ${formatNumber(spec.max)}${u}`;
}

/**
 * The destination select's groups: every parameter of the patch except the mappings' own
 * settings, grouped by module, in the patch's order. Those another mapping drives are disabled.
 */
export function destinationGroups(params: readonly (ParamSpec & { id: string })[], taken: ReadonlySet<string> = new Set()): ChoiceGroup[] {
  const groups = new Map<string, Choice[]>();
  for (const p of params) {
    if (p.id.startsWith('mappings.')) continue;
    const label = paramGroup(p.id);
    let list = groups.get(label);
    if (!list) groups.set(label, (list = []));
    list.push({ value: p.id, text: paramText(p), title: `${p.id}: ${p.label}, ${rangeText(p)}${taken.has(p.id) ? ' (already mapped)' : ''}`, disabled: taken.has(p.id) });
  }
  return [...groups].map(([label, choices]) => ({ label, choices }));
}

/** A mapping as form fields; a missing min or max shows the destination's range. */
export function rowFromMapping(m: PatchMapping, spec: Pick<ParamSpec, 'min' | 'max'> | undefined): MappingRow {
  const { source, cc } = sourceChoice(m.from);
  return {
    source,
    cc,
    lfoShape: m.lfo?.shape ?? 'sine',
    rate: formatNumber(m.lfo?.rate ?? MAPPING_PARAMS.rate.default),
    to: m.to,
    min: formatNumber(m.min ?? spec?.min ?? NaN),
    max: formatNumber(m.max ?? spec?.max ?? NaN),
    curve: formatNumber(m.curve ?? MAPPING_PARAMS.curve.default),
    smoothing: formatNumber(m.smoothing ?? MAPPING_PARAMS.smoothing.default),
    invert: m.invert === true,
  };
}

/** A new row's fields for a source and destination: the destination's full range, default shaping. */
export function newRow(from: string, to: string, spec: Pick<ParamSpec, 'min' | 'max'> | undefined): MappingRow {
  return rowFromMapping(from === MAPPING_LFO ? { from, to, lfo: { shape: 'sine' } } : { from, to }, spec);
}

/** The row with another destination: min and max start again from its range. */
export function withDestination(row: MappingRow, to: string, spec: Pick<ParamSpec, 'min' | 'max'> | undefined): MappingRow {
  return { ...row, to, min: formatNumber(spec?.min ?? NaN), max: formatNumber(spec?.max ?? NaN) };
}

export type RowResult = { ok: true; mapping: PatchMapping } | { ok: false; field: keyof MappingRow; problem: string };

/**
 * The mapping a row stands for, stating only what differs from the defaults (the full range of
 * the destination, straight curve, default smoothing, no invert) so a saved patch stays short.
 * Numbers out of range are passed on: the backend checks them against the patch and says why.
 */
export function mappingFromRow(row: MappingRow, spec: Pick<ParamSpec, 'min' | 'max'> | undefined): RowResult {
  let from = row.source;
  if (row.source === MIDI_CC_CHOICE) {
    const cc = parseNumber(row.cc);
    if (cc === null || !Number.isInteger(cc) || cc < 0 || cc > 127) return { ok: false, field: 'cc', problem: `MIDI CC number must be a whole number 0..127, got "${row.cc}"` };
    from = `midi.cc${cc}`;
  }
  const mapping: PatchMapping = { from, to: row.to };
  if (from === MAPPING_LFO) {
    const rate = parseNumber(row.rate);
    if (Number.isNaN(rate)) return { ok: false, field: 'rate', problem: `LFO rate "${row.rate}" is not a number` };
    mapping.lfo = rate === null || rate === MAPPING_PARAMS.rate.default ? { shape: row.lfoShape } : { shape: row.lfoShape, rate };
  }
  const fields = [
    ['min', 'Min', spec?.min],
    ['max', 'Max', spec?.max],
    ['curve', 'Curve', MAPPING_PARAMS.curve.default],
    ['smoothing', 'Smoothing', MAPPING_PARAMS.smoothing.default],
  ] as const;
  for (const [key, name, fallback] of fields) {
    const v = parseNumber(row[key]);
    if (Number.isNaN(v)) return { ok: false, field: key, problem: `${name} "${row[key]}" is not a number` };
    if (v !== null && v !== fallback) mapping[key] = v;
  }
  if (row.invert) mapping.invert = true;
  return { ok: true, mapping };
}

/** A short line for one mapping: "joystick.y → neurons.relu.bias". */
export function describeMapping(m: PatchMapping): string {
  const from = m.from === MAPPING_LFO && m.lfo ? `LFO ${m.lfo.shape} ${formatNumber(m.lfo.rate ?? MAPPING_PARAMS.rate.default)} Hz` : m.from;
  return `${from} \u2192 ${m.to}`;
}

/** The first parameter no mapping drives yet, preferring `preferred` (for the "new mapping" select). */
export function firstFree(params: readonly { id: string }[], taken: ReadonlySet<string>, preferred: string): string {
  const free = params.filter((p) => !p.id.startsWith('mappings.') && !taken.has(p.id));
  return (free.find((p) => p.id === preferred) ?? free[0])?.id ?? '';
}

/**
 * Whether `list` (built from rows) says the same as the backend's `current`, compared as rows
 * would state them (so a patch spelling out a default does not count as a change).
 */
export function sameMappings(list: readonly PatchMapping[], current: readonly PatchMapping[], specs: ReadonlyMap<string, Pick<ParamSpec, 'min' | 'max'>>): boolean {
  if (list.length !== current.length) return false;
  return current.every((m, i) => {
    const spec = specs.get(m.to);
    const norm = mappingFromRow(rowFromMapping(m, spec), spec);
    return norm.ok && JSON.stringify(norm.mapping) === JSON.stringify(list[i]);
  });
}
