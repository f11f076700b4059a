import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioInput } from '../../src/main/audio-in/audio-input';
import type { AnalyserReading } from '../../src/main/audio-in/input-analyser';
import { detectOnsets } from '../../src/main/drums/calibration/onsets';
import { AxonError } from '../../src/shared/errors';
import { jackRunning, startMetronome, type Metronome } from '../support/jack-metro';
import { until } from '../support/until';

// Timed to the millisecond, so it runs alone (vitest.solo.config.mts). Most gaps are within 1 ms;
// a single one may be up to 3 ms off: the dummy driver's clock (timed by sleeps) slips against
// the host's, and the time base (the least delayed period of the last 0.7 s) follows a slip only
// as old periods leave its window. 2 of 12 runs alone showed 2.3-2.5 ms. A sound card's clock
// drifts by parts per million.
const SLIP_MS = 3;
// The audio input through a real JACK server (the dummy one the test setup starts): jack_metro
// plays 100 ms beeps of 440 Hz at 120 BPM into our capture port, as a microphone would. On a
// loaded 2-core machine JACK sometimes runs a client late (an xrun in jackd's log): the input
// then hears a period repeated or skipped, which moves what follows by whole periods (5.3 ms).
// The checks allow for such glitches, never for jitter in between.

const PERIOD_MS = (256 / 48000) * 1000;

// Needs a JACK server (the test setup starts the dummy one where jackd is installed, as in CI):
// elsewhere there is no audio device to open, and these tests are skipped.
const haveJack = jackRunning();
const cents = (f: number, ref: number) => 1200 * Math.log2(f / ref);

describe.runIf(haveJack)('audio input on JACK', () => {
  let input: AudioInput;
  let metro: Metronome | undefined;
  const readings: AnalyserReading[] = [];
  const onsets: { timeMs: number; strength: number }[] = [];

  beforeAll(async () => {
    input = new AudioInput({ device: 'jack', sampleRate: 48000 });
    await input.open();
    metro = await startMetronome('axon-test-metro', { bpm: 120, hz: 440, beepMs: 100 });
    await metro.connect('axon-stage-in:inport 0');
    input.on('reading', (r) => readings.push({ ...r }));
    input.on('onset', (o) => onsets.push(o));
    await until('six onsets', () => onsets.length >= 6, 8000);
  });

  afterAll(async () => {
    metro?.stop();
    await input?.close();
  });

  it('opens the JACK input and reports its latency', () => {
    const s = input.status;
    expect(s.state).toBe('on');
    expect(s.device).toMatch(/^jack:/);
    expect(s.latencyMs).toBeGreaterThan(0);
    expect(s.dropped).toBe(0);
  });

  it('hears the beeps: 440 Hz (within 15 cents as they fade), their level, and silence between them', () => {
    const voiced = readings.filter((r) => r.voiced);
    expect(voiced.length).toBeGreaterThan(10);
    const errors = voiced.map((r) => Math.abs(cents(r.pitch, 440))).sort((a, b) => a - b);
    expect(errors[errors.length >> 1]).toBeLessThan(2);
    expect(errors.filter((e) => e < 15).length).toBeGreaterThanOrEqual(0.8 * voiced.length);
    const loudest = Math.max(...readings.map((r) => r.envelope));
    // 0.5 full scale is -6 dBFS: 0.9 on the -60..0 dB scale.
    expect(loudest).toBeGreaterThan(0.85);
    expect(loudest).toBeLessThan(0.95);
    expect(readings.some((r) => r.envelope === 0 && !r.voiced)).toBe(true);
  });

  it('times the onsets 500 ms apart: most within a millisecond, all within a clock slip (whole-period glitches aside)', () => {
    // The first may be the middle of a beep, where the connection was made.
    const whole = onsets.slice(1);
    const gaps = whole.slice(1).map((o, i) => o.timeMs - whole[i].timeMs);
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    const off = gaps.map((g) => g - 500);
    expect(off.filter((e) => Math.abs(e) < 1).length).toBeGreaterThanOrEqual(gaps.length / 2);
    // Off by whole periods at most (a glitch), each within a clock slip of that.
    for (const e of off) expect(Math.abs(e - PERIOD_MS * Math.round(e / PERIOD_MS))).toBeLessThan(SLIP_MS);
    // Heard before it is reported, never in the future.
    expect(onsets.at(-1)!.timeMs).toBeLessThan(performance.now());
  });

  it('listen() gives back the sound around an onset, with the same time base', async () => {
    const last = onsets.at(-1)!;
    const heard = await input.listen(last.timeMs - 100, last.timeMs + 200);
    expect(heard.samples.length).toBe(Math.round(0.3 * 48000));
    const found = detectOnsets(heard.samples, heard.sampleRate);
    expect(found.length).toBe(1);
    expect(Math.abs(heard.startMs + found[0].time * 1000 - last.timeMs)).toBeLessThan(SLIP_MS);
  });

  it('a sound older than the history is refused by name', async () => {
    const now = performance.now();
    await expect(input.listen(now - 60_000, now - 59_000)).rejects.toThrow(/is not in the last 10 s heard/);
  });

  it('an unknown device is refused, naming the devices there are', async () => {
    const other = new AudioInput({ device: 'no-such-card' });
    const err: unknown = await other.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AxonError);
    expect((err as AxonError).code).toBe('audio_input_not_found');
    expect((err as AxonError).message).toContain('jack:');
    await other.close();
  });
});
