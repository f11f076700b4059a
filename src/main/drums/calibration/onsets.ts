import type { Hertz, Seconds } from '../../../shared/units';

export interface Onset {
  /** Where the hit starts (the envelope's first crossing of a fraction of its peak). */
  time: Seconds;
  /** Peak of the envelope within the hit (linear, full scale 1). */
  strength: number;
}

export interface OnsetOptions {
  /** Envelope follower release: long enough that a low drum's ringing does not ripple. */
  release: Seconds;
  /** An onset needs the envelope this many times above the noise floor. */
  ratio: number;
  /** Quieter than this (linear) is never an onset, whatever the floor. */
  floor: number;
  /** The onset time is where the envelope first reaches this fraction of the hit's peak. */
  edge: number;
  /** Two onsets at least this far apart. */
  minGap: Seconds;
}

export const DEFAULT_ONSETS: OnsetOptions = { release: 0.05, ratio: 8, floor: 0.002, edge: 0.2, minGap: 0.04 };

/** How quickly an onset must rise (see detectOnsets). */
const RISE_WINDOW: Seconds = 0.01;
/** Corner of the high-pass applied first: rumble and handling noise are not hits. */
const HIGH_PASS: Hertz = 40;

/**
 * Percussive onsets in a mono recording (a microphone at the drums): a high-passed, rectified
 * envelope with instant attack and exponential release, against a noise floor estimated as the
 * envelope's 20th percentile.
 */
export function detectOnsets(x: Float32Array, sampleRate: Hertz, o: OnsetOptions = DEFAULT_ONSETS): Onset[] {
  const n = x.length;
  const env = new Float32Array(n);
  const hp = Math.exp((-2 * Math.PI * HIGH_PASS) / sampleRate);
  const rel = Math.exp(-1 / (o.release * sampleRate));
  let lp = 0;
  let e = 0;
  for (let i = 0; i < n; i++) {
    lp = x[i] + hp * (lp - x[i]);
    const a = Math.abs(x[i] - lp);
    e = a > e ? a : e * rel;
    env[i] = e;
  }
  const sorted = Float32Array.from(env).sort();
  const noise = sorted[Math.floor(0.2 * (n - 1))] ?? 0;
  const threshold = Math.max(o.floor, o.ratio * noise);
  const gap = Math.round(o.minGap * sampleRate);
  const back = Math.round(RISE_WINDOW * sampleRate);
  const out: Onset[] = [];
  let i = back;
  while (i < n) {
    // A hit rises: the envelope crosses the threshold and doubles within RISE_WINDOW. A ringing
    // tail never does, so a second strike inside the first one's tail is still found.
    const before = env[i - back];
    if (env[i] < threshold || env[i] < 2 * before) {
      i++;
      continue;
    }
    let peak = env[i];
    for (let k = i; k < Math.min(n, i + back); k++) if (env[k] > peak) peak = env[k];
    // Its start: where the envelope first covered `edge` of the rise above what was there
    // before, so a quiet and a loud hit of the same drum are timed alike.
    const level = before + o.edge * (peak - before);
    let first = i;
    for (let k = i - back; k <= i; k++) {
      if (env[k] >= level) {
        first = k;
        break;
      }
    }
    out.push({ time: first / sampleRate, strength: peak });
    i = first + gap;
  }
  return out;
}

export interface TimedCommand {
  /** When the strike command left the host, on the recording's time axis. */
  time: Seconds;
  drum: number;
  velocity: number;
}

export interface MeasuredStrike extends TimedCommand {
  /** Command to impact; null when no onset followed within the window. */
  latency: Seconds | null;
  strength: number;
}

/**
 * Command-to-impact latency of each strike: the first onset between the command and `window`
 * later. Commands must be further apart than the longest latency, or hits would be confused.
 */
export function measureLatencies(onsets: readonly Onset[], commands: readonly TimedCommand[], window: Seconds = 0.15): MeasuredStrike[] {
  return commands.map((c) => {
    const hit = onsets.find((o) => o.time >= c.time && o.time <= c.time + window);
    return { ...c, latency: hit ? hit.time - c.time : null, strength: hit?.strength ?? 0 };
  });
}

