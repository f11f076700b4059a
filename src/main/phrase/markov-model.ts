import { z } from 'zod';
import { axonError } from '../../shared/errors';
import { checkNumber } from './option-check';
import type { Phrase } from './phrase';
import { BOUNDARY, phraseSymbols } from './phrase-symbol';

export interface MarkovOptions {
  /** Longest context, in symbols (3: the last three onsets). */
  maxOrder: number;
  /** Bounded memory: beyond this many contexts the least recently used are forgotten. */
  maxContexts: number;
  /** When a context has seen this many symbols its counts are halved, so recent playing weighs more. */
  countCap: number;
  /** Inter-onset intervals are clipped to this many grid steps. */
  maxIoiSteps: number;
}

export const MARKOV_DEFAULTS: Readonly<MarkovOptions> = Object.freeze({ maxOrder: 3, maxContexts: 4096, countCap: 128, maxIoiSteps: 16 });

export function checkMarkovOptions(o: MarkovOptions): MarkovOptions {
  checkNumber('maxOrder', o.maxOrder, 1, 8, true);
  checkNumber('maxContexts', o.maxContexts, 16, 1_000_000, true);
  checkNumber('countCap', o.countCap, 2, 1_000_000);
  checkNumber('maxIoiSteps', o.maxIoiSteps, 1, 256, true);
  return o;
}

interface Context {
  counts: Map<string, number>;
  total: number;
  /** Model clock at the last update: the eviction order. */
  used: number;
}

/** Counts below this after halving are forgotten (outside the root, whose vocabulary is bounded by the alphabet). */
const FORGET_BELOW = 1 / 16;
/** Eviction trims to this fraction of maxContexts, so it runs once per many phrases, not per symbol. */
const EVICT_TO = 0.9;

export const MARKOV_FORMAT = 'axon-phrase-markov';
export const MARKOV_VERSION = 1;

const MarkovJson = z.strictObject({
  format: z.literal(MARKOV_FORMAT),
  version: z.number(),
  options: z.strictObject({ maxOrder: z.number(), maxContexts: z.number(), countCap: z.number(), maxIoiSteps: z.number() }),
  clock: z.number().int().min(0),
  phrases: z.number().int().min(0),
  tail: z.array(z.string()),
  contexts: z.array(z.tuple([z.string(), z.number().int().min(0), z.array(z.tuple([z.string(), z.number().positive()]))])),
});
export type MarkovJson = z.infer<typeof MarkovJson>;

/**
 * A variable-order Markov model over phrase symbols, learnt online, one phrase at a time.
 * Every context of order 0..maxOrder that precedes a symbol counts it. Prediction blends the
 * orders from the root up (Witten-Bell interpolation, as in PPM method C): each order keeps
 * count/(n+d) of its own evidence and passes d/(n+d) to the order below, where n is what the
 * context has seen and d how many distinct symbols. A long context seen often dominates; a new
 * one defers to shorter ones. Phrases are chained through a boundary symbol, so the model also
 * learns how one phrase follows another: the context an answer starts from.
 */
export class MarkovModel {
  readonly options: Readonly<MarkovOptions>;
  private readonly contexts = new Map<string, Context>();
  /** The last maxOrder symbols of the last phrase learnt. */
  private tail: string[] = [];
  private clock = 0;
  private phrases = 0;

  constructor(options: Partial<MarkovOptions> = {}) {
    this.options = Object.freeze(checkMarkovOptions({ ...MARKOV_DEFAULTS, ...options }));
  }

  /** Phrases learnt so far. */
  get phraseCount(): number {
    return this.phrases;
  }

  get contextCount(): number {
    return this.contexts.size;
  }

  /** The phrase's symbols in this model's alphabet. */
  symbolsOf(phrase: Phrase): string[] {
    return phraseSymbols(phrase, this.options.maxIoiSteps);
  }

  learn(phrase: Phrase): void {
    this.learnSymbols(this.symbolsOf(phrase));
  }

