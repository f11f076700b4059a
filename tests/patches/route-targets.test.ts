import { expect, it } from 'vitest';
import { VOICE_PARAMS } from '../../src/shared/params/registry';
import { PARAM_ROUTE_TARGETS, VOICE_CONTROL_KEYS, voiceControlSpecs } from '../../src/shared/patch/schema';

it('each parameter route target names the voice parameter in the same row', () => {
  expect(PARAM_ROUTE_TARGETS.map((t) => t.replace('voice.', ''))).toEqual([...VOICE_CONTROL_KEYS]);
  expect(voiceControlSpecs()).toEqual(VOICE_CONTROL_KEYS.map((k) => VOICE_PARAMS[k]));
  expect(new Set(VOICE_CONTROL_KEYS)).toEqual(new Set(Object.keys(VOICE_PARAMS)));
});
