import { describe, expect, it } from 'vitest';
import { freeSavedName, moveScene, nameFromTitle, sceneForKey, stepScene } from '../../src/renderer/src/lib/set-list';
import { scopeRange, tracePoints } from '../../src/renderer/src/lib/scope-trace';
import { SHORTCUTS } from '../../src/renderer/src/lib/shortcuts';
import { VIEWS, viewForKey } from '../../src/renderer/src/lib/views';
import { SAVED_NAME_PATTERN } from '../../src/shared/names';

describe('set list stepping and editing', () => {
  it('steps within the list and stops at its ends; starts at an end when no scene plays', () => {
    expect(stepScene(null, 3, 1)).toBe(0);
    expect(stepScene(null, 3, -1)).toBe(2);
    expect(stepScene(0, 3, 1)).toBe(1);
    expect(stepScene(2, 3, 1)).toBe(2);
    expect(stepScene(0, 3, -1)).toBe(0);
    expect(stepScene(null, 0, 1)).toBeNull();
  });

  it('maps keys 1-9 to scenes 0-8 and nothing else', () => {
    expect(sceneForKey('1')).toBe(0);
    expect(sceneForKey('9')).toBe(8);
    for (const k of ['0', '10', 'a', 'F1', ' ']) expect(sceneForKey(k)).toBeNull();
  });

  it('moves a scene one place, leaving the list unchanged at its ends', () => {
    const s = ['a', 'b', 'c'].map((name) => ({ name, patch: name }));
    expect(moveScene(s, 0, 1).map((x) => x.name)).toEqual(['b', 'a', 'c']);
    expect(moveScene(s, 2, -1).map((x) => x.name)).toEqual(['a', 'c', 'b']);
    expect(moveScene(s, 0, -1).map((x) => x.name)).toEqual(['a', 'b', 'c']);
    expect(moveScene(s, 2, 1).map((x) => x.name)).toEqual(['a', 'b', 'c']);
    expect(s.map((x) => x.name)).toEqual(['a', 'b', 'c']);
  });

  it('makes file names from titles that the backend accepts', () => {
    expect(nameFromTitle('Night Duo #2')).toBe('night-duo-2');
    expect(nameFromTitle('  Café Über  ')).toBe('cafe-uber');
    expect(nameFromTitle('###')).toBe('');
    expect(nameFromTitle('x'.repeat(100))).toHaveLength(64);
    for (const t of ['Night Duo #2', 'Café', 'a_b-c', '--lead--', 'x'.repeat(100)]) {
      const n = nameFromTitle(t);
      expect(n === '' || SAVED_NAME_PATTERN.test(n)).toBe(true);
    }
  });

  it('finds a free name', () => {
    expect(freeSavedName('duo', new Set())).toBe('duo');
    expect(freeSavedName('duo', new Set(['duo', 'duo-2']))).toBe('duo-3');
  });
});

describe('scope traces', () => {
  it('scales to the largest swing, never below the floor', () => {
    expect(scopeRange([0.1, -0.4, 0.2], 0.05)).toBe(0.4);
    expect(scopeRange([0.001, -0.002], 0.05)).toBe(0.05);
  });

  it('spreads the samples across the width, +range at the top and -range at the bottom, clipping beyond', () => {
    const out = new Float32Array(8);
    const n = tracePoints([1, 0, -1, 3], 300, 50, 40, 1, out);
    expect(n).toBe(8);
    expect(Array.from(out)).toEqual([0, 10, 100, 50, 200, 90, 300, 10]);
  });
});

describe('views and shortcuts', () => {
  it('every view has its own key, listed in the help with no key used twice', () => {
    const keys = VIEWS.map((v) => v.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const v of VIEWS) {
      expect(viewForKey(v.key)).toBe(v.id);
      expect(viewForKey(v.key.toUpperCase())).toBe(v.id);
      expect(SHORTCUTS.some((s) => s.does === `Open ${v.label}`)).toBe(true);
    }
    // Keys the app gives other meanings must not open a view.
    for (const k of ['t', '1', '?', '[', ']']) expect(viewForKey(k)).toBeNull();
  });
});
