import { z } from 'zod';
import { axonError, toErrorPayload, withDetails, type ErrorPayload } from './errors';
import { LEARN_COMMANDS, type OutEvent } from './events';
import type { Activation, Patch } from './patch/schema';
import { formatIssues } from './patch/validate';
import type { ParamSpec } from './params/spec';
import type { Hertz } from './units';

// The one API between a UI and the backend. The Electron preload carries it over IPC, the
// web bridge over WebSocket; both validate every call with these schemas before it runs.

export interface PatchInfo {
  name: string;
  title: string;
  description: string;
  origin: 'example' | 'user';
}

export interface ParamState extends ParamSpec {
  id: string;
  value: number;
}

/** The audio output in use. `detail` says why there is no sound when `sink` is "clock". */
export interface AudioOutputState {
  sink: string;
  device: string;
  detail: string;
}

export interface EngineState {
  patchName: string;
  audio: AudioOutputState;
  patch: Patch;
  sampleRate: Hertz;
  blockSize: number;
  seed: number;
  /** Signal columns: sources, then neurons. */
  columns: string[];
  sources: { id: string; type: string }[];
  neurons: { id: string; activation: Activation; learns: boolean }[];
  params: ParamState[];
}

export interface AudioCapture {
  frames: number;
  sampleRate: Hertz;
  peak: number;
  rms: number;
  /** Zero crossings per second of the left channel (a rough brightness measure). */
  crossingsPerSecond: number;
  /** FNV-1a hash of the samples: equal captures hash equal. */
  hash: string;
}

export type LearnCommand = (typeof LEARN_COMMANDS)[number];

export interface AxonApi {
  listPatches(): Promise<PatchInfo[]>;
  loadPatch(name: string): Promise<EngineState>;
  getState(): Promise<EngineState | null>;
  setParam(id: string, value: number): Promise<void>;
  setInput(input: string, value: number): Promise<void>;
  learn(neuron: string, command: LearnCommand): Promise<void>;
  captureAudio(seconds: number): Promise<AudioCapture>;
}

export type ApiMethod = keyof AxonApi;

/** Argument schemas, one per method: the only door into the backend. */
export const API_ARGS: { [M in ApiMethod]: z.ZodType<Parameters<AxonApi[M]>> } = {
  listPatches: z.tuple([]),
  loadPatch: z.tuple([z.string().min(1).max(256)]),
  getState: z.tuple([]),
  setParam: z.tuple([z.string().min(1).max(200), z.number().refine(Number.isFinite, 'must be a finite number')]),
  setInput: z.tuple([z.string().min(1).max(64), z.number().refine(Number.isFinite, 'must be a finite number')]),
  learn: z.tuple([z.string().min(1).max(64), z.enum(LEARN_COMMANDS)]),
  captureAudio: z.tuple([z.number().min(0.01).max(2)]),
};

export const isApiMethod = (m: string): m is ApiMethod => Object.prototype.hasOwnProperty.call(API_ARGS, m);

/** Validates a call from outside and runs it on `api`. */
export async function dispatch(api: AxonApi, method: string, args: unknown): Promise<unknown> {
  if (!isApiMethod(method)) throw axonError('method_unknown', method);
  const parsed = API_ARGS[method].safeParse(args, { reportInput: true });
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues).map((p) => p.replace(/^\[(\d+)\]/, 'argument $1'));
    throw withDetails(axonError('request_invalid', method, problems[0] ?? 'invalid arguments'), problems);
  }
  const fn = api[method] as (...a: unknown[]) => Promise<unknown>;
  return fn.apply(api, parsed.data as unknown[]);
}

/** Pushed from the backend to every UI. */
export type Notice =
  | { type: 'out'; event: OutEvent }
  | { type: 'patch'; state: EngineState }
  | { type: 'audio'; audio: AudioOutputState }
  | { type: 'error'; error: ErrorPayload };

/** The answer to one call, the same over IPC and WebSocket. */
export type ApiReply = { ok: true; result: unknown } | { ok: false; error: ErrorPayload };

/** Runs a call from outside and wraps the outcome; never throws. */
export async function answer(api: AxonApi, method: string, args: unknown): Promise<ApiReply> {
  try {
    return { ok: true, result: (await dispatch(api, method, args)) ?? null };
  } catch (err) {
    return { ok: false, error: toErrorPayload(err) };
  }
}

/** How a client reaches the backend: IPC in Electron, WebSocket in a browser. */
export interface ApiTransport {
  call(method: ApiMethod, args: unknown[]): Promise<ApiReply>;
  /** Telemetry words as decodeTelemetry reads them. */
  onTelemetry(cb: (words: ArrayLike<number>) => void): () => void;
  onNotice(cb: (n: Notice) => void): () => void;
  /** Connection state, where the transport can lose its connection (WebSocket). */
  onStatus?(cb: (connected: boolean) => void): () => void;
}
