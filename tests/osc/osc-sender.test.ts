import { afterEach, describe, expect, it } from 'vitest';
import type { OscMessage } from '../../src/main/osc/osc-codec';
import { OscSender, type OscSenderOptions } from '../../src/main/osc/osc-sender';
import { T_ACTIVITY, T_COLUMNS, T_FRAME, T_NEURONS, T_OUTPUTS, T_PEAK_L, T_RMS_R, T_WEIGHTS, TELEMETRY_WORDS } from '../../src/shared/telemetry';
import { until } from '../support/until';
import { messagesOf, OscReceiver } from './osc-receiver';

// OSC out: a real sender to a receiving socket on 127.0.0.1. Assertions are on what arrives;
// the one timing test only checks the frame rate is roughly the configured one.

const LAYOUT = { neurons: ['a', 'b'], columns: ['x', 'a', 'b'] };
const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function rig(opts: Partial<OscSenderOptions> = {}) {
  const receiver = await OscReceiver.open();
  const sender = await OscSender.open({ targets: [{ host: '127.0.0.1', port: receiver.port }], rateHz: 1, weightRefreshS: 0, ...opts });
  open.push(sender, receiver);
  sender.setLayout(LAYOUT);
  return { receiver, sender };
}

/** Telemetry words for two neurons over three columns. */
function telemetry(frame: number, weights = [0.5, -1, 0, 2, 0.25, 1]): Float64Array {
  const w = new Float64Array(TELEMETRY_WORDS);
  w[T_FRAME] = frame;
  w[T_NEURONS] = 2;
  w[T_COLUMNS] = 3;
  w[T_PEAK_L] = 0.5;
  w[T_RMS_R] = 0.25;
  w.set([0.75, -0.5], T_OUTPUTS);
  w.set([0.125, 0.0625], T_ACTIVITY);
  w.set(weights, T_WEIGHTS);
  return w;
}

const show = (m: OscMessage) => `${m.address} ${m.args.map((a) => ('value' in a ? String(a.value) : a.type)).join(' ')}`.trim();

