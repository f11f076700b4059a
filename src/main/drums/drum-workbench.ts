import type { DrumCalibrationRequest, DrumCalibrationStatus, DrumLiveStatus, DrumStrikeHeard, DrumTables, DrumTableState, Notice } from '../../shared/api';
import { DEFAULT_MAX_PHASE_MS, maxPhaseUs, TABLE_POINTS, type StrikeTable } from '../../shared/drum-table';
import { axonError, toErrorPayload } from '../../shared/errors';
import { gainToDb } from '../../shared/units';
import { DEFAULT_LIVE_STRIKE, LiveStrikeRig, type Ear } from './calibration/live-strike-rig';
import { mergeLatency, runCalibration } from './calibration/run-calibration';
import { saveBoardTables } from './calibration/save';
import { calibrationStrikes, DEFAULT_SWEEP, type SweepChoice, type SweepTrial } from './calibration/sweep';
import type { BoardLink, DrumManager } from './drum-manager';
import { listProfiles, parseProfile, readOrNewProfile, readProfile, saveProfile, type DrumProfile, type ProfileDrum } from './profile';

/** What hears the drums for calibration and heard test strikes, or why nothing can. */
export type DrumEar = { ear: Ear; name: string } | { ear: null; problem: string };

/** A heard test strike needs no quiet before it: the performer strikes one at a time. */
const HEARD_STRIKE = { ...DEFAULT_LIVE_STRIKE, settleMs: 0 };

const db = (strength: number): number | null => (strength > 0 ? Math.round(gainToDb(strength) * 10) / 10 : null);
const ms = (seconds: number | null): number | null => (seconds === null ? null : Math.round(seconds * 1e4) / 10);

/**
 * The Drums view's backend: the tables as they play (board or profile), edits checked against
 * the board's limits, saving to the profile and the board's EEPROM, profiles as JSON text, heard
 * test strikes and one calibration at a time, by ear. Progress goes out as notices so every
 * window follows it. Main thread only.
 */
export class DrumWorkbench {
  private job: { status: DrumCalibrationStatus; abort: AbortController } | null = null;
  private jobs = 0;
  private lastHeard: DrumStrikeHeard | null = null;

  get calibrating(): boolean {
    return this.job?.status.state === 'running';
  }

  constructor(
    private readonly drums: DrumManager,
    /** What hears the board on `port` (the simulated board's model microphone, else the audio input). */
    private readonly earFor: (port: string | null) => DrumEar,
    private readonly notice: (n: Notice) => void,
  ) {}

  private ear(): DrumEar {
    return this.earFor(this.drums.state.port);
  }

  private requireBoard(what: string, drum?: number): { link: BoardLink; drums: number } {
    const board = this.drums.boardLink();
    if (!board) throw axonError('drum_needs_board', what);
    if (drum !== undefined && drum >= board.info.drums) throw axonError('drum_not_on_board', drum, board.info.drums);
    return { link: board.link, drums: board.info.drums };
  }

  private requireEar(): { ear: Ear; name: string } {
    const ear = this.ear();
    if (ear.ear === null) throw axonError('drum_no_ear', ear.problem);
    return ear;
  }

  private refuseWhileCalibrating(): void {
    if (this.job?.status.state === 'running') throw axonError('drum_calibration_busy', this.job.status.drum);
  }

  async tables(): Promise<DrumTables> {
    const profile = this.drums.profileInUse?.name ?? null;
    const board = this.drums.boardLink();
    const state = (drum: number, table: StrikeTable): DrumTableState => ({
      drum,
      table,
      latency: this.drums.drumEntry(drum)?.latency ?? [],
      unsaved: this.drums.isEdited(drum),
    });
    if (board) {
      const drums: DrumTableState[] = [];
      for (let d = 0; d < board.info.drums; d++) drums.push(state(d, await board.link.getTable(d)));
      return { source: 'board', profile, maxPhaseMs: board.info.maxPhaseMs, drums };
    }
    const drums = this.drums.drumEntries().flatMap((d) => (d.table ? [state(d.drum, d.table)] : []));
    return { source: drums.length > 0 ? 'profile' : 'none', profile, maxPhaseMs: DEFAULT_MAX_PHASE_MS, drums };
  }

