// A sample pack on disk: one float WAV per kept sound and pack.json describing every design that
// was tried (kept or not), with enough to re-create any of them: its design (seed included) and
// the render settings.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { axonError, withDetails } from '../../shared/errors';
import { SAMPLE_RATES } from '../../shared/engine-config';
import { formatIssues } from '../../shared/patch/validate';
import { sineNetDesignProblems, SINENET_LIMITS, type SineNetDesign } from '../../shared/sinenet-design';
import { writeFileAtomic } from '../files';
import { encodeWavFloat32 } from '../wav/wav-file';
import { SINENET_THRESHOLDS, type SineNetMetrics, type SineNetVerdict } from './analyse';
import { batchDefaults, renderSineNet, type BatchOptions, type SineNetBatch, type SineNetResult } from './batch';

export const PACK_FORMAT = 'axon-sinenet-pack';
export const PACK_VERSION = 1;
export const PACK_FILE = 'pack.json';

/** File of a kept sound: sinenet-001.wav for index 1. */
export const packFileName = (index: number): string => `sinenet-${String(index).padStart(3, '0')}.wav`;
const SOUND_FILE = /^sinenet-\d{3,}\.wav$/;
/** Temporary files writeFileAtomic leaves only when the process dies mid-write. */
const TEMP_FILE = /^\.(sinenet-\d{3,}\.wav|pack\.json)\.\d+\.tmp$/;

export interface SineNetPackEntry {
  index: number;
  /** The design's own seed (also inside `design`), repeated for people reading the file. */
  seed: number;
  design: SineNetDesign;
  metrics: SineNetMetrics;
  verdict: SineNetVerdict;
  /** The WAV of a kept sound. */
  file?: string;
}

export interface SineNetPack {
  format: typeof PACK_FORMAT;
  version: typeof PACK_VERSION;
  /** Batch seed the designs were drawn from. */
  seed: number;
  count: number;
  sampleRate: number;
  /** Length of every sound, after the warm-up. */
  seconds: number;
  /** Rendered and dropped before each sound. */
  warmupSeconds: number;
  /** Weight/bias drift while rendering (fractions of the range per second). */
  drift: number;
  /** The verdict thresholds in force (for the record). */
  thresholds: Record<string, number>;
  sounds: SineNetPackEntry[];
}

const num = z.number().refine(Number.isFinite, 'expected a finite number');
const designSchema = z.strictObject({
  seed: num,
  length: num,
  gap: num,
  hidden: z.array(num),
  weightMin: num,
  weightMax: num,
  biasMin: num,
  biasMax: num,
});
const packSchema = z.object({
  format: z.literal(PACK_FORMAT),
  version: z.literal(PACK_VERSION),
  seed: num,
  count: num,
  sampleRate: num.refine((v) => (SAMPLE_RATES as readonly number[]).includes(v), `expected one of ${SAMPLE_RATES.join(', ')}`),
  seconds: num.refine((v) => v > 0, 'expected a positive number'),
  warmupSeconds: num.refine((v) => v >= 0, 'expected a number >= 0'),
  drift: num.refine((v) => v >= 0 && v <= SINENET_LIMITS.maxDrift, `expected 0..${SINENET_LIMITS.maxDrift}`),
  thresholds: z.record(z.string(), num),
  sounds: z.array(
    z.object({
      index: num,
      seed: num,
      design: designSchema,
      metrics: z.object({ rms: num, dc: num, acRms: num, flatness: num, zcrVariation: num, lateRms: num }),
      verdict: z.enum(['keep', 'silent', 'dc', 'stuck', 'noise']),
      file: z.string().regex(SOUND_FILE, 'expected sinenet-<nnn>.wav').optional(),
    }),
  ),
});

