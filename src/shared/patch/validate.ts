import type { z } from 'zod';
import { axonError, withDetails } from '../errors';
import { CONTROL_INPUTS, controlInputIndex } from '../inputs';
import { sineNetDesignOf, sineNetFieldProblems, sineNetSpanProblems } from '../sinenet-design';
import { formatValue } from '../params/spec';
import { layoutPatch } from './layout';
import { MAPPING_LFO, MAX_LEARN_TARGETS, MODULATABLE_SOURCES, PatchSchema, SOURCE_PARAM_TARGET, type Patch } from './schema';

/** `neurons[1].inputs.x` from ['neurons', 1, 'inputs', 'x']. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

const show = (v: unknown): string => {
  if (typeof v === 'string') return `"${v}"`;
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  let json: string;
  try {
    json = JSON.stringify(v);
  } catch {
    // JSON.parse builds arrays nested deeper than JSON.stringify's stack reaches: name the kind.
    return Array.isArray(v) ? 'an array nested too deep to show' : 'an object nested too deep to show';
  }
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
};

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
/** A problem as one line: line breaks and other control characters from the input, escaped. */
const oneLine = (line: string): string =>
  line.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return `required (${issue.expected})`;
      if (issue.expected === 'int' && typeof input === 'number') return `${show(input)} must be a whole number`;
      return `expected ${issue.expected}, got ${show(input)}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `at most ${String(issue.maximum)} items allowed`
        : issue.origin === 'string'
          ? `at most ${String(issue.maximum)} characters allowed`
          : `${show(input)} is above the maximum ${String(issue.maximum)}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `needs at least ${String(issue.minimum)} item${Number(issue.minimum) === 1 ? '' : 's'}`
        : issue.origin === 'string'
          ? `needs at least ${String(issue.minimum)} character${Number(issue.minimum) === 1 ? '' : 's'}`
          : `${show(input)} is below the minimum ${String(issue.minimum)}`;
    case 'invalid_value':
      return `expected ${issue.values.map(String).join('|')}, got ${show(input)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_format':
      return `${show(input)} ${issue.message}`;
    case 'not_multiple_of':
      return `${show(input)} must be a whole number`;
    default:
      return issue.message;
  }
}

/** Flattens zod issues into `path: problem` lines, picking the union branch the input meant. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const input = (issue as { input?: unknown }).input;
    if (issue.code === 'invalid_union') {
      if ('discriminator' in issue && issue.discriminator) {
        // zod puts the discriminator at the end of the path; the input is the whole object.
        const options = (issue as { options?: unknown[] }).options ?? [];
        const given = isRaw(input) ? input[issue.discriminator] : undefined;
        out.push(`${formatPath(path)}: expected ${options.map(String).join('|')}, got ${show(given)}`);
        continue;
      }
      // Skip branches rejected only for their root type; what is left is the branch meant.
      const rootTypeOnly = (branch: readonly z.core.$ZodIssue[]) => branch.every((b) => b.code === 'invalid_type' && b.path.length === 0);
      const meant = issue.errors.filter((branch) => !rootTypeOnly(branch));
      if (meant.length === 1) {
        out.push(...formatIssues(meant[0], path));
        continue;
      }
      if (meant.length === 0 && issue.errors.length > 0) {
        // Every branch wanted another type: say which types would do.
        const wanted = issue.errors.map((b) => (b[0]?.code === 'invalid_type' ? String(b[0].expected) : 'other'));
        out.push(`${formatPath(path)}: expected ${wanted.join(' or ')}, got ${show(input)}`);
        continue;
      }
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(`${formatPath([...path, key])}: unknown field`);
      continue;
    }
    out.push(`${formatPath(path)}: ${describeIssue(issue, input)}`);
  }
  return out.map(oneLine);
}

type Raw = Record<string, unknown>;
const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Raw[] => (Array.isArray(v) ? v.map((x) => (isRaw(x) ? x : {})) : []);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Cross-reference checks the schema cannot express: unique ids, known names. They read the raw
 * value defensively, so they run even when the schema found problems and every problem is
 * reported at once.
 */
function checkReferences(patch: Raw): string[] {
  const problems: string[] = [];
  const sourceIds = new Set<string>();
  const neuronIds = new Set<string>();
  const seen = new Set<string>();
  const sources = list(patch.sources);
  const neurons = list(patch.neurons);
  sources.forEach((s, i) => {
    const id = text(s.id);
    if (id === undefined) return;
    if (seen.has(id)) problems.push(`sources[${i}].id: "${id}" is used twice`);
    seen.add(id);
    sourceIds.add(id);
    if (s.type === 'sinenet') {
      // Field types and ranges are the schema's; what spans fields is checked here.
      const typed = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
      const hidden = Array.isArray(s.hidden) && s.hidden.every((w) => typeof w === 'number') ? (s.hidden as number[]) : undefined;
      const design = sineNetDesignOf({ seed: typed('seed'), length: typed('length'), gap: typed('gap'), hidden, weightMin: typed('weightMin'), weightMax: typed('weightMax'), biasMin: typed('biasMin'), biasMax: typed('biasMax') });
      if (sineNetFieldProblems(design).length === 0) for (const problem of sineNetSpanProblems(design)) problems.push(`sources[${i}]: ${problem}`);
    }
    const input = text(s.input);
    if (s.type === 'input' && input !== undefined && controlInputIndex(input) < 0) {
      const examples = CONTROL_INPUTS.filter((c) => c.id.startsWith(input.split('.')[0] + '.')).slice(0, 6);
      const hint = (examples.length ? examples : CONTROL_INPUTS.slice(0, 6)).map((c) => c.id).join(', ');
      problems.push(`sources[${i}].input: unknown control input "${input}" (for example ${hint})`);
    }
  });
  neurons.forEach((n, i) => {
    const id = text(n.id);
    if (id === undefined) return;
    if (seen.has(id)) problems.push(`neurons[${i}].id: "${id}" is used twice`);
    seen.add(id);
    neuronIds.add(id);
  });
  const needKnown = (where: string, id: unknown) => {
    if (typeof id === 'string' && !sourceIds.has(id) && !neuronIds.has(id)) problems.push(`${where}: unknown source or neuron "${id}"`);
  };
  neurons.forEach((n, i) => {
    if (isRaw(n.inputs)) for (const from of Object.keys(n.inputs)) needKnown(`neurons[${i}].inputs.${from}`, from);
    if (!isRaw(n.learn)) return;
    if (n.activation === 'comparator') problems.push(`neurons[${i}].learn: a comparator cannot learn (its output has no slope); use tanh, sigmoid, sine, relu, hardclip or nlc`);
    if (!isRaw(n.learn.target)) return;
    const targets = Object.keys(n.learn.target);
    if (targets.length === 0) problems.push(`neurons[${i}].learn.target: needs at least one source`);
    if (targets.length > MAX_LEARN_TARGETS) problems.push(`neurons[${i}].learn.target: at most ${MAX_LEARN_TARGETS} sources`);
    for (const t of targets) {
      if (!sourceIds.has(t)) problems.push(`neurons[${i}].learn.target.${t}: unknown source "${t}" (a target is a mix of sources)`);
    }
  });
  const typeOf = new Map(sources.map((s) => [text(s.id), text(s.type)]));
  list(patch.routes).forEach((r, i) => {
    needKnown(`routes[${i}].from`, r.from);
    const target = typeof r.to === 'string' ? SOURCE_PARAM_TARGET.exec(r.to) : null;
    if (!target) return;
    const [, id, key] = target;
    const type = typeOf.get(id);
    const modulatable = Object.keys(MODULATABLE_SOURCES);
    if (type === undefined) problems.push(`routes[${i}].to: unknown source "${id}"`);
    else if (!(type in MODULATABLE_SOURCES)) problems.push(`routes[${i}].to: source "${id}" (type ${type}) has no parameters a route can modulate (only ${modulatable.join(', ')} sources do)`);
    else {
      const params = MODULATABLE_SOURCES[type as keyof typeof MODULATABLE_SOURCES];
      if (!(key in params)) problems.push(`routes[${i}].to: source "${id}" (type ${type}) has no parameter "${key}" (${Object.keys(params).join(', ')})`);
    }
  });
  list(patch.midi).forEach((m, i) => {
    if (m.type === 'note') {
      needKnown(`midi[${i}].gate`, m.gate);
      needKnown(`midi[${i}].pitchFrom`, m.pitchFrom);
      needKnown(`midi[${i}].velocityFrom`, m.velocityFrom);
    } else needKnown(`midi[${i}].from`, m.from);
  });
  list(patch.drums).forEach((d, i) => {
    needKnown(`drums[${i}].gate`, d.gate);
    needKnown(`drums[${i}].velocityFrom`, d.velocityFrom);
  });
  list(patch.mappings).forEach((m, i) => {
    const from = text(m.from);
    if (from === undefined) return;
    const where = `mappings[${i}].from`;
    if (from === MAPPING_LFO) {
      if (!isRaw(m.lfo)) problems.push(`${where}: "lfo" needs an "lfo" block with its shape and rate, e.g. "lfo": {"shape": "sine", "rate": 0.5}`);
      return;
    }
    if (m.lfo !== undefined) problems.push(`mappings[${i}].lfo: only a mapping with "from": "lfo" has an LFO (this one reads "${from}")`);
    if (controlInputIndex(from) < 0 && !sourceIds.has(from) && !neuronIds.has(from)) {
      problems.push(`${where}: unknown source "${from}" (a control input such as joystick.x or midi.cc1, a neuron or source id, or "lfo")`);
    }
  });
  return problems;
}

/**
 * Mapping destinations, checked against the parameters of the patch as laid out without its
 * mappings (a mapping cannot drive another mapping's settings). Runs on a patch that passed
 * every other check.
 */
function checkMappingDestinations(patch: Patch): string[] {
  const mappings = patch.mappings ?? [];
  if (mappings.length === 0) return [];
  const layout = layoutPatch({ ...patch, mappings: undefined });
  // A learning neuron owns its source weights and bias: a mapping would fight the learner.
  const learned = new Map<number, string>();
  for (const n of layout.neurons) {
    if (!n.learn) continue;
    for (const w of n.weights.slice(0, layout.sources.length)) learned.set(w.slot, n.id);
    learned.set(n.slots.bias, n.id);
  }
  const problems: string[] = [];
  const driven = new Map<string, number>();
  mappings.forEach((m, i) => {
    const slot = layout.slotOf.get(m.to);
    if (slot === undefined) {
      const prefix = m.to.split('.').slice(0, -1).join('.');
      const near = layout.params.filter((p) => prefix !== '' && p.id.startsWith(`${prefix}.`)).slice(0, 6);
      const hint = (near.length ? near : layout.params.slice(0, 6)).map((p) => p.id).join(', ');
      const why = m.to.startsWith('mappings.') ? 'a mapping cannot drive another mapping\'s settings' : `for example ${hint}`;
      problems.push(`mappings[${i}].to: unknown parameter "${m.to}" (${why})`);
      return;
    }
    const owner = learned.get(slot);
    if (owner !== undefined) problems.push(`mappings[${i}].to: "${m.to}" is learned by neuron "${owner}"; a mapping cannot drive it`);
    const first = driven.get(m.to);
    if (first !== undefined) problems.push(`mappings[${i}].to: "${m.to}" is already driven by mappings[${first}] (one mapping per destination)`);
    else driven.set(m.to, i);
    const spec = layout.params[slot].spec;
    for (const key of ['min', 'max'] as const) {
      const v = m[key];
      if (v !== undefined && (v < spec.min || v > spec.max)) {
        problems.push(`mappings[${i}].${key}: ${v} is outside the range of "${m.to}" (${formatValue(spec, spec.min)} .. ${formatValue(spec, spec.max)})`);
      }
    }
  });
  return problems;
}

export type PatchCheck = { ok: true; patch: Patch } | { ok: false; problems: string[] };

/** Validates a parsed JSON value as a patch; returns every problem, one line each. */
export function checkPatch(value: unknown): PatchCheck {
  const parsed = PatchSchema.safeParse(value, { reportInput: true });
  const problems = [...(parsed.success ? [] : formatIssues(parsed.error.issues)), ...(isRaw(value) ? checkReferences(value).map(oneLine) : [])];
  if (problems.length > 0 || !parsed.success) return { ok: false, problems: problems.length ? problems : ['(root): expected a patch object'] };
  const mappingProblems = checkMappingDestinations(parsed.data).map(oneLine);
  if (mappingProblems.length > 0) return { ok: false, problems: mappingProblems };
  return { ok: true, patch: parsed.data };
}

/** Parses and validates patch text; throws an AxonError listing every problem. */
export function parsePatch(text: string, where: string): Patch {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw axonError('patch_json', where, err instanceof Error ? err.message : String(err));
  }
  return validatePatch(value, where);
}

export function validatePatch(value: unknown, where: string): Patch {
  const result = checkPatch(value);
  if (result.ok) return result.patch;
  throw withDetails(axonError('patch_invalid', where, result.problems.length), result.problems);
}
