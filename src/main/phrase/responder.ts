import type { NormalRange, Seconds } from '../../shared/units';
import { drumForNote, GM_DRUMS } from '../drums/note-map';
import { SeededRandom } from '../reservoir/reservoir-build';
import type { MarkovModel } from './markov-model';
import { checkChoice, checkNumber } from './option-check';
import type { Answer, AnswerEvent, Phrase } from './phrase';
import { BOUNDARY, decodeSymbol, levelVelocity, velocityLevel } from './phrase-symbol';

export type AnswerKind = 'same' | 'note' | 'drum';

export interface ResponderOptions {
  /** 0: always the most likely continuation; 1: the model's distribution; above 1: flatter. */
  temperature: number;
  /** 0-2. Below 1 thins the answer out (weak beats first), above 1 fills its gaps with ghost notes. */
  density: number;
  /** With the model state and the call, fixes the answer exactly, so a rehearsal replays. */
  seed: number;
  /** Where the answer may start: the next grid step or the next beat after the call ended. */
  startOn: 'step' | 'beat';
  /** The answer starts at least this long after the end was detected (scheduling and drum latency). */
  lead: Seconds;
  /** The answer lasts as many bars as the call (rounded, at least one), at most this many. */
  maxBars: number;
  /** With fewer phrases learnt the answer is a varied echo of the call instead of the model's. */
  minPhrases: number;
  maxEvents: number;
  /** 'same': notes answer notes and drums answer drums (the call's main source). */
  answerKind: AnswerKind;
  /** Notes sound for this fraction of the time to the next onset. */
  gate: NormalRange;
  /** Most onsets at one grid step (a chord), so a model full of chords cannot stall time. */
  maxChord: number;
}

export const RESPONDER_DEFAULTS: Readonly<ResponderOptions> = Object.freeze({
  temperature: 0.7,
  density: 1,
  seed: 1,
  startOn: 'beat',
  lead: 0.05,
  maxBars: 8,
  minPhrases: 2,
  maxEvents: 256,
  answerKind: 'same',
  gate: 0.9,
  maxChord: 4,
});

export const MAX_TEMPERATURE = 10;
export const MAX_DENSITY = 2;

export function checkResponderOptions(o: ResponderOptions): ResponderOptions {
  checkNumber('temperature', o.temperature, 0, MAX_TEMPERATURE);
  checkNumber('density', o.density, 0, MAX_DENSITY);
  checkNumber('seed', o.seed, 0, 0xffffffff, true);
  checkChoice('startOn', o.startOn, ['step', 'beat'] as const);
  checkNumber('lead', o.lead, 0, 10);
  checkNumber('maxBars', o.maxBars, 1, 64, true);
  checkNumber('minPhrases', o.minPhrases, 0, 1000, true);
  checkNumber('maxEvents', o.maxEvents, 1, 10_000, true);
  checkChoice('answerKind', o.answerKind, ['same', 'note', 'drum'] as const);
  checkNumber('gate', o.gate, 0.05, 1);
  checkNumber('maxChord', o.maxChord, 1, 16, true);
  return o;
}

/** An onset of the answer before it is timed: grid step from the answer's start. */
interface Hit {
  pos: number;
  kind: 'note' | 'drum';
  number: number;
  velocity: number;
}

/** Thinning keeps strong positions longer: a beat's score is scaled by 0.6, an off-beat eighth's by 0.8. */
const KEEP_SCALE = [0.6, 0.8, 1];
/** Fill-in ghost notes are this much softer than the onset they follow. */
const GHOST_GAIN = 0.6;

/**
 * Generates the answer to a finished call, in the call's tempo and on its grid. Deterministic:
 * the random streams derive from the seed and the call's content, so the same seed, model state
 * and call give the same answer.
 *
 * - Model: the context is the call's last symbols and a phrase boundary, i.e. "what the
 *   performer plays after a phrase ending like this"; symbols are drawn with the temperature
 *   until the model ends the phrase or the answer's length (the call's, in whole bars) is full.
 * - Echo (model too young): the call itself, with some onsets shifted a step, re-accented or dropped.
 * - Density, applied last so it only ever removes or adds onsets: each onset has a fixed random
 *   score and is kept while score < density; each empty step a fixed fill score, filled while
 *   score < density - 1. The onset count is thus monotonic in density for a given seed.
 */
