import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadPatchAssets } from '../../src/main/patches/patch-assets';
import { CONTROL_INPUTS, controlInputIndex } from '../../src/shared/inputs';
import { encodeEvent, EVENT_WORDS, type LoggedEvent } from '../../src/shared/events';
import { layoutPatch, type PatchLayout } from '../../src/shared/patch/layout';
import type { Patch } from '../../src/shared/patch/schema';
import { validatePatch } from '../../src/shared/patch/validate';
import { CHUNK } from '../../src/worker/kernels/network-layout';
import { OutEventList } from '../../src/worker/outputs/out-event-sink';
import { PatchRuntime } from '../../src/worker/patch-runtime';
import { renderOffline, type OfflineResult } from '../../src/worker/offline-render';

export const ROOT = path.resolve(__dirname, '..', '..');

/** A patch object with the format header filled in, validated. */
export function patchOf(body: Omit<Patch, 'format' | 'version' | 'name'> & { name?: string }): Patch {
  return validatePatch({ format: 'axon-patch', version: 1, name: 'test', ...body }, 'test patch');
}

export function example(name: string): Patch {
  return validatePatch(JSON.parse(readFileSync(path.join(ROOT, 'examples', `${name}.json`), 'utf8')), name);
}

/** Encodes timestamped events for an offline render (sorted by frame). */
export function encodeEvents(layout: PatchLayout, events: ReadonlyArray<LoggedEvent & { frame: number }>): Float64Array {
  const sorted = [...events].sort((a, b) => a.frame - b.frame);
  const out = new Float64Array(sorted.length * EVENT_WORDS);
  sorted.forEach((e, i) => encodeEvent(e, layout, e.frame, out, i * EVENT_WORDS));
  return out;
}

export function render(
  patch: Patch,
  opts: { seconds: number; sampleRate?: number; seed?: number; blockSize?: number; events?: ReadonlyArray<LoggedEvent & { frame: number }>; virtualDrums?: boolean },
): OfflineResult {
  const layout = layoutPatch(patch);
  return renderOffline(layout, {
    assets: loadPatchAssets(patch, 'test patch'),
    sampleRate: opts.sampleRate ?? 48000,
    seconds: opts.seconds,
    seed: opts.seed ?? patch.seed ?? 1,
    blockSize: opts.blockSize,
    events: opts.events ? encodeEvents(layout, opts.events) : undefined,
    virtualDrums: opts.virtualDrums,
  });
}

/**
 * Runs a patch's runtime directly and records every signal column per sample (sources, then
 * neurons): what the network computed, sample by sample. `inputs` sets control inputs first.
 */
export function recordColumns(
  patch: Patch,
  seconds: number,
  opts: { sampleRate?: number; seed?: number; inputs?: Record<string, number> } = {},
): { columns: Float64Array[]; runtime: PatchRuntime; layout: PatchLayout } {
  const sampleRate = opts.sampleRate ?? 48000;
  const layout = layoutPatch(patch);
  const targets = new Float64Array(CONTROL_INPUTS.length);
  for (const [id, v] of Object.entries(opts.inputs ?? {})) targets[controlInputIndex(id)] = v;
  const runtime = new PatchRuntime(layout, sampleRate, opts.seed ?? patch.seed ?? 1, 0, targets, undefined, loadPatchAssets(patch, 'test patch'));
  const frames = Math.round(seconds * sampleRate);
  const columns = layout.columnIds.map(() => new Float64Array(frames));
  const sink = new OutEventList();
  for (let f = 0; f < frames; f += CHUNK) {
    const len = Math.min(CHUNK, frames - f);
    runtime.renderChunk(f, len, sink);
    runtime.network.columnBuffers.forEach((buf, k) => columns[k].set(buf.subarray(0, len), f));
  }
  return { columns, runtime, layout };
}

export function rms(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, to - from));
}

export function std(x: ArrayLike<number>, from = 0, to = x.length): number {
  let m = 0;
  for (let i = from; i < to; i++) m += x[i];
  m /= Math.max(1, to - from);
  let s = 0;
  for (let i = from; i < to; i++) s += (x[i] - m) ** 2;
  return Math.sqrt(s / Math.max(1, to - from));
}

export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (!(a <= m)) m = a;
  }
  return m;
}
