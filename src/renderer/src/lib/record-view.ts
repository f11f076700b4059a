import { formatDuration, type RecordedSet, type RecordingState } from '../../../shared/recording';

// Text for the Record view and the header's recording light.

/** Bytes in the largest unit that keeps 3 significant digits ("812 kB", "1.38 GB"). */
export function sizeText(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '\u2014';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ${units[u]}`;
}

/** "412 GB free: about 83 h of recording", or why it is not known. */
export function freeSpaceText(r: RecordingState): string {
  if (r.freeBytes === null || r.freeSeconds === null) return 'free space unknown';
  const s = r.freeSeconds;
  const time = s >= 3600 ? `${Math.floor(s / 3600)} h` : s >= 60 ? `${Math.floor(s / 60)} min` : `${Math.floor(s)} s`;
  return `${sizeText(r.freeBytes)} free: about ${time} of recording`;
}

/** The header light: "● REC 12:03" while recording, null when idle. */
export function recordingLight(r: RecordingState | null): string | null {
  if (!r || r.state === 'idle') return null;
  if (r.state === 'armed') return 'REC armed';
  return r.state === 'stopping' ? 'REC saving…' : `● REC ${formatDuration(r.elapsedSeconds)}`;
}

/** When a set started, in local time ("21 Nov 2026, 20:15"). */
export function startedText(iso: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '\u2014';
  return d.toLocaleString(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** What the list says about a set beside its length and size. */
export function setStatusText(s: RecordedSet): string {
  if (s.status === 'damaged') return 'damaged manifest';
  if (s.status === 'open') return 'not closed (the app stopped while recording): npx axon repair closes it';
  const lost = s.droppedFrames ? `, ${s.droppedFrames} frames lost` : '';
  switch (s.stoppedBy) {
    case 'disk_full':
      return `stopped: disk full${lost}`;
    case 'write_failed':
      return `stopped: write failed${lost}`;
    case 'engine_stopped':
      return `stopped: engine stopped${lost}`;
    case 'app_closed':
      return `stopped when the app closed${lost}`;
    case 'interrupted':
      return 'cut short (the app stopped), repaired';
    default:
      return lost ? `complete${lost}` : 'complete';
  }
}
