import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/main/backend';
import { LiveRig, pitchToUnit } from '../../src/main/rig/live-rig';
import { decodeTelemetry, type Telemetry } from '../../src/shared/telemetry';
import { jackRunning, startMetronome, type Metronome } from '../support/jack-metro';
import { until } from '../support/until';

// The audio input as the engine sees it: jack_metro's 440 Hz beeps played into the rig's JACK
// input become the audio.* inputs, and a mapping from audio.envelope moves the voice's cutoff.
// Alone (vitest.solo.config.mts): the input runs in real time, and on a starved machine the
// stream's gaps read as wrong pitches.

// Needs a JACK server (the test setup starts the dummy one where jackd is installed, as in CI):
// elsewhere there is no audio device to open, and these tests are skipped.
const haveJack = jackRunning();

describe.runIf(haveJack)('the rig with an audio input', () => {
  let backend: Backend;
  let rig: LiveRig;
  let metro: Metronome | undefined;
  const seen: Telemetry[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    backend = await Backend.start({ seed: 1, output: { kind: 'none' } });
    backend.on('telemetry', (w) => seen.push(decodeTelemetry(w)));
    await backend.loadPatchFile('dual-neuron');
    await backend.setMappings([{ from: 'audio.envelope', to: 'voice.cutoff', min: 200, max: 8000 }]);
    rig = await LiveRig.start(backend, { audioIn: { device: 'jack' }, onProblem: (e) => problems.push(e.message) });
    metro = await startMetronome('axon-rig-metro', { bpm: 150, hz: 440, beepMs: 150 });
    await metro.connect('axon-stage-in:inport 0');
    await until('two seconds of beeps', () => seen.filter((t) => t.audioIn.onset === 1).length > 0 && seen.length > 200, 10_000);
  }, 30_000);

  afterAll(async () => {
    metro?.stop();
    await rig?.close();
    await backend?.close();
  });

  it('the engine reads the beeps: level, pitch 440 Hz (note 69), voiced and onset', () => {
    const loud = seen.filter((t) => t.audioIn.envelope > 0.85);
    expect(loud.length).toBeGreaterThan(5);
    const voiced = seen.filter((t) => t.audioIn.voiced === 1);
    expect(voiced.length).toBeGreaterThan(5);
    for (const t of voiced) expect(t.audioIn.pitch * 127).toBeCloseTo(69, 0);
    expect(pitchToUnit(440)).toBeCloseTo(69 / 127, 12);
    // Between beeps the level falls to nothing and the onset pulse ends.
    expect(seen.some((t) => t.audioIn.envelope === 0 && t.audioIn.onset === 0)).toBe(true);
    expect(problems).toEqual([]);
  });

  it('a mapping from audio.envelope opens the filter with each beep', () => {
    const quiet = seen.filter((t) => t.audioIn.envelope === 0).map((t) => t.voice.cutoff);
    const loud = seen.filter((t) => t.audioIn.envelope > 0.85).map((t) => t.voice.cutoff);
    expect(Math.min(...quiet)).toBeLessThan(300);
    expect(Math.max(...loud)).toBeGreaterThan(4000);
  });

  it('says what it hears in the status line', () => {
    expect(rig.status().some((l) => /^audio in jack:system ch1 -?\d+ dB/.test(l))).toBe(true);
  });
});
