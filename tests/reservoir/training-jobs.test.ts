import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluckTone } from '../../src/main/reservoir/example-models';
import { loadModel } from '../../src/main/reservoir/model-file';
import { listSounds, TrainingJobs, withTrial } from '../../src/main/reservoir/training-jobs';
import { encodeWavFloat32 } from '../../src/main/wav/wav-file';
import { dispatch, type AxonApi, type TrainingStatus } from '../../src/shared/api';
import { useTempDataDir } from '../support/data-dir';
import { axonErrorOf } from '../support/errors';
import { AxonError } from '../../src/shared/errors';
import { followJob } from '../support/follow-job';

// Training in its own worker thread, as the app runs it: progress, outcome, cancel, refusals.

const DATA = useTempDataDir('training');
const SOUNDS = path.join(DATA, 'sounds');
const MODELS = path.join(DATA, 'models');

beforeAll(() => {
  mkdirSync(SOUNDS, { recursive: true });
  writeFileSync(path.join(SOUNDS, 'pluck.wav'), encodeWavFloat32(pluckTone(0.08, 1), 1, 48000));
  writeFileSync(path.join(SOUNDS, 'silence.wav'), encodeWavFloat32(new Float32Array(4800), 1, 48000));
  writeFileSync(path.join(SOUNDS, 'notes.txt'), 'not a sound');
});

const follow = (jobs: TrainingJobs, job: string, onRunning?: (s: TrainingStatus) => void) => followJob<TrainingStatus>(jobs, job, onRunning);

