import type { Milliseconds } from '../../../shared/units';
import type { Heard } from '../../audio-in/audio-input';
import type { StrikeTable } from '../protocol/table';
import { detectOnsets, measureLatencies } from './onsets';
import type { StrikeRig } from './sweep';

/** What a live calibration strikes with (DrumLink has it). */
export interface StrikeLink {
  setTable(drum: number, table: StrikeTable): Promise<void>;
  strike(drum: number, velocity: number): Promise<void>;
}

/** What it listens with (AudioInput has it): the sound between two performance.now() times. */
export interface Ear {
  listen(fromMs: Milliseconds, toMs: Milliseconds): Promise<Heard>;
}

export interface LiveStrikeOptions {
  /** Sound kept before the command: the onset detector's noise floor comes from it. */
  beforeMs: Milliseconds;
  /** How long after the command a hit may land (the longest table push plus the stick's travel). */
  afterMs: Milliseconds;
  /** Quiet between strikes, so one hit's ringing is not the next one's onset. */
  settleMs: Milliseconds;
}

export const DEFAULT_LIVE_STRIKE: LiveStrikeOptions = { beforeMs: 60, afterMs: 250, settleMs: 250 };

/**
 * Calibration on the real thing: strikes through the board link and hears the hit through the
 * audio input. Latency runs from sending the strike to the onset's start, the same span the drum
 * manager compensates when it plays ahead.
 */
export class LiveStrikeRig implements StrikeRig {
  constructor(
    private readonly link: StrikeLink,
    private readonly ear: Ear,
    private readonly o: LiveStrikeOptions = DEFAULT_LIVE_STRIKE,
  ) {}

  setTable(drum: number, table: StrikeTable): Promise<void> {
    return this.link.setTable(drum, table);
  }

  async strikeAndListen(drum: number, velocity: number): Promise<{ latency: number | null; strength: number }> {
    await new Promise((r) => setTimeout(r, this.o.settleMs));
    const sent = performance.now();
    await this.link.strike(drum, velocity);
    const heard = await this.ear.listen(sent - this.o.beforeMs, sent + this.o.afterMs);
    const start = heard.startMs / 1000;
    const onsets = detectOnsets(heard.samples, heard.sampleRate).map((o) => ({ time: start + o.time, strength: o.strength }));
    const [hit] = measureLatencies(onsets, [{ time: sent / 1000, drum, velocity }], this.o.afterMs / 1000);
    return { latency: hit.latency, strength: hit.strength };
  }
}
