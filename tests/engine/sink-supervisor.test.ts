import { describe, expect, it } from 'vitest';
import type { AudioSink, SinkSpec } from '../../src/worker/audio-out/audio-sink';
import { initialPlan, SinkSupervisor, type SinkReport } from '../../src/worker/audio-out/sink-supervisor';

// The recovery logic alone, with fake sinks and a fake clock: a device that fails mid-stream is
// replaced by the clock at once, retried, then its backend's default device is tried, then the
// clock stays; every step is reported.

class FakeSink implements AudioSink {
  readonly queueBlocks = 3;
  error: Error | null = null;
  closed = false;
  constructor(
    readonly name: string,
    readonly device: string,
  ) {}
  pump(): number {
    return 1;
  }
  latencyFrames(): number {
    return 0;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function rig(works: (spec: SinkSpec, attempt: number) => boolean) {
  let now = 0;
  const attempts: string[] = [];
  const reports: SinkReport[] = [];
  const opened: FakeSink[] = [];
  const sup = new SinkSupervisor(
    (spec) => {
      const key = `${spec.backend}:${spec.device ?? 'default'}`;
      attempts.push(key);
      if (!works(spec, attempts.length)) throw new Error(`cannot open ${key}`);
      const s = new FakeSink(spec.backend, spec.device ?? 'default');
      opened.push(s);
      return s;
    },
    () => new FakeSink('clock', ''),
    (r) => reports.push(r),
    { retryDelayMs: 100, retries: 1, now: () => now },
  );
  const advance = async (ms: number) => {
    now += ms;
    await Promise.resolve();
    await Promise.resolve();
    return sup.check();
  };
  return { sup, attempts, reports, opened, advance };
}

describe('the sink supervisor', () => {
  it('plans the default backend first, then the other, the named device before the defaults', () => {
    expect(initialPlan({ kind: 'auto', device: 'jack' })).toEqual([
      { backend: 'audify', device: 'jack' },
      { backend: 'naudiodon', device: 'jack' },
      { backend: 'audify' },
      { backend: 'naudiodon' },
    ]);
    expect(initialPlan({ kind: 'auto', backend: 'naudiodon', device: 'x' })).toEqual([{ backend: 'naudiodon', device: 'x' }, { backend: 'naudiodon' }]);
    expect(initialPlan({ kind: 'auto' }, 'naudiodon')).toEqual([{ backend: 'naudiodon' }, { backend: 'audify' }]);
    expect(initialPlan({ kind: 'none' })).toEqual([]);
  });

  it('falls back at start and says why', () => {
    const { sup, reports } = rig((spec) => spec.device === undefined);
    const s = sup.start(initialPlan({ kind: 'auto', backend: 'audify', device: 'no such card' }));
    expect(s.name).toBe('audify');
    expect(reports).toEqual([{ sink: 'audify', device: 'default', detail: 'cannot open audify:no such card; using audify:default' }]);
  });

  it('device error -> clock at once -> retry -> default device -> clock, reporting each step', async () => {
    // The named device opens once, then never again; the default device never opens.
    const { sup, attempts, reports, opened, advance } = rig((spec, n) => spec.device === 'card' && n === 1);
    const first = sup.start([{ backend: 'audify', device: 'card' }]) as FakeSink;
    expect(first.device).toBe('card');
    first.error = new Error('the audio device card failed: gone');
    expect(sup.check().name).toBe('clock');
    expect(first.closed).toBe(true);
    expect(reports.at(-1)?.detail).toBe('the audio device card failed: gone; retrying audify:card');
    expect((await advance(50)).name).toBe('clock'); // not due yet
    expect(attempts).toEqual(['audify:card']);
    expect((await advance(60)).name).toBe('clock');
    expect(attempts).toEqual(['audify:card', 'audify:card']);
    expect(reports.at(-1)?.detail).toMatch(/audify:card failed again \(cannot open audify:card\); trying audify:default/);
    expect((await advance(110)).name).toBe('clock');
    expect(attempts).toEqual(['audify:card', 'audify:card', 'audify:default']);
    expect(reports.at(-1)).toEqual({ sink: 'clock', device: '', detail: 'no sound: the audio device card failed: gone; audify:default failed too (cannot open audify:default)' });
    await advance(1000);
    expect(attempts).toHaveLength(3); // nothing more to try: the clock keeps the engine running
    expect(opened).toHaveLength(1);
  });

  it('recovers on the default device when the named one stays gone', async () => {
    const { sup, reports, advance } = rig((spec, n) => (spec.device === 'card' ? n === 1 : true));
    const first = sup.start([{ backend: 'naudiodon', device: 'card' }]) as FakeSink;
    first.error = new Error('stalled');
    sup.check();
    await advance(100); // retry fails
    const s = await advance(100); // default device opens
    expect(s).toMatchObject({ name: 'naudiodon', device: 'default' });
    expect(reports.at(-1)).toEqual({ sink: 'naudiodon', device: 'default', detail: 'recovered on naudiodon:default after: stalled' });
    // It is supervised in turn.
    (s as FakeSink).error = new Error('again');
    expect(sup.check().name).toBe('clock');
    expect(reports.at(-1)?.detail).toBe('again; retrying naudiodon:default');
  });

  it('recovers on the same device when the retry works', async () => {
    const { sup, reports, advance } = rig(() => true);
    const first = sup.start([{ backend: 'audify', device: 'card' }]) as FakeSink;
    first.error = new Error('blip');
    sup.check();
    const s = await advance(100);
    expect(s).toMatchObject({ name: 'audify', device: 'card' });
    expect(reports.at(-1)?.detail).toBe('recovered on audify:card after: blip');
  });
});
