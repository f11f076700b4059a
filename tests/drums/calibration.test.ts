import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { median } from '../../src/main/bench/stats';
import { detectOnsets, measureLatencies } from '../../src/main/drums/calibration/onsets';
import { mergeLatency, runCalibration } from '../../src/main/drums/calibration/run-calibration';
import { bisectionSteps, calibrateDrum, calibrationStrikes, DEFAULT_SWEEP, sweepForward, type StrikeRig, type SweepChoice, type SweepTrial } from '../../src/main/drums/calibration/sweep';
import { saveCalibration } from '../../src/main/drums/calibration/save';
import { readProfile, type DrumProfile } from '../../src/main/drums/profile';
import type { BoardEvent } from '../../src/main/drums/protocol/messages';
import type { StrikeTable } from '../../src/main/drums/protocol/table';
import { SeededRandom } from '../../src/main/reservoir/reservoir-build';
import { AxonError } from '../../src/shared/errors';
import { useTempDataDir } from '../support/data-dir';
import { modelHit, type ModelDrum } from '../../src/main/drums/simulator/model-drum';
import { addHits, FOUR_POINT_TABLE, SIX_HITS, type ModelHit } from '../support/drum-model';

// Calibration logic against a model of a motor and a drum heard through a microphone: the
// stick needs a minimum push to reach the skin (longer at low PWM) and hits no harder once it
// is pressed through; the recording has a noise floor and the hit rings at 200 Hz.

const RATE = 48000;

/** A drum hit at `at` seconds into a noisy recording. */
function recording(seconds: number, hits: readonly ModelHit[], rng: SeededRandom, noise = 0.002): Float32Array {
  return addHits(
    Float32Array.from({ length: Math.round(seconds * RATE) }, () => noise * (2 * rng.uniform() - 1)),
    RATE,
    hits,
  );
}

