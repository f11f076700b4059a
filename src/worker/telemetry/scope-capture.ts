import { SCOPE_LEN } from '../../shared/telemetry';

/** Samples kept per channel: a trigger is sought in the oldest part, so a window always fits after it. */
const HISTORY = 4 * SCOPE_LEN;

/**
 * What a scope shows: the last samples of a few signals, and at each snapshot a SCOPE_LEN window
 * that starts on a rising zero crossing (a steady wave stands still on screen), or the newest
 * window when the signal never crosses. A time base above 1 keeps the mean of each group of that
 * many samples (a longer view of slow signals, without aliasing what is faster). Preallocated:
 * the render loop only writes into it.
 */
export class ScopeCapture {
  private readonly history: Float32Array[];
  private readonly pos: Int32Array;
  private readonly acc: Float64Array;
  private readonly count: Int32Array;
  private decimation = 1;

  constructor(channels: number) {
    this.history = Array.from({ length: channels }, () => new Float32Array(HISTORY));
    this.pos = new Int32Array(channels);
    this.acc = new Float64Array(channels);
    this.count = new Int32Array(channels);
  }

  get timeBase(): number {
    return this.decimation;
  }

  /** Input samples per scope sample (1 or more); the history restarts. */
  setTimeBase(decimation: number): void {
    this.decimation = Math.max(1, Math.floor(decimation));
    for (const h of this.history) h.fill(0);
    this.acc.fill(0);
    this.count.fill(0);
  }

  /** Appends `len` samples of channel `ch`. */
  write(ch: number, src: ArrayLike<number>, len: number): void {
    for (let s = 0; s < len; s++) this.push(ch, src[s]);
  }

  /** Appends `len` samples of the mean of two interleaved channels (stereo to mono). */
  writeStereo(ch: number, interleaved: Float32Array, len: number): void {
    for (let s = 0; s < len; s++) this.push(ch, 0.5 * (interleaved[2 * s] + interleaved[2 * s + 1]));
  }

  /** Appends `len` zeros (a scope showing nothing). */
  writeSilence(ch: number, len: number): void {
    for (let s = 0; s < len; s++) this.push(ch, 0);
  }

  private push(ch: number, v: number): void {
    this.acc[ch] += v;
    if (++this.count[ch] < this.decimation) return;
    const p = this.pos[ch];
    this.history[ch][p] = this.acc[ch] / this.decimation;
    this.pos[ch] = p + 1 === HISTORY ? 0 : p + 1;
    this.acc[ch] = 0;
    this.count[ch] = 0;
  }

  /** Copies channel `ch`'s triggered window into out[at .. at + SCOPE_LEN). */
  read(ch: number, out: Float64Array, at: number): void {
    const h = this.history[ch];
    const newest = this.pos[ch]; // one past the newest sample
    // Latest rising crossing whose window is complete; search back at most HISTORY - SCOPE_LEN.
    let start = newest - SCOPE_LEN;
    for (let back = SCOPE_LEN; back < HISTORY - 1; back++) {
      const i = (newest - back + HISTORY) % HISTORY;
      const prev = (i - 1 + HISTORY) % HISTORY;
      if (h[prev] < 0 && h[i] >= 0) {
        start = newest - back;
        break;
      }
    }
    for (let k = 0; k < SCOPE_LEN; k++) out[at + k] = h[(start + k + 2 * HISTORY) % HISTORY];
  }
}
