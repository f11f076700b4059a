/**
 * ClockFollower: follows an external MIDI clock (24 clocks per quarter note) and its transport.
 *
 *   const follower = new ClockFollower();
 *   midi.on('message', (e) => follower.handle(e.message, e.time));
 *   setInterval(() => follower.poll(), 100);   // notices a clock that stopped arriving
 *   follower.on('tempo', (bpm) => ...);        // first estimate, then changes of tempoEpsilon or more
 *   follower.on('transport', (t) => ...);      // start / stop / continue
 *   follower.on('beat', (p) => ...);           // each quarter note while playing
 *
 * Tempo: a least-squares line through the times of the last `window` clocks (64, 2⅔ beats),
 * tick index against host time; the slope is the clock period. Chosen over a PLL because it has
 * no gains to tune, its noise is known (σ·√(12/N³) on the period: σ = 2 ms at 120 BPM gives
 * σ ≈ 0.08 BPM) and it ignores phase entirely. A plain window would take a whole window to
 * follow a real tempo change, so a change detector cuts it short: when the predicted time of a
 * new clock is off by more than max(minErrorMs, 4 × the fit's RMS residual) for CHANGE_RUN
 * clocks in a row, with the same sign and growing (a different slope, unlike a stall, whose
 * late clocks then arrive early and catch up), the window restarts at the change. A 120 -> 90
 * BPM step is noticed within 3-4 clocks and measured to ±0.5 BPM within about a beat.
 *
 * Dropouts: a gap of about k periods (1.6 < gap/period, below the timeout) counts as k-1 lost
 * clocks, so tempo and position stay in phase, unless the next clock comes in a burst (the gap
 * was a main-thread stall, and the late clocks are arriving now); two such gaps in a row mean the tempo really
 * changed and the window restarts. No clock for `timeoutMs` (or a longer gap) unlocks: the tempo
 * is kept but stale, and the window restarts with the next clock.
 *
 * Position: MIDI's rules. Start makes the next clock tick 0 (the downbeat); Stop holds the
 * position; Continue resumes from the clock after the last played one; a song position pointer
 * (sixteenths) sets the next clock to sixteenths × 6. Clocks while stopped still refine the tempo.
 * `time` is host ms, from the input (MidiPorts' message time) or `now()`.
 */
import { EventEmitter } from 'node:events';
import type { Milliseconds } from '../../shared/units';
import { CLOCKS_PER_SIXTEENTH, PPQN, type MidiMessage } from './midi-message';

export interface ClockFollowerOptions {
  now?: () => Milliseconds;
  /** Clocks in the tempo fit (default 64, 2⅔ beats). */
  window?: number;
  beatsPerBar?: number;
  /** Tempo changes smaller than this (BPM) are not reported (default 0.5). */
  tempoEpsilon?: number;
  /** No clock for this long unlocks (default 500 ms, a beat at 120 BPM... and 12 clocks at 30 BPM). */
  timeoutMs?: Milliseconds;
  /** Floor of the change detector's threshold (default 3 ms, above ordinary USB/JACK jitter). */
  minErrorMs?: Milliseconds;
}

export interface ClockPosition {
  /** Clocks since song start (24 per beat). */
  tick: number;
  /** Beats (quarter notes) since song start, fractional between clocks when interpolated. */
  beats: number;
  bar: number;
  /** 0-based beat in the bar, fractional. */
  beatInBar: number;
}

export interface ClockTransport {
  playing: boolean;
  cause: 'start' | 'stop' | 'continue';
  position: ClockPosition;
}

export interface ClockFollowerEvents {
  transport: [ClockTransport];
  /** The tempo in BPM: the first estimate, then changes of at least tempoEpsilon. */
  tempo: [number];
  /** Locked: clocks arriving and a tempo known; false after `timeoutMs` without clocks. */
  lock: [boolean];
  beat: [ClockPosition];
}

const MIN_FIT = 4;
const CHANGE_RUN = 3;
const DROPOUT_RATIO = 1.6;

interface Fit {
  /** ms per clock. */
  slope: number;
  /** ms at clock index x0 is y0 + intercept. */
  intercept: number;
  x0: number;
  y0: number;
  rms: number;
}

