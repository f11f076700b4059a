import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DRUM_PROFILE_NAME_PATTERN } from '../../shared/api';
import { axonError, withDetails } from '../../shared/errors';
import { PWM_MAX, PWM_MIN } from '../../shared/drum-table';
import { DRUM_COUNT } from '../../shared/events';
import { formatIssues } from '../../shared/patch/validate';
import type { Milliseconds } from '../../shared/units';
import { writeFileAtomic } from '../files';
import { dataDir } from '../paths';
import { TABLE_POINTS, VELOCITY_MAX, VELOCITY_MIN } from './protocol/constants';
import { tableProblems, type StrikeTable } from './protocol/table';

// A drum profile: how one set of robot drums is set up and calibrated, kept in the user's data
// folder (drums/<name>.json) and on the board. It holds each board drum's strike table and its
// measured command-to-impact latency, and which MIDI notes play which drum.

export const PROFILE_FORMAT = 'axon-drum-profile';
export const PROFILE_VERSION = 1;

const Velocity = z.number().int().min(VELOCITY_MIN).max(VELOCITY_MAX);
const Uint16 = z.number().int().min(0).max(0xffff);

const PointSchema = z.strictObject({
  velocity: Velocity,
  forwardUs: Uint16,
  pauseUs: Uint16,
  backUs: Uint16,
  forwardPwm: z.number().int().min(PWM_MIN).max(PWM_MAX),
  backPwm: z.number().int().min(PWM_MIN).max(PWM_MAX),
});

const DrumSchema = z.strictObject({
  drum: z.number().int().min(0).max(DRUM_COUNT - 1),
  label: z.string().max(40).optional(),
  /** Present for drums a board plays; the others sound on the virtual kit. */
  table: z.strictObject({ minIntervalMs: Uint16, points: z.array(PointSchema).length(TABLE_POINTS) }).optional(),
  /** Measured command-to-impact latency by velocity (interpolated between points). */
  latency: z.array(z.strictObject({ velocity: Velocity, ms: z.number().min(0).max(500) })).max(16).optional(),
});

export const DrumProfileSchema = z.strictObject({
  format: z.literal(PROFILE_FORMAT),
  version: z.literal(PROFILE_VERSION),
  name: z.string().regex(DRUM_PROFILE_NAME_PATTERN, { message: 'must be a profile name (letters, digits, _ and -, at most 64)' }),
  description: z.string().max(2000).optional(),
  drums: z.array(DrumSchema).max(DRUM_COUNT),
  /** MIDI note -> drum, over the General MIDI defaults. */
  notes: z.record(z.string().regex(/^(\d|[1-9]\d|1[01]\d|12[0-7])$/, { message: 'must be a MIDI note number 0..127' }), z.number().int().min(0).max(DRUM_COUNT - 1)).optional(),
});
export type DrumProfile = z.infer<typeof DrumProfileSchema>;
export type ProfileDrum = DrumProfile['drums'][number];

export const profilesDir = (): string => path.join(dataDir(), 'drums');

/** Checks a parsed value as a profile: every problem at once, with its place. */
export function checkProfile(value: unknown, where: string): DrumProfile {
  const parsed = DrumProfileSchema.safeParse(value, { reportInput: true });
  const problems = parsed.success ? [] : formatIssues(parsed.error.issues);
  if (parsed.success) {
    const seen = new Set<number>();
    parsed.data.drums.forEach((d, i) => {
      if (seen.has(d.drum)) problems.push(`drums[${i}].drum: drum ${d.drum} is listed twice`);
      seen.add(d.drum);
      if (d.table) for (const p of tableProblems(d.table)) problems.push(`drums[${i}].table.${p}`);
      const v = (d.latency ?? []).map((l) => l.velocity);
      if (v.some((x, k) => k > 0 && x <= v[k - 1])) problems.push(`drums[${i}].latency: velocities must increase`);
    });
  }
  if (problems.length > 0 || !parsed.success) throw withDetails(axonError('drum_profile_invalid', where, problems.length), problems);
  return parsed.data;
}

