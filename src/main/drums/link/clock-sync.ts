import { axonError } from '../../../shared/errors';

/** Samples kept; the offset comes from the one with the smallest round trip. */
export const CLOCK_SAMPLES = 8;

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
 * little room for the delay to be lopsided). The board's micros() wraps every 71.6 minutes; the
 * estimate works on it unwrapped, so its numbers stay continuous and within 2^53.
 */
export class ClockSync {
  private samples: Sample[] = [];
  private latestDeviceUs: number | null = null;

  /** Forgets everything: the board restarted its clock, or a new board is on the line. */
  reset(): void {
    this.samples = [];
    this.latestDeviceUs = null;
  }

  /** One round trip: host send and receive times, and the board's micros() in the reply. */
  add(sentUs: number, receivedUs: number, deviceMicros: number): void {
    const deviceUs = this.latestDeviceUs === null ? deviceMicros : unwrapNear(this.latestDeviceUs, deviceMicros);
    this.latestDeviceUs = deviceUs;
    this.samples.push({ sentUs, rttUs: Math.max(0, receivedUs - sentUs), deviceUs });
    if (this.samples.length > CLOCK_SAMPLES) this.samples.shift();
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
    };
  }

  /** The board's micros() (u32) at host time `hostUs`. */
  toDeviceTime(hostUs: number): number {
    return toU32(hostUs + this.offset().offsetUs);
  }

  /** The host time at which the board's micros() reads `deviceMicros` (a time near the latest sample's). */
  toHostTime(deviceMicros: number): number {
    const { offsetUs, anchorUs } = this.offset();
    return unwrapNear(anchorUs, deviceMicros) - offsetUs;
  }

  private best(): Sample | null {
    let best: Sample | null = null;
    for (const s of this.samples) if (best === null || s.rttUs <= best.rttUs) best = s;
    return best;
  }

  private offset(): { offsetUs: number; anchorUs: number } {
    const estimate = this.estimate;
    if (estimate === null || this.latestDeviceUs === null) throw axonError('drum_not_synced');
    return { offsetUs: estimate.offsetUs, anchorUs: this.latestDeviceUs };
  }
}