  /** Tells every UI the tables changed; a board that cannot be read now is reported as an error notice. */
  private async tablesChanged(): Promise<DrumTables> {
    const tables = await this.tables();
    this.notice({ type: 'drumTables', tables });
    return tables;
  }

  async setTable(drum: number, table: StrikeTable): Promise<DrumTables> {
    this.refuseWhileCalibrating();
    const current = this.drums.boardLink() ? null : this.drums.drumEntry(drum)?.table;
    // Without a board, a table edits what the profile holds: there must be one to edit.
    if (!this.drums.boardLink() && !current) throw axonError('drum_no_table', drum);
    await this.drums.editTable(drum, table);
    return this.tablesChanged();
  }

  /**
   * Keeps the tables as they play: the profile file first (the copy that survives a board swap),
   * then the board's EEPROM. With a board, every board drum's table is read back from it, so the
   * profile holds exactly what the board plays.
   */
  async save(name: string | null): Promise<DrumTables> {
    this.refuseWhileCalibrating();
    const target = name ?? this.drums.profileInUse?.name;
    if (target === undefined) throw axonError('drum_profile_unnamed');
    let profile: DrumProfile = this.drums.profileInUse?.name === target ? this.drums.profileInUse : readOrNewProfile(target);
    const board = this.drums.boardLink();
    const playing = new Map<number, ProfileDrum>(this.drums.drumEntries().map((d) => [d.drum, d]));
    if (board) for (let d = 0; d < board.info.drums; d++) playing.set(d, { ...playing.get(d), drum: d, table: await board.link.getTable(d) });
    for (const d of playing.values()) profile = withDrum(profile, d);
    saveProfile(profile);
    this.drums.setProfile(readProfile(target));
    if (board) await saveBoardTables(board.link);
    return this.tablesChanged();
  }

  async status(): Promise<DrumLiveStatus> {
    const ear = this.ear();
    const board = this.drums.boardLink();
    let live: DrumLiveStatus['board'] = null;
    if (board) {
      const s = await board.link.status();
      const counts = this.drums.strikeCounts;
      live = {
        dutyBudgetMs: board.info.dutyBudgetMs,
        dutyWindowMs: board.info.dutyWindowMs,
        tablesFromDefaults: s.tablesFromDefaults,
        saving: s.eepromBusy,
        drums: s.drums.slice(0, board.info.drums).map((d, drum) => ({ drum, state: d.state, dutyUsedMs: d.dutyUsedMs, struck: counts[drum]?.struck ?? 0, refused: counts[drum]?.refused ?? 0 })),
      };
    }
    return { board: live, ear: ear.ear ? { ok: true, text: ear.name } : { ok: false, text: ear.problem }, lastHeard: this.lastHeard };
  }

  async strikeAndListen(drum: number, velocity: number): Promise<DrumStrikeHeard> {
    this.refuseWhileCalibrating();
    const { link } = this.requireBoard('A heard test strike', drum);
    const ear = this.requireEar();
    const hit = await new LiveStrikeRig(link, ear.ear, HEARD_STRIKE).strikeAndListen(drum, velocity);
    this.lastHeard = { drum, velocity, latencyMs: ms(hit.latency), levelDb: db(hit.strength), heardBy: ear.name };
    return this.lastHeard;
  }

  exportProfile(name: string): string {
    return `${JSON.stringify(readProfile(name), null, 2)}\n`;
  }

  /** Checks the text as a profile (every problem named) before anything is written; an existing profile is replaced only when asked. */
  importProfile(text: string, replace: boolean): string {
    const profile = parseProfile(text, 'the imported file');
    if (!replace && listProfiles().includes(profile.name)) throw axonError('drum_profile_exists', profile.name);
    saveProfile(profile);
    return profile.name;
  }

