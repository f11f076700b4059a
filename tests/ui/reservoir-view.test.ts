import { describe, expect, it } from 'vitest';
import type { EngineState, ModelInfo } from '../../src/shared/api';
import { base64ToBytes, bytesToBase64 } from '../../src/renderer/src/lib/base64';
import {
  canDerive,
  conceptorNames,
  controlsFromPad,
  dropLastDerived,
  effectiveMorphSet,
  freeName,
  grainMarks,
  grainQuality,
  grainSpan,
  modelNameFor,
  nrmseBar,
  padFromControls,
  playingReservoir,
  soundNameFor,
  toggleInSet,
} from '../../src/renderer/src/lib/reservoir-view';
import { SOUND_NAME_PATTERN } from '../../src/shared/api';
import { MODEL_NAME_PATTERN, type Patch } from '../../src/shared/patch/schema';

describe('the playing reservoir', () => {
  const state = (patch: Partial<Patch>) => ({ patch: { format: 'axon-patch', version: 1, name: 'p', neurons: [], ...patch } }) as unknown as EngineState;

  it('is the first reservoir source of the patch, or none', () => {
    expect(playingReservoir(null)).toBeNull();
    expect(playingReservoir(state({ sources: [{ id: 'o', type: 'oscillator', shape: 'sine' }] }))).toBeNull();
    const r = playingReservoir(state({ sources: [{ id: 'o', type: 'oscillator', shape: 'sine' }, { id: 'res', type: 'reservoir', model: 'pluck', morphSet: [0, 3] }] }));
    expect(r).toMatchObject({ id: 'res', model: 'pluck', morphSet: [0, 3] });
  });
});

describe('conceptor names', () => {
  it('names grains by index and derived conceptors by their expression', () => {
    const names = conceptorNames(4, [
      { op: 'or', a: 0, b: 3 },
      { op: 'not', a: 4 },
      { op: 'and', a: 5, b: 1 },
      { op: 'aperture', a: 2, factor: 2 },
      { op: 'not', a: 7 },
    ]);
    expect(names).toEqual(['#0', '#1', '#2', '#3', '#0 OR #3', 'NOT (#0 OR #3)', 'NOT (#0 OR #3) AND #1', '#2 aperture ×2', 'NOT (#2 aperture ×2)']);
  });

  it('checks a combination has room and operands that exist', () => {
    expect(canDerive(4, [], { op: 'or', a: 0, b: 3 })).toBe(true);
    expect(canDerive(4, [], { op: 'or', a: 0, b: 4 })).toBe(false);
    expect(canDerive(4, [{ op: 'not', a: 0 }], { op: 'not', a: 4 })).toBe(true);
    expect(canDerive(4, [], { op: 'not', a: -1 })).toBe(false);
    const full = Array.from({ length: 16 }, () => ({ op: 'not' as const, a: 0 }));
    expect(canDerive(4, full, { op: 'not', a: 0 })).toBe(false);
  });
});

