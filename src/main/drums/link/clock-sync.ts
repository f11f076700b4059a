import { axonError } from '../../../shared/errors';

/** Samples kept; the offset comes from the one with the smallest round trip. */
export const CLOCK_SAMPLES = 8;
/** Best samples kept for the rate, and the most a pair's round trips may bend their slope. */
const ANCHORS = 32;
const MAX_SLOPE_ERROR = 200e-6;
/** A ceramic resonator is off by well under 1 %; anything beyond is a glitch, not a rate. */
const MAX_RATE_ERROR = 0.02;

const U32 = 0x1_0000_0000;

/** The current estimate, all in microseconds. */
export interface ClockEstimate {
  /** Board time minus host time (the board's micros() unwrapped, so it keeps growing past 2^32). */
  offsetUs: number;
  /** Round trip of the latest sample. */
  rttUs: number;
  /** Half the round trip of the sample in use: the most path asymmetry can put the offset off by. */
  uncertaintyUs: number;
  samples: number;
  /** How fast the board's clock runs against the host's, in parts per million (0 until measured). */
  ratePpm: number;
}

interface Sample {
  sentUs: number;
  rttUs: number;
  /** Board time, unwrapped. */
  deviceUs: number;
}

const toU32 = (x: number): number => ((Math.round(x) % U32) + U32) % U32;
/** `value` (u32) as the continuous time nearest to `reference`; right within ±35 minutes of it. */
const unwrapNear = (reference: number, value: number): number => reference + ((value - toU32(reference)) | 0);

/**
 * Host clock to board clock, from TIME_SYNC round trips: offset = device time - (send + rtt/2) of
 * the sample with the smallest round trip among the last CLOCK_SAMPLES (a short round trip leaves
 * little room for the delay to be lopsided), carried forward at the board clock's measured rate. The board's micros() wraps every 71.6 minutes; the
 * estimate works on it unwrapped, so its numbers stay continuous and within 2^53.
 */
export class ClockSync {
  private samples: Sample[] = [];
  /** Every sample that was once the best of its window: their slopes give the clock rate. */
  private anchors: Sample[] = [];
  private latestDeviceUs: number | null = null;

  /** Forgets everything: the board restarted its clock, or a new board is on the line. */
  reset(): void {
    this.samples = [];
    this.anchors = [];
    this.latestDeviceUs = null;
  }

  /** One round trip: host send and receive times, and the board's micros() in the reply. */
  add(sentUs: number, receivedUs: number, deviceMicros: number): void {
    const deviceUs = this.latestDeviceUs === null ? deviceMicros : unwrapNear(this.latestDeviceUs, deviceMicros);
    this.latestDeviceUs = deviceUs;
    this.samples.push({ sentUs, rttUs: Math.max(0, receivedUs - sentUs), deviceUs });
    if (this.samples.length > CLOCK_SAMPLES) this.samples.shift();
    const best = this.best();
    if (best !== null && this.anchors[this.anchors.length - 1] !== best) {
      this.anchors.push(best);
      if (this.anchors.length > ANCHORS) this.anchors.shift();
    }
  }

  /**
   * Board seconds per host second: the median slope over pairs of anchors far enough apart that
   * their round trips cannot bend the slope by more than MAX_SLOPE_ERROR (a start-up sample with
   * a 60 ms round trip needs a minute before it counts). A resonator's few hundred ppm would
   * otherwise put a strike scheduled from a sample 14 s old several milliseconds off.
   */
  private rate(): number {
    const slopes: number[] = [];
    const a = this.anchors;
    for (let i = 0; i < a.length; i++) {
      for (let j = i + 1; j < a.length; j++) {
        const span = a[j].sentUs + a[j].rttUs / 2 - (a[i].sentUs + a[i].rttUs / 2);
        if (span <= 0 || (a[i].rttUs + a[j].rttUs) / 2 / span > MAX_SLOPE_ERROR) continue;
        slopes.push((a[j].deviceUs - a[i].deviceUs) / span);
      }
    }
    if (slopes.length === 0) return 1;
    slopes.sort((x, y) => x - y);
    const m = slopes[slopes.length >> 1];
    return Math.min(1 + MAX_RATE_ERROR, Math.max(1 - MAX_RATE_ERROR, m));
  }

  get synced(): boolean {
    return this.samples.length > 0;
  }

  get estimate(): ClockEstimate | null {
    const best = this.best();
    if (best === null) return null;
    return {
      offsetUs: best.deviceUs - (best.sentUs + best.rttUs / 2),
      rttUs: this.samples[this.samples.length - 1].rttUs,
      uncertaintyUs: best.rttUs / 2,
      samples: this.samples.length,
      ratePpm: (this.rate() - 1) * 1e6,
    };
  }

  /** The board's micros() (u32) at host time `hostUs`: from the best sample, at the measured rate. */
  toDeviceTime(hostUs: number): number {
    const { best, rate } = this.fit();
    return toU32(best.deviceUs + rate * (hostUs - (best.sentUs + best.rttUs / 2)));
  }

  /** The host time at which the board's micros() reads `deviceMicros` (a time near the latest sample's). */
  toHostTime(deviceMicros: number): number {
    const { best, rate } = this.fit();
    if (this.latestDeviceUs === null) throw axonError('drum_not_synced');
    return best.sentUs + best.rttUs / 2 + (unwrapNear(this.latestDeviceUs, deviceMicros) - best.deviceUs) / rate;
  }

  private best(): Sample | null {
    let best: Sample | null = null;
    for (const s of this.samples) if (best === null || s.rttUs <= best.rttUs) best = s;
    return best;
  }

  private fit(): { best: Sample; rate: number } {
    const best = this.best();
    if (best === null) throw axonError('drum_not_synced');
    return { best, rate: this.rate() };
  }
}
