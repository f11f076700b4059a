import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/main/backend';
import { DrumLink } from '../../src/main/drums/link/link';
import { SerialTransport } from '../../src/main/drums/link/serial-transport';
import { decodeTable } from '../../src/main/drums/protocol/table';
import { fullPushUs, MODEL_KIT, reachMs } from '../../src/main/drums/simulator/model-drum';
import { playSimulatedDrums, type SimulatedDrums } from '../../src/main/drums/simulator/simulated-drums';
import { answer, type DrumCalibrationStatus, type DrumTables, type Notice } from '../../src/shared/api';
import type { StrikeTable } from '../../src/shared/drum-table';
import { useTempDataDir } from '../support/data-dir';
import { until } from '../support/until';

// The Drums view's API end to end: a real backend, the real firmware on a simulated board behind
// a pty, and the product's model drums heard by its model microphone. Drum 3 has no drum
// mounted (a silent drum).

const DATA = useTempDataDir('workbench');
const KIT = [MODEL_KIT[0], MODEL_KIT[1], MODEL_KIT[2], null];

let backend: Backend;
let sim: SimulatedDrums;
const notices: Notice[] = [];

const calibrations = () => notices.flatMap((n) => (n.type === 'drumCalibration' ? [n.status] : []));
const lastCalibration = (job: string): DrumCalibrationStatus | undefined => calibrations().filter((s) => s.job === job).at(-1);

async function call<T>(method: string, ...args: unknown[]): Promise<T> {
  const reply = await answer(backend, method, args);
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code, details: reply.error.details });
  return reply.result as T;
}

async function refused(method: string, ...args: unknown[]): Promise<{ code: string; message: string; details: string[] }> {
  const reply = await answer(backend, method, args);
  if (reply.ok) throw new Error(`${method} was not refused`);
  return reply.error;
}

const boardTable = async (drum: number): Promise<StrikeTable> => (await call<DrumTables>('getDrumTables')).drums[drum].table;

beforeAll(async () => {
  backend = await Backend.start({ seed: 1, drums: { openLink: (p) => new DrumLink(new SerialTransport(p), { bootWaitMs: 200 }) } });
  backend.on('notice', (n) => notices.push(n));
}, 60_000);

afterAll(async () => {
  await backend?.close();
  await sim?.stop();
});

describe('the Drums view API without a board', () => {
  it('has no tables, and says what to connect for a calibration or a heard strike', async () => {
    expect(await call<DrumTables>('getDrumTables')).toMatchObject({ source: 'none', profile: null, drums: [] });
    expect((await refused('calibrateDrum', { drum: 1 })).message).toMatch(/^Calibration needs the drum board: connect it/);
    expect((await refused('strikeAndListen', 1, 100)).code).toBe('drum_needs_board');
    expect((await refused('setDrumTable', 1, { minIntervalMs: 80, points: [] })).code).toBe('drum_no_table');
    expect((await refused('calibrateDrum', { drum: 1, points: [2, 2] })).message).toContain('each velocity point at most once');
  });
});