export function respond(call: Phrase, model: MarkovModel, options: Partial<ResponderOptions> = {}): Answer {
  const o = checkResponderOptions({ ...RESPONDER_DEFAULTS, ...options });
  const spb = call.stepsPerBeat;
  const bars = Math.max(1, Math.min(o.maxBars, Math.round(call.lengthSteps / spb / call.beatsPerBar)));
  const length = bars * call.beatsPerBar * spb;
  const stream = callHash(call);
  const start = startStep(call, o);
  const level = (pos: number) => metricLevel(start + pos + call.beatPhase, spb);

  const useModel = model.phraseCount >= o.minPhrases && model.phraseCount > 0;
  const base = useModel ? fromModel(call, model, length, o, new SeededRandom(o.seed, stream)) : echo(call, length, o, new SeededRandom(o.seed, stream));
  const hits = applyDensity(base, length, o.density, level, new SeededRandom(o.seed, stream + 1), new SeededRandom(o.seed, stream + 2));
  const target = o.answerKind === 'same' ? (call.source === 'drum' ? 'drum' : 'note') : o.answerKind;

  const step = call.stepDuration;
  const events: AnswerEvent[] = hits.map((h, i) => {
    const next = hits.slice(i + 1).find((x) => x.pos > h.pos)?.pos ?? length;
    const time = call.gridOrigin + (start + h.pos) * step;
    const common = { time, step: start + h.pos, velocity: h.velocity };
    if (target === 'drum') {
      const drum = h.kind === 'drum' ? h.number : (drumForNote(h.number) ?? h.number % 4);
      return { ...common, kind: 'drum', drum, duration: 0.5 * step };
    }
    const note = h.kind === 'note' ? h.number : noteForDrum(h.number);
    return { ...common, kind: 'note', note, duration: o.gate * Math.min(next - h.pos, spb * call.beatsPerBar) * step };
  });
  const startTime = call.gridOrigin + start * step;
  return { events, start: startTime, end: Math.max(startTime, ...events.map((e) => e.time + e.duration)), bpm: call.bpm, origin: useModel ? 'model' : 'echo' };
}

/** The first grid step (relative to the call's step 0) the answer may start on. */
function startStep(call: Phrase, o: ResponderOptions): number {
  const spb = call.stepsPerBeat;
  // A hair of tolerance so an end exactly on a grid point starts there, not a step later.
  let s = Math.max(call.lengthSteps, Math.ceil((call.endedAt + o.lead - call.gridOrigin) / call.stepDuration - 1e-9));
  if (o.startOn === 'beat') s += (spb - ((s + call.beatPhase) % spb)) % spb;
  return s;
}

/** 0 on a beat, 1 on the half beat, 2 elsewhere. */
function metricLevel(stepFromBeat: number, spb: number): number {
  const r = ((stepFromBeat % spb) + spb) % spb;
  if (r === 0) return 0;
  return spb % 2 === 0 && r === spb / 2 ? 1 : 2;
}

function fromModel(call: Phrase, model: MarkovModel, length: number, o: ResponderOptions, rnd: SeededRandom): Hit[] {
  const order = model.options.maxOrder;
  const context = [...model.symbolsOf(call).slice(-order), BOUNDARY].slice(-order);
  const notes = call.onsets.filter((x) => x.source === 'midi').map((x) => x.note);
  const low = notes.length ? Math.min(...notes) : 48;
  const high = notes.length ? Math.max(...notes) : 84;
  let previous = notes.at(-1) ?? 60;
  const hits: Hit[] = [];
  let pos = 0;
  let chord = 1;
  while (hits.length < o.maxEvents) {
    const choices = model.distribution(context).filter(([s]) => {
      if (s === BOUNDARY) return hits.length > 0;
      return hits.length === 0 || chord < o.maxChord || (decodeSymbol(s)?.ioi ?? 0) > 0;
    });
    if (choices.length === 0) break;
    const symbol = pick(choices, o.temperature, rnd);
    const s = decodeSymbol(symbol);
    if (!s) break; // the boundary: the model ends its phrase here
    pos += s.ioi;
    if (pos >= length) break;
    chord = s.ioi === 0 ? chord + 1 : 1;
    const number = s.kind === 'drum' ? s.value : placePitch(s.value, previous, low, high);
    if (s.kind === 'note') previous = number;
    hits.push({ pos, kind: s.kind, number, velocity: levelVelocity(s.level) });
    context.push(symbol);
    if (context.length > order) context.shift();
  }
  return hits;
}