describe('onset detection', () => {
  it("finds each hit within 0.5 ms of where it starts, loud or quiet, inside another's tail, and nothing in the noise", () => {
    const rng = new SeededRandom(4, 0);
    const hits = SIX_HITS;
    const onsets = detectOnsets(recording(1.3, hits, rng), RATE);
    expect(onsets).toHaveLength(hits.length);
    onsets.forEach((o, i) => {
      expect(Math.abs(o.time - hits[i].at), `hit ${i}`).toBeLessThan(0.0005);
      expect(o.strength).toBeGreaterThan(0.5 * hits[i].level);
    });
    expect(onsets[0].strength).toBeGreaterThan(onsets[2].strength);
  });

  it('silence and steady noise give no onsets', () => {
    const rng = new SeededRandom(5, 0);
    expect(detectOnsets(new Float32Array(RATE), RATE)).toEqual([]);
    expect(detectOnsets(recording(1, [], rng, 0.01), RATE)).toEqual([]);
  });

  it('latency is command to the next onset; a strike with no hit after it says so', () => {
    const onsets = [
      { time: 0.124, strength: 0.5 },
      { time: 0.53, strength: 0.4 },
    ];
    const measured = measureLatencies(onsets, [
      { time: 0.1, drum: 0, velocity: 100 },
      { time: 0.5, drum: 0, velocity: 60 },
      { time: 0.9, drum: 1, velocity: 60 },
    ]);
    expect(measured.map((m) => m.latency)).toEqual([expect.closeTo(0.024, 9), expect.closeTo(0.03, 9), null]);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

/** The product's model drum (reaching the skin after `reachMs` at full PWM, fully pressed 20 % later) heard through a noisy recording. */
function modelRig(reachMs: number): StrikeRig & { strikes: number; tables: StrikeTable[] } {
  const rng = new SeededRandom(11, 0);
  const drum: ModelDrum = { reachMs, level: 0.6, freq: 200 };
  let table: StrikeTable | null = null;
  const rig = {
    strikes: 0,
    tables: [] as StrikeTable[],
    async setTable(_drum: number, t: StrikeTable) {
      table = t;
      rig.tables.push(t);
    },
    async strikeAndListen(_drum: number, velocity: number) {
      if (!table) throw new Error('no table');
      rig.strikes++;
      const p = table.points.find((q) => q.velocity === velocity) ?? table.points[0];
      const hit = modelHit(drum, p);
      const jitter = 0.0002 * (2 * rng.uniform() - 1);
      const onsets = detectOnsets(recording(0.3, hit ? [{ at: 0.05 + hit.delayMs / 1000 + jitter, level: hit.level }] : [], rng), RATE);
      const [m] = measureLatencies(onsets, [{ time: 0.05, drum: 0, velocity }]);
      return { latency: m.latency, strength: m.strength };
    },
  };
  return rig;
}

const table = FOUR_POINT_TABLE;

describe('forward-time sweep', () => {
  it('finds the shortest push that still hits at full strength, to the resolution asked', async () => {
    const rig = modelRig(14);
    const found = await sweepForward(rig, 0, table, 3);
    // Full PWM reaches in 14 ms and is fully pressed at 16.8 ms.
    expect(found).toBeGreaterThanOrEqual(16300);
    expect(found).toBeLessThanOrEqual(16800 + DEFAULT_SWEEP.resolutionUs);
    // The bisection: log2(58 ms / 0.5 ms) = 7 steps of 3 strikes, plus the full-strength reference.
    expect(rig.strikes).toBe(3 * 8);
  });

  it('calibrates every point and measures each one latency to within a millisecond', async () => {
    const rig = modelRig(14);
    const { table: tuned, latency } = await calibrateDrum(rig, 0, table);
    tuned.points.forEach((p, i) => {
      const reach = 14 * Math.sqrt(255 / p.forwardPwm);
      expect(p.forwardUs / 1000, `point ${i}`).toBeGreaterThan(1.15 * reach);
      expect(p.forwardUs / 1000, `point ${i}`).toBeLessThan(1.2 * reach + 0.6);
      expect(latency[i].velocity).toBe(p.velocity);
      expect(Math.abs(latency[i].ms - reach), `latency ${i}`).toBeLessThan(1);
    });
    // The board is left holding the tuned table.
    expect(rig.tables[rig.tables.length - 1]).toEqual(tuned);
  });

  it('says so when the drum is never heard', async () => {
    const deaf: StrikeRig = { setTable: async () => undefined, strikeAndListen: async () => ({ latency: null, strength: 0 }) };
    await expect(sweepForward(deaf, 2, table, 0)).rejects.toThrow(AxonError);
    await expect(sweepForward(deaf, 2, table, 0)).rejects.toThrow(/drum 2 made no sound at velocity 1 with a 60 ms push/);
  });
});

describe('following and stopping a calibration', () => {
  it('reports every strike and each choice, tunes only the points asked for, and counts its strikes beforehand', async () => {
    const rig = modelRig(14);
    const trials: SweepTrial[] = [];
    const choices: SweepChoice[] = [];
    const o = { ...DEFAULT_SWEEP, repeats: 1 };
    const { table: tuned, latency } = await calibrateDrum(rig, 0, table, o, { onTrial: (t) => trials.push(t), onChoice: (c) => choices.push(c) }, [3, 1]);
    expect(bisectionSteps(o)).toBe(7);
    expect(rig.strikes).toBe(calibrationStrikes(o, 2));
    expect(trials).toHaveLength(rig.strikes);
    expect(trials.filter((t) => t.phase === 'latency').map((t) => t.point)).toEqual([3, 1]);
    expect(trials[0]).toMatchObject({ point: 3, velocity: 127, forwardUs: 60000, phase: 'sweep' });
    expect(choices.map((c) => [c.point, c.forwardUs])).toEqual([
      [3, tuned.points[3].forwardUs],
      [1, tuned.points[1].forwardUs],
    ]);
    expect(choices[0].fullStrength).toBeGreaterThan(0.3);
    expect(tuned.points[0]).toEqual(table.points[0]);
    expect(tuned.points[2]).toEqual(table.points[2]);
    expect(latency.map((l) => l.velocity)).toEqual([127, 40]);
  });

  it('stops before the next strike once aborted, with the reason given', async () => {
    const rig = modelRig(14);
    const abort = new AbortController();
    const stop = new AxonError('drum_calibration_cancelled', 'stopped');
    const run = calibrateDrum(rig, 0, table, DEFAULT_SWEEP, { signal: abort.signal, onTrial: () => rig.strikes === 4 && abort.abort(stop) });
    await expect(run).rejects.toBe(stop);
    expect(rig.strikes).toBe(4);
  });

  it('on a live board, gives the drum its table back when the calibration fails', async () => {
    const board = { tables: [] as StrikeTable[], async getTable() { return table; }, async setTable(_d: number, t: StrikeTable) { board.tables.push(t); }, async strike() {} };
    const deaf = { listen: async (from: number, to: number) => ({ samples: new Float32Array(Math.round((to - from) * 48)), sampleRate: 48000, startMs: from }) };
    await expect(runCalibration(board, deaf, 2, { strike: { beforeMs: 10, afterMs: 20, settleMs: 0 } })).rejects.toThrow(/drum 2 made no sound/);
    expect(board.tables.at(-1)).toEqual(table);
    expect(mergeLatency([{ velocity: 1, ms: 30 }, { velocity: 127, ms: 20 }], [{ velocity: 127, ms: 18 }, { velocity: 90, ms: 19 }])).toEqual([
      { velocity: 1, ms: 30 },
      { velocity: 90, ms: 19 },
      { velocity: 127, ms: 18 },
    ]);
  });
});

describe('saving a calibration', () => {
  useTempDataDir('calibration');
  const profile: DrumProfile = { format: 'axon-drum-profile', version: 1, name: 'kit', drums: [] };
  const calibration = { table, latency: [{ velocity: 1, ms: 30 }, { velocity: 127, ms: 14 }] };

  /** A board link that answers SAVE_TABLES with the given event, or with none. */
  function board(answer: 'saved' | 'save_failed' | null) {
    const link = Object.assign(new EventEmitter<{ event: [BoardEvent] }>(), {
      tables: [] as StrikeTable[],
      setTable: async (_drum: number, t: StrikeTable) => void link.tables.push(t),
      saveTables: async () => {
        if (answer) setTimeout(() => link.emit('event', { kind: answer, drum: null, deviceTime: 0, arg: 0 }), 5);
      },
    });
    return link;
  }

  it('writes the profile file, then the board, and waits for the board to confirm', async () => {
    const link = board('saved');
    const saved = await saveCalibration(link, profile, 1, calibration);
    expect(link.tables).toEqual([table]);
    expect(readProfile('kit')).toEqual(saved);
    expect(saved.drums[0]).toEqual({ drum: 1, table, latency: calibration.latency });
  });

  it("a board that fails or never confirms its EEPROM write is an error; the profile file is kept", async () => {
    await expect(saveCalibration(board('save_failed'), { ...profile, name: 'kit2' }, 2, calibration)).rejects.toThrow(/could not write its EEPROM.*profile file is saved/);
    expect(readProfile('kit2').drums[0].drum).toBe(2);
    await expect(saveCalibration(board(null), { ...profile, name: 'kit3' }, 0, calibration, 50)).rejects.toThrow(/did not confirm saving within 50 ms/);
    expect(readProfile('kit3').drums[0].drum).toBe(0);
  });
});
