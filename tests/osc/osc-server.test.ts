import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeOsc, type OscArg, type OscPacket } from '../../src/main/osc/osc-codec';
import { OscProblemLog } from '../../src/main/osc/osc-problem-log';
import { OscServer, type OscTarget } from '../../src/main/osc/osc-server';
import { axonError, type AxonError } from '../../src/shared/errors';
import { until } from '../support/until';
import { OscReceiver } from './osc-receiver';

// OSC in: a real UDP socket on 127.0.0.1 (free port) driving a fake target that records calls.

const PARAMS = ['neurons.a.bias', 'neurons.a.w.x', 'neurons.a.w.y', 'neurons.a.w.x.lfoRate', 'neurons.b.bias', 'voice.cutoff', 'routes.0.amount'];

class FakeTarget implements OscTarget {
  readonly calls: string[] = [];
  ids: readonly string[] = PARAMS;
  failWith: 'throw' | 'reject' | null = null;

  setParam(id: string, value: number): void | Promise<void> {
    return this.record(`param ${id}=${value}`);
  }

  setInput(input: string, value: number): void | Promise<void> {
    return this.record(`input ${input}=${value}`);
  }

  paramIds(): readonly string[] {
    return this.ids;
  }

  private record(call: string): void | Promise<void> {
    if (this.failWith === 'throw') throw axonError('engine_not_running');
    if (this.failWith === 'reject') return Promise.reject(new Error('engine gone'));
    this.calls.push(call);
  }
}

const msg = (address: string, ...args: OscArg[]): OscPacket => ({ kind: 'message', address, args });
const f = (value: number): OscArg => ({ type: 'f', value });

let target: FakeTarget;
let server: OscServer;
let client: OscReceiver;
const reports: { error: AxonError; suppressed: number }[] = [];

beforeAll(async () => {
  target = new FakeTarget();
  server = await OscServer.start({ target, port: 0, reportIntervalMs: 0, onProblem: (error, suppressed) => reports.push({ error, suppressed }) });
  client = await OscReceiver.open();
});

afterAll(async () => {
  await server?.close();
  await client?.close();
});

/** Sends packets over UDP, then a marker, and returns the calls the packets made. */
async function send(...packets: OscPacket[]): Promise<string[]> {
  const from = target.calls.length;
  for (const p of packets) await client.send(encodeOsc(p), server.address.port);
  // UDP on loopback keeps order: once the marker arrived, everything before it has.
  await client.send(encodeOsc(msg('/axon/input/joystick.button8', f(0.125))), server.address.port);
  await until('the marker', () => target.calls.slice(from).includes('input joystick.button8=0.125'));
  return target.calls.slice(from, -1);
}

const lastProblem = () => server.problems.last?.message;

