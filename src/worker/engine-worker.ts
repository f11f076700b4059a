import { parentPort } from 'node:worker_threads';
import { RingBuffer } from 'ringbuf.js';
import { CHANNELS, FRAME_MODULO, PROBE_UNDERRUN_AT, STATUS_EVENT_FRAME, STATUS_EVENTS_APPLIED, STATUS_OUTPUT_LATENCY, STATUS_UNDERRUNS, type EngineMemory } from '../shared/engine-memory';
import { START_WITH_VIRTUAL_DRUMS } from '../shared/engine-config';
import { toErrorPayload } from '../shared/errors';
import { layoutPatch } from '../shared/patch/layout';
import { validatePatch } from '../shared/patch/validate';
import type { Frames, Seconds } from '../shared/units';
import type { AudioOutputChoice, HostMessage, WorkerMessage } from '../shared/worker-messages';
import { AudifySink } from './audio-out/audify-sink';
import { ClockSink } from './audio-out/clock-sink';
import { MonitorTap } from './audio-out/monitor-tap';
import { raiseEngineThread } from './audio-out/thread-priority';
import { NaudiodonSink } from './audio-out/naudiodon-sink';
import { initialPlan, SinkSupervisor, type OpenSink } from './audio-out/sink-supervisor';
import { WavetableBank } from './dsp/wavetable';
import { Engine } from './engine';
import { EventLogWriter } from './rings/event-log-writer';
import { StemTap } from './telemetry/stem-tap';
import { RingEventSource } from './rings/ring-event-source';
import { RingOutSink } from './rings/ring-out-sink';
import { TelemetryWriter } from './rings/telemetry-writer';

// The engine thread. Lifecycle messages (init, load, stop) arrive by postMessage; everything
// per block goes through the shared rings. The loop renders until the audio ring holds the
// sink's target, lets the sink consume, and sleeps on a timer; renders never allocate. The
// audio device is driven from this thread too, so nothing on main sits in the audio path.

const port = parentPort;
if (!port) throw new Error('engine-worker must run in a worker thread');

let engine: Engine | null = null;
let sinks: SinkSupervisor | null = null;
/** The output plan to switch to, picked up by the loop (which owns the current sink). */
let nextOutput: AudioOutputChoice | null = null;
let running = false;
let timer: NodeJS.Timeout | null = null;
/** Renders into the sink's device queue `extra` frames beyond its usual depth (set by start). */
let fillAhead: ((extra: Frames) => void) | null = null;

/**
 * A patch load stalls this thread (the patch is checked and its runtime built here, then its
 * code warms up): 20-70 ms measured on a busy 2-core machine, past the 21 ms the device queue
 * holds. So the device gets this much more first; events played meanwhile wait at most this
 * long, once, while the old patch fades out anyway.
 */
const LOAD_HEADROOM_S: Seconds = 0.15;

const post = (m: WorkerMessage) => port.postMessage(m);

/** The device sinks the supervisor may open, by backend. */
function deviceSink(mem: EngineMemory, status: Int32Array, tap: MonitorTap): OpenSink {
  return (spec) =>
    spec.backend === 'audify'
      ? new AudifySink(mem.audio, mem.sampleRate, mem.blockSize, status, tap, spec.device, spec.queueMs)
      : new NaudiodonSink(mem.audio, mem.sampleRate, mem.blockSize, status, tap, spec.device);
}