/** Reads and checks <dir>/pack.json. */
export function readPack(dir: string): SineNetPack {
  const file = path.join(dir, PACK_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw axonError('file_read', file, err instanceof Error ? err.message : String(err));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw axonError('sinenet_pack_invalid', file, `not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const parsed = packSchema.safeParse(json);
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues);
    throw withDetails(axonError('sinenet_pack_invalid', file, `${problems.length} problem${problems.length === 1 ? '' : 's'}`), problems);
  }
  const pack = parsed.data as SineNetPack;
  const problems = pack.sounds.flatMap((s, i) => sineNetDesignProblems(s.design).map((p) => `sounds[${i}].design: ${p}`));
  if (problems.length > 0) throw withDetails(axonError('sinenet_pack_invalid', file, `${problems.length} bad design${problems.length === 1 ? '' : 's'}`), problems);
  return pack;
}

/** Re-renders one sound of a pack from its JSON entry: the samples of its WAV, bit for bit. */
export function recreateSound(pack: SineNetPack, entry: SineNetPackEntry): Float32Array {
  const r = renderSineNet(entry.design, { sampleRate: pack.sampleRate, seconds: pack.seconds, warmupSeconds: pack.warmupSeconds, drift: pack.drift });
  return Float32Array.from(r.audio);
}

/**
 * Writes a pack one sound at a time (so a long batch never holds all its audio). The folder is
 * checked first: it must be new, empty or hold a previous pack; WAVs go first, pack.json last,
 * then WAVs of the previous pack that this one did not write are removed.
 */
export class PackWriter {
  private readonly entries: SineNetPackEntry[] = [];
  private readonly written = new Set<string>();
  private readonly options: Required<BatchOptions>;

  constructor(
    readonly dir: string,
    options: BatchOptions,
  ) {
    this.options = batchDefaults(options);
    prepareFolder(dir);
  }

  add(result: SineNetResult): SineNetPackEntry {
    const entry: SineNetPackEntry = { index: result.index, seed: result.design.seed, design: result.design, metrics: result.metrics, verdict: result.verdict };
    if (result.verdict === 'keep') {
      if (!result.audio) throw new Error(`sound ${result.index} is kept but carries no audio`);
      const file = packFileName(result.index);
      writeFileAtomic(path.join(this.dir, file), encodeWavFloat32(result.audio, 1, this.options.sampleRate));
      this.written.add(file);
      entry.file = file;
    }
    this.entries.push(entry);
    return entry;
  }

  finish(): SineNetPack {
    const pack = makePack(this.options, this.entries);
    writeFileAtomic(path.join(this.dir, PACK_FILE), packJson(pack));
    for (const f of readdirSync(this.dir)) {
      if ((SOUND_FILE.test(f) && !this.written.has(f)) || TEMP_FILE.test(f)) rmSync(path.join(this.dir, f), { force: true });
    }
    return pack;
  }
}

/** The pack.json of a batch made with these options, describing these sounds. */
export function makePack(options: BatchOptions, sounds: SineNetPackEntry[]): SineNetPack {
  const o = batchDefaults(options);
  return {
    format: PACK_FORMAT,
    version: PACK_VERSION,
    seed: o.seed,
    count: o.count,
    sampleRate: o.sampleRate,
    seconds: o.seconds,
    warmupSeconds: o.warmupSeconds,
    drift: o.drift,
    thresholds: { ...SINENET_THRESHOLDS },
    sounds,
  };
}

/** pack.json text: the header indented, then one line per sound (easy to read, grep and diff). */
export function packJson(pack: SineNetPack): string {
  const head = JSON.stringify({ ...pack, sounds: [] }, null, 2);
  const sounds = pack.sounds.map((s) => `    ${JSON.stringify(s)}`).join(',\n');
  return `${head.replace(/"sounds": \[\]/, pack.sounds.length ? `"sounds": [\n${sounds}\n  ]` : '"sounds": []')}\n`;
}

/** Writes every kept sound of a batch and pack.json into `dir`. */
export function writePack(dir: string, batch: SineNetBatch): SineNetPack {
  const writer = new PackWriter(dir, batch.options);
  for (const r of batch.results) writer.add(r);
  return writer.finish();
}

/** Creates `dir`, or checks it is empty or a pack folder (ours to overwrite). */
function prepareFolder(dir: string): void {
  if (!existsSync(dir)) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw axonError('file_write', dir, err instanceof Error ? err.message : String(err));
    }
    return;
  }
  if (!statSync(dir).isDirectory()) throw axonError('file_write', dir, 'it is a file, not a folder');
  const names = readdirSync(dir);
  if (names.length === 0) return;
  if (names.includes(PACK_FILE)) {
    try {
      readPack(dir);
      return;
    } catch {
      throw axonError('sinenet_pack_folder', dir);
    }
  }
  // A run stopped before pack.json leaves only sound files: still ours.
  if (names.every((f) => SOUND_FILE.test(f) || TEMP_FILE.test(f))) return;
  throw axonError('sinenet_pack_folder', dir);
}
