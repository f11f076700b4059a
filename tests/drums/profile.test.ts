import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { drumForNote, GM_DRUMS } from '../../src/main/drums/note-map';
import {
  exportProfile,
  importProfile,
  latencyMs,
  listProfiles,
  parseProfile,
  PROFILE_FORMAT,
  PROFILE_VERSION,
  readProfile,
  saveProfile,
  withTable,
  type DrumProfile,
} from '../../src/main/drums/profile';
import type { StrikeTable } from '../../src/main/drums/protocol/table';
import { AxonError } from '../../src/shared/errors';
import { DRUM_COUNT } from '../../src/shared/events';
import { VIRTUAL_DRUMS } from '../../src/worker/drums/virtual-kit';
import { useTempDataDir } from '../support/data-dir';
import { axonErrorOf } from '../support/errors';

const DATA = useTempDataDir('drum-profiles');

const table: StrikeTable = {
  minIntervalMs: 80,
  points: [
    { velocity: 1, forwardUs: 12000, pauseUs: 6000, backUs: 20000, forwardPwm: 140, backPwm: 180 },
    { velocity: 40, forwardUs: 18000, pauseUs: 6000, backUs: 22000, forwardPwm: 180, backPwm: 180 },
    { velocity: 90, forwardUs: 24000, pauseUs: 7000, backUs: 24000, forwardPwm: 220, backPwm: 200 },
    { velocity: 127, forwardUs: 30000, pauseUs: 8000, backUs: 26000, forwardPwm: 255, backPwm: 220 },
  ],
};

const profile: DrumProfile = {
  format: PROFILE_FORMAT,
  version: PROFILE_VERSION,
  name: 'stage-left',
  drums: [
    { drum: 0, label: 'concert bass drum', table, latency: [{ velocity: 1, ms: 19 }, { velocity: 127, ms: 31 }] },
    { drum: 1, label: 'snare', table },
  ],
  notes: { '60': 0, '62': 1 },
};

describe('note map', () => {
  it('maps General MIDI percussion to the virtual kit order, with a profile overriding it', () => {
    expect(drumForNote(36)).toBe(0);
    expect(drumForNote(38)).toBe(1);
    expect(drumForNote(42)).toBe(4);
    expect(drumForNote(60)).toBeNull();
    expect(drumForNote(60, { 60: 2 })).toBe(2);
    for (const [note, drum] of Object.entries(GM_DRUMS)) {
      expect(drum, `note ${note}`).toBeGreaterThanOrEqual(0);
      expect(drum, `note ${note}`).toBeLessThan(DRUM_COUNT);
    }
    // The names agree with what the kit plays.
    expect(VIRTUAL_DRUMS[drumForNote(46) ?? -1].name).toBe('open hat');
    expect(VIRTUAL_DRUMS[drumForNote(49) ?? -1].name).toBe('crash');
  });
});

describe('drum profiles', () => {
  it('save, list, read back and export as written', () => {
    const file = saveProfile(profile);
    expect(file).toBe(path.join(DATA, 'drums', 'stage-left.json'));
    expect(listProfiles()).toEqual(['stage-left']);
    expect(readProfile('stage-left')).toEqual(profile);
    const out = path.join(DATA, 'exported.json');
    exportProfile('stage-left', out);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(profile);
  });

  it('import keeps a profile from anywhere under its own name', () => {
    const elsewhere = path.join(DATA, 'from-a-friend.json');
    writeFileSync(elsewhere, JSON.stringify({ ...profile, name: 'friends-kit' }));
    expect(importProfile(elsewhere).name).toBe('friends-kit');
    expect(listProfiles()).toEqual(['friends-kit', 'stage-left']);
  });

  it('every problem of a bad profile is named with its place; nothing is saved', () => {
    const bad = {
      ...profile,
      name: 'bad/name',
      drums: [
        { drum: 0, table: { ...table, points: [table.points[1], table.points[0], table.points[2], table.points[3]] } },
        { drum: 0 },
        { drum: 16 },
      ],
      notes: { '200': 1 },
    };
    let err: unknown;
    try {
      parseProfile(JSON.stringify(bad), 'bad.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AxonError);
    const details = (err as AxonError).details;
    expect((err as AxonError).message).toBe(`bad.json is not a valid drum profile (${details.length} problems)`);
    expect(details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^name: "bad\/name" must be a profile name/),
        expect.stringMatching(/^drums\[2\]\.drum: 16 is above the maximum 15/),
        expect.stringMatching(/^notes\.200: /),
      ]),
    );
    expect(axonErrorOf(() => parseProfile('{', 'x.json'))).toMatch(/^drum_profile_invalid: x\.json is not a valid drum profile \(1 problem\)/);
    const unordered = { ...profile, drums: [{ drum: 0, table: { ...table, points: [table.points[1], table.points[0], table.points[2], table.points[3]] } }, { drum: 0 }] };
    expect(() => parseProfile(JSON.stringify(unordered), 'u.json')).toThrow(/not a valid drum profile \(2 problems\)/);
    expect(axonErrorOf(() => readProfile('nope'))).toBe(`drum_profile_not_found: no drum profile "nope" in ${path.join(DATA, 'drums')}`);
    expect(listProfiles()).not.toContain('bad');
  });

  it('latency: the measured curve interpolated; unmeasured, the forward time plus a little', () => {
    expect(latencyMs(profile.drums[0], 1)).toBe(19);
    expect(latencyMs(profile.drums[0], 64)).toBeCloseTo(25, 9);
    expect(latencyMs(profile.drums[0], 127)).toBe(31);
    expect(latencyMs(profile.drums[1], 40)).toBeCloseTo(18 + 2, 9);
    expect(latencyMs(profile.drums[1], 65)).toBeCloseTo(21 + 2, 9);
    expect(latencyMs(undefined, 100)).toBe(0);
  });

  it('a calibrated table replaces the old one and keeps the rest of the drum', () => {
    const tuned = { ...table, minIntervalMs: 70 };
    const next = withTable(profile, 0, tuned, [{ velocity: 64, ms: 22 }]);
    expect(next.drums[0]).toEqual({ drum: 0, label: 'concert bass drum', table: tuned, latency: [{ velocity: 64, ms: 22 }] });
    expect(withTable(profile, 3, tuned).drums.map((d) => d.drum)).toEqual([0, 1, 3]);
  });
});
