import { describe, expect, it } from 'vitest';
import { CONTROL_INPUTS } from '../../src/shared/inputs';
import { MAPPING_PARAMS, NEURON_PARAMS, VOICE_PARAMS } from '../../src/shared/params/registry';
import type { PatchMapping } from '../../src/shared/patch/schema';
import {
  MIDI_CC_CHOICE,
  describeMapping,
  destinationGroups,
  firstFree,
  formatNumber,
  isOffered,
  mappingFromRow,
  newRow,
  paramGroup,
  paramText,
  parseNumber,
  rangeText,
  rowFromMapping,
  sameMappings,
  sourceChoice,
  sourceGroups,
  withDestination,
} from '../../src/renderer/src/lib/mapping-rows';

const cutoff = VOICE_PARAMS.cutoff;
const bias = NEURON_PARAMS.bias;
const params = [
  { ...VOICE_PARAMS.pitch, id: 'voice.pitch' },
  { ...cutoff, id: 'voice.cutoff' },
  { ...bias, id: 'neurons.a.bias' },
  { ...NEURON_PARAMS.noise, id: 'neurons.a.noise' },
  { ...bias, id: 'neurons.b.bias' },
  { ...MAPPING_PARAMS.curve, id: 'mappings.0.curve' },
  { ...bias, id: 'mappings.0.min' },
];

const roundTrip = (m: PatchMapping, spec = cutoff) => {
  const r = mappingFromRow(rowFromMapping(m, spec), spec);
  if (!r.ok) throw new Error(r.problem);
  return r.mapping;
};

describe('number fields', () => {
  it('formats numbers short and parses what people type', () => {
    expect(formatNumber(20000)).toBe('20000');
    expect(formatNumber(-0.45)).toBe('-0.45');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(0.00001)).toBe('0.00001');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(NaN)).toBe('');
    expect(parseNumber(' 12.5 ')).toBe(12.5);
    expect(parseNumber('\u22121')).toBe(-1);
    expect(parseNumber('')).toBeNull();
    expect(parseNumber('  ')).toBeNull();
    expect(parseNumber('abc')).toBeNaN();
    expect(parseNumber('1e3')).toBe(1000);
  });

  it('shows a range with its unit', () => {
    expect(rangeText(cutoff)).toBe('20 Hz .. 20000 Hz');
    expect(rangeText(bias)).toBe('-4 .. 4');
  });
});

describe('source choices', () => {
  const groups = sourceGroups(['osc', 'noise', 'a', 'b'], ['a', 'b']);
  const labels = groups.map((g) => g.label);
  const values = (label: string) => groups.find((g) => g.label === label)?.choices.map((c) => c.value) ?? [];

  it('groups the control inputs, then sources, neurons and the LFO', () => {
    expect(labels).toEqual(['Joystick', 'Mouse / Pad', 'MIDI', 'Audio in', 'Sources', 'Neurons', 'LFO']);
    expect(values('Joystick')).toEqual(['joystick.x', 'joystick.y', 'joystick.z', ...Array.from({ length: 8 }, (_, i) => `joystick.button${i + 1}`)]);
    expect(values('Mouse / Pad')).toEqual(['mouse.x', 'mouse.y', 'pad.x', 'pad.y']);
    expect(values('Audio in')).toEqual(['audio.envelope', 'audio.pitch', 'audio.voiced', 'audio.onset']);
    expect(values('Sources')).toEqual(['osc', 'noise']);
    expect(values('Neurons')).toEqual(['a', 'b']);
    expect(values('LFO')).toEqual(['lfo']);
  });

  it('offers the 128 CCs as one entry with a number, and every other control input once', () => {
    expect(values('MIDI')).toEqual(['midi.note', 'midi.velocity', 'midi.gate', 'midi.pitchbend', MIDI_CC_CHOICE]);
    const offered = new Set(groups.flatMap((g) => g.choices.map((c) => c.value)));
    for (const c of CONTROL_INPUTS) expect(offered.has(c.id) || /^midi\.cc\d+$/.test(c.id), c.id).toBe(true);
    expect(sourceChoice('midi.cc74')).toEqual({ source: MIDI_CC_CHOICE, cc: '74' });
    expect(sourceChoice('joystick.x')).toEqual({ source: 'joystick.x', cc: '' });
    expect(isOffered(groups, 'pad.y')).toBe(true);
    expect(isOffered(groups, 'gone')).toBe(false);
  });

  it('labels the inputs without their long notes', () => {
    const midi = groups.find((g) => g.label === 'MIDI')?.choices[0];
    expect(midi?.text).toBe('MIDI note');
    expect(midi?.title).toBe('midi.note: MIDI note (note number / 127)');
    expect(groups.find((g) => g.label === 'Audio in')?.choices[0].text).toBe('Audio in level');
    expect(groups.find((g) => g.label === 'Mouse / Pad')?.choices[2]).toMatchObject({ value: 'pad.x', text: 'XY pad X', title: 'pad.x: On-screen XY pad X' });
  });

  it('leaves out empty groups', () => {
    expect(sourceGroups(['a'], ['a']).map((g) => g.label)).not.toContain('Sources');
  });
});

