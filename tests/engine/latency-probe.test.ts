import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineHost } from '../../src/main/engine/engine-host';
import { layoutPatch } from '../../src/shared/patch/layout';
import { example } from '../support/engine-harness';
import { until } from '../support/until';

// The latency probe behind `npm run bench:latency`: the engine counts the control events it
// applies and the sink stamps when the block holding the latest one leaves. Checked here on the
// clock sink: what it stamps, never how fast.

describe('the control latency probe', () => {
  let host: EngineHost;
  beforeAll(async () => {
    host = await EngineHost.start({ sampleRate: 48000, blockSize: 128 });
    await host.load(layoutPatch(example('dual-neuron')), 'dual-neuron', 1);
  });
  afterAll(() => host?.stop());

  it('stamps each event once its block leaves, after it was sent', async () => {
    for (let i = 0; i < 5; i++) {
      const before = host.eventProbe();
      const sentAt = performance.timeOrigin + performance.now();
      host.send({ type: 'input', input: 'joystick.x', value: i / 5 });
      const after = await until('the event to leave for the device', () => {
        const p = host.eventProbe();
        return p.left === before.applied + 1 ? p : null;
      });
      expect(after.applied).toBe(before.applied + 1);
      expect(after.leftAtMs).toBeGreaterThan(sentAt);
      // The ring holds at most 16 blocks (43 ms) ahead of the sink: nothing waits longer than a second.
      expect(after.leftAtMs - sentAt).toBeLessThan(1000);
    }
  });

  it('reports the worker thread as busy for a fraction of its time', async () => {
    const first = host.workerLoad();
    await new Promise((r) => setTimeout(r, 300));
    const { load } = host.workerLoad(first.mark);
    expect(load).toBeGreaterThan(0);
    expect(load).toBeLessThan(1);
  });
});
