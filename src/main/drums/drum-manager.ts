import { EventEmitter } from 'node:events';
import type { DrumsState } from '../../shared/api';
import { tableProblems, type StrikeTable } from '../../shared/drum-table';
import { axonError, toErrorPayload, withDetails } from '../../shared/errors';
import type { LoggedEvent } from '../../shared/events';
import type { Milliseconds } from '../../shared/units';
import { DrumLink, type LinkState } from './link/link';
import { SerialTransport } from './link/serial-transport';
import { drumForNote } from './note-map';
import { latencyMs, type DrumProfile, type ProfileDrum } from './profile';
import type { BoardEvent, BoardInfo } from './protocol/messages';

/**
 * What the drum manager needs of a board link (DrumLink's own signatures, so a test can stand in
 * for it). Main thread only.
 */
export type BoardLink = Pick<
  DrumLink,
  'on' | 'off' | 'start' | 'stop' | 'now' | 'strike' | 'strikeAt' | 'toDeviceTime' | 'setTable' | 'allStop' | 'getTable' | 'saveTables' | 'status' | 'board'
>;

/** A drum's strikes on the board since it connected, from the board's own events. */
export interface StrikeCount {
  drum: number;
  struck: number;
  refused: number;
}

/** Where hits go when no board plays them: the engine's virtual kit. */
export interface VirtualDrumSink {
  send(event: LoggedEvent): void;
}

export interface DrumManagerOptions {
  /** Opens a link to a board at a serial path (default: DrumLink over SerialTransport). */
  openLink?: (path: string) => BoardLink;
  /** Time a command needs to cross the wire and be queued before its strike time. */
  sendMargin?: Milliseconds;
}

/** 115200 baud moves a STRIKE_AT frame in about 1 ms; leave room for the board's loop. */
const SEND_MARGIN_MS = 3;

/**
 * The robot drums as the rest of the app sees them: hits in (from MIDI notes, the engine's drum
 * outputs, test strikes), played by the board when one is connected and the drum is on it, by
 * the engine's virtual kit otherwise. Each board hit is scheduled ahead by the drum's
 * velocity-dependent latency (from the profile), so the stick lands at the time asked for.
 */
/** A strike sent to the board that the engine did not make (MIDI in, an answer, a test): for the event log. */
export interface BoardStrike {
  drum: number;
  velocity: number;
  /** When it is meant to sound, µs on performance.now()'s clock. */
  atUs: number;
}

export class DrumManager extends EventEmitter<{ state: [DrumsState]; strike: [BoardStrike] }> {
  private link: BoardLink | null = null;
  private profile: DrumProfile | null = null;
  private readonly stateNow: DrumsState = { mode: 'virtual', port: null, board: null, profile: null, lastError: null, late: 0 };
  private readonly openLink: (path: string) => BoardLink;
  private readonly sendMarginUs: number;
  private readonly onLinkState = (s: LinkState) => this.linkChanged(s);
  private readonly onLinkEvent = (e: BoardEvent) => this.countStrike(e);
  private readonly kitTimers = new Set<NodeJS.Timeout>();
  /** Tables (and latencies) changed since the profile was chosen or saved: they play, unsaved. */
  private readonly edits = new Map<number, ProfileDrum>();
  private counts: StrikeCount[] = [];
  /** A drum being calibrated: nothing else strikes it on the board meanwhile (its hits go to the kit). */
  private reservedDrum: number | null = null;

  constructor(
    private readonly engine: VirtualDrumSink,
    o: DrumManagerOptions = {},
  ) {
    super();
    this.openLink = o.openLink ?? ((path) => new DrumLink(new SerialTransport(path)));
    this.sendMarginUs = (o.sendMargin ?? SEND_MARGIN_MS) * 1000;
  }

  get state(): DrumsState {
    return { ...this.stateNow };
  }

  private update(change: Partial<DrumsState>): void {
    Object.assign(this.stateNow, change);
    this.emit('state', this.state);
  }

  /** Plays on a board at `path` from now on (reconnecting on its own); the kit covers until it answers. */
  connect(path: string): void {
    void this.disconnect();
    const link = this.openLink(path);
    this.link = link;
    link.on('state', this.onLinkState);
    link.on('event', this.onLinkEvent);
    this.update({ mode: 'connecting', port: path, board: null, lastError: null });
    this.setVirtual(true);
    link.start();
  }

  /** Forgets hits waiting for their time on the kit (the set is over). */
  cancelPending(): void {
    for (const t of this.kitTimers) clearTimeout(t);
    this.kitTimers.clear();
  }

