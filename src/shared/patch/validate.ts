import type { z } from 'zod';
import { axonError, withDetails } from '../errors';
import { CONTROL_INPUTS, controlInputIndex } from '../inputs';
import { PatchSchema, type Patch } from './schema';

/** `neurons[1].inputs.x` from ['neurons', 1, 'inputs', 'x']. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : v === undefined ? 'nothing' : JSON.stringify(v));

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined ? `required (${issue.expected})` : `expected ${issue.expected}, got ${show(input)}`;
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
        const options = (issue as { options?: unknown[] }).options ?? [];
        const given = input && typeof input === 'object' ? (input as Record<string, unknown>)[issue.discriminator] : undefined;
        out.push(`${formatPath([...path, issue.discriminator])}: expected ${options.map(String).join('|')}, got ${show(given)}`);
        continue;
      }
      // Skip branches rejected only for their root type; what is left is the branch meant.
      const meant = issue.errors.filter((branch) => !branch.every((b) => b.code === 'invalid_type' && b.path.length === 0));
      if (meant.length === 1) {
        out.push(...formatIssues(meant[0], path));
        continue;
      }
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(`${formatPath([...path, key])}: unknown field`);
      continue;
    }
    out.push(`${formatPath(path)}: ${describeIssue(issue, input)}`);
  }
  return out;
}

/** Cross-reference checks the schema cannot express: unique ids, known names. */
function checkReferences(patch: Patch): string[] {
  const problems: string[] = [];
  const sources = patch.sources ?? [];
  const sourceIds = new Set<string>();
  const neuronIds = new Set<string>();
  const seen = new Set<string>();
  sources.forEach((s, i) => {
    if (seen.has(s.id)) problems.push(`sources[${i}].id: "${s.id}" is used twice`);
    seen.add(s.id);
    sourceIds.add(s.id);
    if (s.type === 'input' && controlInputIndex(s.input) < 0) {
      const examples = CONTROL_INPUTS.filter((c) => c.id.startsWith(s.input.split('.')[0] + '.')).slice(0, 6);
      const hint = (examples.length ? examples : CONTROL_INPUTS.slice(0, 6)).map((c) => c.id).join(', ');
      problems.push(`sources[${i}].input: unknown control input "${s.input}" (for example ${hint})`);
    }
  });
  patch.neurons.forEach((n, i) => {
    if (seen.has(n.id)) problems.push(`neurons[${i}].id: "${n.id}" is used twice`);
    seen.add(n.id);
    neuronIds.add(n.id);
  });
  const known = (id: string) => sourceIds.has(id) || neuronIds.has(id);
  const needKnown = (where: string, id: string | undefined) => {
    if (id !== undefined && !known(id)) problems.push(`${where}: unknown source or neuron "${id}"`);
  };
  patch.neurons.forEach((n, i) => {
    for (const from of Object.keys(n.inputs ?? {})) needKnown(`neurons[${i}].inputs.${from}`, from);
    if (n.learn) {
      if (n.activation === 'comparator') problems.push(`neurons[${i}].learn: a comparator cannot learn (its output has no slope); use tanh, sigmoid, sine, relu, hardclip or nlc`);
      const targets = Object.keys(n.learn.target);
      if (targets.length === 0) problems.push(`neurons[${i}].learn.target: needs at least one source`);
      for (const t of targets) {
        if (!sourceIds.has(t)) problems.push(`neurons[${i}].learn.target.${t}: unknown source "${t}" (a target is a mix of sources)`);
      }
    }
  });
  (patch.routes ?? []).forEach((r, i) => needKnown(`routes[${i}].from`, r.from));
  (patch.midi ?? []).forEach((m, i) => {
    if (m.type === 'note') {
      needKnown(`midi[${i}].gate`, m.gate);
      needKnown(`midi[${i}].pitchFrom`, m.pitchFrom);
      needKnown(`midi[${i}].velocityFrom`, m.velocityFrom);
    } else needKnown(`midi[${i}].from`, m.from);
  });
  (patch.drums ?? []).forEach((d, i) => {
    needKnown(`drums[${i}].gate`, d.gate);
    needKnown(`drums[${i}].velocityFrom`, d.velocityFrom);
  });
  return problems;
}

export type PatchCheck = { ok: true; patch: Patch } | { ok: false; problems: string[] };

/** Validates a parsed JSON value as a patch; returns every problem, one line each. */
export function checkPatch(value: unknown): PatchCheck {
  const parsed = PatchSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) return { ok: false, problems: formatIssues(parsed.error.issues) };
  const problems = checkReferences(parsed.data);
  return problems.length ? { ok: false, problems } : { ok: true, patch: parsed.data };
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