describe('the Drums view API on a simulated board', () => {
  beforeAll(async () => {
    sim = await playSimulatedDrums(backend, { kit: KIT });
    await until('the board', () => backend.drums.state.mode === 'board', 15_000);
  }, 60_000);

  it('reads the tables back from the board', async () => {
    const tables = await call<DrumTables>('getDrumTables');
    expect(tables.source).toBe('board');
    expect(tables.maxPhaseMs).toBe(60);
    expect(tables.drums.map((d) => d.drum)).toEqual([0, 1, 2, 3]);
    // The firmware's built-in table.
    expect(tables.drums[1].table.points.map((p) => p.forwardUs)).toEqual([15000, 20000, 28000, 35000]);
    expect(tables.drums.every((d) => !d.unsaved)).toBe(true);
  });

  it('refuses a table beyond the firmware limits by field, and the board keeps its table', async () => {
    const before = await boardTable(1);
    const bad = structuredClone(before);
    bad.points[3].forwardUs = 70000;
    bad.points[2].velocity = 20;
    const error = await refused('setDrumTable', 1, bad);
    expect(error.code).toBe('drum_table');
    expect(error.details).toEqual([
      "points[2].velocity (20) must be above points[1].velocity (40)",
      "points[3].forwardUs must be an integer 0..60000 (the board's max phase is 60 ms), got 70000",
    ]);
    expect(await boardTable(1)).toEqual(before);
  });

  it('changes a table on the board, unsaved until saved', async () => {
    const table = structuredClone(await boardTable(0));
    table.points[3].forwardUs = 30000;
    const tables = await call<DrumTables>('setDrumTable', 0, table);
    expect(tables.drums[0]).toMatchObject({ table, unsaved: true });
    expect(notices.some((n) => n.type === 'drumTables' && n.tables.drums[0].table.points[3].forwardUs === 30000)).toBe(true);
  });

  it('says what to choose when nothing can hear the drums', async () => {
    backend.attachSimulatedDrums(null);
    try {
      const error = await refused('calibrateDrum', { drum: 1 });
      expect(error.code).toBe('drum_no_ear');
      expect(error.message).toContain('choose the microphone at the drums in Devices');
    } finally {
      backend.attachSimulatedDrums(sim);
    }
  });

  it('strikes and hears a drum: its latency is the travel plus the serial hop', async () => {
    const heard = await call<{ latencyMs: number; levelDb: number; heardBy: string }>('strikeAndListen', 1, 127);
    const truth = reachMs(MODEL_KIT[1], 255);
    console.log(`heard test strike: ${heard.latencyMs} ms (model travel ${truth.toFixed(1)} ms), ${heard.levelDb} dBFS`);
    expect(heard.heardBy).toBe('the model microphone of the simulated board');
    expect(heard.latencyMs).toBeGreaterThan(truth);
    expect(heard.latencyMs).toBeLessThan(truth + 15);
    expect(heard.levelDb).toBeGreaterThan(-12);
  });

  it('calibrates a velocity point by ear, with progress, and plays the result unsaved', async () => {
    const started = await call<DrumCalibrationStatus>('calibrateDrum', { drum: 1, points: [3], repeats: 1 });
    expect(started).toMatchObject({ drum: 1, points: [3], state: 'running', heardBy: 'the model microphone of the simulated board' });
    // Nothing else may strike the drum meanwhile.
    expect((await refused('testStrike', 1, 100)).code).toBe('drum_calibration_busy');
    const done = await until('the calibration to end', () => {
      const s = lastCalibration(started.job);
      return s && s.state !== 'running' ? s : null;
    }, 30_000);
    expect(done.error).toBeUndefined();
    expect(done.state).toBe('done');
    const fractions = calibrations().filter((s) => s.job === started.job).map((s) => s.fraction);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
    // 1 + 7 bisection steps, then the latency strike.
    expect(done.trials).toHaveLength(9);
    expect(done.trials.filter((t) => t.phase === 'sweep').map((t) => t.forwardUs)[0]).toBe(60000);
    const found = done.result!.table.points[3].forwardUs;
    const truth = fullPushUs(MODEL_KIT[1], 255);
    const latency = done.result!.latency[0].ms;
    console.log(`calibrated drum 1 at velocity 127: push ${found / 1000} ms (model: full at ${(truth / 1000).toFixed(1)} ms), latency ${latency} ms (model travel ${reachMs(MODEL_KIT[1], 255).toFixed(1)} ms)`);
    expect(found).toBeGreaterThan(1.1 * reachMs(MODEL_KIT[1], 255) * 1000);
    expect(found).toBeLessThanOrEqual(truth + 500);
    expect(done.chosen).toEqual([expect.objectContaining({ point: 3, velocity: 127, forwardUs: found })]);
    expect(latency).toBeGreaterThan(reachMs(MODEL_KIT[1], 255));
    // The other points are untouched; the board plays the new table, unsaved, with its latency.
    const tables = await call<DrumTables>('getDrumTables');
    expect(tables.drums[1].table.points.map((p) => p.forwardUs)).toEqual([15000, 20000, 28000, found]);
    expect(tables.drums[1]).toMatchObject({ unsaved: true, latency: [{ velocity: 127, ms: latency }] });
  }, 40_000);

  it('a cancelled calibration gives the drum its old table back', async () => {
    const before = await boardTable(2);
    const started = await call<DrumCalibrationStatus>('calibrateDrum', { drum: 2 });
    await until('two strikes', () => (lastCalibration(started.job)?.trials.length ?? 0) >= 2, 10_000);
    await call('cancelDrumCalibration', started.job);
    const end = await until('the end', () => {
      const s = lastCalibration(started.job);
      return s && s.state !== 'running' ? s : null;
    }, 10_000);
    expect(end.state).toBe('cancelled');
    expect(end.error?.message).toBe('drum calibration was cancelled; the drum has its old table back');
    expect(await boardTable(2)).toEqual(before);
    expect((await refused('cancelDrumCalibration', started.job)).code).toBe('drum_calibration_unknown');
  }, 20_000);

  it('a silent drum fails with what to check, and keeps its table', async () => {
    const before = await boardTable(3);
    const started = await call<DrumCalibrationStatus>('calibrateDrum', { drum: 3, repeats: 1 });
    const end = await until('the end', () => {
      const s = lastCalibration(started.job);
      return s && s.state !== 'running' ? s : null;
    }, 10_000);
    expect(end.state).toBe('failed');
    expect(end.error?.message).toBe('drum calibration failed: drum 3 made no sound at velocity 1 with a 60 ms push: check the microphone and the mounting');
    expect(await boardTable(3)).toEqual(before);
  }, 20_000);

  it("saves the tables to a profile and the board's EEPROM", async () => {
    expect((await refused('saveDrumTables', null)).code).toBe('drum_profile_unnamed');
    const tables = await call<DrumTables>('saveDrumTables', 'stage');
    expect(tables.profile).toBe('stage');
    expect(tables.drums.every((d) => !d.unsaved)).toBe(true);
    expect(existsSync(path.join(DATA, 'drums', 'stage.json'))).toBe(true);
    await until('the EEPROM write', async () => !(await call<{ board: { saving: boolean } }>('getDrumStatus')).board.saving, 5000);
    // The EEPROM image: "AX", layout version, drum count, then the four tables.
    const eeprom = sim.board.eeprom;
    expect(String.fromCharCode(eeprom[0], eeprom[1])).toBe('AX');
    for (let d = 0; d < 4; d++) expect(decodeTable(eeprom.subarray(4 + 40 * d, 44 + 40 * d))).toEqual(tables.drums[d].table);
    expect(tables.drums[0].table.points[3].forwardUs).toBe(30000);
  }, 20_000);

  it('exports a profile as text and imports one, refusing a clash or a broken file by name', async () => {
    const text = await call<string>('exportDrumProfile', 'stage');
    const profile = JSON.parse(text) as { name: string; drums: { drum: number; latency?: unknown[] }[] };
    expect(profile.name).toBe('stage');
    expect(profile.drums.find((d) => d.drum === 1)?.latency).toHaveLength(1);
    expect((await refused('importDrumProfile', text, false)).code).toBe('drum_profile_exists');
    expect(await call<string>('importDrumProfile', JSON.stringify({ ...profile, name: 'stage-copy' }), false)).toBe('stage-copy');
    expect(await call<string[]>('listDrumProfiles')).toEqual(['stage', 'stage-copy']);
    const broken = await refused('importDrumProfile', JSON.stringify({ ...profile, name: 'broken', drums: [{ drum: 1, table: { minIntervalMs: 80, points: [] } }] }), false);
    expect(broken.message).toBe('the imported file is not a valid drum profile (1 problem)');
    expect(broken.details).toEqual(['drums[0].table.points: needs at least 4 items']);
    expect((await refused('importDrumProfile', '{ not json', false)).details[0]).toMatch(/^not JSON/);
    expect(await call<string[]>('listDrumProfiles')).toEqual(['stage', 'stage-copy']);
  });

  it('shows the duty budget and counts the strikes from the board', async () => {
    const status = await call<{ board: { dutyBudgetMs: number; dutyWindowMs: number; drums: { struck: number; dutyUsedMs: number }[] }; ear: { ok: boolean; text: string } }>('getDrumStatus');
    expect(status.ear).toEqual({ ok: true, text: 'the model microphone of the simulated board' });
    expect(status.board).toMatchObject({ dutyBudgetMs: 3000, dutyWindowMs: 10000 });
    expect(status.board.drums[1].struck).toBeGreaterThanOrEqual(10);
    expect(status.board.drums[3].struck).toBeGreaterThanOrEqual(1);
  });
});