  /**
   * Starts a calibration (one at a time) and answers its first status; the rest arrives as
   * notices. Refused at once, with what to do, when there is no board, the drum is not on it,
   * or nothing can hear it. While it runs, nothing else strikes that drum on the board.
   */
  calibrate(request: DrumCalibrationRequest): DrumCalibrationStatus {
    this.refuseWhileCalibrating();
    const { drum } = request;
    const board = this.drums.boardLink();
    const { link } = this.requireBoard('Calibration', drum);
    const ear = this.requireEar();
    const points = request.points ? [...request.points].sort((a, b) => a - b) : Array.from({ length: TABLE_POINTS }, (_, i) => i);
    const sweep = { ...DEFAULT_SWEEP, repeats: request.repeats ?? DEFAULT_SWEEP.repeats, maxUs: Math.min(DEFAULT_SWEEP.maxUs, maxPhaseUs(board?.info.maxPhaseMs)) };
    const total = calibrationStrikes(sweep, points.length);
    const status: DrumCalibrationStatus = {
      job: `drums-${++this.jobs}`,
      drum,
      points,
      state: 'running',
      fraction: 0,
      detail: `reading drum ${drum}'s table`,
      heardBy: ear.name,
      trials: [],
      chosen: [],
      before: null,
      result: null,
    };
    const abort = new AbortController();
    this.job = { status, abort };
    this.drums.reserve(drum);
    const update = (change: Partial<DrumCalibrationStatus>) => {
      Object.assign(status, change);
      this.notice({ type: 'drumCalibration', status: structuredClone(status) });
    };
    const onTrial = (t: SweepTrial) => {
      const trial = { point: t.point, velocity: t.velocity, forwardUs: t.forwardUs, levelDb: db(t.strength), latencyMs: ms(t.latency), phase: t.phase };
      this.lastHeard = { drum, velocity: t.velocity, latencyMs: trial.latencyMs, levelDb: trial.levelDb, heardBy: ear.name };
      const heard = trial.levelDb === null ? 'nothing heard' : `${trial.levelDb.toFixed(1)} dBFS${trial.latencyMs === null ? '' : ` after ${trial.latencyMs.toFixed(1)} ms`}`;
      const what = t.phase === 'sweep' ? `velocity ${t.velocity}: ${(t.forwardUs / 1000).toFixed(1)} ms push` : `velocity ${t.velocity}: latency strike`;
      update({ trials: [...status.trials, trial], fraction: Math.min(1, (status.trials.length + 1) / total), detail: `${what}, ${heard}` });
    };
    const onChoice = (c: SweepChoice) => update({ chosen: [...status.chosen, { point: c.point, velocity: c.velocity, forwardUs: c.forwardUs, fullDb: db(c.fullStrength) ?? 0 /* a sweep with no sound at full push fails before choosing */ }] });
    void runCalibration(link, ear.ear, drum, { sweep, points, hooks: { onTrial, onChoice, signal: abort.signal } })
      .then(async ({ before, result }) => {
        const latency = mergeLatency(this.drums.drumEntry(drum)?.latency ?? [], result.latency);
        this.drums.reserve(null);
        await this.drums.editTable(drum, result.table, latency);
        update({ state: 'done', fraction: 1, before, result: { table: result.table, latency: result.latency }, detail: `drum ${drum} calibrated: it plays the new table (unsaved)` });
        await this.tablesChanged();
      })
      .catch((err: unknown) => {
        this.drums.reserve(null);
        const cancelled = abort.signal.aborted;
        const error = cancelled ? axonError('drum_calibration_cancelled') : err;
        update({ state: cancelled ? 'cancelled' : 'failed', error: toErrorPayload(error), detail: cancelled ? 'cancelled; the drum has its old table back' : toErrorPayload(error).message });
        return this.tablesChanged().then(
          () => undefined,
          () => undefined,
        );
      });
    return structuredClone(status);
  }

  cancel(job: string): void {
    const running = this.job;
    if (!running || running.status.job !== job || running.status.state !== 'running') throw axonError('drum_calibration_unknown', job);
    running.abort.abort(axonError('drum_calibration_cancelled'));
  }

  /** Stops a running calibration (the app is closing): the drum gets its old table back. */
  async close(): Promise<void> {
    this.job?.abort.abort(axonError('drum_calibration_cancelled'));
  }
}

/** The profile with a drum entry as it plays now (table and latency; no latency when none was measured). */
function withDrum(profile: DrumProfile, entry: ProfileDrum): DrumProfile {
  const rest = profile.drums.filter((d) => d.drum !== entry.drum);
  const old = profile.drums.find((d) => d.drum === entry.drum);
  const merged: ProfileDrum = { ...old, ...entry };
  if (!entry.latency || entry.latency.length === 0) delete merged.latency;
  return { ...profile, drums: [...rest, merged].sort((a, b) => a.drum - b.drum) };
}
