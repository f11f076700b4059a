import { existsSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CHANNELS } from '../../shared/engine-memory';
import { axonError, withDetails } from '../../shared/errors';
import { encodeEvent, EVENT_WORDS, LoggedEventSchema, type LoggedEvent } from '../../shared/events';
import { layoutPatch, type PatchLayout } from '../../shared/patch/layout';
import { formatIssues, validatePatch } from '../../shared/patch/validate';
import type { Frames, Hertz } from '../../shared/units';
import { Engine } from '../../worker/engine';
import type { PatchAssets } from '../../worker/patch-assets';
import { ArrayEventSource } from '../../worker/rings/array-event-source';
import { loadPatchAssets, modelHashes } from '../patches/patch-assets';
import { SET_EVENTS_FILE } from './event-journal';
import { MASTER_FILE, readManifest } from './set-manifest';
import { WAV_STREAM_HEADER_BYTES, WavStream } from './wav-stream';

// `axon replay <set>`: the engine's part of a recorded set rendered again, offline, from its event
// log: a fresh engine from the log's start, the same patches loaded on the same frames, every
// control event applied on its frame. The engine is deterministic, so the frames master.wav holds
// come out bit for bit (drums on a board excepted: they are not in the audio). `--compare` checks.

const LINE_SCHEMA = z.union([
  z.strictObject({ type: z.literal('start'), frame: z.literal(0), sampleRate: z.number().int().positive(), blockSize: z.number().int().positive(), virtualDrums: z.boolean(), startedAt: z.string() }),
  z.strictObject({ type: z.literal('load'), frame: z.number().int().min(0), gen: z.number().int().min(0), name: z.string(), seed: z.number().int(), patch: z.unknown(), models: z.record(z.string(), z.string()) }),
  z.strictObject({ type: z.literal('record'), frame: z.number().int().min(0) }),
]);

interface Load {
  frame: Frames;
  gen: number;
  layout: PatchLayout;
  seed: number;
  assets: PatchAssets;
}

interface EventLog {
  sampleRate: Hertz;
  blockSize: Frames;
  /** Whether the engine started with the drum outputs on the virtual kit. */
  virtualDrums: boolean;
  /** The engine frame master.wav starts on. */
  recordFrame: Frames;
  loads: Load[];
  /** Encoded events, frame-sorted (the log's order within a frame). */
  events: Float64Array;
}

