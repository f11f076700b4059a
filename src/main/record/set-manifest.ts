import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { axonError, withDetails } from '../../shared/errors';
import { formatIssues } from '../../shared/patch/validate';
import { writeFileAtomic } from '../files';

// manifest.json of a recorded set: written when recording starts (closed: false), completed with
// sizes and checksums when it stops (closed: true). A set whose manifest stays open was cut short.

export const MANIFEST_FILE = 'manifest.json';
export const MASTER_FILE = 'master.wav';

const SetFileSchema = z.strictObject({
  name: z.string().min(1),
  /**
   * master: the stereo output as the audio device got it; stem: a part of the mix before the
   * master chain (voice, reservoir, drums); events: the event log it replays from; midi: its notes
   * and strikes.
   */
  kind: z.enum(['master', 'stem', 'events', 'midi']),
  bytes: z.number().int().min(0).nullable(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
});

export const SetManifestSchema = z.strictObject({
  format: z.literal('axon-set'),
  version: z.literal(1),
  title: z.string().nullable(),
  startedAt: z.iso.datetime({ offset: true }),
  endedAt: z.iso.datetime({ offset: true }).nullable(),
  app: z.strictObject({ name: z.string(), version: z.string() }),
  /** The drum board's firmware version, when one played. */
  firmware: z.string().nullable(),
  patch: z.strictObject({ name: z.string(), seed: z.number().int() }),
  sampleRate: z.number().int().positive(),
  blockSize: z.number().int().positive(),
  channels: z.number().int().positive(),
  /** The engine frame (modulo 2^30) of the first recorded frame: where the event log's frames start. */
  startFrame: z.number().int().min(0),
  devices: z.strictObject({
    audioOut: z.string(),
    audioIn: z.string().nullable(),
    midiIn: z.string().nullable(),
    drums: z.string().nullable(),
  }),
  files: z.array(SetFileSchema),
  frames: z.number().int().min(0).nullable(),
  droppedFrames: z.number().int().min(0).nullable(),
  stoppedBy: z.enum(['user', 'disk_full', 'write_failed', 'app_closed', 'engine_stopped', 'interrupted']).nullable(),
  closed: z.boolean(),
});
export type SetManifest = z.infer<typeof SetManifestSchema>;
export type SetFile = SetManifest['files'][number];
export type SetFileKind = SetFile['kind'];

export function readManifest(dir: string): SetManifest {
  const file = path.join(dir, MANIFEST_FILE);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw withDetails(axonError('stored_file_invalid', file, 'set manifest', 1), [reason]);
  }
  const parsed = SetManifestSchema.safeParse(value);
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues);
    throw withDetails(axonError('stored_file_invalid', file, 'set manifest', problems.length), problems);
  }
  return parsed.data;
}

export function writeManifest(dir: string, manifest: SetManifest): void {
  writeFileAtomic(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
}
