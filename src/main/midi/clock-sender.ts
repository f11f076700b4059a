/**
 * ClockSender: MIDI clock (24 per quarter note) and transport to an output at a set tempo.
 *
 * Drift-free: tick n is due at `anchorTime + (n - anchorTick) * period`, computed from one
 * absolute anchor, never by adding intervals, so timer lateness does not accumulate. A tempo
 * change re-anchors at the next tick, keeping phase. A timer that wakes late sends the ticks
 * already due at once (receivers count clocks, so none may be skipped); when it is more than
 * MAX_CATCH_UP ticks behind (the process was stalled) it re-anchors instead, counting `late`.
 */
import { axonError } from '../../shared/errors';
import type { Milliseconds } from '../../shared/units';
import { CLOCK, CLOCKS_PER_SIXTEENTH, CONTINUE, encodeMidiMessage, PPQN, START, STOP } from './midi-message';
import type { MidiSink } from './midi-ports';
import { systemTimers, type MidiTimers } from './midi-timers';

export const MIN_BPM = 20;
export const MAX_BPM = 400;
const MAX_CATCH_UP = 6;

export class ClockSender {
  private bpmNow: number;
  private running = false;
  private timer: unknown = null;
  private anchorTime: Milliseconds = 0;
  private anchorTick = 0;
  /** Ticks sent since start (the song position in clocks, for continue). */
  private tick = 0;
  /** Times the sender fell behind and re-anchored. */
  late = 0;

  constructor(
    private readonly sink: MidiSink,
    bpm = 120,
    private readonly timers: MidiTimers = systemTimers,
  ) {
    this.bpmNow = checkBpm(bpm);
  }

  get bpm(): number {
    return this.bpmNow;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Clocks sent since start (6 per sixteenth). */
  get position(): number {
    return this.tick;
  }

  private get period(): Milliseconds {
    return 60_000 / (this.bpmNow * PPQN);
  }

  /** Throws `midi_tempo` outside 20-400 BPM. Running: takes effect from the next tick. */
  setTempo(bpm: number): void {
    checkBpm(bpm);
    if (this.running) {
      const next = this.dueTime(this.tick);
      this.anchorTime = next;
      this.anchorTick = this.tick;
    }
    this.bpmNow = bpm;
  }

  /** Start (FA) and the first clock now: the song from its beginning. */
  start(): void {
    this.tick = 0;
    this.run(START);
  }

  /**
   * Continue (FB) from where stop left off, or from `sixteenths` when given (sent first as a song
   * position pointer; the position is rounded down to a sixteenth, as MIDI can only say that).
   */
  continue(sixteenths?: number): void {
    if (sixteenths === undefined && this.running) return;
    if (sixteenths !== undefined) {
      // MIDI moves the song position only while stopped.
      this.stop();
      this.sink.send(encodeMidiMessage({ type: 'songPosition', sixteenths }));
      this.tick = sixteenths * CLOCKS_PER_SIXTEENTH;
    }
    this.run(CONTINUE);
  }

  /** Stop (FC); the position is kept for continue. */
  stop(): void {
    if (!this.running) return;
    this.halt();
    this.sink.send([STOP]);
  }

  private halt(): void {
    this.running = false;
    if (this.timer !== null) this.timers.clearTimer(this.timer);
    this.timer = null;
  }

  private run(transport: number): void {
    if (this.running) this.halt();
    this.running = true;
    this.anchorTime = this.timers.now();
    this.anchorTick = this.tick;
    this.sink.send([transport]);
    this.pump();
  }

  private dueTime(tick: number): Milliseconds {
    return this.anchorTime + (tick - this.anchorTick) * this.period;
  }

  private pump(): void {
    this.timer = null;
    if (!this.running) return;
    const now = this.timers.now();
    if (now - this.dueTime(this.tick) > MAX_CATCH_UP * this.period) {
      this.late++;
      this.anchorTime = now;
      this.anchorTick = this.tick;
    }
    while (this.dueTime(this.tick) <= now) {
      this.sink.send([CLOCK]);
      this.tick++;
    }
    this.timer = this.timers.setTimer(() => this.pump(), this.dueTime(this.tick) - now);
  }
}

function checkBpm(bpm: number): number {
  if (!Number.isFinite(bpm) || bpm < MIN_BPM || bpm > MAX_BPM) throw axonError('midi_tempo', String(bpm), MIN_BPM, MAX_BPM);
  return bpm;
}
