import { axonError } from '../../shared/errors';
import type { Seconds } from '../../shared/units';
import { checkNumber } from './option-check';
import type { Onset, OnsetSource, Phrase, QuantisedOnset, TempoSource } from './phrase';
import { estimateTempo, gridFit, type TempoEstimate } from './tempo-estimate';

export interface ListenerOptions {
  /** Grid resolution (4: sixteenth notes). */
  stepsPerBeat: number;
  beatsPerBar: number;
  /** The phrase ends after a silence of gapIoiFactor x its median inter-onset interval... */
  gapIoiFactor: number;
  /** ...or gapBarFraction of a bar at its tempo, whichever is longer... */
  gapBarFraction: number;
  /** ...but never less than minGap nor more than maxGap. */
  minGap: Seconds;
  maxGap: Seconds;
  /** Shorter phrases (a stray hit) are dropped. */
  minOnsets: number;
  /** A phrase played without a gap this long is cut here, so an answer still comes. */
  maxPhraseSeconds: Seconds;
  /** Bounded memory: a phrase is cut at this many onsets. */
  maxOnsets: number;
  minBpm: number;
  maxBpm: number;
  preferredBpm: number;
  /** Tempo when neither a clock, the phrase nor a previous phrase gives one. */
  defaultBpm: number;
  /** Onsets closer than this are one chord: they do not count as intervals. */
  simultaneous: Seconds;
  /** Least grid fit (0-1) for an estimated tempo to be believed over the previous one. */
  minTempoFit: number;
}

export const LISTENER_DEFAULTS: Readonly<ListenerOptions> = Object.freeze({
  stepsPerBeat: 4,
  beatsPerBar: 4,
  gapIoiFactor: 2,
  gapBarFraction: 0.5,
  minGap: 0.25,
  maxGap: 4,
  minOnsets: 2,
  maxPhraseSeconds: 30,
  maxOnsets: 512,
  minBpm: 60,
  maxBpm: 200,
  preferredBpm: 110,
  defaultBpm: 120,
  simultaneous: 0.03,
  minTempoFit: 0.6,
});

/** A tempo from outside (a MIDI clock follower): its BPM and, if known, the host time of a beat. */
export interface ExternalTempo {
  bpm: number;
  beatTime?: Seconds;
}

export function checkListenerOptions(o: ListenerOptions): ListenerOptions {
  checkNumber('stepsPerBeat', o.stepsPerBeat, 1, 12, true);
  checkNumber('beatsPerBar', o.beatsPerBar, 1, 16, true);
  checkNumber('gapIoiFactor', o.gapIoiFactor, 1, 16);
  checkNumber('gapBarFraction', o.gapBarFraction, 0, 4);
  checkNumber('minGap', o.minGap, 0.01, 60);
  checkNumber('maxGap', o.maxGap, o.minGap, 60);
  checkNumber('minOnsets', o.minOnsets, 1, 1000, true);
  checkNumber('maxPhraseSeconds', o.maxPhraseSeconds, 1, 600);
  checkNumber('maxOnsets', o.maxOnsets, o.minOnsets, 100_000, true);
  checkNumber('minBpm', o.minBpm, 20, 400);
  checkNumber('maxBpm', o.maxBpm, o.minBpm * 1.5, 400);
  checkNumber('preferredBpm', o.preferredBpm, o.minBpm, o.maxBpm);
  checkNumber('defaultBpm', o.defaultBpm, 20, 400);
  checkNumber('simultaneous', o.simultaneous, 0, 0.2);
  checkNumber('minTempoFit', o.minTempoFit, 0, 1);
  return o;
}

