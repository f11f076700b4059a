import type { EngineMemory } from './engine-memory';
import type { ErrorPayload } from './errors';
import type { PatchAssets } from '../worker/patch-assets';
import type { Milliseconds } from './units';
import type { ThreadPriority } from './api';

// Lifecycle messages between main and the engine worker (never one per block).

/**
 * Where the engine's audio goes: a sound card (default device or by name) through a given
 * backend (when absent: the default backend, then the other one), or nowhere. `queueMs`: the
 * audio kept queued in the device (audify), a margin for the engine thread's stalls that adds
 * as much latency; absent, 4 device periods.
 */
export type AudioOutputChoice = { kind: 'auto'; device?: string; backend?: 'naudiodon' | 'audify'; queueMs?: Milliseconds } | { kind: 'none' };

export type HostMessage =
  | { type: 'init'; memory: EngineMemory; output: AudioOutputChoice }
  | { type: 'load'; patch: unknown; name: string; seed: number; generation: number; assets: PatchAssets }
  /** Moves the sound to another device while the engine plays on (the clock covers the switch). */
  | { type: 'output'; output: AudioOutputChoice }
  | { type: 'stop' };

export type WorkerMessage =
  | { type: 'ready'; priority: ThreadPriority }
  /** `frame`: the engine frame from which the new patch renders (the first patch starts there). */
  | { type: 'loaded'; generation: number; frame: number }
  | { type: 'stopped' }
  /** The output switch was taken; `sink` messages follow as the new device opens. */
  | { type: 'switched' }
  /** The audio output in use; `detail` says why there is no sound when the sink is the clock. */
  | { type: 'sink'; sink: string; device: string; detail: string }
  | { type: 'error'; error: ErrorPayload; request: HostMessage['type'] };
