import { describe, expect, it } from 'vitest';
import { parsePerformAudio } from '../../src/main/cli/commands/perform';
import { parseAudioFlag } from '../../src/main/cli/commands/serve';

// `--audio` of perform and serve: a device, a backend, or a backend and a device.

describe.each([
  ['perform', parsePerformAudio],
  ['serve', parseAudioFlag],
])('%s --audio', (_name, parse) => {
  it.each([
    [undefined, { kind: 'auto' }],
    ['auto', { kind: 'auto' }],
    ['none', { kind: 'none' }],
    ['jack', { kind: 'auto', device: 'jack' }],
    ['audify', { kind: 'auto', backend: 'audify' }],
    ['audify:jack:system', { kind: 'auto', backend: 'audify', device: 'jack:system' }],
    ['naudiodon:jack', { kind: 'auto', backend: 'naudiodon', device: 'jack' }],
    ['audify:hw:0,0', { kind: 'auto', backend: 'audify', device: 'hw:0,0' }],
  ])('%j -> %j', (raw, choice) => {
    expect(parse(raw)).toEqual(choice);
  });

  it('refuses a backend without a device', () => {
    expect(() => parse('audify: ')).toThrow(/--audio needs/);
  });
});

describe('perform --audio', () => {
  it('refuses an unknown backend', () => {
    expect(() => parsePerformAudio('asio:x')).toThrow('--audio backend "asio" is not available (backends: audify, naudiodon)');
  });
});
