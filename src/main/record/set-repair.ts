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

export async function repairSet(dir: string): Promise<RepairReport> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw axonError('set_not_found', dir);
  const manifest = readManifest(dir);
  const wav = path.join(dir, MASTER_FILE);
  if (!existsSync(wav)) throw axonError('set_unrepairable', dir, `${MASTER_FILE} is missing`);
  const fixed: string[] = [];
  const frameBytes = manifest.channels * 4;
  const size = (await stat(wav)).size;
  if (size < WAV_STREAM_HEADER_BYTES) throw axonError('set_unrepairable', dir, `${MASTER_FILE} is shorter than its header (${size} bytes)`);
  const fh = await open(wav, 'r');
  const head = Buffer.alloc(WAV_STREAM_HEADER_BYTES);
  try {
    await fh.read(head, 0, WAV_STREAM_HEADER_BYTES, 0);
  } finally {
    await fh.close();
  }
  const said = headerDataBytes(head);
  if (said === null) throw axonError('set_unrepairable', dir, `${MASTER_FILE} does not have the header Axon Stage writes`);
  const onDisk = size - WAV_STREAM_HEADER_BYTES;
  const dataBytes = onDisk - (onDisk % frameBytes);

  if (manifest.closed) {
    // A closed set was complete: it is checked, never rewritten (a changed file is not ours to bless).
    const entry = manifest.files.find((f) => f.name === MASTER_FILE);
    if (entry?.sha256 && (await sha256Of(wav)) !== entry.sha256) throw axonError('set_unrepairable', dir, `${MASTER_FILE} does not match the checksum in its manifest: it changed after it was recorded`);
    if (said !== dataBytes) throw axonError('set_unrepairable', dir, `${MASTER_FILE}'s header says ${said} bytes of samples, the file holds ${onDisk}`);
    return { set: path.basename(dir), frames: dataBytes / frameBytes, seconds: dataBytes / frameBytes / manifest.sampleRate, fixed };
  }

  if (onDisk !== dataBytes) {
    await truncate(wav, WAV_STREAM_HEADER_BYTES + dataBytes);
    fixed.push(`cut ${onDisk - dataBytes} bytes of a half-written frame`);
  }
  if (said !== dataBytes) {
    const w = await open(wav, 'r+');
    try {
      await w.write(headerFor(manifest, dataBytes), 0, WAV_STREAM_HEADER_BYTES, 0);
      await w.datasync();
    } finally {
      await w.close();
    }
    fixed.push(`header rewritten: ${said / frameBytes} -> ${dataBytes / frameBytes} frames`);
  }
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
  const frames = dataBytes / frameBytes;
  const files = await Promise.all(manifest.files.map((f) => fileEntry(dir, f)));
  writeManifest(dir, {
    ...manifest,
    endedAt: (await stat(wav)).mtime.toISOString(),
    files,
    frames,
    // What the app lost before it died is not known.
    droppedFrames: null,
    stoppedBy: 'interrupted',
    closed: true,
  });
  fixed.push('manifest closed');
  return { set: path.basename(dir), frames, seconds: frames / manifest.sampleRate, fixed };
}
