import { gainToDb, type Decibels } from './units';

export interface ChannelStats {
  peak: number;
  peakDb: Decibels;
  rms: number;
  rmsDb: Decibels;
  dc: number;
}

/** Peak, RMS and DC (mean) of each channel of interleaved audio. */
export function audioStats(samples: ArrayLike<number>, channels: number): ChannelStats[] {
  const frames = Math.floor(samples.length / channels);
  return Array.from({ length: channels }, (_, c) => {
    let peak = 0;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < frames; i++) {
      const x = samples[i * channels + c];
      const a = Math.abs(x);
      if (a > peak) peak = a;
      sum += x;
      sq += x * x;
    }
    const rms = frames ? Math.sqrt(sq / frames) : 0;
    return { peak, peakDb: gainToDb(peak), rms, rmsDb: gainToDb(rms), dc: frames ? sum / frames : 0 };
  });
}
