import { describe, expect, it } from 'vitest';
import { decodeOsc, encodeOsc, ntpTimetag, OSC_IMMEDIATELY, oscHead, OscWriter, timetagMs, type OscArg, type OscPacket } from '../../src/main/osc/osc-codec';
import { axonErrorOf } from '../support/errors';

// The OSC 1.0 codec: exact bytes from the spec's own examples, round trips of every type,
// and untrusted datagrams (malformed, truncated, random) that must all give a result.

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const msg = (address: string, ...args: OscArg[]): OscPacket => ({ kind: 'message', address, args });

function decodeOk(bytes: Uint8Array): OscPacket {
  const d = decodeOsc(bytes);
  if (!d.ok) throw new Error(`expected a packet, got ${d.error.message}`);
  return d.packet;
}

function problemOf(bytes: Uint8Array): string {
  const d = decodeOsc(bytes);
  if (d.ok) return 'decoded';
  expect(d.error.code).toBe('osc_malformed');
  return d.error.message.replace(/^malformed OSC packet: /, '');
}

describe('exact bytes (OSC 1.0 spec examples)', () => {
  it('"/oscillator/4/frequency" ,f 440.0', () => {
    const bytes = hex(`
      2f6f7363 696c6c61 746f722f 342f6672
      65717565 6e637900 2c660000 43dc0000`);
    expect(encodeOsc(msg('/oscillator/4/frequency', { type: 'f', value: 440 }))).toEqual(bytes);
    expect(decodeOk(bytes)).toEqual(msg('/oscillator/4/frequency', { type: 'f', value: 440 }));
  });

  it('"/foo" ,iisff 1000 -1 "hello" 1.234 5.678', () => {
    const bytes = hex(`
      2f666f6f 00000000 2c696973 66660000
      000003e8 ffffffff 68656c6c 6f000000
      3f9df3b6 40b5b22d`);
    const args: OscArg[] = [
      { type: 'i', value: 1000 },
      { type: 'i', value: -1 },
      { type: 's', value: 'hello' },
      { type: 'f', value: 1.234 },
      { type: 'f', value: 5.678 },
    ];
    expect(encodeOsc(msg('/foo', ...args))).toEqual(bytes);
    const back = decodeOk(bytes);
    expect(back.kind === 'message' && back.args.slice(0, 3)).toEqual(args.slice(0, 3));
    expect(back.kind === 'message' && back.args.map((a) => ('value' in a ? a.value : null))).toEqual([1000, -1, 'hello', Math.fround(1.234), Math.fround(5.678)]);
  });

  it('a bundle: "#bundle", timetag, then each element preceded by its size', () => {
    const bytes = hex(`
      2362756e 646c6500 00000000 00000001
      0000000c 2f610000 2c690000 00000007`);
    const packet: OscPacket = { kind: 'bundle', timetag: OSC_IMMEDIATELY, elements: [msg('/a', { type: 'i', value: 7 })] };
    expect(encodeOsc(packet)).toEqual(bytes);
    expect(decodeOk(bytes)).toEqual(packet);
  });

  it('pads strings with 1 to 4 NULs and blobs with 0 to 3', () => {
    const sizes = ['', 'a', 'ab', 'abc', 'abcd', 'abcde'].map((s) => encodeOsc(msg('/s', { type: 's', value: s })).length - 8);
    expect(sizes).toEqual([4, 4, 4, 4, 8, 8]);
    expect(encodeOsc(msg('/b', { type: 'b', value: new Uint8Array([1, 2, 3, 4, 5]) }))).toEqual(hex('2f620000 2c620000 00000005 01020304 05000000'));
    expect(encodeOsc(msg('/b', { type: 'b', value: new Uint8Array(0) }))).toEqual(hex('2f620000 2c620000 00000000'));
  });

  it('T F N I carry no bytes; h and d are 8 bytes big-endian', () => {
    expect(encodeOsc(msg('/x', { type: 'T' }, { type: 'F' }, { type: 'N' }, { type: 'I' }))).toEqual(hex('2f780000 2c54464e 49000000'));
    expect(encodeOsc(msg('/x', { type: 'h', value: -2n }, { type: 'd', value: 1 }))).toEqual(hex('2f780000 2c686400 fffffffffffffffe 3ff0000000000000'));
  });

  it('a message without arguments still has a type tag string ","', () => {
    expect(encodeOsc(msg('/ping'))).toEqual(hex('2f70696e 67000000 2c000000'));
  });
});

