import { describe, expect, it } from 'vitest';
import { isOscPattern, MAX_PATTERN_LENGTH, OscPattern } from '../../src/main/osc/osc-pattern';

// OSC 1.0 address pattern matching, as a table: pattern, address, matches?

function compiled(pattern: string): OscPattern {
  const r = OscPattern.compile(pattern);
  if (!r.ok) throw new Error(r.error.message);
  return r.pattern;
}

describe('address patterns', () => {
  it.each([
    ['/a/b', '/a/b', true],
    ['/a/b', '/a/bc', false],
    ['/a/?', '/a/b', true],
    ['/a/?', '/a/', false],
    ['/a/??', '/a/b', false],
    ['/a?b', '/a/b', false], // "?" never matches "/"
    ['/a/*', '/a/', true], // "*" matches nothing, too
    ['/a/*', '/a/anything', true],
    ['/a/*', '/a/b/c', false], // ... but never crosses a "/"
    ['/*/b', '/x/b', true],
    ['/a/*c', '/a/abc', true],
    ['/a/*c', '/a/abd', false],
    ['/a/*b*', '/a/abc', true],
    ['/a/**', '/a/b', true],
    ['/a/[bc]', '/a/c', true],
    ['/a/[bc]', '/a/d', false],
    ['/a/[a-c]x', '/a/bx', true],
    ['/a/[a-c]x', '/a/dx', false],
    ['/a/[!a-c]', '/a/d', true],
    ['/a/[!a-c]', '/a/b', false],
    ['/a/[!a]', '/a//', false], // a negated set still never matches "/"
    ['/a/[-z]', '/a/-', true], // "-" first is itself
    ['/a/[z-]', '/a/-', true], // ... and last
    ['/a/[0-9][0-9]', '/a/42', true],
    ['/a/{foo,bar}', '/a/bar', true],
    ['/a/{foo,bar}', '/a/baz', false],
    ['/a/{foo,bar}x', '/a/foox', true],
    ['/a/{,x}y', '/a/y', true], // an empty option
    ['/a/{b/c,d}', '/a/b/c', true], // an option may hold a literal "/"
    ['/axon/param/neurons/a/w/*', '/axon/param/neurons/a/w/x', true],
    ['/axon/param/neurons/a/w/*', '/axon/param/neurons/a/w/x/lfoRate', false],
    ['/axon/param/neurons/[ab]/bias', '/axon/param/neurons/b/bias', true],
    ['/axon/*/voice/cutoff', '/axon/param/voice/cutoff', true],
  ])('%s vs %s: %s', (pattern, address, expected) => {
    expect(compiled(pattern).matches(address)).toBe(expected);
  });

  it('tells patterns from plain addresses', () => {
    expect(['/a/*', '/a/?', '/a/[b]', '/a/{b}'].map(isOscPattern)).toEqual([true, true, true, true]);
    expect(isOscPattern('/axon/param/neurons.a.bias')).toBe(false);
  });

  it.each([
    ['/a/[bc', '"[" at 3 is never closed'],
    ['/a/{b,c', '"{" at 3 is never closed'],
    ['/a/[]', 'empty character set at 3'],
    ['/a/[!]', 'empty character set at 3'],
    ['/a/[z-a]', 'range "z-a" at 3 runs backwards'],
    ['/a/{b,*}', '"{...}" at 3 may only hold plain strings separated by commas'],
    ['/a/b]', '"]" at 4 has no opening bracket'],
    ['/a/b}', '"}" at 4 has no opening bracket'],
  ])('refuses %s: %s', (pattern, problem) => {
    const r = OscPattern.compile(pattern);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('osc_pattern');
      expect(r.error.message).toBe(`bad OSC address pattern "${pattern}": ${problem}`);
    }
  });

  it('refuses over-long patterns and stays fast on star-heavy ones', () => {
    expect(OscPattern.compile('/' + 'a'.repeat(MAX_PATTERN_LENGTH)).ok).toBe(false);
    // Exponential for a backtracking matcher; a table makes it pattern length x address length.
    const p = compiled('/' + '*a'.repeat(60) + 'b');
    const address = '/' + 'a'.repeat(200);
    const start = performance.now();
    expect(p.matches(address)).toBe(false);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
