import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { AxonError } from '../../shared/errors';
import type { RecordedSet } from '../../shared/recording';
import { MANIFEST_FILE, MASTER_FILE, readManifest } from './set-manifest';
import { WAV_STREAM_HEADER_BYTES } from './wav-stream';

/** A set's folder as the user gave it: a path, or a set's name in `setsFolder`. */
export function resolveSetFolder(arg: string, setsFolder: string): string {
  if (existsSync(arg)) return path.resolve(arg);
  const named = path.join(setsFolder, arg);
  return existsSync(named) ? named : path.resolve(arg);
}

/** The sets in `folder`, newest first: every folder with a manifest, damaged ones included. */
export function listRecordedSets(folder: string): RecordedSet[] {
  if (!existsSync(folder)) return [];
  const sets: RecordedSet[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(folder, entry.name);
    if (!existsSync(path.join(dir, MANIFEST_FILE))) continue;
    sets.push(describeSet(dir));
  }
  return sets.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.name < b.name ? 1 : -1));
}

function describeSet(dir: string): RecordedSet {
  const name = path.basename(dir);
  const files = readdirSync(dir).filter((f) => !f.startsWith('.'));
  const bytes = files.reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
  try {
    const m = readManifest(dir);
    const master = path.join(dir, MASTER_FILE);
    // An open set's length is what its WAV holds, whatever its header says.
    const frames = m.closed && m.frames !== null ? m.frames : existsSync(master) ? Math.max(0, Math.floor((statSync(master).size - WAV_STREAM_HEADER_BYTES) / (m.channels * 4))) : 0;
    return {
      name,
      title: m.title,
      startedAt: m.startedAt,
      seconds: frames / m.sampleRate,
      bytes,
      sampleRate: m.sampleRate,
      patch: m.patch.name,
      status: m.closed ? 'closed' : 'open',
      stoppedBy: m.stoppedBy,
      droppedFrames: m.droppedFrames,
      files,
      problem: m.closed ? null : `not closed: the app stopped while it recorded (npx axon repair ${name} closes it)`,
    };
  } catch (err) {
    return {
      name,
      title: null,
      startedAt: '',
      seconds: 0,
      bytes,
      sampleRate: 0,
      patch: '',
      status: 'damaged',
      stoppedBy: null,
      droppedFrames: null,
      files,
      problem: err instanceof AxonError ? [err.message, ...err.details].join(': ') : String(err),
    };
  }
}
