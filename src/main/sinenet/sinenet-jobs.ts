import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SineNetBatchRequest, SineNetBatchStatus, SineNetExport, SineNetPackFile } from '../../shared/api';
import { axonError, toErrorPayload } from '../../shared/errors';
import type { Hertz } from '../../shared/units';
import { JobProcess, removeTempFiles } from '../job-process';
import { zipStored } from '../zip';
import type { BatchOptions } from './batch';
import { makePack, packFileName, packJson, PACK_FILE, type SineNetPackEntry } from './pack';
import type { SineNetMessage, SineNetTask } from './sinenet-messages';

/** Seconds of each sound when a request does not say (as `axon sinenet pack`). */
export const DEFAULT_SINENET_SECONDS = 2;

interface Batch {
  status: SineNetBatchStatus;
  options: BatchOptions;
  dir: string;
  /** The batch's process while it runs. */
  proc: JobProcess<SineNetMessage> | null;
}

/**
 * Batches of sine nets for the Sine nets view, one at a time, each in a process at a lower CPU
 * priority than the app (see job-process.ts) that writes a pack into a temporary folder (the
 * sounds judged "keep" as WAVs). The last batch stays until the next one starts, so its sounds
 * can be played and exported as a pack of the ones the performer keeps. Emits a `status` for
 * every change. Main-thread only.
 */
export class SineNetJobs extends EventEmitter<{ status: [SineNetBatchStatus] }> {
  private batch: Batch | null = null;
  private counter = 0;

  /** The engine's rate, asked at each batch (it changes when the engine restarts at another). */
  constructor(private readonly rate: () => Hertz) {
    super();
  }

  get running(): boolean {
    return this.batch?.status.state === 'running';
  }

  get last(): SineNetBatchStatus | null {
    return this.batch ? this.snapshot(this.batch.status) : null;
  }

  start(request: SineNetBatchRequest): SineNetBatchStatus {
    if (this.batch?.status.state === 'running') throw axonError('sinenet_busy');
    this.dropBatch();
    const options: BatchOptions = { count: request.count, seed: request.seed, seconds: request.seconds ?? DEFAULT_SINENET_SECONDS, sampleRate: this.rate() };
    let dir: string;
    try {
      dir = mkdtempSync(path.join(os.tmpdir(), 'axon-sinenets-'));
    } catch (err) {
      throw axonError('file_write', os.tmpdir(), err instanceof Error ? err.message : String(err));
    }
    const task: Omit<SineNetTask, 'cancel'> = { options, dir };
    const proc = new JobProcess<SineNetMessage>(__dirname, 'sinenet-worker', './sinenet-worker.ts', task);
    const status: SineNetBatchStatus = {
      job: `sinenets-${++this.counter}`,
      state: 'running',
      fraction: 0,
      detail: `generating ${request.count} sine net${request.count === 1 ? '' : 's'}`,
      seed: options.seed,
      count: options.count,
      seconds: options.seconds,
      sampleRate: options.sampleRate,
      sounds: [],
    };
    const batch: Batch = { status, options, dir, proc };
    this.batch = batch;
    const update = (change: Partial<SineNetBatchStatus>) => {
      if (this.batch !== batch) return;
      Object.assign(status, change);
      this.emit('status', this.snapshot(status));
    };
    const finish = (change: Partial<SineNetBatchStatus>) => {
      if (batch.proc === null) return;
      batch.proc = null;
      update(change);
      void proc.close();
    };
    const cancelled = () => finish({ state: 'cancelled', detail: `cancelled after ${status.sounds.length} of ${status.count}` });
    proc.on('message', (m) => {
      if (m.type === 'sound') {
        const sounds = [...status.sounds, m.sound];
        const kept = sounds.filter((s) => s.verdict === 'keep').length;
        update({ sounds, fraction: sounds.length / status.count, detail: `${sounds.length} of ${status.count} judged, ${kept} kept` });
      } else if (m.type === 'done') finish({ state: 'done', fraction: 1, detail: `${status.sounds.filter((s) => s.verdict === 'keep').length} of ${status.count} kept` });
      else if (m.type === 'cancelled') cancelled();
      else finish({ state: 'failed', detail: m.error.message, error: m.error });
    });
    const failed = (reason: string) => finish({ state: 'failed', detail: reason, error: toErrorPayload(axonError('sinenet_batch_failed', reason)) });
    proc.on('crash', (message) => failed(`the batch thread failed: ${message}`));
    proc.on('end', (end) => {
      // Killed or crashed mid-write, it leaves a temporary file; the sounds reported are whole.
      removeTempFiles(dir, proc.pid);
      if (end.cancelled) cancelled();
      else failed(`the batch process stopped (${end.how})`);
    });
    return this.snapshot(status);
  }

  /** Asks the running batch to stop after the sound it is on; the sounds so far stay. */
  cancel(job: string): void {
    const b = this.batch;
    if (!b || b.status.job !== job || b.status.state !== 'running') throw axonError('sinenet_unknown', job);
    b.proc?.cancel();
  }

  /**
   * The chosen sounds of the last batch as a pack in a zip: a folder holding pack.json (their
   * designs, seeds and measures, as `axon sinenet pack` writes it) and their WAVs.
   */
  exportPack(request: SineNetExport): SineNetPackFile {
    const b = this.batch;
    if (!b || b.status.job !== request.job) throw axonError('sinenet_unknown', request.job);
    const indices = [...new Set(request.keep)].sort((x, y) => x - y);
    const entries: SineNetPackEntry[] = indices.map((index) => {
      const s = b.status.sounds.find((x) => x.index === index);
      if (!s) throw axonError('sinenet_export', `sound ${index} is not in the batch (it has ${b.status.sounds.length} so far)`);
      if (s.verdict !== 'keep') throw axonError('sinenet_export', `sound ${index} was rejected as ${s.verdict}: only sounds the judge kept have audio`);
      return { index, seed: s.design.seed, design: s.design, metrics: s.metrics, verdict: s.verdict, file: packFileName(index) };
    });
    const folder = `sinenet-pack-seed${b.options.seed}`;
    const files = entries.map((e) => {
      const file = path.join(b.dir, e.file as string);
      try {
        return { name: `${folder}/${e.file}`, data: readFileSync(file) };
      } catch (err) {
        throw axonError('sinenet_export', `the sound file of ${e.index} cannot be read (${err instanceof Error ? err.message : String(err)}); generate the batch again`);
      }
    });
    const json = Buffer.from(packJson(makePack(b.options, entries)), 'utf8');
    const zip = zipStored([{ name: `${folder}/${PACK_FILE}`, data: json }, ...files]);
    return { fileName: `${folder}.zip`, data: zip.toString('base64'), bytes: zip.length, sounds: entries.length };
  }

  private snapshot(s: SineNetBatchStatus): SineNetBatchStatus {
    return { ...s, sounds: [...s.sounds] };
  }

  /** The running batch's process id (diagnostics and tests). */
  get pid(): number | undefined {
    return this.batch?.proc?.pid;
  }

  /** Ends the last batch's process (if any) and removes its folder. */
  private dropBatch(): void {
    const b = this.batch;
    this.batch = null;
    if (!b) return;
    const proc = b.proc;
    b.proc = null;
    if (proc) void proc.close().finally(() => rmSync(b.dir, { recursive: true, force: true }));
    else rmSync(b.dir, { recursive: true, force: true });
  }

  async close(): Promise<void> {
    const b = this.batch;
    this.batch = null;
    if (!b) return;
    const proc = b.proc;
    b.proc = null;
    if (proc) await proc.close();
    rmSync(b.dir, { recursive: true, force: true });
  }
}