describe('training jobs', () => {
  const jobs = new TrainingJobs(() => 48000);
  afterAll(() => jobs.close());

  it('lists the .wav files of the sounds folder by name', () => {
    expect(listSounds()).toEqual(['pluck.wav', 'silence.wav']);
  });

  it('trains in a worker with rising progress, then saves the model and reports each grain', async () => {
    const started = jobs.start({ name: 'my-pluck', sounds: ['pluck.wav'], slice: true, neurons: 64 });
    expect(started).toMatchObject({ name: 'my-pluck', state: 'running', fraction: 0 });
    const seen = await follow(jobs, started.job);
    const last = seen[seen.length - 1];
    expect(last.state, JSON.stringify(last.error)).toBe('done');
    const fractions = seen.map((s) => s.fraction);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
    expect(seen.some((s) => s.detail === 'forming conceptors')).toBe(true);
    expect(last.result?.model).toMatchObject({ name: 'my-pluck', origin: 'user', neurons: 64, kind: 'full' });
    const model = loadModel(path.join(MODELS, 'my-pluck.axrm'));
    expect(last.result?.grains).toHaveLength(model.grains.length);
    expect(model.grains.length).toBeGreaterThan(5);
  });

  it('a search reports each trial and keeps the best model', async () => {
    const started = jobs.start({ name: 'searched', sounds: ['pluck.wav'], slice: true, search: { trials: 2, method: 'random' } });
    expect(started.search).toEqual({ trials: 2, done: 0, best: [] });
    const seen = await follow(jobs, started.job);
    const trialEnds = seen.filter((s) => /^trial \d of 2: score/.test(s.detail));
    expect(trialEnds).toHaveLength(2);
    const last = seen[seen.length - 1];
    expect(last.state).toBe('done');
    expect(existsSync(path.join(MODELS, 'searched.axrm'))).toBe(true);
    // The best so far travel with the status, lowest score first, with the settings tried.
    expect(trialEnds.map((s) => s.search?.done)).toEqual([1, 2]);
    const best = last.search?.best ?? [];
    expect(best.map((t) => t.trial).sort()).toEqual([1, 2]);
    expect(best[0].score).toBeLessThanOrEqual(best[1].score);
    expect(trialEnds[0].detail).toBe(`trial 1 of 2: score ${trialEnds[0].search?.best[0].score.toFixed(3)}`);
    for (const t of best) {
      expect([32, 48, 64, 96, 128, 192, 256]).toContain(t.neurons);
      expect(t.spectralRadius).toBeGreaterThanOrEqual(0.5);
      expect(t.leak).toBeGreaterThanOrEqual(0.1);
      expect(t.mfcc).toBeNull();
    }
    // Progress moves within trials too, never backwards.
    const fractions = seen.map((s) => s.fraction);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
  });

  it('keeps the best few trials, lowest score first', () => {
    let search = { trials: 9, done: 0, best: [] as NonNullable<TrainingStatus['search']>['best'] };
    const trial = (n: number, score: number) => ({ trial: n, score, nrmse: score, mfcc: null, neurons: 64, spectralRadius: 1, leak: 0.3, inputScaling: 1, apertureMax: 100 });
    for (const [n, score] of [[1, 0.5], [2, 0.2], [3, 0.9], [4, 0.1], [5, 0.3], [6, 0.2], [7, 0.8]] as const) search = withTrial(search, trial(n, score));
    expect(search.done).toBe(7);
    expect(search.best.map((t) => [t.trial, t.score])).toEqual([[4, 0.1], [2, 0.2], [6, 0.2], [5, 0.3], [1, 0.5]]);
  });

  it('slices at most maxGrains grains', async () => {
    const started = jobs.start({ name: 'eight', sounds: ['pluck.wav'], slice: true, neurons: 32, maxGrains: 8 });
    const last = (await follow(jobs, started.job)).at(-1);
    expect(last?.state, JSON.stringify(last?.error)).toBe('done');
    expect(last?.result?.grains).toHaveLength(8);
    expect(loadModel(path.join(MODELS, 'eight.axrm')).grains).toHaveLength(8);
  });

  it('cancel stops the job; no model is written', async () => {
    const started = jobs.start({ name: 'never', sounds: ['pluck.wav'], slice: true, search: { trials: 50 } });
    let asked = false;
    const seen = await follow(jobs, started.job, () => {
      if (!asked) jobs.cancel(started.job);
      asked = true;
    });
    expect(seen[seen.length - 1]).toMatchObject({ state: 'cancelled' });
    expect(existsSync(path.join(MODELS, 'never.axrm'))).toBe(false);
  });

  it('bad input fails the job with the reason; an earlier model of that name stays', async () => {
    const started = jobs.start({ name: 'my-pluck', sounds: ['silence.wav'] });
    const seen = await follow(jobs, started.job);
    const last = seen[seen.length - 1];
    expect(last.state).toBe('failed');
    expect(last.error?.code).toBe('training_input');
    expect(last.error?.message).toMatch(/silence\.wav is silent$/);
    expect(loadModel(path.join(MODELS, 'my-pluck.axrm')).hyper.neurons).toBe(64);
  });

  it('one job at a time; unknown sounds and jobs are named', async () => {
    const first = jobs.start({ name: 'one', sounds: ['pluck.wav'], slice: true, search: { trials: 50 } });
    expect(axonErrorOf(() => jobs.start({ name: 'two', sounds: ['pluck.wav'] }))).toBe('training_busy: a model ("one") is already training; wait for it or cancel it');
    expect(axonErrorOf(() => jobs.cancel('train-999'))).toBe('training_unknown: no training job "train-999" is running');
    const done = follow(jobs, first.job);
    jobs.cancel(first.job);
    await done;
    expect(axonErrorOf(() => jobs.start({ name: 'two', sounds: ['nowhere.wav'] }))).toBe(`sound_not_found: no sound "nowhere.wav" in ${SOUNDS}`);
  });

  it('the API refuses malformed requests before anything runs', async () => {
    const api = { trainModel: () => Promise.reject(new Error('must not run')) } as unknown as AxonApi;
    const problems = async (request: unknown) => {
      try {
        await dispatch(api, 'trainModel', [request]);
      } catch (err) {
        if (err instanceof AxonError) return err.details;
      }
      return [];
    };
    expect(await problems({ name: '../evil', sounds: ['a.wav'] })).toEqual(['argument 0.name: "../evil" must be a model name (letters, digits, _ and -, at most 64)']);
    expect(await problems({ name: 'ok', sounds: ['../../etc/passwd'] })).toEqual(['argument 0.sounds[0]: "../../etc/passwd" must be the name of a .wav file in the sounds folder']);
    expect(await problems({ name: 'ok', sounds: ['a.wav', 'b.wav'], slice: true })).toEqual(['argument 0.sounds: slice cuts one sound into grains: give exactly one']);
    expect(await problems({ name: 'ok', sounds: ['a.wav'], neurons: 4096 })).toEqual(['argument 0.neurons: 4096 is above the maximum 1024']);
  });
});