describe('OSC out over UDP', () => {
  it('a frame is one bundle: levels, neuron outputs and activity, and every weight the first time', async () => {
    const { receiver, sender } = await rig();
    sender.telemetry(telemetry(100));
    sender.flush(0);
    await until('a bundle', () => receiver.packets.length === 1);
    const bundle = receiver.packets[0];
    expect(bundle.kind === 'bundle' && bundle.timetag).toBe(1n);
    expect(messagesOf(bundle).map(show)).toEqual([
      '/axon/level 0.5 0 0 0.25',
      '/axon/neuron/a 0.75',
      '/axon/neuron/a/activity 0.125',
      '/axon/neuron/b -0.5',
      '/axon/neuron/b/activity 0.0625',
      '/axon/weight/a/x 0.5',
      '/axon/weight/a/a -1',
      '/axon/weight/a/b 0',
      '/axon/weight/b/x 2',
      '/axon/weight/b/a 0.25',
      '/axon/weight/b/b 1',
    ]);
    expect(sender.stats).toMatchObject({ frames: 1, packets: 1, errors: 0 });
  });

  it('then only weights that changed, all of them again every weightRefreshS, and nothing for an old frame', async () => {
    const { receiver, sender } = await rig({ weightRefreshS: 1 });
    const weights = (i: number) => messagesOf(receiver.packets[i]).filter((m) => m.address.startsWith('/axon/weight/')).map(show);
    sender.telemetry(telemetry(1));
    sender.flush(0);
    sender.telemetry(telemetry(2, [0.5, -1, 0, 2, 0.3, 1]));
    sender.flush(400);
    sender.flush(450); // same telemetry frame: nothing
    sender.telemetry(telemetry(3, [0.5, -1, 0, 2, 0.3, 1]));
    sender.flush(800);
    sender.telemetry(telemetry(4, [0.5, -1, 0, 2, 0.3, 1]));
    sender.flush(1000);
    await until('four bundles', () => receiver.packets.length === 4);
    expect(weights(0)).toHaveLength(6);
    expect(weights(1)).toEqual([`/axon/weight/b/a ${Math.fround(0.3)}`]);
    expect(weights(2)).toEqual([]);
    expect(weights(3)).toHaveLength(6);
    expect(sender.stats.frames).toBe(4);
  });

  it('skips frames that do not fit the layout (a patch change in flight) and sends after a new layout', async () => {
    const { receiver, sender } = await rig();
    sender.setLayout({ neurons: ['a'], columns: ['x', 'a'] });
    sender.telemetry(telemetry(1));
    sender.flush(0);
    expect(sender.stats.skipped).toBe(1);
    sender.setLayout(LAYOUT);
    sender.telemetry(telemetry(2));
    sender.flush(0);
    await until('a bundle', () => receiver.packets.length === 1);
    expect(sender.stats.frames).toBe(1);
  });

  it('splits a frame over several bundles, each within maxDatagram', async () => {
    const neurons = Array.from({ length: 16 }, (_, i) => `neuron${i}`);
    const columns = [...Array.from({ length: 32 }, (_, i) => `source${i}`), ...neurons];
    const { receiver, sender } = await rig({ maxDatagram: 1024 });
    sender.setLayout({ neurons, columns });
    const w = new Float64Array(TELEMETRY_WORDS);
    w[T_FRAME] = 1;
    w[T_NEURONS] = neurons.length;
    w[T_COLUMNS] = columns.length;
    for (let k = 0; k < neurons.length * columns.length; k++) w[T_WEIGHTS + k] = k / 1000;
    sender.telemetry(w);
    sender.flush(0);
    const expected = 1 + 2 * neurons.length + neurons.length * columns.length;
    await until('every message', () => receiver.messages.length === expected);
    expect(receiver.packets.length).toBeGreaterThan(10);
    expect(receiver.packets.every((p) => p.kind === 'bundle')).toBe(true);
    expect(Math.max(...receiver.sizes)).toBeLessThanOrEqual(1024);
    expect(receiver.messages.find((m) => m.address === '/axon/weight/neuron15/neuron15')?.args).toEqual([{ type: 'f', value: Math.fround(767 / 1000) }]);
  });

  it('sends drum hits, notes, CCs and beats at once, as single messages', async () => {
    const { receiver, sender } = await rig();
    sender.event({ frame: 0, type: 'drum', drum: 3, velocity: 100 });
    sender.event({ frame: 0, type: 'noteOn', channel: 1, note: 60, velocity: 90 });
    sender.event({ frame: 0, type: 'noteOff', channel: 1, note: 60 });
    sender.event({ frame: 0, type: 'cc', channel: 1, cc: 74, value: 64 });
    sender.event({ frame: 0, type: 'nan', module: 'voice', count: 1 });
    sender.beat(17);
    await until('five messages', () => receiver.packets.length === 5);
    expect(receiver.packets.every((p) => p.kind === 'message')).toBe(true);
    expect(receiver.messages.map(show)).toEqual(['/axon/drum 3 100', '/axon/note 60 90', '/axon/note 60 0', '/axon/cc 74 64', '/axon/beat 17']);
    expect(receiver.messages[0].args.map((a) => a.type)).toEqual(['i', 'i']);
    expect(sender.stats.frames).toBe(0); // no frame was needed to carry them
  });

  it('sends to every target', async () => {
    const other = await OscReceiver.open();
    open.push(other);
    const { receiver, sender } = await rig();
    const both = await OscSender.open({ targets: [{ host: '127.0.0.1', port: receiver.port }, { host: 'localhost', port: other.port }] });
    open.push(both);
    expect(sender.targets).toEqual([`127.0.0.1:${receiver.port}`]);
    both.event({ frame: 0, type: 'drum', drum: 1, velocity: 1 });
    await until('both receive', () => receiver.packets.length === 1 && other.packets.length === 1);
    expect(both.stats.packets).toBe(2);
  });

  it('emits frames at about the configured rate (30 Hz over half a second, generous bounds)', async () => {
    const { receiver } = await rig({ rateHz: 30 }).then(async (r) => {
      let frame = 0;
      // Telemetry faster than the send rate, as the backend's 60 Hz.
      const feed = setInterval(() => r.sender.telemetry(telemetry(++frame)), 5);
      await new Promise((resolve) => setTimeout(resolve, 500));
      clearInterval(feed);
      await r.sender.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      return r;
    });
    expect(receiver.bundles.length).toBeGreaterThanOrEqual(5);
    expect(receiver.bundles.length).toBeLessThanOrEqual(25);
  });

  it('counts send errors instead of throwing (unreachable receiver, closed socket)', async () => {
    const problems: string[] = [];
    // Broadcast without the broadcast flag: the OS refuses it (EACCES), reported in the send callback.
    const sender = await OscSender.open({ targets: [{ host: '255.255.255.255', port: 9 }], reportIntervalMs: 0, onProblem: (e) => problems.push(e.message) });
    sender.event({ frame: 0, type: 'drum', drum: 0, velocity: 10 });
    await until('the failure', () => sender.stats.errors === 1);
    expect(problems[0]).toMatch(/^cannot send OSC to 255\.255\.255\.255:9: send E[A-Z]+/);
    await sender.close();
    expect(() => sender.event({ frame: 0, type: 'drum', drum: 0, velocity: 10 })).not.toThrow();
    expect(sender.stats.errors).toBe(2);
  });

  it('refuses bad options, naming them', async () => {
    await expect(OscSender.open({ targets: [], rateHz: 0 })).rejects.toMatchObject({ code: 'osc_rate', message: 'OSC send rate must be 1 to 240 Hz, got 0' });
    await expect(OscSender.open({ targets: [], maxDatagram: 100 })).rejects.toMatchObject({ code: 'osc_rate', message: 'OSC datagram size must be 512 to 65507 bytes, got 100' });
  });
});
