import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
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
import { CANCEL_GRACE_MS, JOB_PRIORITY } from '../../src/main/job-process';
import { gone, priorityProbe, waitGone } from './job-processes';

// Training in its own process at a lower priority, as the app runs it: progress, outcome, cancel,
// refusals, and what happens when that process stalls, dies, or outlives the app.

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

  it('a job whose process dies is reported failed with the reason; what it was writing never replaces the saved model', async () => {
    const file = path.join(MODELS, 'my-pluck.axrm');
    const saved = readFileSync(file);
    const started = jobs.start({ name: 'my-pluck', sounds: ['pluck.wav'], slice: true, search: { trials: 50 } });
    const pid = jobs.pid as number;
    // What writeFileAtomic would leave if the process died mid-write.
    const partial = path.join(MODELS, `.my-pluck.axrm.${pid}.tmp`);
    let killed = false;
    const seen = await follow(jobs, started.job, () => {
      if (killed) return;
      killed = true;
      writeFileSync(partial, 'AXRM, half of it');
      process.kill(pid, 'SIGKILL');
    });
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ state: 'failed', detail: 'the training process stopped (killed by SIGKILL)' });
    expect(last.error).toMatchObject({ code: 'training_failed', message: 'training failed: the training process stopped (killed by SIGKILL)' });
    expect(readFileSync(file).equals(saved)).toBe(true);
    expect(existsSync(partial)).toBe(false);
    expect(jobs.running).toBe(false);
  });

  it('runs each job in a process of its own, every thread of it at the lower priority', async () => {
    const started = jobs.start({ name: 'low', sounds: ['pluck.wav'], slice: true, search: { trials: 50 } });
    const pid = jobs.pid as number;
    expect(pid).toBeTypeOf('number');
    expect(pid).not.toBe(process.pid);
    const probe = priorityProbe(pid, () => jobs.cancel(started.job));
    const seen = await follow(jobs, started.job, probe.onStatus);
    const { nice, threads } = probe;
    expect(seen[seen.length - 1].state).toBe('cancelled');
    expect(nice).toBeGreaterThanOrEqual(JOB_PRIORITY);
    expect(os.getPriority()).toBeLessThan(JOB_PRIORITY);
    if (threads) {
      console.log(`job process ${pid}: ${threads.length} threads, nice ${[...new Set(threads)].join(', ')}`);
      expect(threads.every((n) => n >= JOB_PRIORITY)).toBe(true);
    }
    expect(await waitGone(pid, 5000)).toBe(true);
    expect(jobs.pid).toBeUndefined();
  });

  it.skipIf(process.platform === 'win32')('a job that does not stop when asked is killed after a grace time and reported cancelled', async () => {
    const started = jobs.start({ name: 'stuck', sounds: ['pluck.wav'], slice: true, search: { trials: 50 } });
    const pid = jobs.pid as number;
    let asked = 0;
    const seen = await follow(jobs, started.job, () => {
      if (asked) return;
      // Stopped, it cannot see the cancel flag.
      process.kill(pid, 'SIGSTOP');
      jobs.cancel(started.job);
      asked = performance.now();
    });
    expect(seen[seen.length - 1]).toMatchObject({ state: 'cancelled', detail: 'cancelled' });
    expect(performance.now() - asked).toBeGreaterThanOrEqual(CANCEL_GRACE_MS - 50);
    expect(await waitGone(pid, 5000)).toBe(true);
    expect(existsSync(path.join(MODELS, 'stuck.axrm'))).toBe(false);
  });

  it('close ends the running job and its process', async () => {
    const other = new TrainingJobs(() => 48000);
    const started = other.start({ name: 'closing', sounds: ['pluck.wav'], slice: true, search: { trials: 50 } });
    const pid = other.pid as number;
    await new Promise<void>((resolve) => other.once('status', () => resolve()));
    await other.close();
    expect(gone(pid)).toBe(true);
    expect(other.running).toBe(false);
    expect(axonErrorOf(() => other.cancel(started.job))).toMatch(/^training_unknown/);
  });

  it('the job process ends when the app dies (its channel closes)', async () => {
    const source = path.resolve('src/main/reservoir/training-jobs.ts');
    const script = `
      const { TrainingJobs } = require(${JSON.stringify(source)});
      const jobs = new TrainingJobs(() => 48000);
      jobs.on('status', () => process.stdout.write('job ' + jobs.pid + '\\n'));
      jobs.start({ name: 'orphan', sounds: ['pluck.wav'], slice: true, search: { trials: 50 } });
    `;
    const app = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], { env: { ...process.env, AXON_DATA_DIR: DATA }, stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      app.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^job (\d+)$/m.exec(out);
        if (m) resolve(Number(m[1]));
      });
      app.once('exit', (code) => reject(new Error(`the app ended first (exit ${code}): ${out}`)));
    });
    expect(gone(pid)).toBe(false);
    app.kill('SIGKILL');
    expect(await waitGone(pid, 5000)).toBe(true);
    expect(existsSync(path.join(MODELS, 'orphan.axrm'))).toBe(false);
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
