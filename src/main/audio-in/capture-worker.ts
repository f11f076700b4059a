import { parentPort, workerData } from 'node:worker_threads';
import { RingBuffer } from 'ringbuf.js';
import { toErrorPayload } from '../../shared/errors';
import { openAudifyCapture, type CaptureStream } from './audify-capture';
import type { CaptureHostMessage, CaptureWorkerData, CaptureWorkerMessage } from './capture-messages';

// The audio input's thread: opens the stream, copies each period into the sample ring and its
// arrival time into the time ring. A period that finds the ring full (main fell the whole ring
// behind) is dropped and counted; the frame count covers only what reached the ring.

const port = parentPort;
if (!port) throw new Error('capture-worker must run in a worker thread');
const data = workerData as CaptureWorkerData;
const post = (m: CaptureWorkerMessage) => port.postMessage(m);
const samples = new RingBuffer(data.samples, Float32Array);
const times = new RingBuffer(data.times, Float64Array);
const entry = new Float64Array(3);
let frames = 0;
let dropped = 0;
let stream: CaptureStream | null = null;

try {
  stream = openAudifyCapture(
    data.spec,
    (mono, arrivedMs) => {
      if (samples.availableWrite() >= mono.length) {
        samples.push(mono, mono.length);
        frames += mono.length;
      } else dropped += mono.length;
      entry[0] = frames;
      // Main's performance.now() has another origin: send wall-clock-aligned time.
      entry[1] = performance.timeOrigin + arrivedMs;
      entry[2] = dropped;
      if (times.availableWrite() >= 3) times.push(entry, 3);
    },
    (message) => post({ type: 'reason', message }),
  );
  post({ type: 'opened', device: stream.device, latencyFrames: stream.latencyFrames });
} catch (err) {
  post({ type: 'error', error: toErrorPayload(err) });
}

port.on('message', (m: CaptureHostMessage) => {
  if (m.type === 'close') void (stream?.close() ?? Promise.resolve()).then(() => post({ type: 'closed' }));
});