describe('round trips', () => {
  it('every type', () => {
    const args: OscArg[] = [
      { type: 'i', value: -(2 ** 31) },
      { type: 'i', value: 2 ** 31 - 1 },
      { type: 'f', value: Math.fround(-0.15625) },
      { type: 'f', value: Infinity },
      { type: 's', value: 'héllo wörld' },
      { type: 's', value: '' },
      { type: 'b', value: new Uint8Array([0, 255, 7]) },
      { type: 'h', value: -(2n ** 63n) },
      { type: 'h', value: 2n ** 63n - 1n },
      { type: 'd', value: Math.PI },
      { type: 'T' },
      { type: 'F' },
      { type: 'N' },
      { type: 'I' },
    ];
    const packet = msg('/axon/every/type', ...args);
    expect(decodeOk(encodeOsc(packet))).toEqual(packet);
  });

  it('NaN floats survive the trip (they are rejected later, by the server)', () => {
    const back = decodeOk(encodeOsc(msg('/n', { type: 'f', value: NaN }, { type: 'd', value: NaN })));
    expect(back.kind === 'message' && back.args.map((a) => ('value' in a ? a.value : null))).toEqual([NaN, NaN]);
  });

  it('nested bundles with timetags', () => {
    const t = ntpTimetag(Date.UTC(2024, 0, 1, 12, 0, 0, 250));
    const packet: OscPacket = {
      kind: 'bundle',
      timetag: t,
      elements: [
        msg('/a', { type: 'i', value: 1 }),
        { kind: 'bundle', timetag: OSC_IMMEDIATELY, elements: [msg('/b', { type: 's', value: 'x' }), { kind: 'bundle', timetag: 0n, elements: [] }] },
        msg('/c'),
      ],
    };
    expect(decodeOk(encodeOsc(packet))).toEqual(packet);
  });

  it('NTP timetags: seconds since 1900 and a 32-bit fraction', () => {
    expect(ntpTimetag(0)).toBe(2208988800n << 32n);
    expect(ntpTimetag(500) & 0xffffffffn).toBe(2n ** 31n);
    const ms = Date.UTC(2030, 5, 1, 0, 0, 0, 123);
    expect(Math.abs(timetagMs(ntpTimetag(ms)) - ms)).toBeLessThan(0.001);
  });

  it('the writer reuses its buffer and grows when needed', () => {
    const w = new OscWriter(16);
    const head = oscHead('/a/long/address/for/growth', 'ff');
    w.beginBundle(OSC_IMMEDIATELY);
    for (let i = 0; i < 20; i++) w.beginMessage(head).float32(i).float32(-i).endMessage();
    w.endBundle();
    const first = decodeOk(w.bytes());
    expect(first.kind === 'bundle' && first.elements.length).toBe(20);
    w.reset().beginMessage(oscHead('/b', 'i')).int32(3).endMessage();
    expect(decodeOk(w.bytes())).toEqual(msg('/b', { type: 'i', value: 3 }));
  });

  it('refuses to encode what OSC cannot carry', () => {
    expect(axonErrorOf(() => encodeOsc(msg('no-slash')))).toBe('osc_encode: cannot encode OSC: address "no-slash" must start with "/"');
    expect(axonErrorOf(() => encodeOsc(msg('/i', { type: 'i', value: 2 ** 31 })))).toBe('osc_encode: cannot encode OSC: 2147483648 is not a 32-bit integer');
    expect(axonErrorOf(() => encodeOsc(msg('/i', { type: 'i', value: 1.5 })))).toBe('osc_encode: cannot encode OSC: 1.5 is not a 32-bit integer');
    expect(axonErrorOf(() => encodeOsc(msg('/s', { type: 's', value: 'a\0b' })))).toBe('osc_encode: cannot encode OSC: string "a\\u0000b" contains a NUL character');
    expect(axonErrorOf(() => encodeOsc(msg('/h', { type: 'h', value: 2n ** 63n })))).toBe('osc_encode: cannot encode OSC: 9223372036854775808 is not a 64-bit integer');
  });
});

