import { describe, expect, it } from 'vitest';
import { formatEndpoint, parseEndpoint } from '../../src/main/osc/osc-endpoint';
import { axonErrorOf } from '../support/errors';

describe('OSC endpoints (the --osc host:port flag)', () => {
  it.each([
    ['127.0.0.1:9000', '127.0.0.1', 9000],
    ['visuals.local:7000', 'visuals.local', 7000],
    ['9100', '127.0.0.1', 9100],
    ['192.168.1.20', '192.168.1.20', 9001],
    ['[::1]:9000', '::1', 9000],
    ['[fe80::1]', 'fe80::1', 9001],
    ['::1', '::1', 9001],
  ])('%s', (spec, host, port) => {
    expect(parseEndpoint(spec)).toEqual({ host, port });
  });

  it.each([
    ['host:', 'port "" is not a number from 1 to 65535'],
    ['host:0', 'port "0" is not a number from 1 to 65535'],
    ['host:70000', 'port "70000" is not a number from 1 to 65535'],
    ['host:90a', 'port "90a" is not a number from 1 to 65535'],
    [':9000', 'no host'],
    ['my host:9000', 'the host contains spaces'],
  ])('refuses %s', (spec, problem) => {
    expect(axonErrorOf(() => parseEndpoint(spec))).toBe(`osc_endpoint: bad OSC address "${spec}": ${problem} (use host:port, e.g. 127.0.0.1:9000)`);
  });

  it('formats IPv6 hosts in brackets', () => {
    expect(formatEndpoint({ host: '::1', port: 9000 })).toBe('[::1]:9000');
    expect(formatEndpoint({ host: '127.0.0.1', port: 9000 })).toBe('127.0.0.1:9000');
  });
});
