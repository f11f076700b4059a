import { describe, expect, it } from 'vitest';
import type { SineNetSound } from '../../src/shared/api';
import { choose, describeDesign, keptForPack, levelDb, rejectedSummary, sizeText } from '../../src/renderer/src/lib/sinenets-view';
import { SINENET_DEFAULT, type SineNetVerdict } from '../../src/shared/sinenet-design';

const sound = (index: number, verdict: SineNetVerdict): SineNetSound => ({
  index,
  verdict,
  design: { ...SINENET_DEFAULT, seed: index },
  metrics: { rms: 0.1, dc: 0, acRms: 0.1, flatness: 0.1, zcrVariation: 0.2, lateRms: 0.1 },
});

describe('sine-net designs in words', () => {
  it('tells inputs, lags, layers and ranges', () => {
    expect(describeDesign(SINENET_DEFAULT)).toBe('8 in · lags 16–2048 · hidden 16·16 · w ±0.75 · b ±1');
    expect(describeDesign({ ...SINENET_DEFAULT, length: 1, gap: 0, hidden: [], weightMin: 0, weightMax: 2 })).toBe('1 in · lag 1 · no hidden layer · w 0..2 · b ±1');
  });

  it('shows levels in dB at a fixed width', () => {
    expect(levelDb(1)).toBe('  0.0 dB');
    expect(levelDb(0.1)).toBe('−20.0 dB');
    expect(levelDb(0)).toBe('   −∞ dB');
    expect(new Set([levelDb(1), levelDb(0.1), levelDb(0), levelDb(0.5)].map((t) => t.length)).size).toBe(1);
  });

  it('shows sizes', () => {
    expect(sizeText(820_400)).toBe('820 kB');
    expect(sizeText(3_420_000)).toBe('3.4 MB');
    expect(sizeText(12)).toBe('1 kB');
  });
});

describe('keeping and discarding', () => {
  const sounds = [sound(1, 'keep'), sound(2, 'noise'), sound(3, 'keep'), sound(4, 'keep'), sound(5, 'dc'), sound(6, 'noise')];

  it('sets a choice, and choosing it again clears it', () => {
    let c = choose({}, 1, 'keep');
    c = choose(c, 3, 'discard');
    expect(c).toEqual({ 1: 'keep', 3: 'discard' });
    c = choose(c, 3, 'keep');
    expect(c).toEqual({ 1: 'keep', 3: 'keep' });
    expect(choose(c, 1, 'keep')).toEqual({ 3: 'keep' });
  });

  it('packs only kept sounds the judge kept, in batch order', () => {
    expect(keptForPack(sounds, { 4: 'keep', 1: 'keep', 2: 'keep', 3: 'discard' })).toEqual([1, 4]);
    expect(keptForPack(sounds, {})).toEqual([]);
  });

  it('sums up what the judge rejected, by reason', () => {
    expect(rejectedSummary(sounds)).toBe('dc 1, noise 2');
    expect(rejectedSummary([sound(1, 'keep')])).toBe('none');
  });
});