describe('malformed datagrams give a result naming the problem', () => {
  const good = encodeOsc(msg('/axon/param/voice.cutoff', { type: 'f', value: 440 }));

  it.each([
    ['empty', '', 'the packet is empty'],
    ['not a multiple of 4', '2f61', 'size 2 of the packet is not a multiple of 4'],
    ['neither message nor bundle', '41424300', 'the packet starts with byte 0x41, neither "/" (a message) nor "#bundle"'],
    ['address without terminator', '2f616263', 'address at byte 0 has no NUL terminator before byte 4'],
    ['bad padding after the address', '2f610001 2c000000', 'address at byte 0: bad padding (non-zero byte at 3)'],
    ['missing comma', '2f610000 69000000 00000001', 'type tag string at byte 4 of /a does not start with a comma'],
    ['unknown tag', '2f610000 2c7a0000', 'unknown type tag "z" in ",z" of /a'],
    ['array tags are not supported', '2f610000 2c5b5d00', 'unknown type tag "[" in ",[]" of /a'],
    ['int past the end', '2f610000 2c690000', 'int32 argument at byte 8 needs 4 bytes but the packet ends at byte 8'],
    ['double past the end', '2f610000 2c640000 00000000', 'float64 argument at byte 8 needs 8 bytes but the packet ends at byte 12'],
    ['string without terminator', '2f610000 2c730000 61626364', 'string argument at byte 8 has no NUL terminator before byte 12'],
    ['blob size beyond the packet', '2f610000 2c620000 00000010 01020304', 'blob at byte 8 claims 16 bytes, beyond the end of the message (byte 16)'],
    ['negative blob size', '2f610000 2c620000 ffffffff', 'blob size -1 at byte 8 is negative'],
    ['bad blob padding', '2f610000 2c620000 00000001 01ff0000', 'blob at byte 8: bad padding (non-zero byte at 13)'],
    ['bytes after the arguments', '2f610000 2c000000 00000000', '4 bytes after the last argument of /a'],
    ['"#" but not #bundle', '2362756e 646c6521 00000000 00000001', 'byte 0 starts with "#" but not with "#bundle\\0"'],
    ['short bundle header', '2362756e 646c6500', 'bundle header at byte 0 needs 16 bytes but the packet ends at byte 8'],
    ['element size beyond the bundle', '2362756e 646c6500 00000000 00000001 00000040 2f610000', 'bundle element at byte 16 claims 64 bytes, beyond the end of its bundle (byte 24)'],
    ['element size not a multiple of 4', '2362756e 646c6500 00000000 00000001 00000003 2f610000', 'bundle element size 3 at byte 16 is not a positive multiple of 4'],
    ['zero element size', '2362756e 646c6500 00000000 00000001 00000000', 'bundle element size 0 at byte 16 is not a positive multiple of 4'],
    ['element neither message nor bundle', '2362756e 646c6500 00000000 00000001 00000004 61000000', 'the element at byte 20 starts with byte 0x61, neither "/" (a message) nor "#bundle"'],
  ])('%s', (_name, bytes, problem) => {
    expect(problemOf(hex(bytes))).toBe(problem);
  });

  it('an address with no type tag string at all is an old-style message without arguments (the spec asks for robustness)', () => {
    expect(decodeOk(hex('2f610000'))).toEqual(msg('/a'));
  });

  it('refuses bundles nested past 16 levels without recursing further', () => {
    let packet: OscPacket = msg('/deep');
    for (let i = 0; i < 40; i++) packet = { kind: 'bundle', timetag: OSC_IMMEDIATELY, elements: [packet] };
    expect(problemOf(encodeOsc(packet))).toMatch(/^bundles nested deeper than 16 levels at byte \d+$/);
  });

  it('every truncation of valid packets gives a result, never an exception', () => {
    const bundle = encodeOsc({ kind: 'bundle', timetag: 5n, elements: [msg('/s', { type: 's', value: 'hello' }, { type: 'b', value: new Uint8Array(9) }), { kind: 'bundle', timetag: 1n, elements: [msg('/h', { type: 'h', value: 1n })] }] });
    const valid: number[] = [];
    for (const packet of [good, bundle]) {
      for (let len = 0; len < packet.length; len++) {
        const d = decodeOsc(packet.subarray(0, len));
        if (d.ok) valid.push(len);
        else expect(d.error.code).toBe('osc_malformed');
      }
    }
    // Only cuts at a boundary still make sense: the message without its type tags (old style)
    // and the bundle after its header or its first element.
    expect(valid).toEqual([28, 16, 52]);
  });

  it('random bytes, flipped bits and random lengths all give results', () => {
    // A seeded generator (xorshift32): failures reproduce.
    let state = 0x2545f491;
    const rand = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 2 ** 32;
    };
    const seeds = [good, encodeOsc({ kind: 'bundle', timetag: 1n, elements: [msg('/a', { type: 'b', value: new Uint8Array(6) }), msg('/b', { type: 'd', value: 1 })] })];
    let failures = 0;
    for (let n = 0; n < 5000; n++) {
      let bytes: Uint8Array;
      if (n % 2 === 0) {
        bytes = new Uint8Array(Math.floor(rand() * 64) * (rand() < 0.8 ? 4 : 1));
        for (let i = 0; i < bytes.length; i++) bytes[i] = rand() < 0.3 ? [0x2f, 0x2c, 0x23, 0, 0x69, 0x62, 0x73][Math.floor(rand() * 7)] : Math.floor(rand() * 256);
      } else {
        bytes = Uint8Array.from(seeds[n % 4 === 1 ? 0 : 1]);
        for (let k = 0; k < 3; k++) bytes[Math.floor(rand() * bytes.length)] ^= 1 << Math.floor(rand() * 8);
      }
      const d = decodeOsc(bytes);
      if (!d.ok) {
        failures++;
        expect(d.error.code).toBe('osc_malformed');
        expect(d.error.message).not.toMatch(/decoder fault/);
      }
    }
    expect(failures).toBeGreaterThan(2500);
  });
});