function start(mem: EngineMemory, output: AudioOutputChoice): void {
  const status = new Int32Array(mem.status);
  const audio = new RingBuffer(mem.audio, Float32Array);
  const events = new RingEventSource(mem.control);
  const block = mem.blockSize;
  const buf = new Float32Array(block * CHANNELS);
  const blockSeconds = block / mem.sampleRate;
  const log = new EventLogWriter(mem.log, status);
  const eventProbe = {
    applied(frame: number, event: Float64Array): void {
      Atomics.store(status, STATUS_EVENT_FRAME, frame % FRAME_MODULO);
      Atomics.add(status, STATUS_EVENTS_APPLIED, 1);
      log.write(frame, event);
    },
  };
  const eng = new Engine({ sampleRate: mem.sampleRate, out: new RingOutSink(mem.out, status), telemetry: new TelemetryWriter(mem.telemetry, status), eventProbe, stems: new StemTap(mem.stems), virtualDrums: START_WITH_VIRTUAL_DRUMS });
  engine = eng;
  // Built on first use otherwise: inside the first patch load, which then stalls the loop for
  // ~70 ms and the device queue (16 ms) runs dry. Done before any device opens.
  WavetableBank.shared();
  const tap = new MonitorTap(mem.monitor, status, mem.probe);
  const supervisor = new SinkSupervisor(
    deviceSink(mem, status, tap),
    (since) => new ClockSink(mem.audio, mem.sampleRate, block, status, tap, since),
    (r) => post({ type: 'sink', ...r }),
  );
  sinks = supervisor;
  let out = supervisor.start(initialPlan(output));
  running = true;
  const probe = new Float64Array(mem.probe);
  let busy = 0;
  let rendered = 0;

  // Render first, so the sink finds the ring filled to its target.
  const renderToTarget = (): void => {
    const target = out.queueBlocks * buf.length + (out.want?.() ?? 0) * CHANNELS;
    while (audio.availableRead() < target && audio.availableWrite() >= buf.length) {
      const t0 = performance.now();
      eng.render(buf, block, events);
      busy += performance.now() - t0;
      rendered += blockSeconds;
      audio.push(buf, buf.length);
    }
  };
  fillAhead = (extra) => {
    if (!out.prime) return;
    out.prime(extra);
    // The ring holds less than `extra`: render and hand over in turns until the sink has it.
    for (let turn = 0; turn < 64 && (out.want?.() ?? 0) > 0; turn++) {
      renderToTarget();
      out.pump();
    }
    Atomics.store(status, STATUS_OUTPUT_LATENCY, out.latencyFrames());
  };

  const loop = () => {
    if (!running) return;
    renderToTarget();
    if (nextOutput !== null) {
      out = supervisor.switchTo(initialPlan(nextOutput));
      nextOutput = null;
    }
    const wait = out.pump();
    // A failed device goes to the clock at once (the engine keeps running), then recovery steps.
    out = supervisor.check();
    if (rendered >= 0.25) {
      eng.renderLoad = busy / 1000 / rendered;
      busy = rendered = 0;
      Atomics.store(status, STATUS_OUTPUT_LATENCY, out.latencyFrames());
    }
    const underruns = Atomics.load(status, STATUS_UNDERRUNS);
    // Just after the pump that counted it: what stalled this thread (the loop's gap) ended moments ago.
    if (underruns !== eng.underruns) probe[PROBE_UNDERRUN_AT] = performance.timeOrigin + performance.now();
    eng.underruns = underruns;
    timer = setTimeout(loop, wait);
  };
  loop();
}

async function stop(): Promise<void> {
  running = false;
  if (timer) clearTimeout(timer);
  await sinks?.close();
  sinks = null;
}

port.on('message', (m: HostMessage) => {
  try {
    switch (m.type) {
      case 'init': {
        // First: the threads a device library starts from this one (the JACK client's) inherit it.
        const priority = raiseEngineThread();
        start(m.memory, m.output);
        post({ type: 'ready', priority });
        break;
      }
      case 'load': {
        if (!engine) throw new Error('load before init');
        fillAhead?.(LOAD_HEADROOM_S * engine.sampleRate);
        const patch = validatePatch(m.patch, m.name);
        engine.load(layoutPatch(patch), m.seed, m.generation, m.assets);
        post({ type: 'loaded', generation: m.generation, frame: engine.frame });
        break;
      }
      case 'output':
        if (!sinks) throw new Error('output before init');
        nextOutput = m.output;
        post({ type: 'switched' });
        break;
      case 'stop':
        void stop().then(() => post({ type: 'stopped' }));
        break;
    }
  } catch (err) {
    post({ type: 'error', error: toErrorPayload(err), request: m.type });
  }
});