export function checkOnset(o: Onset): void {
  if (typeof o.time !== 'number' || !Number.isFinite(o.time)) throw axonError('phrase_onset', `time must be a finite number of seconds, got ${String(o.time)}`);
  if (!Number.isInteger(o.note) || o.note < 0 || o.note > 127) throw axonError('phrase_onset', `note must be a whole number 0-127, got ${String(o.note)}`);
  if (!Number.isInteger(o.velocity) || o.velocity < 1 || o.velocity > 127) throw axonError('phrase_onset', `velocity must be a whole number 1-127, got ${String(o.velocity)}`);
  if (o.source !== 'midi' && o.source !== 'drum') throw axonError('phrase_onset', `source must be midi or drum, got ${String(o.source)}`);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

/**
 * Groups timestamped onsets into phrases and tells when one has ended: after a silence longer
 * than a threshold taken from the phrase's own rhythm (see ListenerOptions). It keeps no timers:
 * the caller feeds onsets with push() and the time with tick(), so a test drives it exactly.
 */
export class PhraseListener {
  readonly options: Readonly<ListenerOptions>;
  private onsets: Onset[] = [];
  private external: ExternalTempo | null = null;
  private previousBpm: number | null = null;
  /** Tempo estimate of the open phrase, recomputed only when it gains onsets. */
  private cached: { count: number; estimate: TempoEstimate | null } = { count: -1, estimate: null };

  constructor(options: Partial<ListenerOptions> = {}) {
    this.options = Object.freeze(checkListenerOptions({ ...LISTENER_DEFAULTS, ...options }));
  }

  /** The tempo of a MIDI clock follower (null: none, estimate from the playing). */
  setTempo(tempo: ExternalTempo | null): void {
    if (tempo) {
      checkNumber('tempo bpm', tempo.bpm, 20, 400);
      if (tempo.beatTime !== undefined) checkNumber('tempo beatTime', tempo.beatTime, -Infinity, Infinity);
    }
    this.external = tempo ? { ...tempo } : null;
  }

  /** True while a phrase is being played (onsets since the last phrase end). */
  get listening(): boolean {
    return this.onsets.length > 0;
  }

  /** Drops the open phrase. */
  reset(): void {
    this.onsets = [];
    this.cached = { count: -1, estimate: null };
  }

  /**
   * Adds an onset. If it comes after the open phrase has already ended (tick was not called in
   * time), that phrase is finished first and returned; the onset starts the next one.
   */
  push(onset: Onset): Phrase | null {
    checkOnset(onset);
    let finished: Phrase | null = null;
    const last = this.onsets.at(-1);
    if (last && onset.time - last.time > this.gapThreshold()) finished = this.finish(onset.time);
    // Sources timestamp independently, so keep time order by insertion rather than trusting arrival.
    let i = this.onsets.length;
    while (i > 0 && this.onsets[i - 1].time > onset.time) i--;
    this.onsets.splice(i, 0, { ...onset });
    if (this.onsets.length >= this.options.maxOnsets) return finished ?? this.finish(onset.time);
    return finished;
  }

  /** Checks for the end of the open phrase at host time `now`; returns it once it has ended. */
  tick(now: Seconds): Phrase | null {
    if (typeof now !== 'number' || !Number.isFinite(now)) throw axonError('phrase_onset', `tick time must be a finite number of seconds, got ${String(now)}`);
    const first = this.onsets[0];
    const last = this.onsets.at(-1);
    if (!first || !last) return null;
    if (now - last.time > this.gapThreshold() || now - first.time > this.options.maxPhraseSeconds) return this.finish(now);
    return null;
  }

  /**
   * The silence that ends the open phrase: max(gapIoiFactor x median IOI, gapBarFraction x bar)
   * bounded by [minGap, maxGap]. A tight rhythm thus ends sooner than a sparse one; a phrase
   * of one onset (or one chord) waits maxGap.
   */
  gapThreshold(): Seconds {
    const o = this.options;
    const times = this.onsets.map((x) => x.time);
    const iois = times.slice(1).map((t, i) => t - times[i]).filter((d) => d >= o.simultaneous);
    // One onset says nothing of the rhythm: wait the longest, or a sparse phrase would fall apart.
    if (iois.length === 0) return o.maxGap;
    const bpm = this.tempoNow().bpm;
    const fromBar = o.gapBarFraction * o.beatsPerBar * (60 / bpm);
    const fromIoi = iois.length ? o.gapIoiFactor * median(iois) : 0;
    return Math.min(o.maxGap, Math.max(o.minGap, fromBar, fromIoi));
  }

  private estimate(): TempoEstimate | null {
    if (this.cached.count !== this.onsets.length) {
      const o = this.options;
      const e = estimateTempo(this.onsets.map((x) => x.time), o, o.simultaneous);
      this.cached = { count: this.onsets.length, estimate: e && e.fit >= o.minTempoFit ? e : null };
    }
    return this.cached.estimate;
  }

  /** The open phrase's tempo: the clock's, else its own estimate, else the previous phrase's, else the default. */
  private tempoNow(): { bpm: number; source: TempoSource; estimate: TempoEstimate | null } {
    if (this.external) return { bpm: this.external.bpm, source: 'external', estimate: null };
    const e = this.estimate();
    if (e) return { bpm: e.bpm, source: 'estimated', estimate: e };
    if (this.previousBpm !== null) return { bpm: this.previousBpm, source: 'previous', estimate: null };
    return { bpm: this.options.defaultBpm, source: 'default', estimate: null };
  }

  private finish(endedAt: Seconds): Phrase | null {
    const onsets = this.onsets;
    const tempo = this.tempoNow();
    this.reset();
    if (onsets.length < this.options.minOnsets) return null;
    const phrase = quantise(onsets, tempo.bpm, tempo.source, tempo.estimate?.origin ?? this.external?.beatTime ?? null, endedAt, this.options);
    this.previousBpm = phrase.bpm;
    return phrase;
  }
}

/**
 * Places time-ordered onsets on a grid of `bpm`. The grid's phase comes from `gridPoint` (a known
 * grid or beat time) or else from the onsets themselves; step 0 is the first onset's grid point.
 * Only an external beat time says where the beats are; otherwise the phrase is taken to start on one.
 */
export function quantise(
  onsets: readonly Onset[],
  bpm: number,
  tempoSource: TempoSource,
  gridPoint: Seconds | null,
  endedAt: Seconds,
  o: Pick<ListenerOptions, 'stepsPerBeat' | 'beatsPerBar'>,
): Phrase {
  const step = 60 / bpm / o.stepsPerBeat;
  const times = onsets.map((x) => x.time);
  const origin = gridPoint ?? gridFit(times, step).origin;
  const k0 = Math.round((times[0] - origin) / step);
  const gridOrigin = origin + k0 * step;
  const q: QuantisedOnset[] = onsets.map((x) => {
    const s = Math.max(0, Math.round((x.time - gridOrigin) / step));
    return { ...x, step: s, error: x.time - (gridOrigin + s * step) };
  });
  const knowsBeats = tempoSource === 'external' && gridPoint !== null;
  const beatPhase = knowsBeats ? ((k0 % o.stepsPerBeat) + o.stepsPerBeat) % o.stepsPerBeat : 0;
  const lastStep = q[q.length - 1].step;
  const lengthSteps = Math.ceil((lastStep + 1) / o.stepsPerBeat) * o.stepsPerBeat;
  const drums = q.filter((x) => x.source === 'drum').length;
  const source: OnsetSource = drums * 2 > q.length ? 'drum' : 'midi';
  return { onsets: q, bpm, tempoSource, stepsPerBeat: o.stepsPerBeat, beatsPerBar: o.beatsPerBar, stepDuration: step, gridOrigin, beatPhase, lengthSteps, endedAt, source };
}
