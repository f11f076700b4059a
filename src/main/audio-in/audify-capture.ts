import type * as Audify from 'audify';
import { axonError } from '../../shared/errors';
import type { Frames, Hertz } from '../../shared/units';
import { chooseDevice, errorReason, FLOAT32, loadAudify, probeApis, SCHEDULE_REALTIME } from '../../worker/audio-out/audify-apis';

/** What to open: a device by name as listed (its API's default when absent), one channel of it (1-based). */
export interface CaptureSpec {
  device?: string;
  channel: number;
  sampleRate: Hertz;
  /** Frames per callback asked for (JACK imposes its own period). */
  frames: Frames;
}

/** Receives each period as mono samples (a reused buffer: copy what you keep) and when it arrived (performance.now() ms). */
export type CaptureHandler = (mono: Float32Array, arrivedMs: number) => void;

/** A running input stream. */
export interface CaptureStream {
  readonly device: string;
  /** Frames between sound at the input and its period's callback, as the device reports. */
  readonly latencyFrames: Frames;
  close(): Promise<void>;
}

/** `onReason` hears RtAudio's errors: possibly another stream's (see errorReason), so a hint, never a verdict. */
export type OpenCapture = (spec: CaptureSpec, onData: CaptureHandler, onReason: (message: string) => void) => CaptureStream;

/** After stop(), RtAudio's last callbacks may still be queued for this thread: let them run before closeStream. */
const SETTLE_MS = 30;

/**
 * An input-only RtAudio stream through audify. Runs in the capture worker: audify keeps a
 * thread-safe function referenced after closeStream (the thread could never exit), so the stream
 * lives in a thread that is ended with it. One channel is taken from each interleaved period
 * into one reused buffer.
 */
export const openAudifyCapture: OpenCapture = (spec, onData, onReason) => {
  const apis = probeApis(loadAudify(), 'input');
  if (apis.length === 0) throw axonError('audio_input_none');
  const { api, info } = chooseDevice(apis, spec.device, 'input');
  const device = `${api.keyword}:${info.name}`;
  if (!Number.isInteger(spec.channel) || spec.channel < 1 || spec.channel > info.inputChannels) throw axonError('audio_input_channel', device, spec.channel, info.inputChannels);
  const rt = api.rt;
  // Only as many channels as needed to reach the one asked for.
  const channels = spec.channel;
  let mono = new Float32Array(0);
  const period = rt.openStream(
    null,
    { deviceId: info.id, nChannels: channels },
    FLOAT32,
    spec.sampleRate,
    spec.frames,
    'axon-stage-in',
    (data: Buffer) => {
      const arrived = performance.now();
      const frames = data.byteLength / 4 / channels;
      if (mono.length !== frames) mono = new Float32Array(frames);
      // A period's bytes are 4-aligned in practice; copy when not, rather than throw.
      const all = data.byteOffset % 4 === 0 ? new Float32Array(data.buffer, data.byteOffset, frames * channels) : new Float32Array(Uint8Array.prototype.slice.call(data).buffer);
      for (let i = 0, j = channels - 1; i < frames; i++, j += channels) mono[i] = all[j];
      onData(mono, arrived);
    },
    null,
    SCHEDULE_REALTIME,
    (type, msg) => {
      const reason = errorReason(type, msg);
      if (reason !== null) onReason(reason);
    },
  );
  mono = new Float32Array(period);
  let latencyFrames = period;
  try {
    rt.start();
    latencyFrames = Math.max(period, rt.getStreamLatency());
  } catch (err) {
    rt.closeStream();
    throw axonError('audio_input_failed', device, err instanceof Error ? err.message : String(err));
  }
  let closing: Promise<void> | null = null;
  return {
    device,
    latencyFrames,
    close() {
      closing ??= closeStream(rt);
      return closing;
    },
  };
};

async function closeStream(rt: Audify.RtAudio): Promise<void> {
  try {
    if (rt.isStreamRunning()) rt.stop();
  } catch {
    // Already stopped by a failing device.
  }
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  try {
    if (rt.isStreamOpen()) rt.closeStream();
  } catch {
    // RtAudio may have closed it itself (JACK shutdown).
  }
}
