import { describe, expect, it } from 'vitest';
import { parsePerformAudio } from '../../src/main/cli/commands/perform';
import { parseAudioFlag } from '../../src/main/cli/commands/serve';
import { withQueueFlag } from '../../src/main/cli/args';
import { MAX_QUEUE_MS } from '../../src/shared/engine-config';

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

describe('--queue-ms', () => {
  it('sets the device queue of an output, from 5 ms to MAX_QUEUE_MS', () => {
    expect(withQueueFlag({ kind: 'auto' }, undefined)).toEqual({ kind: 'auto' });
    expect(withQueueFlag({ kind: 'auto', backend: 'audify' }, '43')).toEqual({ kind: 'auto', backend: 'audify', queueMs: 43 });
    expect(withQueueFlag({ kind: 'auto' }, String(MAX_QUEUE_MS))).toEqual({ kind: 'auto', queueMs: MAX_QUEUE_MS });
  });

  it('refuses what is out of range, not a number, or has no output to queue for', () => {
    expect(() => withQueueFlag({ kind: 'auto' }, '4')).toThrow(/--queue-ms/);
    expect(() => withQueueFlag({ kind: 'auto' }, String(MAX_QUEUE_MS + 1))).toThrow(/--queue-ms/);
    expect(() => withQueueFlag({ kind: 'auto' }, 'lots')).toThrow(/--queue-ms/);
    expect(() => withQueueFlag({ kind: 'none' }, '43')).toThrow('--queue-ms applies to an audio output, not --audio none');
  });
});
