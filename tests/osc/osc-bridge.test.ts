import { EventEmitter } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/main/backend';
import { encodeOsc, type OscPacket } from '../../src/main/osc/osc-codec';
import { startOscBridge, type OscBackend, type OscBridge } from '../../src/main/osc/osc-bridge';
import type { EngineState, Notice } from '../../src/shared/api';
import { T_COLUMNS, T_FRAME, T_NEURONS, T_OUTPUTS, TELEMETRY_WORDS } from '../../src/shared/telemetry';
import { until } from '../support/until';
import { OscReceiver } from './osc-receiver';

// The bridge on a fake backend: OSC in reaches setParam, telemetry and notices go out, and it
// follows patch changes. The last test runs it on a real Backend and engine.

// Compile-time check: the real Backend is an OscBackend.
export const backendFits = (b: Backend): OscBackend => b;

const stateOf = (neurons: string[], params: string[]) => ({ neurons: neurons.map((id) => ({ id })), columns: ['x', ...neurons], params: params.map((id) => ({ id })) }) as unknown as EngineState;

class FakeBackend extends EventEmitter<{ telemetry: [Float64Array]; notice: [Notice] }> implements OscBackend {
  readonly calls: string[] = [];
  state: EngineState | null = stateOf(['a'], ['neurons.a.bias']);
  async setParam(id: string, value: number) {
    this.calls.push(`param ${id}=${value}`);
  }
  async setInput(input: string, value: number) {
    this.calls.push(`input ${input}=${value}`);
  }
  async getState() {
    return this.state;
  }
}

const msg = (address: string, value: number): OscPacket => ({ kind: 'message', address, args: [{ type: 'f', value }] });

function words(frame: number, neurons: number): Float64Array {
  const w = new Float64Array(TELEMETRY_WORDS);
  w[T_FRAME] = frame;
  w[T_NEURONS] = neurons;
  w[T_COLUMNS] = neurons + 1;
  w[T_OUTPUTS] = 0.5;
  return w;
}

const toClose: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const c of toClose) await c.close();
});

describe('the OSC bridge', () => {
  it('wires OSC in to the backend and telemetry, notices and beats out, and reports status', async () => {
    const backend = new FakeBackend();
    const receiver = await OscReceiver.open();
    let beat: ((n: number) => void) | null = null;
    const bridge: OscBridge = await startOscBridge({
      backend,
      listen: { port: 0 },
      targets: [{ host: '127.0.0.1', port: receiver.port }],
      rateHz: 60,
      beats: {
        onBeat: (listener) => {
          beat = listener;
          return () => (beat = null);
        },
      },
    });
    toClose.push(receiver, bridge);
    const port = bridge.server!.address.port;

    await receiver.send(encodeOsc(msg('/axon/param/neurons.a.bias', 0.5)), port);
    await until('setParam', () => backend.calls.includes('param neurons.a.bias=0.5'));

    backend.emit('telemetry', words(1, 1));
    await until('a frame', () => receiver.messages.some((m) => m.address === '/axon/neuron/a'));
    backend.emit('notice', { type: 'out', event: { frame: 0, type: 'drum', drum: 2, velocity: 64 } });
    beat!(4);
    await until('drum and beat', () => receiver.messages.some((m) => m.address === '/axon/drum') && receiver.messages.some((m) => m.address === '/axon/beat'));

    // A new patch: new parameter ids in, new neuron names out.
    backend.emit('notice', { type: 'patch', state: stateOf(['n1', 'n2'], ['neurons.n1.bias']) });
    await receiver.send(encodeOsc(msg('/axon/param/neurons.a.bias', 1)), port);
    await receiver.send(encodeOsc(msg('/axon/param/neurons.n1.bias', 1)), port);
    await until('the new parameter', () => backend.calls.includes('param neurons.n1.bias=1'));
    backend.emit('telemetry', words(2, 2));
    await until('the new neurons', () => receiver.messages.some((m) => m.address === '/axon/neuron/n2'));

    const status = bridge.status();
    expect(status).toMatchObject({ listening: `127.0.0.1:${port}`, targets: [`127.0.0.1:${receiver.port}`], packetsIn: 3, errors: 1 });
    expect(status.lastProblem).toBe('unknown parameter "neurons.a.bias" in the current patch');
    expect(status.packetsOut).toBeGreaterThanOrEqual(4);
    expect(status.in).toMatchObject({ applied: 2, unknown: 1 });

    await bridge.close();
    await bridge.close(); // twice is fine
    expect(backend.listenerCount('telemetry') + backend.listenerCount('notice')).toBe(0);
    expect(beat).toBeNull();
  });

  it('without targets only listens, with listen null only sends', async () => {
    const backend = new FakeBackend();
    const inOnly = await startOscBridge({ backend, listen: { port: 0 } });
    expect(inOnly.sender).toBeNull();
    expect(inOnly.status()).toMatchObject({ targets: [], packetsOut: 0, lastProblem: null });
    await inOnly.close();
    const outOnly = await startOscBridge({ backend, listen: null, targets: [{ host: '127.0.0.1', port: 9 }] });
    expect(outOnly.server).toBeNull();
    expect(outOnly.status().listening).toBeNull();
    await outOnly.close();
  });
});

describe('the OSC bridge on a real Backend', () => {
  it('sets a parameter from OSC and sends neuron outputs of the playing patch', async () => {
    const { Backend } = await import('../../src/main/backend');
    const backend = await Backend.start();
    toClose.push(backend);
    await backend.loadPatchFile('dual-neuron');
    const receiver = await OscReceiver.open();
    const bridge = await startOscBridge({ backend, listen: { port: 0 }, targets: [{ host: '127.0.0.1', port: receiver.port }] });
    toClose.unshift(receiver, bridge);

    await receiver.send(encodeOsc(msg('/axon/param/neurons.a.bias', 0.3)), bridge.server!.address.port);
    // `until` polls synchronously: keep the latest state at hand for it.
    let bias: number | undefined;
    const poll = setInterval(() => void backend.getState().then((s) => (bias = s?.params.find((p) => p.id === 'neurons.a.bias')?.value)), 10);
    try {
      await until('bias 0.3 (as float32: OSC f)', () => bias === Math.fround(0.3));
      // Beyond the range: the backend clamps.
      await receiver.send(encodeOsc(msg('/axon/param/neurons/a/bias', 100)), bridge.server!.address.port);
      await until('bias clamped to 4', () => bias === 4);
    } finally {
      clearInterval(poll);
    }

    await until('neuron frames', () => ['/axon/neuron/a', '/axon/neuron/b', '/axon/weight/a/x'].every((a) => receiver.messages.some((m) => m.address === a)));
    expect(bridge.status().errors).toBe(0);
  });
});