export class ClockFollower extends EventEmitter<ClockFollowerEvents> {
  readonly now: () => Milliseconds;
  private readonly window: number;
  readonly beatsPerBar: number;
  private readonly tempoEpsilon: number;
  private readonly timeoutMs: Milliseconds;
  private readonly minErrorMs: Milliseconds;

  // Tempo fit: clock index (with dropouts counted) against time, relative to the first point.
  private xs: number[] = [];
  private ys: number[] = [];
  private fit: Fit | null = null;
  private lastX = 0;
  private lastTime: Milliseconds | null = null;
  private errorRun = 0;
  private lastError = 0;
  private multiGaps = 0;
  /** Clocks the last gap was taken to have lost (undone if a burst shows it was a stall). */
  private lastExtra = 0;
  private reportedBpm: number | null = null;
  private lockedNow = false;

  private playingNow = false;
  /** The clock index the next clock will be (MIDI position semantics). */
  private nextTick = 0;
  /** Ticks dropped in a window restart on tempo change: counted, for tests and diagnostics. */
  tempoResets = 0;
  droppedClocks = 0;

  constructor(options: ClockFollowerOptions = {}) {
    super();
    this.now = options.now ?? (() => performance.now());
    this.window = Math.max(MIN_FIT + 2, options.window ?? 64);
    this.beatsPerBar = options.beatsPerBar ?? 4;
    this.tempoEpsilon = options.tempoEpsilon ?? 0.5;
    this.timeoutMs = options.timeoutMs ?? 500;
    this.minErrorMs = options.minErrorMs ?? 3;
  }

  /** The tempo estimate (BPM), null before enough clocks. Kept, though stale, after unlocking. */
  get bpm(): number | null {
    return this.fit ? 60_000 / (this.fit.slope * PPQN) : this.reportedBpm;
  }

  get playing(): boolean {
    return this.playingNow;
  }

  get locked(): boolean {
    return this.lockedNow;
  }

  /**
   * Where the song is: at the last played clock, or interpolated to `time` between clocks (never
   * past the next one). Before the first clock after Start: tick -1 reads as the position 0.
   */
  position(time?: Milliseconds): ClockPosition {
    const tick = this.nextTick - 1;
    let ticks = Math.max(0, tick);
    if (time !== undefined && this.playingNow && this.fit && this.lastTime !== null && tick >= 0) {
      ticks += Math.min(0.999, Math.max(0, (time - this.lastTime) / this.fit.slope));
    }
    const beats = ticks / PPQN;
    const bar = Math.floor(beats / this.beatsPerBar);
    return { tick: Math.max(0, tick), beats, bar, beatInBar: beats - bar * this.beatsPerBar };
  }

  /** Feeds one message; anything but clock and transport is ignored. */
  handle(message: MidiMessage, time: Milliseconds = this.now()): void {
    switch (message.type) {
      case 'clock':
        return this.clock(time);
      case 'start':
        this.nextTick = 0;
        return this.setPlaying(true, 'start');
      case 'continue':
        return this.setPlaying(true, 'continue');
      case 'stop':
        return this.setPlaying(false, 'stop');
      case 'songPosition':
        this.nextTick = message.sixteenths * CLOCKS_PER_SIXTEENTH;
        return;
      default:
        return;
    }
  }

  /** Unlocks when no clock came for `timeoutMs`; call every ~100 ms. */
  poll(time: Milliseconds = this.now()): void {
    if (this.lockedNow && this.lastTime !== null && time - this.lastTime > this.timeoutMs) this.unlock();
  }

  private setPlaying(playing: boolean, cause: ClockTransport['cause']): void {
    // A repeated stop (some devices send it every bar while stopped) changes nothing.
    if (!playing && !this.playingNow) return;
    this.playingNow = playing;
    this.emit('transport', { playing, cause, position: this.position() });
  }

  private unlock(): void {
    this.restartWindow();
    this.lastTime = null;
    if (this.lockedNow) {
      this.lockedNow = false;
      this.emit('lock', false);
    }
  }