  /** Every board motor released now (panic); the kit stops with the engine's own panic. */
  async allStop(): Promise<void> {
    if (!this.link || !this.playsBoard) return;
    await this.link.allStop().catch((err: Error) => this.update({ lastError: toErrorPayload(err) }));
  }

  async disconnect(): Promise<void> {
    const link = this.link;
    this.link = null;
    if (!link) return;
    link.off('state', this.onLinkState);
    link.off('event', this.onLinkEvent);
    this.update({ mode: 'virtual', port: null, board: null });
    this.setVirtual(true);
    await link.stop();
  }

  /** Takes a profile's tables and latencies; unsaved edits to the previous ones are dropped. */
  setProfile(profile: DrumProfile | null): void {
    this.profile = profile;
    this.edits.clear();
    this.update({ profile: profile?.name ?? null });
    void this.sendTables();
  }

  private linkChanged(s: LinkState): void {
    if (s.state === 'connected') {
      const f = s.board.firmware;
      this.counts = Array.from({ length: s.board.drums }, (_, drum) => ({ drum, struck: 0, refused: 0 }));
      this.update({ mode: 'board', board: { firmware: `${f.major}.${f.minor}.${f.patch}`, shield: s.board.shield, drums: s.board.drums } });
      this.setVirtual(false);
      void this.sendTables();
    } else {
      const error = s.state === 'disconnected' ? s.error : s.reason;
      this.update({ mode: 'connecting', board: null, ...(error ? { lastError: toErrorPayload(error) } : {}) });
      this.setVirtual(true);
    }
  }

  /** After every (re)connection the board holds its EEPROM tables: the profile's win. */
  private async sendTables(): Promise<void> {
    const link = this.link;
    const board = this.stateNow.board;
    if (!link || !board) return;
    const sends = this.drumEntries().flatMap((d) => (d.table && d.drum < board.drums ? [link.setTable(d.drum, d.table)] : []));
    await Promise.all(sends).catch((err: unknown) => this.update({ lastError: toErrorPayload(err) }));
  }

  /** Whether the engine's own drum outputs sound on the kit (they do unless a board plays). */
  private setVirtual(on: boolean): void {
    try {
      this.engine.send({ type: 'virtualDrums', on });
    } catch {
      // No engine running yet: it starts with the kit on (START_WITH_VIRTUAL_DRUMS).
    }
  }

  /** Whether a board is connected and playing (then the engine's own drum outputs come here). */
  get playsBoard(): boolean {
    return this.stateNow.mode === 'board';
  }

  /** Whether drum d is on the connected board. */
  private onBoard(drum: number): boolean {
    return this.stateNow.mode === 'board' && this.stateNow.board !== null && drum < this.stateNow.board.drums;
  }

  /** The lead the slowest drum needs: notes played live are delayed this much, so every drum can land on time. */
  lookaheadMs(): Milliseconds {
    const drums = this.drumEntries();
    return Math.max(0, ...drums.map((d) => latencyMs(d, 127)), ...drums.map((d) => latencyMs(d, 1))) + SEND_MARGIN_MS;
  }

  /**
   * Strikes drum d so that it lands at host time `atUs` (microseconds on performance.now()'s
   * clock, which the link uses; omitted: as soon as it can). A drum the board does not play
   * sounds on the virtual kit, at `atUs` by a timer (a few ms of jitter).
   */
  hit(drum: number, velocity: number, atUs?: number, from: 'engine' | 'rig' = 'rig'): void {
    const link = this.link;
    if (!link || !this.onBoard(drum) || drum === this.reservedDrum) {
      const nowUs = link ? link.now() : performance.now() * 1000;
      const wait = atUs === undefined ? 0 : (atUs - nowUs) / 1000;
      if (wait <= 1) this.kit(drum, velocity);
      else {
        const timer = setTimeout(() => {
          this.kitTimers.delete(timer);
          this.kit(drum, velocity);
        }, wait);
        this.kitTimers.add(timer);
      }
      return;
    }
    const now = link.now();
    const lead = latencyMs(this.drumEntry(drum), velocity) * 1000;
    const wanted = (atUs ?? now) - lead;
    const earliest = now + this.sendMarginUs;
    if (wanted < earliest && atUs !== undefined) this.update({ late: this.stateNow.late + 1 });
    link.strikeAt(drum, velocity, link.toDeviceTime(Math.max(wanted, earliest))).catch((err: unknown) => this.update({ lastError: toErrorPayload(err) }));
    // The engine's own strikes are in its event log already (on their frame).
    if (from === 'rig') this.emit('strike', { drum, velocity, atUs: Math.max(wanted, earliest) + lead });
  }

  private kit(drum: number, velocity: number): void {
    try {
      this.engine.send({ type: 'drum', drum, velocity });
    } catch (err) {
      this.update({ lastError: toErrorPayload(err) });
    }
  }

