import { axonError, type AxonError } from '../../shared/errors';

// OSC 1.0 address pattern matching: `?` one character, `*` any run of characters, `[abc]`,
// `[a-z]` and `[!a]` one character of (or not of) a set, `{foo,bar}` one of the strings.
// None of them ever matches the part separator "/" (a `{...}` option may contain one literally).

/** Longer patterns are refused: matching costs pattern length times address length. */
export const MAX_PATTERN_LENGTH = 512;

type Token =
  | { readonly kind: 'char'; readonly code: number }
  | { readonly kind: 'one' }
  | { readonly kind: 'star' }
  | { readonly kind: 'set'; readonly negate: boolean; readonly ranges: readonly number[] }
  | { readonly kind: 'alt'; readonly options: readonly string[] };

const SLASH = 0x2f;
const SPECIAL = /[*?[\]{}]/;

export type OscPatternResult = { readonly ok: true; readonly pattern: OscPattern } | { readonly ok: false; readonly error: AxonError };

/** True when `address` holds pattern characters (an exact address can skip matching). */
export const isOscPattern = (address: string): boolean => SPECIAL.test(address);

/** A compiled address pattern; compile once per incoming message, test against many addresses. */
export class OscPattern {
  private reach = new Uint8Array(0);

  private constructor(
    readonly source: string,
    private readonly tokens: readonly Token[],
  ) {}

  static compile(source: string): OscPatternResult {
    if (source.length > MAX_PATTERN_LENGTH) return { ok: false, error: axonError('osc_pattern', source.slice(0, 40) + '...', `longer than ${MAX_PATTERN_LENGTH} characters`) };
    const tokens: Token[] = [];
    let i = 0;
    const fail = (problem: string): OscPatternResult => ({ ok: false, error: axonError('osc_pattern', source, problem) });
    while (i < source.length) {
      const c = source[i];
      if (c === '?') tokens.push({ kind: 'one' });
      else if (c === '*') {
        // Consecutive stars mean the same as one.
        if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
      } else if (c === '[') {
        const close = source.indexOf(']', i + 1);
        if (close < 0) return fail(`"[" at ${i} is never closed`);
        let body = source.slice(i + 1, close);
        const negate = body.startsWith('!');
        if (negate) body = body.slice(1);
        if (body.length === 0) return fail(`empty character set at ${i}`);
        const ranges: number[] = [];
        for (let k = 0; k < body.length; k++) {
          // A "-" between two characters is a range; first or last it is itself.
          if (body[k + 1] === '-' && k + 2 < body.length) {
            const lo = body.charCodeAt(k);
            const hi = body.charCodeAt(k + 2);
            if (lo > hi) return fail(`range "${body[k]}-${body[k + 2]}" at ${i} runs backwards`);
            ranges.push(lo, hi);
            k += 2;
          } else ranges.push(body.charCodeAt(k), body.charCodeAt(k));
        }
        tokens.push({ kind: 'set', negate, ranges });
        i = close;
      } else if (c === '{') {
        const close = source.indexOf('}', i + 1);
        if (close < 0) return fail(`"{" at ${i} is never closed`);
        const body = source.slice(i + 1, close);
        if (SPECIAL.test(body)) return fail(`"{...}" at ${i} may only hold plain strings separated by commas`);
        tokens.push({ kind: 'alt', options: body.split(',') });
        i = close;
      } else if (c === ']' || c === '}') return fail(`"${c}" at ${i} has no opening bracket`);
      else tokens.push({ kind: 'char', code: source.charCodeAt(i) });
      i++;
    }
    return { ok: true, pattern: new OscPattern(source, tokens) };
  }

  /**
   * Whether the whole address matches. A table of which (token, position) pairs are reachable
   * keeps it linear in each dimension: no backtracking blow-up on patterns like `*a*a*a*b`.
   */
  matches(address: string): boolean {
    const t = this.tokens.length;
    const s = address.length;
    const width = s + 1;
    const size = (t + 1) * width;
    if (this.reach.length < size) this.reach = new Uint8Array(size);
    const reach = this.reach;
    reach.fill(0, 0, size);
    reach[0] = 1;
    for (let ti = 0; ti < t; ti++) {
      const token = this.tokens[ti];
      const row = ti * width;
      const nextRow = row + width;
      for (let si = 0; si <= s; si++) {
        if (!reach[row + si]) continue;
        switch (token.kind) {
          case 'char':
            if (si < s && address.charCodeAt(si) === token.code) reach[nextRow + si + 1] = 1;
            break;
          case 'one':
            if (si < s && address.charCodeAt(si) !== SLASH) reach[nextRow + si + 1] = 1;
            break;
          case 'set':
            if (si < s && address.charCodeAt(si) !== SLASH && inSet(token.ranges, address.charCodeAt(si)) !== token.negate) reach[nextRow + si + 1] = 1;
            break;
          case 'star':
            // Zero or more characters, up to the next "/".
            for (let k = si; ; k++) {
              reach[nextRow + k] = 1;
              if (k >= s || address.charCodeAt(k) === SLASH) break;
            }
            break;
          case 'alt':
            for (const o of token.options) if (address.startsWith(o, si)) reach[nextRow + si + o.length] = 1;
            break;
        }
      }
    }
    return reach[t * width + s] === 1;
  }
}

function inSet(ranges: readonly number[], code: number): boolean {
  for (let r = 0; r < ranges.length; r += 2) if (code >= ranges[r] && code <= ranges[r + 1]) return true;
  return false;
}
