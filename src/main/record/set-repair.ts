import { existsSync, statSync } from 'node:fs';
import { open, readFile, rm, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { axonError } from '../../shared/errors';
import type { Frames } from '../../shared/units';
import { sha256Of } from '../hash';
import { MASTER_FILE, readManifest, writeManifest, type SetManifest } from './set-manifest';
import { SET_EVENTS_FILE } from './event-journal';
import { fileEntry, RESERVE_FILE } from './recorder';
import { SET_MIDI_FILE, writeSetMidi } from './set-midi';
import { RIFF_DATA_LIMIT, WAV_STREAM_HEADER_BYTES, wavStreamHeader } from './wav-stream';

// `axon repair <set>`: what a killed app leaves of a set, made whole. The WAV's header is
// rewritten for every whole frame on disk (a recording syncs it twice a second, so a crash leaves
// it up to half a second short), the event log loses a line cut in two, the MIDI file is made
// from the log, and the open manifest is closed with sizes and checksums. Nothing recorded is
// removed but the bytes of a frame or a line cut in two.

export interface RepairReport {
  set: string;
  /** Frames master.wav holds after the repair. */
  frames: Frames;
  seconds: number;
  /** What was done; empty when the set needed nothing. */
  fixed: string[];
}

/** Where the WAV's header says its samples end, from the sizes it holds (null: not our layout). */
function headerDataBytes(head: Buffer): number | null {
  const riff = head.toString('latin1', 0, 4);
  if ((riff !== 'RIFF' && riff !== 'RF64') || head.toString('latin1', 8, 12) !== 'WAVE') return null;
  const dataAt = WAV_STREAM_HEADER_BYTES - 8;
  if (head.toString('latin1', dataAt, dataAt + 4) !== 'data') return null;
  // RF64 keeps the data size in ds64 (after 'ds64' and its length, then the RIFF size).
  return riff === 'RF64' ? Number(head.readBigUInt64LE(28)) : head.readUInt32LE(dataAt + 4);
}

/** The header a file of `dataBytes` samples needs: RIFF, or RF64 past 4 GiB. */
const headerFor = (m: SetManifest, dataBytes: number) => wavStreamHeader(m.channels, m.sampleRate, dataBytes, RIFF_DATA_LIMIT);

/** A WAV of the set as it stands: what its header says and what the file holds. */
interface WavOnDisk {
  name: string;
  file: string;
  /** Sample bytes the header says. */
  said: number;
  onDisk: number;
  /** Sample bytes in whole frames. */
  dataBytes: number;
}

async function inspectWav(dir: string, name: string, frameBytes: number): Promise<WavOnDisk> {
  const file = path.join(dir, name);
  if (!existsSync(file)) throw axonError('set_unrepairable', dir, `${name} is missing`);
  const size = (await stat(file)).size;
  if (size < WAV_STREAM_HEADER_BYTES) throw axonError('set_unrepairable', dir, `${name} is shorter than its header (${size} bytes)`);
  const fh = await open(file, 'r');
  const head = Buffer.alloc(WAV_STREAM_HEADER_BYTES);
  try {
    await fh.read(head, 0, WAV_STREAM_HEADER_BYTES, 0);
  } finally {
    await fh.close();
  }
  const said = headerDataBytes(head);
  if (said === null) throw axonError('set_unrepairable', dir, `${name} does not have the header Axon Stage writes`);
  const onDisk = size - WAV_STREAM_HEADER_BYTES;
  return { name, file, said, onDisk, dataBytes: onDisk - (onDisk % frameBytes) };
}

/** Cuts a half-written frame and rewrites the header for the whole frames; says what it did in `fixed`. */
async function fixWav(w: WavOnDisk, m: SetManifest, fixed: string[]): Promise<void> {
  const frameBytes = m.channels * 4;
  if (w.onDisk !== w.dataBytes) {
    await truncate(w.file, WAV_STREAM_HEADER_BYTES + w.dataBytes);
    fixed.push(`${w.name}: cut ${w.onDisk - w.dataBytes} bytes of a half-written frame`);
  }
  if (w.said === w.dataBytes) return;
  const fh = await open(w.file, 'r+');
  try {
    await fh.write(headerFor(m, w.dataBytes), 0, WAV_STREAM_HEADER_BYTES, 0);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  fixed.push(`${w.name}: header rewritten, ${w.said / frameBytes} -> ${w.dataBytes / frameBytes} frames`);
}

export async function repairSet(dir: string): Promise<RepairReport> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw axonError('set_not_found', dir);
  const manifest = readManifest(dir);
  const fixed: string[] = [];
  const frameBytes = manifest.channels * 4;
  // The master first: without it there is no set to repair.
  const wavs = [MASTER_FILE, ...manifest.files.filter((f) => f.kind === 'stem').map((f) => f.name)];
  const found: WavOnDisk[] = [];
  for (const name of wavs) found.push(await inspectWav(dir, name, frameBytes));
  const master = found[0];
  const report = (): RepairReport => ({ set: path.basename(dir), frames: master.dataBytes / frameBytes, seconds: master.dataBytes / frameBytes / manifest.sampleRate, fixed });

  if (manifest.closed) {
    // A closed set was complete: it is checked, never rewritten (a changed file is not ours to bless).
    for (const w of found) {
      const entry = manifest.files.find((f) => f.name === w.name);
      if (entry?.sha256 && (await sha256Of(w.file)) !== entry.sha256) throw axonError('set_unrepairable', dir, `${w.name} does not match the checksum in its manifest: it changed after it was recorded`);
      if (w.said !== w.dataBytes) throw axonError('set_unrepairable', dir, `${w.name}'s header says ${w.said} bytes of samples, the file holds ${w.onDisk}`);
    }
    return report();
  }

  for (const w of found) await fixWav(w, manifest, fixed);
  const events = path.join(dir, SET_EVENTS_FILE);
  if (existsSync(events)) {
    const log = await readFile(events);
    const whole = log.lastIndexOf(0x0a) + 1;
    if (whole < log.length) {
      await truncate(events, whole);
      fixed.push(`cut a half-written line of ${SET_EVENTS_FILE}`);
    }
    if (manifest.files.some((f) => f.name === SET_MIDI_FILE)) {
      writeSetMidi(dir, manifest);
      fixed.push(`${SET_MIDI_FILE} made from ${SET_EVENTS_FILE}`);
    }
  }
  await rm(path.join(dir, RESERVE_FILE), { force: true });
  const frames = master.dataBytes / frameBytes;
  const files = await Promise.all(manifest.files.map((f) => fileEntry(dir, f)));
  writeManifest(dir, {
    ...manifest,
    endedAt: (await stat(master.file)).mtime.toISOString(),
    files,
    frames,
    // What the app lost before it died is not known.
    droppedFrames: null,
    stoppedBy: 'interrupted',
    closed: true,
  });
  fixed.push('manifest closed');
  return report();
}