describe('destination choices', () => {
  it('groups the patch parameters by module, without the mappings\' own settings', () => {
    const groups = destinationGroups(params, new Set(['neurons.a.bias']));
    expect(groups.map((g) => g.label)).toEqual(['Voice', 'Neuron a', 'Neuron b']);
    const a = groups[1].choices;
    expect(a.map((c) => c.value)).toEqual(['neurons.a.bias', 'neurons.a.noise']);
    expect(a[0].disabled).toBe(true);
    expect(a[0].title).toContain('(already mapped)');
    expect(a[1].disabled).toBe(false);
    expect(groups[0].choices[1]).toMatchObject({ value: 'voice.cutoff', text: 'voice.cutoff', title: 'voice.cutoff: Cutoff, 20 Hz .. 20000 Hz' });
  });

  it('names groups and options', () => {
    expect(paramGroup('sources.osc.freq')).toBe('Source osc');
    expect(paramGroup('neurons.a.w.b.lfoRate')).toBe('Neuron a');
    expect(paramGroup('routes.0.amount')).toBe('Routes');
    expect(paramText({ id: 'neurons.a.w.b', label: 'Weight' })).toBe('neurons.a.w.b · Weight');
    expect(paramText({ id: 'neurons.a.bias', label: 'Bias' })).toBe('neurons.a.bias');
  });

  it('picks a free parameter for a new mapping', () => {
    expect(firstFree(params, new Set(), 'voice.cutoff')).toBe('voice.cutoff');
    expect(firstFree(params, new Set(['voice.cutoff']), 'voice.cutoff')).toBe('voice.pitch');
    expect(firstFree(params.filter((p) => p.id.startsWith('mappings.')), new Set(), 'voice.cutoff')).toBe('');
  });
});

