import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeDesign, batchDefaults } from '../../src/main/sinenet/batch';
import { readPack, recreateSound } from '../../src/main/sinenet/pack';
import { SineNetJobs } from '../../src/main/sinenet/sinenet-jobs';
import { decodeWav } from '../../src/main/wav/wav-reader';
import { dispatch, type AxonApi, type SineNetBatchStatus } from '../../src/shared/api';
import { AxonError } from '../../src/shared/errors';
import { axonErrorOf } from '../support/errors';
import { unzip } from '../support/unzip';
import { followJob } from '../support/follow-job';
import { JOB_PRIORITY } from '../../src/main/job-process';
import { gone, priorityProbe, waitGone } from '../reservoir/job-processes';

// Batches of sine nets as the Sine nets view runs them: in a process at a lower priority, sound by
// sound, cancellable, and exported as a pack of the sounds the performer keeps.

const follow = (jobs: SineNetJobs, job: string, onRunning?: (s: SineNetBatchStatus) => void) => followJob<SineNetBatchStatus>(jobs, job, onRunning);

const scratch = mkdtempSync(path.join(os.tmpdir(), 'axon-sinenet-jobs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('sine-net batch jobs', () => {
  const jobs = new SineNetJobs(() => 48000);
  afterAll(() => jobs.close());
  let done: SineNetBatchStatus;

  it('judges each design in a worker, reporting sounds as they come, as the CLI judges them', async () => {
    const started = jobs.start({ count: 8, seed: 1, seconds: 0.5 });
    expect(started).toMatchObject({ state: 'running', count: 8, seed: 1, seconds: 0.5, sampleRate: 48000, sounds: [] });
    expect(jobs.last?.job).toBe(started.job);
    const seen = await follow(jobs, started.job);
    done = seen[seen.length - 1];
    expect(done.state, JSON.stringify(done.error)).toBe('done');
    expect(done.fraction).toBe(1);
    // Sounds arrive one at a time, in order.
    const counts = seen.map((s) => s.sounds.length);
    expect(counts.slice(0, 8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(done.sounds.map((s) => s.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // The same judge as `axon sinenet pack`: design, measures and verdict of each.
    const o = batchDefaults({ count: 8, seed: 1, seconds: 0.5, sampleRate: 48000 });
    for (const s of done.sounds) {
      const direct = judgeDesign(o, s.index - 1);
      expect(s.design).toEqual(direct.design);
      expect(s.verdict).toBe(direct.verdict);
      expect(s.metrics).toEqual(direct.metrics);
    }
    const kept = done.sounds.filter((s) => s.verdict === 'keep');
    expect(kept.length, 'seed 1 keeps several of its first 8').toBeGreaterThanOrEqual(2);
    expect(done.detail).toBe(`${kept.length} of 8 kept`);
  });

  it('exports the chosen sounds as a zip holding a valid pack whose WAVs its designs re-create bit for bit', () => {
    const kept = done.sounds.filter((s) => s.verdict === 'keep').map((s) => s.index);
    const choice = [kept[1], kept[0]];
    const file = jobs.exportPack({ job: done.job, keep: choice });
    expect(file).toMatchObject({ fileName: 'sinenet-pack-seed1.zip', sounds: 2 });
    const bytes = Buffer.from(file.data, 'base64');
    expect(bytes.length).toBe(file.bytes);
    const entries = unzip(bytes);
    const names = [...entries.keys()];
    const wavs = [...choice].sort((a, b) => a - b).map((i) => `sinenet-pack-seed1/sinenet-${String(i).padStart(3, '0')}.wav`);
    expect(names).toEqual(['sinenet-pack-seed1/pack.json', ...wavs]);

    const dir = path.join(scratch, 'export');
    mkdirSync(dir, { recursive: true });
    for (const [name, data] of entries) writeFileSync(path.join(dir, path.basename(name)), data);
    const pack = readPack(dir);
    expect(pack).toMatchObject({ seed: 1, count: 8, sampleRate: 48000, seconds: 0.5, drift: 0 });
    expect(pack.sounds.map((s) => s.index)).toEqual([...choice].sort((a, b) => a - b));
    for (const entry of pack.sounds) {
      expect(entry.verdict).toBe('keep');
      const wav = decodeWav(entries.get(`sinenet-pack-seed1/${entry.file}`) as Buffer, entry.file as string);
      expect(wav.sampleRate).toBe(48000);
      expect(Buffer.from(wav.data[0].buffer).equals(Buffer.from(recreateSound(pack, entry).buffer))).toBe(true);
    }
  });

  it('refuses to export rejected, unknown or no sounds, and batches that are gone', async () => {
    const rejected = done.sounds.find((s) => s.verdict !== 'keep');
    if (rejected) {
      expect(axonErrorOf(() => jobs.exportPack({ job: done.job, keep: [rejected.index] }))).toBe(
        `sinenet_export: cannot export the pack: sound ${rejected.index} was rejected as ${rejected.verdict}: only sounds the judge kept have audio`,
      );
    }
    expect(axonErrorOf(() => jobs.exportPack({ job: done.job, keep: [40] }))).toBe('sinenet_export: cannot export the pack: sound 40 is not in the batch (it has 8 so far)');
    expect(axonErrorOf(() => jobs.exportPack({ job: 'sinenets-99', keep: [1] }))).toBe('sinenet_unknown: no batch of sine nets "sinenets-99" (generate a batch first; only the last one is kept)');
    const api = { exportSineNetPack: () => Promise.reject(new Error('must not run')) } as unknown as AxonApi;
    const problems = async (request: unknown) => {
      try {
        await dispatch(api, 'exportSineNetPack', [request]);
      } catch (err) {
        if (err instanceof AxonError) return err.details;
      }
      return [];
    };
    expect(await problems({ job: done.job, keep: [] })).toEqual(['argument 0.keep: needs at least 1 item']);
  });

  it('cancel stops a batch between sounds; the sounds so far stay and can be exported; one batch at a time', async () => {
    const started = jobs.start({ count: 64, seed: 3, seconds: 2 });
    expect(axonErrorOf(() => jobs.start({ count: 1, seed: 1 }))).toBe('sinenet_busy: a batch of sine nets is already being generated; wait for it or cancel it');
    // The first batch is gone: it cannot be exported any more.
    expect(axonErrorOf(() => jobs.exportPack({ job: done.job, keep: [1] }))).toMatch(/^sinenet_unknown/);
    let asked = false;
    const seen = await follow(jobs, started.job, (s) => {
      if (!asked && s.sounds.length >= 2) {
        asked = true;
        jobs.cancel(started.job);
      }
    });
    const last = seen[seen.length - 1];
    expect(last.state).toBe('cancelled');
    expect(last.sounds.length).toBeGreaterThanOrEqual(2);
    expect(last.sounds.length).toBeLessThan(64);
    expect(last.detail).toBe(`cancelled after ${last.sounds.length} of 64`);
    expect(axonErrorOf(() => jobs.cancel(started.job))).toMatch(/^sinenet_unknown/);
    const keep = last.sounds.filter((s) => s.verdict === 'keep').map((s) => s.index);
    if (keep.length > 0) expect(jobs.exportPack({ job: started.job, keep }).sounds).toBe(keep.length);
  });

  it('runs each batch in a process of its own at the lower priority; one that dies is failed with the reason, its sounds so far kept', async () => {
    const started = jobs.start({ count: 64, seed: 5, seconds: 2 });
    const pid = jobs.pid as number;
    expect(pid).not.toBe(process.pid);
    const probe = priorityProbe(pid, () => process.kill(pid, 'SIGKILL'));
    const seen = await follow(jobs, started.job, probe.onStatus);
    const { nice, threads } = probe;
    expect(nice).toBeGreaterThanOrEqual(JOB_PRIORITY);
    if (threads) expect(threads.every((n) => n >= JOB_PRIORITY)).toBe(true);
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ state: 'failed', detail: 'the batch process stopped (killed by SIGKILL)' });
    expect(last.error).toMatchObject({ code: 'sinenet_batch_failed', message: 'the batch of sine nets failed: the batch process stopped (killed by SIGKILL); generate it again' });
    expect(last.sounds.length).toBeGreaterThanOrEqual(1);
    expect(jobs.running).toBe(false);
    expect(jobs.pid).toBeUndefined();
  });

  it('close ends a running batch and its process, and removes its folder', async () => {
    const before = new Set(readdirSync(os.tmpdir()).filter((f) => f.startsWith('axon-sinenets-')));
    const other = new SineNetJobs(() => 48000);
    other.start({ count: 64, seed: 6, seconds: 2 });
    const pid = other.pid as number;
    const dir = readdirSync(os.tmpdir()).find((f) => f.startsWith('axon-sinenets-') && !before.has(f));
    expect(dir).toBeDefined();
    await other.close();
    expect(gone(pid)).toBe(true);
    expect(existsSync(path.join(os.tmpdir(), dir as string))).toBe(false);
    expect(await waitGone(pid, 100)).toBe(true);
  });

  it('the API refuses malformed batches and designs before anything runs', async () => {
    const api = { generateSineNets: () => Promise.reject(new Error('must not run')), playSineNet: () => Promise.reject(new Error('must not run')) } as unknown as AxonApi;
    const problems = async (method: 'generateSineNets' | 'playSineNet', arg: unknown) => {
      try {
        await dispatch(api, method, [arg]);
      } catch (err) {
        if (err instanceof AxonError) return err.details;
      }
      return [];
    };
    expect(await problems('generateSineNets', { count: 0, seed: 1 })).toEqual(['argument 0.count: 0 is below the minimum 1']);
    expect(await problems('generateSineNets', { count: 65, seed: 1 })).toEqual(['argument 0.count: 65 is above the maximum 64']);
    expect(await problems('generateSineNets', { count: 4, seed: -1 })).toEqual(['argument 0.seed: -1 is below the minimum 0']);
    const design = { seed: 1, length: 8, gap: 4, hidden: [16, 16], weightMin: -0.75, weightMax: 0.75, biasMin: -1, biasMax: 1 };
    expect(await problems('playSineNet', { ...design, gap: 12, length: 16 })).toEqual(['argument 0: gap + length - 1 must be at most 20 (longest lag 2^20 samples), got 27']);
    expect(await problems('playSineNet', { ...design, hidden: [0] })).toEqual(['argument 0.hidden[0]: 0 is below the minimum 1']);
  });
});