export function parseProfile(text: string, where: string): DrumProfile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw withDetails(axonError('drum_profile_invalid', where, 1), [`not JSON (${err instanceof Error ? err.message : String(err)})`]);
  }
  return checkProfile(value, where);
}

export function listProfiles(): string[] {
  const dir = profilesDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && DRUM_PROFILE_NAME_PATTERN.test(f.slice(0, -5)))
    .map((f) => f.slice(0, -5))
    .sort();
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw axonError('file_read', file, err instanceof Error ? err.message : String(err));
  }
}

/** A profile with no drums calibrated yet. */
export function newProfile(name: string): DrumProfile {
  return checkProfile({ format: PROFILE_FORMAT, version: PROFILE_VERSION, name, drums: [] }, name);
}

/** The saved profile of that name, or a new one when there is none yet. */
export function readOrNewProfile(name: string): DrumProfile {
  return listProfiles().includes(name) ? readProfile(name) : newProfile(name);
}

export function readProfile(name: string): DrumProfile {
  const file = path.join(profilesDir(), `${name}.json`);
  if (!DRUM_PROFILE_NAME_PATTERN.test(name) || !existsSync(file)) throw axonError('drum_profile_not_found', name, profilesDir());
  return parseProfile(readText(file), `${name}.json`);
}

/** Writes a profile (validated first: a bad one never replaces a good file). */
export function saveProfile(profile: DrumProfile): string {
  const checked = checkProfile(profile, profile.name);
  mkdirSync(profilesDir(), { recursive: true });
  const file = path.join(profilesDir(), `${checked.name}.json`);
  writeFileAtomic(file, `${JSON.stringify(checked, null, 2)}\n`);
  return file;
}

/** Reads a profile from anywhere and keeps it under its own name. */
export function importProfile(file: string): DrumProfile {
  const profile = parseProfile(readText(file), path.basename(file));
  saveProfile(profile);
  return profile;
}

export function exportProfile(name: string, file: string): void {
  writeFileAtomic(file, `${JSON.stringify(readProfile(name), null, 2)}\n`);
}

/** Linear interpolation over points sorted by velocity, clamped at the ends. */
function interpolate<T extends { velocity: number }>(points: readonly T[], velocity: number, value: (p: T) => number): number {
  if (velocity <= points[0].velocity) return value(points[0]);
  for (let i = 1; i < points.length; i++) {
    const b = points[i];
    if (velocity <= b.velocity) {
      const a = points[i - 1];
      return value(a) + ((value(b) - value(a)) * (velocity - a.velocity)) / (b.velocity - a.velocity);
    }
  }
  return value(points[points.length - 1]);
}

/** Added to the forward time when no latency was measured: the stick lands near its end. */
const UNMEASURED_MARGIN_MS = 2;

/**
 * Command-to-impact latency of a drum at a velocity: the measured curve when there is one; else
 * the table's forward time (plus a little), since the stick lands as the push ends.
 */
export function latencyMs(drum: ProfileDrum | undefined, velocity: number): Milliseconds {
  if (drum?.latency && drum.latency.length > 0) return interpolate(drum.latency, velocity, (p) => p.ms);
  if (drum?.table) return interpolate(drum.table.points, velocity, (p) => p.forwardUs) / 1000 + UNMEASURED_MARGIN_MS;
  return 0;
}

/** The profile's drum entry with its table replaced (added when missing). */
export function withTable(profile: DrumProfile, drum: number, table: StrikeTable, latency?: ProfileDrum['latency']): DrumProfile {
  const rest = profile.drums.filter((d) => d.drum !== drum);
  const old = profile.drums.find((d) => d.drum === drum);
  const entry: ProfileDrum = { ...old, drum, table, ...(latency ? { latency } : {}) };
  return { ...profile, drums: [...rest, entry].sort((a, b) => a.drum - b.drum) };
}
