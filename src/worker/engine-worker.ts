import { parentPort } from 'node:worker_threads';
import { RingBuffer } from 'ringbuf.js';
import { CHANNELS, FRAME_MODULO, STATUS_EVENT_FRAME, STATUS_EVENTS_APPLIED, STATUS_UNDERRUNS, type EngineMemory } from '../shared/engine-memory';
import { toErrorPayload } from '../shared/errors';
import { layoutPatch } from '../shared/patch/layout';
import { validatePatch } from '../shared/patch/validate';
import type { AudioOutputChoice, HostMessage, WorkerMessage } from '../shared/worker-messages';
import { ClockSink } from './audio-out/clock-sink';
import type { AudioSink } from './audio-out/audio-sink';
import { MonitorTap } from './audio-out/monitor-tap';
import { NaudiodonSink } from './audio-out/naudiodon-sink';
import { Engine } from './engine';
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
let sink: AudioSink | null = null;
let running = false;
let timer: NodeJS.Timeout | null = null;

const post = (m: WorkerMessage) => port.postMessage(m);

/** Opens the requested output; without a usable device, the clock keeps the engine running. */
function openSink(mem: EngineMemory, output: AudioOutputChoice, status: Int32Array, tap: MonitorTap): AudioSink {
  if (output.kind !== 'none') {
    try {
      const s = new NaudiodonSink(mem.audio, mem.sampleRate, mem.blockSize, status, tap, output.device);
      post({ type: 'sink', sink: s.name, device: s.device, detail: '' });
      return s;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      post({ type: 'sink', sink: 'clock', device: '', detail: `no sound: ${reason}` });
      return new ClockSink(mem.audio, mem.sampleRate, mem.blockSize, status, tap);
    }
  }
  post({ type: 'sink', sink: 'clock', device: '', detail: 'audio output off' });
  return new ClockSink(mem.audio, mem.sampleRate, mem.blockSize, status, tap);
}

function start(mem: EngineMemory, output: AudioOutputChoice): void {
  const status = new Int32Array(mem.status);
  const audio = new RingBuffer(mem.audio, Float32Array);
  const events = new RingEventSource(mem.control);
  const block = mem.blockSize;
  const buf = new Float32Array(block * CHANNELS);
  const blockSeconds = block / mem.sampleRate;
  const eventProbe = {
    applied(frame: number): void {
      Atomics.store(status, STATUS_EVENT_FRAME, frame % FRAME_MODULO);
      Atomics.add(status, STATUS_EVENTS_APPLIED, 1);
    },
  };
  const eng = new Engine({ sampleRate: mem.sampleRate, out: new RingOutSink(mem.out, status), telemetry: new TelemetryWriter(mem.telemetry, status), eventProbe });
  engine = eng;
  const tap = new MonitorTap(mem.monitor, status, mem.probe);
  let out = openSink(mem, output, status, tap);
  sink = out;
  running = true;
  let busy = 0;
  let rendered = 0;

  const loop = () => {
    if (!running) return;
    // Render first, so the sink finds the ring filled to its target.
    const target = out.queueBlocks * buf.length;
    while (audio.availableRead() < target && audio.availableWrite() >= buf.length) {
      const t0 = performance.now();
      eng.render(buf, block, events);
      busy += performance.now() - t0;
      rendered += blockSeconds;
      audio.push(buf, buf.length);
    }
    const wait = out.pump();
    if (out.error !== null) {
      post({ type: 'sink', sink: 'clock', device: '', detail: `the audio device stopped: ${out.error.message}` });
      void out.close().catch(() => undefined);
      out = sink = new ClockSink(mem.audio, mem.sampleRate, block, status, tap);
    }
    if (rendered >= 0.25) {
      eng.renderLoad = busy / 1000 / rendered;
      busy = rendered = 0;
    }
    eng.underruns = Atomics.load(status, STATUS_UNDERRUNS);
    timer = setTimeout(loop, wait);
  };
  loop();
}

async function stop(): Promise<void> {
  running = false;
  if (timer) clearTimeout(timer);
  await sink?.close();
  sink = null;
}

port.on('message', (m: HostMessage) => {
  try {
    switch (m.type) {
      case 'init':
        start(m.memory, m.output);
        post({ type: 'ready' });
        break;
      case 'load': {
        if (!engine) throw new Error('load before init');
        const patch = validatePatch(m.patch, m.name);
        engine.load(layoutPatch(patch), m.seed, m.generation, m.assets);
        post({ type: 'loaded', generation: m.generation, frame: engine.frame });
        break;
      }
      case 'stop':
        void stop().then(() => post({ type: 'stopped' }));
        break;
    }
  } catch (err) {
    post({ type: 'error', error: toErrorPayload(err), request: m.type });
  }
});