  /** Learns one phrase given as symbols (it ends with an implied boundary). */
  learnSymbols(symbols: readonly string[]): void {
    if (symbols.length === 0) return;
    const k = this.options.maxOrder;
    const seq = [...this.tail, BOUNDARY, ...symbols, BOUNDARY];
    for (let i = this.tail.length + 1; i < seq.length; i++) {
      this.clock++;
      for (let order = 0; order <= k && i - order >= 0; order++) this.count(seq.slice(i - order, i).join(' '), seq[i]);
    }
    this.tail = symbols.slice(-k);
    this.phrases++;
    if (this.contexts.size > this.options.maxContexts) this.evict();
  }

  private count(key: string, symbol: string): void {
    let c = this.contexts.get(key);
    if (!c) {
      c = { counts: new Map(), total: 0, used: 0 };
      this.contexts.set(key, c);
    }
    c.counts.set(symbol, (c.counts.get(symbol) ?? 0) + 1);
    c.total++;
    c.used = this.clock;
    if (c.total > this.options.countCap) {
      c.total = 0;
      for (const [s, n] of c.counts) {
        const half = n / 2;
        if (half < FORGET_BELOW && key !== '') c.counts.delete(s);
        else {
          c.counts.set(s, half);
          c.total += half;
        }
      }
    }
  }

  /** Forgets the least recently updated contexts (never the root). */
  private evict(): void {
    const keep = Math.floor(this.options.maxContexts * EVICT_TO);
    const byAge = [...this.contexts].filter(([key]) => key !== '').sort((a, b) => a[1].used - b[1].used);
    for (let i = 0; i < byAge.length && this.contexts.size > keep; i++) this.contexts.delete(byAge[i][0]);
  }

  /**
   * The blended next-symbol distribution after `context` (oldest first; only its last maxOrder
   * symbols matter), as [symbol, probability] sorted by symbol, so sampling is reproducible.
   * Empty before anything was learnt. May include the boundary (the phrase ends).
   */
  distribution(context: readonly string[]): [string, number][] {
    const root = this.contexts.get('');
    if (!root) return [];
    const vocab = [...root.counts.keys()].sort();
    const p = new Float64Array(vocab.length).fill(1 / vocab.length);
    const orders = Math.min(this.options.maxOrder, context.length);
    for (let order = 0; order <= orders; order++) {
      const c = this.contexts.get(context.slice(context.length - order).join(' '));
      if (!c) continue;
      const d = c.counts.size;
      for (let i = 0; i < vocab.length; i++) p[i] = ((c.counts.get(vocab[i]) ?? 0) + d * p[i]) / (c.total + d);
    }
    const sum = p.reduce((a, b) => a + b, 0);
    return vocab.map((s, i) => [s, p[i] / sum]);
  }

  toJSON(): MarkovJson {
    return {
      format: MARKOV_FORMAT,
      version: MARKOV_VERSION,
      options: { ...this.options },
      clock: this.clock,
      phrases: this.phrases,
      tail: [...this.tail],
      contexts: [...this.contexts].map(([key, c]) => [key, c.used, [...c.counts]]),
    };
  }

  /** Restores a model saved with toJSON; `where` names the source in errors. */
  static fromJSON(json: unknown, where = 'the saved model'): MarkovModel {
    const parsed = MarkovJson.safeParse(json);
    if (!parsed.success) throw axonError('phrase_model_invalid', where, parsed.error.issues.map((i) => `${i.path.join('.') || 'top'}: ${i.message}`).join('; '));
    const j = parsed.data;
    if (j.version !== MARKOV_VERSION) throw axonError('phrase_model_invalid', where, `format version ${j.version}, this version reads ${MARKOV_VERSION}`);
    let model: MarkovModel;
    try {
      model = new MarkovModel(j.options);
    } catch (err) {
      throw axonError('phrase_model_invalid', where, err instanceof Error ? err.message : String(err));
    }
    for (const [key, used, counts] of j.contexts) {
      if (key !== '' && key.split(' ').length > model.options.maxOrder) throw axonError('phrase_model_invalid', where, `context "${key}" is longer than maxOrder`);
      model.contexts.set(key, { counts: new Map(counts), total: counts.reduce((a, [, n]) => a + n, 0), used });
    }
    model.tail = j.tail.slice(-model.options.maxOrder);
    model.clock = j.clock;
    model.phrases = j.phrases;
    return model;
  }
}