/** Reads a set's events.jsonl; every problem is named by its line. */
export function readEventLog(file: string): EventLog {
  const where = path.basename(path.dirname(file)) + '/' + path.basename(file);
  const problems: string[] = [];
  let start: { sampleRate: Hertz; blockSize: Frames; virtualDrums: boolean } | null = null;
  let recordFrame: Frames | null = null;
  const loads: Load[] = [];
  const pending: { line: number; frame: Frames; gen: number; event: LoggedEvent }[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      if (raw.trim() === '') return;
      const at = `line ${i + 1}`;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (err) {
        problems.push(`${at}: not JSON (${err instanceof Error ? err.message : String(err)})`);
        return;
      }
      const type = (value as { type?: unknown } | null)?.type;
      // What the engine sent out and the tempo are for the MIDI file (the replay makes them
      // again); scenes, devices and problems are for people.
      if (type === 'out' || type === 'tempo' || type === 'scene' || type === 'device' || type === 'problem') return;
      if (type === 'start' || type === 'load' || type === 'record') {
        const parsed = LINE_SCHEMA.safeParse(value);
        if (!parsed.success) {
          for (const p of formatIssues(parsed.error.issues)) problems.push(`${at}: ${p}`);
          return;
        }
        const l = parsed.data;
        if (l.type === 'start') {
          if (start) problems.push(`${at}: a second start line`);
          else start = l;
        } else if (l.type === 'record') recordFrame = l.frame;
        else {
          try {
            const patch = validatePatch(l.patch, `${where} ${at}`);
            // The models are read from the data folder again: they must be the ones that played.
            const now = modelHashes(patch);
            for (const [model, sha] of Object.entries(l.models)) {
              if (now[model] !== sha) problems.push(`${at}: the model "${model}" ${now[model] ? 'changed' : 'is gone'} since the set was recorded`);
            }
            loads.push({ frame: l.frame, gen: l.gen, layout: layoutPatch(patch), seed: l.seed, assets: loadPatchAssets(patch, l.name) });
          } catch (err) {
            problems.push(`${at}: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
        return;
      }
      // A control event: a LoggedEvent with its frame, and for parameters and learning its patch's generation.
      const { gen, ...event } = value as { gen?: unknown };
      const parsed = LoggedEventSchema.safeParse(event);
      if (!parsed.success || parsed.data.frame === undefined || (gen !== undefined && !Number.isInteger(gen))) {
        problems.push(`${at}: ${parsed.success ? 'an event needs a frame (and a whole-number gen)' : formatIssues(parsed.error.issues).join('; ')}`);
        return;
      }
      pending.push({ line: i, frame: parsed.data.frame, gen: typeof gen === 'number' ? gen : 0, event: parsed.data });
    });
  if (!start) problems.push('no start line: the log does not begin where the engine started');
  if (recordFrame === null) problems.push('no record line: the frame the audio starts on is unknown');
  if (loads.length === 0) problems.push('no patch was loaded');
  const layouts = new Map(loads.map((l) => [l.gen, l.layout]));
  const words = new Float64Array(pending.length * EVENT_WORDS);
  pending.sort((a, b) => a.frame - b.frame || a.line - b.line);
  pending.forEach((p, k) => {
    const layout = layouts.get(p.gen) ?? loads[0]?.layout;
    if (!layout) return;
    try {
      encodeEvent(p.event, layout, p.frame, words, k * EVENT_WORDS, p.gen);
    } catch (err) {
      problems.push(`line ${p.line + 1}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  if (problems.length > 0 || !start || recordFrame === null) throw withDetails(axonError('event_log_invalid', where, problems.length), problems);
  const s: { sampleRate: Hertz; blockSize: Frames; virtualDrums: boolean } = start;
  return { sampleRate: s.sampleRate, blockSize: s.blockSize, virtualDrums: s.virtualDrums, recordFrame, loads: loads.sort((a, b) => a.frame - b.frame), events: words };
}

export interface ReplayReport {
  set: string;
  /** Frames rendered into the set's span (master.wav's length). */
  frames: Frames;
  seconds: number;
  /** The engine frame the set starts on: what was rendered before it, from the engine's start. */
  recordFrame: Frames;
  events: number;
  loads: number;
  wallSeconds: number;
  out: string | null;
  compare: { identical: boolean; differentFrames: number; firstDifferentFrame: Frames | null; maxDifference: number } | null;
}

export async function replaySet(dir: string, o: { out?: string; compare?: boolean }): Promise<ReplayReport> {
  if (!existsSync(dir)) throw axonError('set_not_found', dir);
  const manifest = readManifest(dir);
  const fail = (why: string) => axonError('set_replay', dir, why);
  if (!manifest.closed || manifest.frames === null) throw fail('the set is not closed (run npx axon repair on it first)');
  if (!manifest.files.some((f) => f.name === SET_EVENTS_FILE)) throw fail('it has no event log (events.jsonl)');
  const log = readEventLog(path.join(dir, SET_EVENTS_FILE));
  if (log.sampleRate !== manifest.sampleRate) throw fail(`its event log is at ${log.sampleRate} Hz, its audio at ${manifest.sampleRate} Hz`);
  if (o.out !== undefined && existsSync(o.out)) throw fail(`${o.out} exists: give a new file for --out`);
  const t0 = performance.now();
  const frames = manifest.frames;
  const end = log.recordFrame + frames;
  const engine = new Engine({ sampleRate: log.sampleRate, out: { emit: () => undefined }, virtualDrums: log.virtualDrums });
  const events = new ArrayEventSource(log.events);
  const block = log.blockSize;
  const buf = new Float32Array(block * CHANNELS);
  let writer: WavStream | null = null;
  let writeFailure: Error | null = null;
  if (o.out !== undefined) writer = await WavStream.create(o.out, { channels: CHANNELS, sampleRate: log.sampleRate, onError: (err) => (writeFailure ??= err) });
  let master: FileHandle | null = null;
  const compare = o.compare ? { identical: true, differentFrames: 0, firstDifferentFrame: null as Frames | null, maxDifference: 0 } : null;
  if (compare) master = await open(path.join(dir, MASTER_FILE), 'r');
  const recorded = new Float32Array(block * CHANNELS);
  const recordedBytes = new Uint8Array(recorded.buffer);
  let nextLoad = 0;
  let sinceSync = 0;
  try {
    while (engine.frame < end) {
      while (nextLoad < log.loads.length && log.loads[nextLoad].frame <= engine.frame) {
        const l = log.loads[nextLoad++];
        engine.load(l.layout, l.seed, l.gen, l.assets);
      }
      const toLoad = nextLoad < log.loads.length ? log.loads[nextLoad].frame - engine.frame : Infinity;
      const from = engine.frame;
      const n = Math.min(block, end - from, toLoad);
      engine.render(buf, n, events);
      // The part of this block inside the set.
      const skip = Math.max(0, log.recordFrame - from);
      if (skip >= n) continue;
      const part = buf.subarray(skip * CHANNELS, n * CHANNELS);
      const setFrame = from + skip - log.recordFrame;
      if (writer) {
        writer.append(part.slice());
        sinceSync += n - skip;
        if (sinceSync >= log.sampleRate) {
          sinceSync = 0;
          await writer.sync();
          if (writeFailure) throw writeFailure;
        }
      }
      if (compare && master) {
        const { bytesRead } = await master.read(recordedBytes, 0, part.length * 4, WAV_STREAM_HEADER_BYTES + setFrame * CHANNELS * 4);
        const have = bytesRead / 4;
        for (let k = 0; k < part.length; k += CHANNELS) {
          let differs = false;
          for (let c = k; c < k + CHANNELS; c++) {
            if (c < have && Object.is(part[c], recorded[c])) continue;
            differs = true;
            compare.maxDifference = Math.max(compare.maxDifference, c < have ? Math.abs(part[c] - recorded[c]) : Infinity);
          }
          if (!differs) continue;
          compare.firstDifferentFrame ??= setFrame + k / CHANNELS;
          compare.differentFrames++;
          compare.identical = false;
        }
      }
    }
  } finally {
    await writer?.close();
    await master?.close();
  }
  if (writeFailure) throw writeFailure;
  return {
    set: path.basename(dir),
    frames,
    seconds: frames / log.sampleRate,
    recordFrame: log.recordFrame,
    events: log.events.length / EVENT_WORDS,
    loads: log.loads.length,
    wallSeconds: Math.round((performance.now() - t0) / 10) / 100,
    out: o.out ?? null,
    compare,
  };
}