/**
 * Draws from [symbol, p] with temperature t: weights p^(1/t), t = 0 the most likely (first in
 * symbol order on a tie). Computed relative to the largest p, so small t cannot underflow to all zeros.
 */
export function pick(choices: readonly [string, number][], t: number, rnd: SeededRandom): string {
  let best = 0;
  for (let i = 1; i < choices.length; i++) if (choices[i][1] > choices[best][1]) best = i;
  if (t === 0) return choices[best][0];
  const top = Math.log(choices[best][1]);
  const w = choices.map(([, p]) => (p > 0 ? Math.exp((Math.log(p) - top) / t) : 0));
  let u = rnd.uniform() * w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < w.length; i++) {
    u -= w[i];
    if (u < 0) return choices[i][0];
  }
  return choices[best][0];
}

/** The note of pitch class `pc` nearest the previous note, kept near the call's register. */
function placePitch(pc: number, previous: number, low: number, high: number): number {
  const lo = Math.max(0, low - 5);
  const hi = Math.min(127, high + 5);
  let best = -1;
  for (let n = pc; n <= 127; n += 12) {
    const inRange = n >= lo && n <= hi;
    const bestInRange = best >= lo && best <= hi;
    if (best < 0 || (inRange && !bestInRange) || (inRange === bestInRange && Math.abs(n - previous) < Math.abs(best - previous))) best = n;
  }
  return best;
}

/** A drum's General MIDI note (the lowest that maps to it), for drum phrases answered on MIDI. */
function noteForDrum(drum: number): number {
  const notes = Object.entries(GM_DRUMS).filter(([, d]) => d === drum).map(([n]) => Number(n));
  return notes.length ? Math.min(...notes) : 36 + drum;
}

/** The call played back with variations: more of them at higher temperature. */
function echo(call: Phrase, length: number, o: ResponderOptions, rnd: SeededRandom): Hit[] {
  const vary = Math.min(0.9, 0.25 + 0.25 * o.temperature);
  const hits: Hit[] = [];
  for (const [i, x] of call.onsets.entries()) {
    if (x.step >= length) break;
    const hit: Hit = { pos: x.step, kind: x.source === 'midi' ? 'note' : 'drum', number: x.note, velocity: x.velocity };
    const u = rnd.uniform();
    const how = rnd.uniform();
    const dir = rnd.uniform() < 0.5 ? -1 : 1;
    if (i > 0 && u < vary) {
      if (how < 0.4) hit.pos = Math.max(1, Math.min(length - 1, hit.pos + dir)); // displaced a step
      else if (how < 0.8) hit.velocity = levelVelocity(velocityLevel(hit.velocity) + dir); // re-accented
      else continue; // left out
    }
    hits.push(hit);
  }
  return hits.sort((a, b) => a.pos - b.pos);
}

function applyDensity(base: readonly Hit[], length: number, density: number, level: (pos: number) => number, keepRnd: SeededRandom, fillRnd: SeededRandom): Hit[] {
  // Every score is drawn whatever the density, so changing density never reshuffles the others.
  const kept = base.filter((h, i) => {
    const score = keepRnd.uniform() * KEEP_SCALE[level(h.pos)];
    return i === 0 ? density > 0 : score < density;
  });
  const fillScores = Array.from({ length }, (_, p) => (level(p) + fillRnd.uniform()) / 3);
  if (density <= 1 || kept.length === 0) return kept;
  const taken = new Set(kept.map((h) => h.pos));
  const out = [...kept];
  for (let p = kept[0].pos + 1; p < length; p++) {
    if (taken.has(p) || fillScores[p] >= density - 1) continue;
    const before = kept.filter((h) => h.pos < p).at(-1) ?? kept[0];
    out.push({ ...before, pos: p, velocity: Math.max(1, Math.round(before.velocity * GHOST_GAIN)) });
  }
  return out.sort((a, b) => a.pos - b.pos);
}

/** FNV-1a over the call's content (not its absolute time): the random stream of its answer. */
function callHash(call: Phrase): number {
  let h = 0x811c9dc5;
  const text = `${call.stepsPerBeat}/${call.beatsPerBar}/${call.lengthSteps};` + call.onsets.map((x) => `${x.step},${x.source},${x.note},${x.velocity}`).join(';');
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 0x7fffffff;
}