  private restartWindow(keepLast = 0): void {
    this.xs = this.xs.slice(this.xs.length - keepLast);
    this.ys = this.ys.slice(this.ys.length - keepLast);
    if (keepLast === 0) this.fit = null;
    this.errorRun = 0;
    this.lastError = 0;
  }

  private clock(time: Milliseconds): void {
    let step = 1;
    if (this.lastTime !== null) {
      const gap = time - this.lastTime;
      if (gap > this.timeoutMs) {
        this.unlock();
      } else if (this.fit && this.lastExtra > 0 && gap < 0.5 * this.fit.slope) {
        // A burst right after a long gap: the gap was a stall, not lost clocks; take them back.
        const extra = this.lastExtra;
        this.xs[this.xs.length - 1] -= extra;
        this.lastX -= extra;
        if (this.playingNow) this.nextTick -= extra;
        this.droppedClocks -= extra;
        this.multiGaps = 0;
      } else if (this.fit && gap > DROPOUT_RATIO * this.fit.slope) {
        this.multiGaps++;
        if (this.multiGaps >= 2) {
          this.restartWindow(1);
          this.tempoResets++;
        } else {
          step = Math.round(gap / this.fit.slope);
          this.droppedClocks += step - 1;
        }
      } else {
        this.multiGaps = 0;
      }
    }
    this.lastExtra = step - 1;
    this.lastX += step;
    if (this.playingNow) {
      this.nextTick += step;
      const tick = this.nextTick - 1;
      // A beat is due on a clock that is, or (after a dropout) skipped over, a multiple of 24.
      if (Math.floor(tick / PPQN) !== Math.floor((tick - step) / PPQN) || tick === 0) this.emit('beat', this.position());
    }
    this.detectChange(this.lastX, time);
    this.xs.push(this.lastX);
    this.ys.push(time);
    if (this.xs.length > this.window) {
      this.xs.shift();
      this.ys.shift();
    }
    this.lastTime = time;
    this.refit();
  }

  /** Restarts the window when new clocks keep missing the fit the same way, more each time. */
  private detectChange(x: number, time: Milliseconds): void {
    const fit = this.fit;
    if (!fit || this.xs.length < MIN_FIT) return;
    const error = time - (fit.y0 + fit.intercept + fit.slope * (x - fit.x0));
    const threshold = Math.max(this.minErrorMs, 4 * fit.rms);
    if (Math.abs(error) <= threshold) {
      this.errorRun = 0;
    } else if (this.errorRun > 0 && Math.sign(error) === Math.sign(this.lastError) && Math.abs(error) > Math.abs(this.lastError)) {
      this.errorRun++;
    } else {
      this.errorRun = 1;
    }
    this.lastError = error;
    if (this.errorRun >= CHANGE_RUN) {
      // Keep the clock before the first miss: the first new interval starts there.
      this.restartWindow(CHANGE_RUN);
      this.tempoResets++;
    }
  }

  private refit(): void {
    const n = this.xs.length;
    if (n < MIN_FIT) {
      if (n < 2) this.fit = null;
      return;
    }
    const x0 = this.xs[0];
    const y0 = this.ys[0];
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      sx += this.xs[i] - x0;
      sy += this.ys[i] - y0;
    }
    const mx = sx / n;
    const my = sy / n;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < n; i++) {
      const dx = this.xs[i] - x0 - mx;
      sxx += dx * dx;
      sxy += dx * (this.ys[i] - y0 - my);
    }
    const slope = sxy / sxx;
    if (!(slope > 0)) return; // all clocks at one instant (a burst): keep the previous fit
    const intercept = my - slope * mx;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const r = this.ys[i] - y0 - (intercept + slope * (this.xs[i] - x0));
      ss += r * r;
    }
    this.fit = { slope, intercept, x0, y0, rms: Math.sqrt(ss / Math.max(1, n - 2)) };
    if (!this.lockedNow) {
      this.lockedNow = true;
      this.emit('lock', true);
    }
    const bpm = 60_000 / (slope * PPQN);
    if (this.reportedBpm === null || Math.abs(bpm - this.reportedBpm) >= this.tempoEpsilon) {
      this.reportedBpm = bpm;
      this.emit('tempo', bpm);
    }
  }
}
