import type { ErrorPayload } from './errors';
import type { Hertz, Seconds } from './units';

// Recording sets, as the UI and the CLI see them. A set is a folder in the data folder's `sets`:
// manifest.json and master.wav (more files come with issue 7's stems, MIDI and event log).

/** Why a recording ended. */
/** interrupted: the app stopped while it recorded, and `axon repair` closed the set. */
export type RecordingStop = 'user' | 'disk_full' | 'write_failed' | 'app_closed' | 'engine_stopped' | 'interrupted';

/** How a set records: `stems` adds voice.wav, reservoir.wav and drums.wav beside master.wav. */
export interface RecordOptions {
  stems?: boolean;
}

/** Free space below this much recording time warns before and while recording. */
export const LOW_SPACE_SECONDS: Seconds = 15 * 60;
/** Recording does not start with less free space than this much recording time. */
export const MIN_SPACE_SECONDS: Seconds = 60;

export interface RecordingState {
  /** armed: waiting for the first sound to start by itself. */
  state: 'idle' | 'armed' | 'recording' | 'stopping';
  /** The set being recorded (its folder name), or the last one. */
  set: string | null;
  /** When it started (ISO 8601). */
  startedAt: string | null;
  elapsedSeconds: Seconds;
  /** Bytes of the set on disk so far. */
  bytes: number;
  /** Frames lost because the writer fell behind (target 0). */
  droppedFrames: number;
  /** Free space on the disk holding the sets, and the recording time it holds at this rate (null: unknown). */
  freeBytes: number | null;
  freeSeconds: Seconds | null;
  /** Low space, dropped frames: what the performer should know now. */
  warning: string | null;
  /** Why the last recording stopped on its own (a full disk), or null. */
  lastError: ErrorPayload | null;
  /** Where the sets are kept. */
  folder: string;
}

/** A recorded set as the Record view lists it. */
export interface RecordedSet {
  /** Its folder name. */
  name: string;
  /** The name given when recording (null: none). */
  title: string | null;
  startedAt: string;
  seconds: Seconds;
  bytes: number;
  sampleRate: Hertz;
  patch: string;
  /** closed: its manifest was completed; open: the app stopped while it recorded; damaged: the manifest cannot be read. */
  status: 'closed' | 'open' | 'damaged';
  stoppedBy: RecordingStop | null;
  droppedFrames: number | null;
  files: string[];
  /** What is wrong, for an open or damaged set. */
  problem: string | null;
}

/** A recording's length as "2:03" or "1:02:03". */
export function formatDuration(seconds: Seconds): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
