import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { stat, statfs } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { FRAME_MODULO, STEMS } from '../../shared/engine-memory';
import { AxonError, axonError, toErrorPayload } from '../../shared/errors';
import { formatDuration, LOW_SPACE_SECONDS, MIN_SPACE_SECONDS, type RecordingState, type RecordingStop, type RecordOptions } from '../../shared/recording';
import type { Frames, Hertz, Seconds } from '../../shared/units';
import { sha256Of } from '../hash';
import { MASTER_FILE, writeManifest, type SetFile, type SetFileKind, type SetManifest } from './set-manifest';
import { WAV_STREAM_HEADER_BYTES, WavStream } from './wav-stream';

// Records the master output into a set folder. The engine never waits for it: the audio sink
// copies every block it plays into the monitor (a circle of about 2.7 s), and this reads the
// monitor from the main thread a few times a second and queues the frames to a WavStream. If main
// falls behind by more than the monitor holds, the lost frames become silence (the set keeps its
// length) and are counted; if the disk falls behind by more than MAX_QUEUED_BYTES, frames are
// dropped and counted. Main-thread only.

/** What the recorder reads: the engine host's monitor. */
export interface MonitorSource {
  readonly sampleRate: Hertz;
  readonly monitorFrames: Frames;
  monitorPosition(): number;
  readMonitor(end: number, frames: Frames, into: Float32Array): void;
  /** The stems (STEMS order, interleaved stereo) of the same frames; a source without them records none. */
  readStems?(end: number, frames: Frames, into: readonly Float32Array[]): void;
}

/** A stem's file in a set. */
export const stemFile = (stem: (typeof STEMS)[number]) => `${stem}.wav`;

/** What a set's manifest says about the rig, asked for when recording starts. */
export type SetContext = Pick<SetManifest, 'patch' | 'blockSize' | 'devices' | 'firmware' | 'app'>;

export interface RecorderOptions {
  /** The folder the sets go in (made when needed). */
  folder: string;
  context: () => SetContext;
  /** Free bytes on the disk holding `folder` (default: statfs); null when unknown. */
  freeSpace?: (folder: string) => Promise<number | null>;
  /** Data bytes past which the WAV header turns into RF64 (default: where RIFF's 32-bit sizes end). */
  rf64AboveBytes?: number;
  /** Files written beside master.wav (the event log): started with the set, ended before its manifest closes. */
  companions?: readonly SetCompanion[];
}

export interface SetCompanion {
  readonly name: string;
  readonly kind: SetFileKind;
  /** Starts writing `file`; `startFrame` is the monitor position (mod 2^30) master.wav starts on. */
  start(file: string, startFrame: number): Promise<void>;
  stop(): Promise<void>;
}

const CHANNELS = 2;
const POLL_MS = 50;
const SYNC_MS = 500;
const SPACE_MS = 2000;
const NOTICE_MS = 250;
/** About 3 minutes of 48 kHz stereo float waiting for a slow disk, at most (45 s with the stems). */
const MAX_QUEUED_BYTES = 64 * 1024 * 1024;
const READ_CHUNK_FRAMES = 8192;
/** An armed recording starts at the first sample above this (−60 dBFS)... */
const ARM_THRESHOLD = 0.001;
/** ...this long before it. */
const PREROLL_SECONDS: Seconds = 0.5;
/** Kept free in each set folder while it records, and given back to write the closed manifest on a full disk. */
export const RESERVE_FILE = '.reserve';
const RESERVE_BYTES = 256 * 1024;

