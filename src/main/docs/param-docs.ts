import { CONTROL_INPUTS } from '../../shared/inputs';
import { PARAM_GROUPS } from '../../shared/params/registry';
import type { ParamSpec } from '../../shared/params/spec';
import { ACTIVATIONS, AUDIO_ROUTE_TARGETS, CONCEPTOR_OPS, LFO_SHAPES, MODULATABLE_SOURCES, OSC_SHAPES, PARAM_ROUTE_TARGETS, SOURCE_TYPES } from '../../shared/patch/schema';
import { SCALE_NAMES } from '../../shared/scales';

const cell = (s: string) => s.replace(/\|/g, '\\|');
const num = (v: number) => String(Number(v.toPrecision(6)));

function table(params: Record<string, ParamSpec>): string[] {
  const rows = Object.entries(params).map(
    ([key, s]) =>
      `| \`${key}\` | ${cell(s.label)} | ${s.unit || '-'} | ${num(s.min)} .. ${num(s.max)} | ${num(s.default)} | ${s.scaling}${s.integer ? ', integer' : ''} | ${s.smoothing ? `${s.smoothing} ms` : '-'} | ${cell(s.description)} |`,
  );
  return ['| key | label | unit | range | default | scaling | smoothing | description |', '|---|---|---|---|---|---|---|---|', ...rows];
}

/** docs/parameters.md, generated from the parameter registry (`npm run docs:params`). */
export function parameterDocs(): string {
  const out = [
    '# Parameters',
    '',
    'Generated from `src/shared/params/registry.ts` by `npm run docs:params`; do not edit by hand.',
    'Every numeric field of a patch is one of these; an omitted field takes the default.',
    '',
  ];
  for (const group of Object.values(PARAM_GROUPS)) out.push(`## ${group.title}`, '', ...table(group.params), '');
  out.push(
    '## Choices',
    '',
    `- Activations: ${ACTIVATIONS.map((a) => `\`${a}\``).join(', ')}`,
    `- Source types: ${SOURCE_TYPES.map((a) => `\`${a}\``).join(', ')}; oscillator shapes: ${OSC_SHAPES.map((a) => `\`${a}\``).join(', ')}`,
    `- Weight automation shapes: ${LFO_SHAPES.map((a) => `\`${a}\``).join(', ')}`,
    `- Route targets (parameters, in their normalised range): ${PARAM_ROUTE_TARGETS.map((a) => `\`${a}\``).join(', ')}`,
    `- Route targets (audio): ${AUDIO_ROUTE_TARGETS.map((a) => `\`${a}\``).join(', ')}`,
    `- Route targets (source parameters, at control rate, one 32-sample chunk late): \`sources.<id>.<param>\` for ${Object.keys(MODULATABLE_SOURCES).map((a) => `\`${a}\``).join(', ')} sources`,
    `- Derived conceptors (\`derive\` of a reservoir source, indices after the grains): ${CONCEPTOR_OPS.map((a) => `\`${a}\``).join(', ')}`,
    `- Scales: ${SCALE_NAMES.map((a) => `\`${a}\``).join(', ')}`,
    `- Mapping sources (\`from\`): a control input (below), a neuron or source id (its output, read -1 .. 1), or \`lfo\` with an \`lfo\` block of shape ${LFO_SHAPES.map((a) => `\`${a}\``).join(', ')}; destinations (\`to\`): any parameter id of the patch except a mapping's own`,
    '',
    '## Control inputs',
    '',
    '| input | label | range |',
    '|---|---|---|',
    ...CONTROL_INPUTS.filter((c) => !/^midi\.cc([1-9]\d*)$/.test(c.id)).map((c) => `| \`${c.id}\` | ${c.label} | ${c.min} .. ${c.max} |`),
    '| `midi.cc1` .. `midi.cc127` | MIDI CC n | 0 .. 1 |',
    '',
  );
  return out.join('\n');
}
