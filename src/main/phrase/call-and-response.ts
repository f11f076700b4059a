import { EventEmitter } from 'node:events';
import { axonError } from '../../shared/errors';
import type { Seconds } from '../../shared/units';
import { MarkovModel, type MarkovJson, type MarkovOptions } from './markov-model';
import { checkChoice, checkNumber } from './option-check';
import type { Answer, AnswerEvent, Onset, OnsetSource, Phrase } from './phrase';
import { checkOnset, PhraseListener, type ExternalTempo, type ListenerOptions } from './phrase-listener';
import { checkResponderOptions, respond, RESPONDER_DEFAULTS, type ResponderOptions } from './responder';

export interface CallAndResponseOptions {
  /** Off: phrases are still heard and learnt, but not answered. */
  enabled: boolean;
  temperature: number;
  density: number;
  seed: number;
  maxOrder: number;
  /** What answers are played on: 'same' as the call, or always notes / always drums. */
  answerKind: ResponderOptions['answerKind'];
  /**
   * Feedback guard. 'all': every onset while an answer plays (plus muteTail) is ignored.
   * 'echoes': only onsets that match an answer event (same note or drum within echoWindow).
   */
  ignoreDuringAnswer: 'all' | 'echoes';
  /** Input stays ignored this long after the answer's last event ends (ring-out, drum latency). */
  muteTail: Seconds;
  echoWindow: Seconds;
  listener: Partial<ListenerOptions>;
  responder: Partial<Omit<ResponderOptions, 'temperature' | 'density' | 'seed' | 'answerKind'>>;
  model: Partial<Omit<MarkovOptions, 'maxOrder'>>;
}

export const CALL_AND_RESPONSE_DEFAULTS: Readonly<CallAndResponseOptions> = Object.freeze({
  enabled: true,
  temperature: RESPONDER_DEFAULTS.temperature,
  density: RESPONDER_DEFAULTS.density,
  seed: RESPONDER_DEFAULTS.seed,
  maxOrder: 3,
  answerKind: 'same',
  ignoreDuringAnswer: 'all',
  muteTail: 0.2,
  echoWindow: 0.08,
  listener: {},
  responder: {},
  model: {},
});

/** The options a performer changes during the set (the rest are fixed when the rig starts). */
export type LiveOptions = Partial<Pick<CallAndResponseOptions, 'enabled' | 'temperature' | 'density' | 'seed' | 'answerKind' | 'ignoreDuringAnswer'>>;

export const SET_FORMAT = 'axon-call-and-response';
export const SET_VERSION = 1;

/** A saved set: the options and both models, enough to replay the answers of a rehearsal. */
export interface CallAndResponseJson {
  format: typeof SET_FORMAT;
  version: number;
  options: Pick<CallAndResponseOptions, 'enabled' | 'temperature' | 'density' | 'seed' | 'answerKind' | 'ignoreDuringAnswer'>;
  models: Record<OnsetSource, MarkovJson>;
}

export interface CallAndResponseEvents {
  /** A finished call (after it was learnt). */
  phrase: [Phrase];
  /** The answer to a call: schedule its events on MIDI out and the drums. */
  answer: [Answer, Phrase];
}

function checkLive(o: LiveOptions): void {
  if (o.enabled !== undefined && typeof o.enabled !== 'boolean') throw axonError('phrase_option', 'enabled', 'true or false', String(o.enabled));
  if (o.ignoreDuringAnswer !== undefined) checkChoice('ignoreDuringAnswer', o.ignoreDuringAnswer, ['all', 'echoes'] as const);
}

/**
 * The call-and-response loop: onsets in, phrase end detected on tick(), the call learnt by the
 * model of its source (MIDI phrases and drum phrases have their own), the answer generated and
 * emitted. Its own answers never come back as calls: onsets while one plays are ignored.
 */
export class CallAndResponse extends EventEmitter<CallAndResponseEvents> {
  private options: CallAndResponseOptions;
  private readonly listener: PhraseListener;
  private models: Record<OnsetSource, MarkovModel>;
  /** Answers playing or about to: their span and events, for the feedback guard. */
  private playing: Answer[] = [];

  constructor(options: Partial<CallAndResponseOptions> = {}) {
    super();
    const o: CallAndResponseOptions = { ...CALL_AND_RESPONSE_DEFAULTS, ...options };
    checkLive(o);
    checkNumber('maxOrder', o.maxOrder, 1, 8, true);
    checkNumber('muteTail', o.muteTail, 0, 10);
    checkNumber('echoWindow', o.echoWindow, 0, 1);
    this.options = o;
    this.checkResponder();
    this.listener = new PhraseListener(o.listener);
    this.models = { midi: this.newModel(), drum: this.newModel() };
  }

