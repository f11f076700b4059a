import type { EngineMemory } from './engine-memory';
import type { ErrorPayload } from './errors';

// Lifecycle messages between main and the engine worker (never one per block).

export type HostMessage =
  | { type: 'init'; memory: EngineMemory }
  | { type: 'load'; patch: unknown; name: string; seed: number; generation: number }
  | { type: 'stop' };

export type WorkerMessage =
  | { type: 'ready' }
  /** `frame`: the engine frame from which the new patch renders (the first patch starts there). */
  | { type: 'loaded'; generation: number; frame: number }
  | { type: 'stopped' }
  | { type: 'error'; error: ErrorPayload; request: HostMessage['type'] };
