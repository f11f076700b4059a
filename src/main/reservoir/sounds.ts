import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { MAX_SLICED_GRAINS, type SoundOverview, type SoundOverviewRequest, type SoundUpload, type SoundUploadPiece } from '../../shared/api';
import { axonError } from '../../shared/errors';
import type { Hertz } from '../../shared/units';
import { writeFileAtomic } from '../files';
import { decodeWav } from '../wav/wav-reader';
import { isSilent, loadMono } from './grain-files';
import { DEFAULT_SLICE, grainBounds } from './grains';
import { soundFile, soundsDir } from './training-jobs';

// The sounds folder as the Reservoir view sees it: a sound's waveform and grains as training
// reads them, and WAVs arriving from a UI in pieces.

/** Peaks are sent to 4 decimals: a pixel never shows more, and the JSON stays small. */
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** Lowest and highest sample of each of `columns` equal spans of samples[from, to). */
export function waveformPeaks(samples: ArrayLike<number>, from: number, to: number, columns: number): { min: number[]; max: number[] } {
  const min: number[] = [];
  const max: number[] = [];
  const len = Math.max(0, to - from);
  for (let c = 0; c < columns; c++) {
    const a = from + Math.floor((c * len) / columns);
    // Zoomed in past one sample per column, a column shows the sample it falls on.
    const b = Math.max(a + 1, from + Math.floor(((c + 1) * len) / columns));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = a; i < b && i < to; i++) {
      const v = samples[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min.push(lo === Infinity ? 0 : round4(lo));
    max.push(hi === -Infinity ? 0 : round4(hi));
  }
  return { min, max };
}

// The last sound read, kept while its file is unchanged: the view asks again on every zoom and resize.
let cached: { file: string; mtimeMs: number; size: number; rate: Hertz; audio: ReturnType<typeof loadMono> } | null = null;

function readSound(file: string, rate: Hertz): ReturnType<typeof loadMono> {
  const st = statSync(file);
  if (cached && cached.file === file && cached.mtimeMs === st.mtimeMs && cached.size === st.size && cached.rate === rate) return cached.audio;
  const audio = loadMono(file, rate);
  cached = { file, mtimeMs: st.mtimeMs, size: st.size, rate, audio };
  return audio;
}

/** The waveform of a sound (mono at the engine rate, as training reads it) and the grains slicing keeps. */
export function soundOverview(r: SoundOverviewRequest, rate: Hertz): SoundOverview {
  const a = readSound(soundFile(r.name), rate);
  const n = a.samples.length;
  const seconds = n / rate;
  const from = Math.min(seconds, r.from ?? 0);
  const to = Math.max(from, Math.min(seconds, r.to ?? seconds));
  const { min, max } = waveformPeaks(a.samples, Math.floor(from * rate), Math.min(n, Math.ceil(to * rate)), r.columns);
  const all = grainBounds(a.samples, { minLength: DEFAULT_SLICE.minLength, maxCount: MAX_SLICED_GRAINS });
  const kept = all.slice(0, r.maxGrains ?? DEFAULT_SLICE.maxCount);
  return {
    name: r.name,
    file: { sampleRate: a.source.sampleRate, channels: a.source.channels, format: a.source.format, seconds: a.source.frames / a.source.sampleRate },
    from,
    to,
    min,
    max,
    grains: kept.map(([s, e]) => [s / rate, e / rate]),
    available: all.length,
    silent: isSilent(a.samples),
    warnings: a.warnings,
  };
}

/**
 * WAVs sent by a UI in pieces (a browser has no file paths, and a WebSocket message is small):
 * one upload at a time, pieces in order; the whole file must read as a WAV before it is stored,
 * and a name in use is refused, so nothing already there is lost. Main-thread only.
 */
export class SoundUploads {
  private pending: { name: string; size: number; bytes: Uint8Array; received: number } | null = null;

  receive(piece: SoundUploadPiece): SoundUpload {
    const target = path.join(soundsDir(), piece.name);
    if (piece.offset === 0) {
      // A new upload drops one left unfinished.
      this.pending = null;
      if (existsSync(target)) throw axonError('sound_exists', piece.name);
      this.pending = { name: piece.name, size: piece.size, bytes: new Uint8Array(piece.size), received: 0 };
    }
    const p = this.pending;
    if (!p || p.name !== piece.name || p.size !== piece.size || piece.offset !== p.received) {
      const expected = p && p.name === piece.name ? `the piece at byte ${p.received} of ${p.size}` : 'its first piece';
      throw axonError('sound_upload', piece.name, `expected ${expected}, got one at byte ${piece.offset}; send the file again from the start`);
    }
    const data = Buffer.from(piece.data, 'base64');
    if (piece.offset + data.length > p.size) {
      this.pending = null;
      throw axonError('sound_upload', piece.name, `the pieces hold more than the ${p.size} bytes announced; send the file again from the start`);
    }
    p.bytes.set(data, piece.offset);
    p.received += data.length;
    if (p.received < p.size) return { name: p.name, received: p.received, size: p.size, stored: false, warnings: [] };
    this.pending = null;
    // The real reader decides: a file it cannot play is never stored.
    const audio = decodeWav(p.bytes, p.name);
    if (existsSync(target)) throw axonError('sound_exists', p.name);
    mkdirSync(soundsDir(), { recursive: true });
    writeFileAtomic(target, p.bytes);
    return { name: p.name, received: p.received, size: p.size, stored: true, warnings: audio.warnings };
  }
}
