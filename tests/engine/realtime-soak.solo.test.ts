import { describe, expect, it } from 'vitest';
import type { RealtimeSoakResult } from '../../src/main/soak/realtime-soak';
import { jackRunning } from '../support/jack-metro';
import { runAxon } from '../support/cli-runner';
import { useTempDataDir } from '../support/data-dir';
import { ENGINE_NICE, ENGINE_RT_PRIORITY } from '../../src/worker/audio-out/thread-priority';

// `axon soak --realtime`: the soak's performer through the app on the JACK device with the UI
// open in Chromium. A quarter of a minute here, for what it does; its figures (underruns over
// ten minutes) are measured with `npx axon soak --realtime` on a quiet machine.

const DATA = useTempDataDir('soak-realtime');

describe.skipIf(!jackRunning())('axon soak --realtime', () => {
  it('plays gestures, phrases and answers through the device with the UI drawing, and reports its underruns', async () => {
    const r = await runAxon(DATA, 'soak', '--realtime', '--minutes', '0.25', '--seed', '3', '--json');
    const out = JSON.parse(r.stdout) as RealtimeSoakResult;
    console.log(`[soak --realtime] ${r.stdout.trim()}`);
    expect(out.sink).not.toBe('clock');
    expect(out.device).toContain('jack');
    // 15 s of a hand on five inputs (100 Hz asked; a busy main thread gets fewer), phrases every few seconds, answered.
    expect(out.gestures).toBeGreaterThan(15 * 30 * 5);
    expect(out.calls).toBeGreaterThanOrEqual(2);
    expect(out.answers).toBeGreaterThanOrEqual(1);
    // The UI took telemetry at its rate (60 a second) and drew.
    expect(out.telemetryFrames).toBeGreaterThan(15 * 30);
    expect(out.uiFps).toBeGreaterThan(5);
    expect(out.nanEvents).toBe(0);
    expect(Number.isInteger(out.underruns)).toBe(true);
    expect(Number.isInteger(out.startupUnderruns)).toBe(true);
    expect(out.underrunsAt.length).toBeLessThanOrEqual(out.underruns);
    expect(out.underrunsAt.every((t) => t >= 0 && t <= 15.5)).toBe(true);
    expect(out.outputLatencyMs).toBeGreaterThan(0);
    // CI runs as root: the engine thread got the priority it asks for.
    if (process.getuid?.() === 0) expect([out.engineNice, out.engineRealtime]).toEqual([ENGINE_NICE, ENGINE_RT_PRIORITY]);
    // The machine's own stalls, watched on every core where real-time priority is allowed (root in CI).
    if (process.getuid?.() === 0) expect(out.machineProbe).toBe('');
    expect(Number.isInteger(out.machineStalls)).toBe(true);
    expect(out.machineStallMaxMs).toBeGreaterThanOrEqual(out.machineStalls > 0 ? 5 : 0);
    expect(out.machineStallsAt.length).toBe(Math.min(100, out.machineStalls));
    expect(out.machineStallsAt.every((s) => s.at >= 0 && s.at <= 15.5 && s.ms >= 5 && s.ms <= out.machineStallMaxMs)).toBe(true);
    expect(out.underrunsDuringMachineStalls).toBeLessThanOrEqual(out.underruns);
    // Underruns make it fail, as they would be heard.
    expect(r.code).toBe(out.underruns > 0 || out.droppedOut > 0 ? 1 : 0);
  }, 90_000);
});