  /** A MIDI note: its drum (profile mapping over General MIDI), delayed by the lookahead so every drum lands together. */
  noteOn(note: number, velocity: number, atUs?: number): void {
    const drum = drumForNote(note, this.noteOverrides());
    if (drum === null) return;
    const link = this.link;
    const at = atUs ?? (link ? link.now() + this.lookaheadMs() * 1000 : undefined);
    this.hit(drum, velocity, at);
  }

  private noteOverrides(): Record<number, number> {
    return Object.fromEntries(Object.entries(this.profile?.notes ?? {}).map(([note, drum]) => [Number(note), drum]));
  }

  /** A test strike from calibration or the UI: right now, no compensation. */
  async testStrike(drum: number, velocity: number): Promise<void> {
    if (drum === this.reservedDrum) throw axonError('drum_calibration_busy', drum);
    if (this.link && this.onBoard(drum)) {
      this.emit('strike', { drum, velocity, atUs: performance.now() * 1000 });
      await this.link.strike(drum, velocity);
    } else this.engine.send({ type: 'drum', drum, velocity });
  }

  // ---- tables as they play, for the Drums view and calibration

  /** The link and what the board said of itself, while a board plays; null otherwise. */
  boardLink(): { link: BoardLink; info: BoardInfo } | null {
    const info = this.link?.board;
    return this.link && info && this.stateNow.mode === 'board' ? { link: this.link, info } : null;
  }

  get profileInUse(): DrumProfile | null {
    return this.profile;
  }

  /** A drum as it plays now: its unsaved edit, else the profile's entry. */
  drumEntry(drum: number): ProfileDrum | undefined {
    return this.edits.get(drum) ?? this.profile?.drums.find((d) => d.drum === drum);
  }

  /** Every drum with a table or latency, as they play now (profile entries with edits over them), by drum. */
  drumEntries(): ProfileDrum[] {
    const drums = new Map((this.profile?.drums ?? []).map((d) => [d.drum, d]));
    for (const [drum, d] of this.edits) drums.set(drum, d);
    return [...drums.values()].sort((a, b) => a.drum - b.drum);
  }

  isEdited(drum: number): boolean {
    return this.edits.has(drum);
  }

  /** Drums whose tables were edited and not saved, in order. */
  get editedDrums(): number[] {
    return [...this.edits.keys()].sort((a, b) => a - b);
  }

  /**
   * Changes a drum's table, checked against the board's limits (the protocol's defaults without
   * a board) and, with a board, loaded into its RAM first: a refused table changes nothing. The
   * change plays at once and stays unsaved until the profile is saved. `latency` replaces the
   * measured latencies; without it, those of points whose push changed are dropped (they no
   * longer hold) and the others kept.
   */
  async editTable(drum: number, table: StrikeTable, latency?: ProfileDrum['latency']): Promise<void> {
    if (drum === this.reservedDrum) throw axonError('drum_calibration_busy', drum);
    const board = this.boardLink();
    const problems = tableProblems(table, board?.info.maxPhaseMs);
    if (problems.length > 0) throw withDetails(axonError('drum_table', `drum ${drum}: ${problems.join('; ')}`), problems);
    if (board) {
      if (drum >= board.info.drums) throw axonError('drum_not_on_board', drum, board.info.drums);
      await board.link.setTable(drum, table);
    }
    const old = this.drumEntry(drum);
    const kept = (old?.latency ?? []).filter((l) => {
      const was = old?.table?.points.find((p) => p.velocity === l.velocity);
      const now = table.points.find((p) => p.velocity === l.velocity);
      return was !== undefined && now !== undefined && was.forwardUs === now.forwardUs && was.forwardPwm === now.forwardPwm;
    });
    const entry: ProfileDrum = { ...old, drum, table: structuredClone(table) };
    const measured = latency ?? kept;
    if (measured.length > 0) entry.latency = measured;
    else delete entry.latency;
    this.edits.set(drum, entry);
  }

  /** While a drum is reserved (being calibrated) nothing else strikes it on the board. */
  reserve(drum: number | null): void {
    this.reservedDrum = drum;
  }

  get reserved(): number | null {
    return this.reservedDrum;
  }

  /** Strikes the board made and refused, per drum, since it connected. */
  get strikeCounts(): StrikeCount[] {
    return this.counts.map((c) => ({ ...c }));
  }

  private countStrike(e: BoardEvent): void {
    const c = e.drum === null ? undefined : this.counts[e.drum];
    if (!c) return;
    if (e.kind === 'struck') c.struck++;
    else if (e.kind === 'refused') c.refused++;
  }
}