describe('rows and mappings', () => {
  it('shows a mapping as fields, defaults filled in', () => {
    expect(rowFromMapping({ from: 'joystick.y', to: 'neurons.relu.bias', min: -0.45, max: 0.15, smoothing: 40 }, bias)).toEqual({
      source: 'joystick.y',
      cc: '',
      lfoShape: 'sine',
      rate: '1',
      to: 'neurons.relu.bias',
      min: '-0.45',
      max: '0.15',
      curve: '1',
      smoothing: '40',
      invert: false,
    });
    const row = rowFromMapping({ from: 'lfo', to: 'voice.cutoff', lfo: { shape: 'random-walk', rate: 0.25 }, invert: true, curve: 2 }, cutoff);
    expect(row).toMatchObject({ source: 'lfo', lfoShape: 'random-walk', rate: '0.25', min: '20', max: '20000', curve: '2', invert: true });
  });

  it('states only what differs from the defaults', () => {
    expect(roundTrip({ from: 'pad.x', to: 'voice.cutoff' })).toEqual({ from: 'pad.x', to: 'voice.cutoff' });
    expect(roundTrip({ from: 'pad.x', to: 'voice.cutoff', min: 20, max: 20000, curve: 1, smoothing: 20, invert: false })).toEqual({ from: 'pad.x', to: 'voice.cutoff' });
    const full: PatchMapping = { from: 'lfo', to: 'voice.cutoff', lfo: { shape: 'triangle', rate: 3 }, min: 200, max: 4000, curve: 0.5, smoothing: 0, invert: true };
    expect(roundTrip(full)).toEqual(full);
    expect(roundTrip({ from: 'lfo', to: 'voice.cutoff', lfo: { shape: 'sine', rate: 1 } })).toEqual({ from: 'lfo', to: 'voice.cutoff', lfo: { shape: 'sine' } });
    expect(roundTrip({ from: 'midi.cc74', to: 'voice.cutoff' })).toEqual({ from: 'midi.cc74', to: 'voice.cutoff' });
  });

  it('treats an empty field as the default and refuses text that is not a number', () => {
    const row = { ...newRow('joystick.x', 'voice.cutoff', cutoff), min: '', curve: ' ' };
    expect(mappingFromRow(row, cutoff)).toEqual({ ok: true, mapping: { from: 'joystick.x', to: 'voice.cutoff' } });
    expect(mappingFromRow({ ...row, max: '4k' }, cutoff)).toEqual({ ok: false, field: 'max', problem: 'Max "4k" is not a number' });
    expect(mappingFromRow({ ...row, source: MIDI_CC_CHOICE, cc: '128' }, cutoff)).toMatchObject({ ok: false, field: 'cc' });
    expect(mappingFromRow({ ...row, source: MIDI_CC_CHOICE, cc: '1.5' }, cutoff)).toMatchObject({ ok: false, field: 'cc' });
    expect(mappingFromRow({ ...row, source: 'lfo', rate: 'fast' }, cutoff)).toMatchObject({ ok: false, field: 'rate' });
  });

  it('passes a number out of the destination\'s range on, for the backend to explain', () => {
    const row = { ...rowFromMapping({ from: 'joystick.y', to: 'neurons.relu.bias' }, bias), min: '5' };
    expect(mappingFromRow(row, bias)).toEqual({ ok: true, mapping: { from: 'joystick.y', to: 'neurons.relu.bias', min: 5 } });
  });

  it('starts min and max again from the new destination\'s range', () => {
    const row = rowFromMapping({ from: 'joystick.y', to: 'neurons.a.bias', min: -0.45, max: 0.15, smoothing: 40 }, bias);
    const moved = withDestination(row, 'voice.cutoff', cutoff);
    expect(moved).toMatchObject({ to: 'voice.cutoff', min: '20', max: '20000', smoothing: '40' });
    expect(mappingFromRow(moved, cutoff)).toEqual({ ok: true, mapping: { from: 'joystick.y', to: 'voice.cutoff', smoothing: 40 } });
  });

  it('makes an LFO row with its block', () => {
    expect(mappingFromRow(newRow('lfo', 'voice.cutoff', cutoff), cutoff)).toEqual({ ok: true, mapping: { from: 'lfo', to: 'voice.cutoff', lfo: { shape: 'sine' } } });
  });

  it('compares lists as rows state them', () => {
    const specs = new Map([['voice.cutoff', cutoff], ['neurons.a.bias', bias]]);
    const current: PatchMapping[] = [{ from: 'pad.x', to: 'voice.cutoff', smoothing: 20, min: 20 }];
    expect(sameMappings([{ from: 'pad.x', to: 'voice.cutoff' }], current, specs)).toBe(true);
    expect(sameMappings([{ from: 'pad.y', to: 'voice.cutoff' }], current, specs)).toBe(false);
    expect(sameMappings([], current, specs)).toBe(false);
  });

  it('describes a mapping in one line', () => {
    expect(describeMapping({ from: 'joystick.y', to: 'neurons.relu.bias' })).toBe('joystick.y \u2192 neurons.relu.bias');
    expect(describeMapping({ from: 'lfo', to: 'voice.cutoff', lfo: { shape: 'triangle', rate: 0.5 } })).toBe('LFO triangle 0.5 Hz \u2192 voice.cutoff');
  });
});