async function statfsFree(folder: string): Promise<number | null> {
  try {
    const s = await statfs(folder);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** "2026-11-21_20-15-03" in local time, then the title. */
export function setFolderName(at: Date, title: string | null): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}_${p(at.getHours())}-${p(at.getMinutes())}-${p(at.getSeconds())}`;
  return title ? `${stamp}_${title}` : stamp;
}

/** A set's file as it stands on disk: size and checksum. */
export async function fileEntry(dir: string, f: SetFile): Promise<SetFile> {
  const file = path.join(dir, f.name);
  const bytes = existsSync(file) ? (await stat(file)).size : 0;
  return { ...f, bytes, sha256: bytes > 0 ? await sha256Of(file) : null };
}

interface Take {
  dir: string;
  name: string;
  manifest: SetManifest;
  stream: WavStream;
  /** The stems' streams (STEMS order), or none. */
  stems: WavStream[];
  /** The next monitor position to read. */
  readPos: number;
  framesWritten: number;
  /** Frames main fell too far behind to read: written as silence. */
  lost: number;
  /** Frames a slow disk could not take: not written. */
  skipped: number;
  lastSync: number;
  lastNotice: number;
}

export class Recorder extends EventEmitter<{ state: [RecordingState] }> {
  private take: Take | null = null;
  private stopping: Promise<RecordingState> | null = null;
  private starting = false;
  private armed: { title: string | null; scanPos: number; o: RecordOptions } | null = null;
  private last: { set: string; startedAt: string; elapsed: Seconds; bytes: number; dropped: number } | null = null;
  private lastError: AxonError | null = null;
  private freeBytes: number | null = null;
  private lastSpace = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly freeSpace: (folder: string) => Promise<number | null>;

  constructor(
    private readonly source: MonitorSource,
    private readonly o: RecorderOptions,
  ) {
    super();
    this.freeSpace = o.freeSpace ?? statfsFree;
  }

  get recording(): boolean {
    return this.take !== null;
  }

  /** What a second of the set takes on disk: the master, and the stems when they record. */
  private get bytesPerSecond(): number {
    const files = 1 + (this.take ? this.take.stems.length : this.armed?.o.stems ? STEMS.length : 0);
    return this.source.sampleRate * CHANNELS * 4 * files;
  }

  /** Checks the free space now (the Record view asks when it opens). */
  async refreshSpace(): Promise<RecordingState> {
    mkdirSync(this.o.folder, { recursive: true });
    this.freeBytes = await this.freeSpace(this.o.folder);
    this.lastSpace = Date.now();
    return this.state();
  }

  state(): RecordingState {
    const t = this.take;
    const freeSeconds = this.freeBytes === null ? null : this.freeBytes / this.bytesPerSecond;
    const elapsed = t ? (t.framesWritten + t.skipped) / this.source.sampleRate : (this.last?.elapsed ?? 0);
    const dropped = t ? t.lost + t.skipped : (this.last?.dropped ?? 0);
    let warning: string | null = null;
    if (freeSeconds !== null && freeSeconds < LOW_SPACE_SECONDS) warning = `${Math.floor(freeSeconds / 60)} min of recording space left`;
    if (t && dropped > 0) warning = `${dropped} frames lost so far (the app fell behind)${warning ? `; ${warning}` : ''}`;
    return {
      state: this.stopping ? 'stopping' : t ? 'recording' : this.armed ? 'armed' : 'idle',
      set: t?.name ?? this.last?.set ?? null,
      startedAt: t?.manifest.startedAt ?? this.last?.startedAt ?? null,
      elapsedSeconds: elapsed,
      bytes: t ? [t.stream, ...t.stems].reduce((sum, s) => sum + WAV_STREAM_HEADER_BYTES + s.dataBytes, 0) : (this.last?.bytes ?? 0),
      droppedFrames: dropped,
      freeBytes: this.freeBytes,
      freeSeconds,
      warning,
      lastError: this.lastError ? toErrorPayload(this.lastError) : null,
      folder: this.o.folder,
    };
  }

  /** Starts a set now (an armed one too); refused while one records or when the disk holds under MIN_SPACE_SECONDS of it. */
  async start(title: string | null, o: RecordOptions = {}): Promise<RecordingState> {
    if (this.take || this.stopping || this.starting) throw axonError('recording_busy', this.take?.name ?? this.last?.set ?? 'starting');
    this.armed = null;
    this.starting = true;
    try {
      return await this.begin(title, o);
    } finally {
      this.starting = false;
    }
  }

  /**
   * Arms: the set starts by itself with the first sound above ARM_THRESHOLD (with PREROLL_SECONDS
   * before it), so the performer can arm, walk on and play. The same checks as start.
   */
  async arm(title: string | null, o: RecordOptions = {}): Promise<RecordingState> {
    if (this.take || this.stopping || this.starting || this.armed) throw axonError('recording_busy', this.take?.name ?? (this.armed ? 'armed' : 'starting'));
    this.starting = true;
    try {
      await this.checkSpace();
    } finally {
      this.starting = false;
    }
    this.armed = { title, scanPos: this.source.monitorPosition(), o };
    this.lastError = null;
    this.timer ??= setInterval(() => this.tick(), POLL_MS);
    const state = this.state();
    this.emit('state', state);
    return state;
  }

  private async checkSpace(): Promise<void> {
    await this.refreshSpace();
    if (this.freeBytes !== null && this.freeBytes < MIN_SPACE_SECONDS * this.bytesPerSecond) {
      throw axonError('recording_no_space', this.o.folder, Math.round(this.freeBytes / 1e6));
    }
  }

  private async begin(title: string | null, o: RecordOptions, from?: number): Promise<RecordingState> {
    await this.checkSpace();
    const at = new Date();
    let name = setFolderName(at, title);
    for (let n = 2; existsSync(path.join(this.o.folder, name)); n++) name = `${setFolderName(at, title)}-${n}`;
    const dir = path.join(this.o.folder, name);
    const ctx = this.o.context();
    const readPos = from ?? this.source.monitorPosition();
    const companions = this.o.companions ?? [];
    const stems = o.stems && this.source.readStems ? STEMS : [];
    const manifest: SetManifest = {
      format: 'axon-set',
      version: 1,
      title,
      startedAt: at.toISOString(),
      endedAt: null,
      ...ctx,
      sampleRate: this.source.sampleRate,
      channels: CHANNELS,
      startFrame: readPos,
      files: [
        { name: MASTER_FILE, kind: 'master', bytes: null, sha256: null },
        ...stems.map((s) => ({ name: stemFile(s), kind: 'stem' as const, bytes: null, sha256: null })),
        ...companions.map((c) => ({ name: c.name, kind: c.kind, bytes: null, sha256: null }))],
      frames: null,
      droppedFrames: null,
      stoppedBy: null,
      closed: false,
    };
    let stream: WavStream;
    const stemStreams: WavStream[] = [];
    try {
      mkdirSync(dir);
      writeManifest(dir, manifest);
      writeFileSync(path.join(dir, RESERVE_FILE), Buffer.alloc(RESERVE_BYTES));
      const wav = (name: string) =>
        WavStream.create(path.join(dir, name), {
          channels: CHANNELS,
          sampleRate: this.source.sampleRate,
          rf64AboveBytes: this.o.rf64AboveBytes,
          onError: (err) => void this.stop(err.code === 'ENOSPC' ? 'disk_full' : 'write_failed', err),
        });
      stream = await wav(MASTER_FILE);
      for (const s of stems) stemStreams.push(await wav(stemFile(s)));
      for (const c of companions) await c.start(path.join(dir, c.name), readPos);
    } catch (err) {
      for (const s of stemStreams) await s.close().catch(() => undefined);
      for (const c of companions) await c.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
      throw axonError('file_write', dir, err instanceof Error ? err.message : String(err));
    }
    this.take = { dir, name, manifest, stream, stems: stemStreams, readPos, framesWritten: 0, lost: 0, skipped: 0, lastSync: Date.now(), lastNotice: 0 };
    this.lastError = null;
    this.timer ??= setInterval(() => this.tick(), POLL_MS);
    const state = this.state();
    this.emit('state', state);
    return state;
  }

  /** Ends the set: the frames played so far are written, the manifest completed. Never touches the audio. */
  stop(reason: RecordingStop = 'user', cause?: NodeJS.ErrnoException): Promise<RecordingState> {
    if (this.stopping) return this.stopping;
    const t = this.take;
    if (!t) {
      if (this.armed) this.disarm();
      return Promise.resolve(this.state());
    }
    if (reason !== 'user' && reason !== 'app_closed') this.lastError = this.stopError(reason, t, cause);
    this.stopping = this.finish(t, reason)
      .finally(() => {
        this.stopping = null;
      })
      .then(() => {
        const state = this.state();
        this.emit('state', state);
        return state;
      });
    this.emit('state', this.state());
    return this.stopping;
  }

  private disarm(): void {
    this.armed = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.emit('state', this.state());
  }

  private stopError(reason: RecordingStop, t: Take, cause?: NodeJS.ErrnoException): AxonError {
    const at = formatDuration((t.framesWritten + t.skipped) / this.source.sampleRate);
    if (reason === 'disk_full') return axonError('recording_disk_full', this.o.folder, at);
    if (reason === 'engine_stopped') return axonError('recording_engine_stopped', at);
    return axonError('recording_write_failed', t.stream.file, cause?.message ?? 'unknown error', at);
  }

  private async finish(t: Take, reason: RecordingStop): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (reason !== 'engine_stopped') this.drain(t);
    await t.stream.close().catch(() => undefined);
    for (const s of t.stems) await s.close().catch(() => undefined);
    for (const c of this.o.companions ?? []) await c.stop().catch(() => undefined);
    const bytes = existsSync(t.stream.file) ? (await stat(t.stream.file)).size : 0;
    const manifest: SetManifest = {
      ...t.manifest,
      endedAt: new Date().toISOString(),
      files: await Promise.all(t.manifest.files.map(async (f) => fileEntry(t.dir, f))),
      frames: Math.floor(t.stream.dataBytes / (CHANNELS * 4)),
      droppedFrames: t.lost + t.skipped,
      stoppedBy: reason,
      closed: true,
    };
    rmSync(path.join(t.dir, RESERVE_FILE), { force: true });
    try {
      writeManifest(t.dir, manifest);
    } catch (err) {
      // A full disk may refuse even the manifest: the set stays open, and says so when listed.
      this.lastError ??= err as AxonError;
    }
    this.last = { set: t.name, startedAt: t.manifest.startedAt, elapsed: (t.framesWritten + t.skipped) / this.source.sampleRate, bytes, dropped: t.lost + t.skipped };
    this.take = null;
    await this.refreshSpace().catch(() => undefined);
  }

  private tick(): void {
    if (this.armed && !this.starting) this.listen(this.armed);
    const t = this.take;
    if (!t || this.stopping) return;
    this.drain(t);
    const now = Date.now();
    if (now - t.lastSync >= SYNC_MS) {
      t.lastSync = now;
      void t.stream.sync();
      for (const s of t.stems) void s.sync();
    }
    if (now - this.lastSpace >= SPACE_MS) {
      this.lastSpace = now;
      void this.freeSpace(this.o.folder).then((free) => {
        this.freeBytes = free;
      });
    }
    if (now - t.lastNotice >= NOTICE_MS) {
      t.lastNotice = now;
      this.emit('state', this.state());
    }
  }

  /** While armed: looks for the first sound in what played since the last look, and starts the set just before it. */
  private listen(armed: { title: string | null; scanPos: number; o: RecordOptions }): void {
    const pos = this.source.monitorPosition();
    const safe = this.safeFrames;
    const ahead = Math.min((pos - armed.scanPos + FRAME_MODULO) % FRAME_MODULO, safe);
    const from = (pos - ahead + FRAME_MODULO) % FRAME_MODULO;
    armed.scanPos = pos;
    if (ahead === 0) return;
    const frames = new Float32Array(ahead * CHANNELS);
    this.source.readMonitor(pos, ahead, frames);
    const loud = frames.findIndex((v) => Math.abs(v) > ARM_THRESHOLD);
    if (loud < 0) return;
    // The pre-roll cannot reach further back than the monitor still holds.
    const back = Math.min(Math.round(PREROLL_SECONDS * this.source.sampleRate), safe - (ahead - Math.floor(loud / CHANNELS)));
    const start = (from + Math.floor(loud / CHANNELS) - Math.max(0, back) + FRAME_MODULO) % FRAME_MODULO;
    this.armed = null;
    this.starting = true;
    this.begin(armed.title, armed.o, start)
      .catch((err: unknown) => {
        this.lastError = err instanceof AxonError ? err : axonError('file_write', this.o.folder, String(err));
        if (!this.take && this.timer) {
          clearInterval(this.timer);
          this.timer = null;
        }
        this.emit('state', this.state());
      })
      .finally(() => {
        this.starting = false;
      });
  }

  private get safeFrames(): number {
    // A quarter of the monitor stays clear of the sink, which may be writing its next block there.
    return Math.floor((this.source.monitorFrames * 3) / 4);
  }

  /** Moves every frame the sink played since the last read into the streams. */
  private drain(t: Take): void {
    const pos = this.source.monitorPosition();
    let ahead = (pos - t.readPos + FRAME_MODULO) % FRAME_MODULO;
    const safe = this.safeFrames;
    if (ahead > safe) {
      const lost = ahead - safe;
      for (let done = 0; done < lost; done += READ_CHUNK_FRAMES) {
        const n = Math.min(READ_CHUNK_FRAMES, lost - done);
        const silence = () => new Float32Array(n * CHANNELS);
        if (this.append(t, silence(), t.stems.map(silence), n)) t.lost += n;
      }
      t.readPos = (t.readPos + lost) % FRAME_MODULO;
      ahead = safe;
    }
    while (ahead > 0) {
      const n = Math.min(ahead, READ_CHUNK_FRAMES);
      const chunk = new Float32Array(n * CHANNELS);
      const stems = t.stems.map(() => new Float32Array(n * CHANNELS));
      t.readPos = (t.readPos + n) % FRAME_MODULO;
      this.source.readMonitor(t.readPos, n, chunk);
      if (stems.length > 0) this.source.readStems?.(t.readPos, n, stems);
      this.append(t, chunk, stems, n);
      ahead -= n;
    }
  }

  /** Queues frames for the disk (the master and each stem), or counts them skipped when it is too far behind; true when queued. */
  private append(t: Take, samples: Float32Array, stems: Float32Array[], frames: number): boolean {
    const queued = t.stems.reduce((sum, s) => sum + s.queuedBytes, t.stream.queuedBytes);
    if (queued + samples.byteLength * (1 + stems.length) > MAX_QUEUED_BYTES) {
      t.skipped += frames;
      return false;
    }
    t.stream.append(samples);
    stems.forEach((s, k) => t.stems[k].append(s));
    t.framesWritten += frames;
    return true;
  }
}