describe('OSC in over UDP', () => {
  it('binds 127.0.0.1 on the port it was given (0 = any free port)', () => {
    expect(server.address.host).toBe('127.0.0.1');
    expect(server.address.port).toBeGreaterThan(0);
  });

  it('/axon/param/<id> with one float calls setParam with that id and value', async () => {
    expect(await send(msg('/axon/param/neurons.a.bias', f(0.25)))).toEqual(['param neurons.a.bias=0.25']);
  });

  it('parameter id parts may be separated by "/" as well as "."', async () => {
    expect(await send(msg('/axon/param/neurons/a/w/x', f(-1.5)), msg('/axon/param/voice/cutoff', f(440)))).toEqual(['param neurons.a.w.x=-1.5', 'param voice.cutoff=440']);
  });

  it('takes int, double, int64 and true/false as the number', async () => {
    expect(
      await send(
        msg('/axon/param/routes.0.amount', { type: 'i', value: 2 }),
        msg('/axon/param/routes.0.amount', { type: 'd', value: 0.1 }),
        msg('/axon/param/routes.0.amount', { type: 'h', value: -3n }),
        msg('/axon/param/routes.0.amount', { type: 'T' }),
        msg('/axon/param/routes.0.amount', { type: 'F' }),
      ),
    ).toEqual(['param routes.0.amount=2', 'param routes.0.amount=0.1', 'param routes.0.amount=-3', 'param routes.0.amount=1', 'param routes.0.amount=0']);
  });

  it('/axon/input/<id> calls setInput', async () => {
    expect(await send(msg('/axon/input/joystick.x', f(0.5)), msg('/axon/input/midi/cc7', f(1)))).toEqual(['input joystick.x=0.5', 'input midi.cc7=1']);
  });

  it('rejects NaN and infinities without calling the target', async () => {
    const before = server.stats.rejected;
    expect(await send(msg('/axon/param/voice.cutoff', f(NaN)))).toEqual([]);
    expect(lastProblem()).toBe('/axon/param/voice.cutoff needs a finite number, got NaN');
    expect(await send(msg('/axon/param/voice.cutoff', { type: 'd', value: -Infinity }))).toEqual([]);
    expect(lastProblem()).toBe('/axon/param/voice.cutoff needs a finite number, got -Infinity');
    expect(server.stats.rejected).toBe(before + 2);
  });

  it('rejects a wrong number or type of arguments', async () => {
    expect(await send(msg('/axon/param/voice.cutoff'), msg('/axon/param/voice.cutoff', f(1), f(2)), msg('/axon/param/voice.cutoff', { type: 's', value: '440' }))).toEqual([]);
    expect(lastProblem()).toBe('/axon/param/voice.cutoff needs one number (OSC type i, f, d, h, T or F), got type "s"');
  });

  it('counts and reports unknown addresses, parameters and inputs', async () => {
    const before = server.stats.unknown;
    expect(await send(msg('/axon/param/neurons.z.bias', f(1)))).toEqual([]);
    expect(lastProblem()).toBe('unknown parameter "neurons.z.bias" in the current patch');
    expect(await send(msg('/axon/input/joystick.w', f(1)))).toEqual([]);
    expect(lastProblem()).toBe('unknown control input "joystick.w"');
    expect(await send(msg('/other/app', f(1)), msg('/axon/param/', f(1)))).toEqual([]);
    expect(lastProblem()).toBe('unknown OSC address "/axon/param/" (Axon Stage listens to /axon/param/<parameter id> and /axon/input/<input id>)');
    expect(server.stats.unknown).toBe(before + 4);
  });

  it('a pattern sets every parameter it matches; "*" stops at "." as at "/"', async () => {
    expect(await send(msg('/axon/param/neurons.a.w.*', f(0.5)))).toEqual(['param neurons.a.w.x=0.5', 'param neurons.a.w.y=0.5']);
    expect(await send(msg('/axon/param/neurons/[ab]/bias', f(1)))).toEqual(['param neurons.a.bias=1', 'param neurons.b.bias=1']);
    expect(await send(msg('/axon/param/{voice.cutoff,neurons.b.bias}', f(2)))).toEqual(['param neurons.b.bias=2', 'param voice.cutoff=2']);
    expect(await send(msg('/axon/input/joystick.?', f(0)))).toEqual(['input joystick.x=0', 'input joystick.y=0', 'input joystick.z=0']);
  });

  it('reports patterns that match nothing or do not parse', async () => {
    expect(await send(msg('/axon/param/reverb.*', f(1)))).toEqual([]);
    expect(lastProblem()).toBe('OSC pattern "/axon/param/reverb.*" matches no parameter or input of the current patch');
    expect(await send(msg('/axon/param/neurons.[ab.bias', f(1)))).toEqual([]);
    expect(lastProblem()).toBe('bad OSC address pattern "/axon/param/neurons/[ab/bias": "[" at 20 is never closed');
  });

  it('applies every message of a bundle, whatever its timetag', async () => {
    const bundle: OscPacket = { kind: 'bundle', timetag: 2n ** 63n, elements: [msg('/axon/param/neurons.a.bias', f(1)), { kind: 'bundle', timetag: 1n, elements: [msg('/axon/input/pad.x', f(-1))] }] };
    expect(await send(bundle)).toEqual(['param neurons.a.bias=1', 'input pad.x=-1']);
  });

  it('survives malformed datagrams and keeps listening', async () => {
    const before = server.stats.malformed;
    const from = target.calls.length;
    for (const bytes of [Buffer.from('hello'), Buffer.alloc(0), Buffer.from('2f610000 2c7a0000'.replace(/ /g, ''), 'hex'), Buffer.alloc(1000, 0xff)]) await client.send(bytes, server.address.port);
    await send(msg('/axon/param/voice.cutoff', f(100)));
    expect(server.stats.malformed).toBe(before + 4);
    expect(target.calls.slice(from, from + 1)).toEqual(['param voice.cutoff=100']);
    expect(reports.some((r) => r.error.message === 'malformed OSC packet: unknown type tag "z" in ",z" of /a')).toBe(true);
  });

  it('counts target failures (thrown or rejected) without crashing', async () => {
    const before = server.stats.failed;
    target.failWith = 'throw';
    server.handle(encodeOsc(msg('/axon/param/voice.cutoff', f(1))));
    expect(lastProblem()).toBe('the engine is not running');
    target.failWith = 'reject';
    server.handle(encodeOsc(msg('/axon/param/voice.cutoff', f(1))));
    await until('the rejection', () => server.stats.failed === before + 2);
    expect(lastProblem()).toBe('OSC message /axon/param/voice.cutoff failed: engine gone');
    target.failWith = null;
  });

  it('follows the target when the patch (its parameter list) changes', async () => {
    target.ids = ['master.gain'];
    expect(await send(msg('/axon/param/master.gain', f(-6)), msg('/axon/param/voice.cutoff', f(1)))).toEqual(['param master.gain=-6']);
    target.ids = PARAMS;
  });

  it('refuses a port that is taken, naming it', async () => {
    await expect(OscServer.start({ target, port: server.address.port })).rejects.toMatchObject({
      code: 'osc_listen',
      message: expect.stringMatching(new RegExp(`^cannot listen for OSC on 127\\.0\\.0\\.1:${server.address.port}: .*EADDRINUSE`)),
    });
  });
});

describe('problem reports are rate-limited', () => {
  it('passes one report per interval on, with the number held back, and counts them all', () => {
    let now = 0;
    const seen: string[] = [];
    const log = new OscProblemLog((e, held) => seen.push(`${e.message} (+${held})`), 1000, () => now);
    for (let i = 0; i < 50; i++) {
      log.add(axonError('osc_address', `/x${i}`));
      now += 10;
    }
    now = 1500;
    log.add(axonError('osc_address', '/late'));
    expect(log.count).toBe(51);
    expect(seen.map((s) => s.replace(/\s\(Axon[^)]*\)/, ''))).toEqual(['unknown OSC address "/x0" (+0)', 'unknown OSC address "/late" (+49)']);
    expect(log.last?.message).toMatch(/"\/late"/);
  });

  it('a listener that throws does not escape', () => {
    const log = new OscProblemLog(() => {
      throw new Error('boom');
    }, 0);
    expect(() => log.add(axonError('osc_address', '/x'))).not.toThrow();
  });
});