  private newModel(): MarkovModel {
    return new MarkovModel({ ...this.options.model, maxOrder: this.options.maxOrder });
  }

  private responderOptions(): Partial<ResponderOptions> {
    const o = this.options;
    return { ...o.responder, temperature: o.temperature, density: o.density, seed: o.seed, answerKind: o.answerKind };
  }

  private checkResponder(): void {
    checkResponderOptions({ ...RESPONDER_DEFAULTS, ...this.responderOptions() });
  }

  /** Changes live controls; invalid values throw and change nothing. */
  set(change: LiveOptions): void {
    checkLive(change);
    const before = this.options;
    this.options = { ...before, ...change };
    try {
      this.checkResponder();
    } catch (err) {
      this.options = before;
      throw err;
    }
  }

  get current(): Readonly<CallAndResponseOptions> {
    return this.options;
  }

  /** The model learning the phrases of one source. */
  model(source: OnsetSource): MarkovModel {
    return this.models[source];
  }

  /** Tempo from a MIDI clock follower; null when the clock stops (the tempo is then estimated). */
  setTempo(tempo: ExternalTempo | null): void {
    this.listener.setTempo(tempo);
  }

  /**
   * Feeds one onset (a MIDI note-on or a drum strike, host time). Returns the answer if the
   * onset showed that the previous phrase had already ended, as tick() would have.
   */
  onset(onset: Onset): Answer | null {
    checkOnset(onset);
    if (this.isFeedback(onset)) return null;
    const phrase = this.listener.push(onset);
    return phrase ? this.handle(phrase) : null;
  }

  /** Call regularly (e.g. every 10-20 ms) with the host time: ends phrases and answers them. */
  tick(now: Seconds): Answer | null {
    this.playing = this.playing.filter((a) => a.end + this.options.muteTail >= now);
    const phrase = this.listener.tick(now);
    return phrase ? this.handle(phrase) : null;
  }

  private isFeedback(x: Onset): boolean {
    const o = this.options;
    return this.playing.some((a) => {
      if (x.time < a.start - o.echoWindow || x.time > a.end + o.muteTail) return false;
      return o.ignoreDuringAnswer === 'all' || a.events.some((e) => matches(e, x) && Math.abs(e.time - x.time) <= o.echoWindow + o.muteTail);
    });
  }

  private handle(call: Phrase): Answer | null {
    const model = this.models[call.source];
    model.learn(call);
    this.emit('phrase', call);
    if (!this.options.enabled) return null;
    const answer = respond(call, model, this.responderOptions());
    if (answer.events.length === 0) return null;
    this.playing.push(answer);
    this.emit('answer', answer, call);
    return answer;
  }

  toJSON(): CallAndResponseJson {
    const { enabled, temperature, density, seed, answerKind, ignoreDuringAnswer } = this.options;
    return {
      format: SET_FORMAT,
      version: SET_VERSION,
      options: { enabled, temperature, density, seed, answerKind, ignoreDuringAnswer },
      models: { midi: this.models.midi.toJSON(), drum: this.models.drum.toJSON() },
    };
  }

  /**
   * Restores a saved set: its live options and models (the listener starts empty). `options`
   * gives the rig's fixed options, as when it was saved.
   */
  static fromJSON(json: unknown, options: Partial<CallAndResponseOptions> = {}, where = 'the saved set'): CallAndResponse {
    const j = json as Partial<CallAndResponseJson> | null;
    if (typeof j !== 'object' || j === null || j.format !== SET_FORMAT) throw axonError('phrase_model_invalid', where, `not a ${SET_FORMAT} file`);
    if (j.version !== SET_VERSION) throw axonError('phrase_model_invalid', where, `format version ${String(j.version)}, this version reads ${SET_VERSION}`);
    if (typeof j.models !== 'object' || j.models === null) throw axonError('phrase_model_invalid', where, 'no models');
    const midi = MarkovModel.fromJSON(j.models.midi, `${where} (MIDI model)`);
    const drum = MarkovModel.fromJSON(j.models.drum, `${where} (drum model)`);
    const { maxOrder, ...modelOptions } = midi.options;
    const car = new CallAndResponse({ ...options, ...j.options, maxOrder, model: modelOptions });
    car.models = { midi, drum };
    return car;
  }
}

/** Whether an onset is the sound of an answer event (the same note or drum). */
function matches(e: AnswerEvent, x: Onset): boolean {
  return e.kind === 'drum' ? x.source === 'drum' && x.note === e.drum : x.source === 'midi' && x.note === e.note;
}