describe('the morph set', () => {
  it('defaults to the first and last grain, as the engine plays it', () => {
    expect(effectiveMorphSet(undefined, 16)).toEqual([0, 15]);
    expect(effectiveMorphSet(null, 1)).toEqual([0]);
    expect(effectiveMorphSet([3, 16], 16)).toEqual([3, 16]);
  });

  it('toggles a conceptor at the end, keeps one at least and eight at most', () => {
    expect(toggleInSet([0, 15], 4)).toEqual([0, 15, 4]);
    expect(toggleInSet([0, 15, 4], 15)).toEqual([0, 4]);
    expect(toggleInSet([7], 7)).toEqual([7]);
    expect(toggleInSet([0, 1, 2, 3, 4, 5, 6, 7], 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('undoing the last combination takes it out of the morph set too', () => {
    expect(dropLastDerived(4, [{ op: 'not', a: 0 }, { op: 'or', a: 0, b: 1 }], [0, 5, 3])).toEqual({ derive: [{ op: 'not', a: 0 }], morphSet: [0, 3] });
    expect(dropLastDerived(4, [{ op: 'not', a: 0 }], [4])).toEqual({ derive: [], morphSet: [0, 3] });
    expect(dropLastDerived(4, [], [1, 2])).toEqual({ derive: [], morphSet: [1, 2] });
  });
});

describe('the morph pad', () => {
  it('maps x to morph and y to position, 0..1 each, and back', () => {
    expect(controlsFromPad(-1, -1)).toEqual({ morph: 0, position: 0 });
    expect(controlsFromPad(1, 1)).toEqual({ morph: 1, position: 1 });
    expect(controlsFromPad(0, 0.5)).toEqual({ morph: 0.5, position: 0.75 });
    expect(controlsFromPad(NaN, 3)).toEqual({ morph: 0, position: 1 });
    for (const [m, p] of [[0, 0], [0.25, 0.9], [1, 0.5]]) {
      const xy = padFromControls(m, p);
      expect(controlsFromPad(xy.x, xy.y)).toEqual({ morph: m, position: p });
    }
  });
});

describe('grain quality', () => {
  it('sorts NRMSE into good, fair (still sustains), poor and failed', () => {
    expect([0.03, 0.1, 0.5, 0.95, null, Infinity].map(grainQuality)).toEqual(['good', 'fair', 'fair', 'poor', 'failed', 'failed']);
  });

  it('draws NRMSE bars on a log scale, never empty', () => {
    expect(nrmseBar(0.0001)).toBe(0.02);
    expect(nrmseBar(2)).toBeCloseTo(1, 9);
    expect(nrmseBar(0.1)).toBeGreaterThan(nrmseBar(0.01));
    expect(nrmseBar(0.1)).toBeLessThan(nrmseBar(1));
    expect(nrmseBar(null)).toBe(1);
  });
});

describe('names for uploads and models', () => {
  it('makes a browser file name into a sound name the API takes', () => {
    for (const [file, name] of [
      ['pluck.wav', 'pluck.wav'],
      ['Take 3 (final).WAV', 'Take 3 (final).wav'],
      ['C:\\fakepath\\kick.wav', 'kick.wav'],
      ['ümlaut?.wav', 'mlaut_.wav'],
      ['...', 'sound.wav'],
      [`${'x'.repeat(200)}.wav`, `${'x'.repeat(96)}.wav`],
    ]) {
      expect(soundNameFor(file)).toBe(name);
      expect(SOUND_NAME_PATTERN.test(soundNameFor(file))).toBe(true);
    }
  });

  it('finds a free name without losing the extension', () => {
    expect(freeName('a.wav', ['b.wav'])).toBe('a.wav');
    expect(freeName('a.wav', ['A.WAV', 'a (2).wav'])).toBe('a (3).wav');
  });

  it('suggests a model name from the sound, free among the user models', () => {
    const model = (name: string, origin: 'user' | 'example'): ModelInfo => ({ name, origin, neurons: 64, kind: 'full', grains: 4, sampleRate: 48000, medianNrmse: 0.1 });
    expect(modelNameFor('Take 3 (final).wav', [])).toBe('Take-3-final');
    expect(modelNameFor('pluck.wav', [model('pluck', 'example')])).toBe('pluck');
    expect(modelNameFor('pluck.wav', [model('pluck', 'user'), model('pluck-2', 'user')])).toBe('pluck-3');
    expect(modelNameFor('((.wav', [])).toBe('model');
    expect(MODEL_NAME_PATTERN.test(modelNameFor(`${'a'.repeat(100)}.wav`, []))).toBe(true);
  });
});

describe('waveform geometry', () => {
  const grains: [number, number][] = [
    [0.01, 0.02],
    [0.02, 0.03],
    [0.03, 0.05],
  ];

  it('zooms to the grains with a small margin, within the sound', () => {
    const s = grainSpan(grains, 1);
    expect(s?.from).toBeCloseTo(0.0084, 9);
    expect(s?.to).toBeCloseTo(0.0516, 9);
    expect(grainSpan([[0, 0.5]], 0.5)).toEqual({ from: 0, to: 0.5 });
    expect(grainSpan([], 1)).toBeNull();
  });

  it('places a mark at every cut in view', () => {
    expect(grainMarks(grains, 0, 0.1, 1000).map(Math.round)).toEqual([100, 200, 300, 500]);
    expect(grainMarks(grains, 0.025, 0.1, 750).map(Math.round)).toEqual([50, 250]);
    expect(grainMarks(grains, 0.1, 0.1, 100)).toEqual([]);
  });
});

describe('base64', () => {
  it('round-trips bytes as Node encodes them, in large pieces too', () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 37) % 256);
    const text = bytesToBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString('base64'));
    expect(Buffer.from(base64ToBytes(text)).equals(Buffer.from(bytes))).toBe(true);
    expect(bytesToBase64(new Uint8Array(0))).toBe('');
  });
});
