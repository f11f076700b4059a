import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Notice, SineNetBatchStatus, TrainingStatus, TrainRequest } from '../../shared/api';
import { T_LOAD } from '../../shared/telemetry';
import type { AudioOutputChoice } from '../../shared/worker-messages';
import { Backend } from '../backend';
import { pluckTone } from '../reservoir/example-models';
import { userModelsDir } from '../reservoir/model-library';
import { encodeWavFloat32 } from '../wav/wav-file';
import { workerEntry } from '../worker-entry';
import { dense16Patch } from './bench-cases';

// The engine's deadlines while a background job (a reservoir search, a training, a sine-net
// batch) runs beside it: a real backend plays the 16-neuron patch, optionally next to busy
// processes standing in for the UI. Two ways:
// - benchJobs: a quiet spell, the job as the app runs it (backend.trainModel, generateSineNets)
//   to its end, quiet again. Runs on any version of the code: compare before and after a change.
// - benchJobsAlternating: rounds of short spells, in turn without a job, with a search in a
//   worker thread of this process at normal priority (as the jobs ran before they had a process
//   of their own), and with the search as the app runs it now; each spell ends with a cancel. The
//   three share the machine's other work, which on a shared machine swamps one run's figures.

export type JobsBenchJob = 'search' | 'train' | 'sinenets';
export type JobsBenchOutput = 'clock' | 'jack';

export interface JobsBenchSetup {
  /** Busy processes (at normal priority) beside the engine, standing in for the UI. */
  load?: number;
  /** `own`: each busy process in a session of its own, as a browser or another app (the browser tests' Chromium); `same`: in this one, as a child of the app. */
  loadSession?: 'own' | 'same';
  output?: JobsBenchOutput;
}

export interface JobsBenchOptions extends JobsBenchSetup {
  job?: JobsBenchJob;
  /** Search trials (search only). */
  trials?: number;
  /** The quiet spell without the job, in seconds: half before it, half after. */
  quietSeconds?: number;
}

export interface SpellFigures {
  seconds: number;
  underruns: number;
  underrunsPerMinute: number;
  /** Render time over audio time, highest of the engine's 0.25 s windows seen (1 = a whole core). */
  worstLoad: number;
  meanLoad: number;
}

interface Machine {
  load: number;
  loadSession: 'own' | 'same';
  sink: string;
  device: string;
  cores: number;
  /** The machine's 1-minute load average when the run started (other work on it skews the figures). */
  loadAverage: number;
}

export interface JobsBenchResult extends Machine {
  job: JobsBenchJob;
  trials: number | null;
  /** Without the job: a spell before it and one as long after it (the machine's other work changes over a run). */
  quiet: SpellFigures;
  during: SpellFigures;
  jobSeconds: number;
  jobState: string;
  /** The job's nice value as the OS saw it (Linux: its process, or the highest of this process's threads; null when not known). */
  jobNice: number | null;
}

export type AlternatingSpell = 'none' | 'thread' | 'process';

export interface JobsBenchAlternatingResult extends Machine {
  rounds: number;
  spellSeconds: number;
  /** Each kind of spell over all rounds. */
  spells: Record<AlternatingSpell, SpellFigures>;
  /** Underruns of each spell, round by round. */
  perRound: Record<AlternatingSpell, number>[];
  /** Search trials finished per minute in the spells with a job (how fast the job moves). */
  trialsPerMinute: { thread: number; process: number };
}

const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Render-load samples and the underrun count over the stretches of one spell. */
class Spell {
  private readonly loads: number[] = [];
  private ms = 0;
  private underruns = 0;
  private from: { t: number; u: number } | null = null;
  constructor(private readonly backend: Backend) {}
  start(): void {
    this.from = { t: performance.now(), u: this.backend.engine.underruns };
  }
  /** Ends a stretch; returns its underruns. */
  stop(): number {
    if (!this.from) return 0;
    const underruns = this.backend.engine.underruns - this.from.u;
    this.ms += performance.now() - this.from.t;
    this.underruns += underruns;
    this.from = null;
    return underruns;
  }
  sample(words: Float64Array): void {
    if (this.from) this.loads.push(words[T_LOAD]);
  }
  figures(): SpellFigures {
    const loads = this.loads.length ? this.loads : [0];
    return {
      seconds: round(this.ms / 1000, 2),
      underruns: this.underruns,
      underrunsPerMinute: round((this.underruns / Math.max(this.ms, 1)) * 60_000, 1),
      worstLoad: round(Math.max(...loads)),
      meanLoad: round(loads.reduce((s, v) => s + v, 0) / loads.length),
    };
  }
}

/**
 * The nice value of the job on Linux: a child process of this one running a job entry, else the
 * highest among this process's threads (worker threads are not named). Null elsewhere.
 */
function jobNice(): number | null {
  if (process.platform !== 'linux') return null;
  const fields = (stat: string) => stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  try {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (Number(fields(stat)[1]) !== process.pid) continue;
        if (/(training|sinenet)-worker/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) return Number(fields(stat)[16]);
      } catch {
        // Gone meanwhile.
      }
    }
    return Math.max(...readdirSync(`/proc/${process.pid}/task`).map((t) => Number(fields(readFileSync(`/proc/${process.pid}/task/${t}/stat`, 'utf8'))[16])));
  } catch {
    return null;
  }
}

function jackRunning(): boolean {
  try {
    execFileSync('pgrep', ['-x', 'jackd'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs `body` with a backend playing dense-16 beside the busy processes asked for, in a data folder of its own holding the pluck. */
async function withBackend<T>(o: JobsBenchSetup, body: (backend: Backend, watch: (s: Spell) => Spell, machine: Machine) => Promise<T>): Promise<T> {
  const loadAverage = round(os.loadavg()[0], 2);
  const load = o.load ?? 1;
  const loadSession = o.loadSession ?? 'own';
  const outputKind = o.output ?? (jackRunning() ? 'jack' : 'clock');
  const output: AudioOutputChoice = outputKind === 'jack' ? { kind: 'auto', backend: 'audify', device: 'jack:system' } : { kind: 'none' };
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'axon-bench-jobs-'));
  const saved = process.env.AXON_DATA_DIR;
  process.env.AXON_DATA_DIR = dataDir;
  mkdirSync(path.join(dataDir, 'sounds'), { recursive: true });
  // The pluck the reservoir tests train on: 21 one-period grains.
  writeFileSync(path.join(dataDir, 'sounds', 'pluck.wav'), encodeWavFloat32(pluckTone(0.2, 1), 1, 48000));

  const spinners: ChildProcess[] = [];
  const spells: Spell[] = [];
  const backend = await Backend.start({ output });
  const onTelemetry = (words: Float64Array) => spells.forEach((s) => s.sample(words));
  backend.on('telemetry', onTelemetry);
  try {
    if (outputKind === 'jack' && backend.engine.sink.sink === 'starting') await new Promise((r) => backend.engine.once('sink', r));
    await backend.loadValidated(dense16Patch(), 'dense-16');
    // `detached` gives each its own session (and, on Linux with autogroup, its own scheduling group).
    for (let i = 0; i < load; i++) spinners.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore', detached: loadSession === 'own' }));
    // Warm up: JIT, the device settling.
    await sleep(2000);
    const machine: Machine = { load, loadSession, sink: backend.engine.sink.sink, device: backend.engine.sink.device, cores: os.availableParallelism(), loadAverage };
    return await body(
      backend,
      (s) => {
        spells.push(s);
        return s;
      },
      machine,
    );
  } finally {
    backend.off('telemetry', onTelemetry);
    for (const s of spinners) s.kill('SIGKILL');
    await backend.close();
    if (saved === undefined) delete process.env.AXON_DATA_DIR;
    else process.env.AXON_DATA_DIR = saved;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Resolves with the final state of the next job the backend reports ending. */
function jobEnd(backend: Backend): Promise<string> {
  return new Promise((resolve) => {
    const on = (n: Notice) => {
      const status: TrainingStatus | SineNetBatchStatus | null = n.type === 'training' || n.type === 'sinenets' ? n.status : null;
      if (!status || status.state === 'running') return;
      backend.off('notice', on);
      resolve(status.state === 'failed' ? `failed: ${status.error?.message ?? status.detail}` : status.state);
    };
    backend.on('notice', on);
  });
}

export async function benchJobs(o: JobsBenchOptions = {}): Promise<JobsBenchResult> {
  const job = o.job ?? 'search';
  const trials = o.trials ?? 4;
  const quietSeconds = o.quietSeconds ?? 20;
  return withBackend(o, async (backend, watch, machine) => {
    const quiet = watch(new Spell(backend));
    const during = watch(new Spell(backend));
    quiet.start();
    await sleep((quietSeconds * 1000) / 2);
    quiet.stop();

    during.start();
    const t0 = performance.now();
    const ended = jobEnd(backend);
    if (job === 'sinenets') await backend.generateSineNets({ count: 48, seed: 1, seconds: 2 });
    else await backend.trainModel({ name: 'bench', sounds: ['pluck.wav'], slice: true, ...(job === 'search' ? { search: { trials, method: 'random' } } : { neurons: 256 }) });
    // The job's priority once it has started (a process takes a moment to appear).
    let nice: number | null = null;
    const probe = setTimeout(() => (nice = jobNice()), 1500);
    const state = await ended;
    clearTimeout(probe);
    const jobSeconds = round((performance.now() - t0) / 1000, 2);
    during.stop();

    quiet.start();
    await sleep((quietSeconds * 1000) / 2);
    quiet.stop();
    return { ...machine, job, trials: job === 'search' ? trials : null, quiet: quiet.figures(), during: during.figures(), jobSeconds, jobState: state, jobNice: nice };
  });
}

/** A search long enough to outlast any spell. */
const LONG_SEARCH: TrainRequest = { name: 'bench-long', sounds: ['pluck.wav'], slice: true, search: { trials: 500, method: 'random' } };

export async function benchJobsAlternating(o: JobsBenchSetup & { rounds?: number; spellSeconds?: number } = {}): Promise<JobsBenchAlternatingResult> {
  const rounds = o.rounds ?? 6;
  const spellSeconds = o.spellSeconds ?? 10;
  const kinds: AlternatingSpell[] = ['none', 'thread', 'process'];
  return withBackend(o, async (backend, watch, machine) => {
    const spells = { none: watch(new Spell(backend)), thread: watch(new Spell(backend)), process: watch(new Spell(backend)) };
    const trials = { thread: 0, process: 0 };
    const perRound: Record<AlternatingSpell, number>[] = [];

    /** The job as it ran before: a worker thread of this process, at its priority. */
    const inThread = async (measure: () => Promise<void>) => {
      const dir = path.join(__dirname, '..', 'reservoir');
      const entry = workerEntry(dir, 'training-worker', './training-worker.ts');
      const cancel = new SharedArrayBuffer(4);
      const files = [path.join(process.env.AXON_DATA_DIR ?? '', 'sounds', 'pluck.wav')];
      const task = { request: LONG_SEARCH, files, out: path.join(userModelsDir(), 'bench-thread.axrm'), sampleRate: backend.engine.sampleRate, cancel };
      const worker = new Worker(entry.file, { execArgv: entry.execArgv, workerData: task });
      let measuring = false;
      const computing = new Promise<void>((resolve) =>
        worker.on('message', (m: { type: string; trial?: unknown }) => {
          if (m.type === 'progress') resolve();
          if (measuring && m.trial) trials.thread++;
        }),
      );
      await computing;
      measuring = true;
      await measure();
      measuring = false;
      Atomics.store(new Int32Array(cancel), 0, 1);
      await worker.terminate();
    };
    /** The job as the app runs it now. */
    const asTheAppRunsIt = async (measure: () => Promise<void>) => {
      let measuring = false;
      let resolveComputing: () => void = () => undefined;
      const computing = new Promise<void>((resolve) => (resolveComputing = resolve));
      const onNotice = (n: Notice) => {
        if (n.type !== 'training') return;
        if (n.status.state === 'running') resolveComputing();
        if (measuring && /^trial \d+ of \d+: score/.test(n.status.detail)) trials.process++;
      };
      backend.on('notice', onNotice);
      const ended = jobEnd(backend);
      const started = await backend.trainModel(LONG_SEARCH);
      await computing;
      measuring = true;
      await measure();
      measuring = false;
      await backend.cancelTraining(started.job);
      await ended;
      backend.off('notice', onNotice);
    };

    for (let r = 0; r < rounds; r++) {
      const underruns: Record<AlternatingSpell, number> = { none: 0, thread: 0, process: 0 };
      // A different order each round, so no kind always follows another.
      const order = kinds.map((_, i) => kinds[(i + r) % kinds.length]);
      for (const kind of order) {
        const measure = async () => {
          spells[kind].start();
          await sleep(spellSeconds * 1000);
          underruns[kind] = spells[kind].stop();
        };
        if (kind === 'none') await measure();
        else if (kind === 'thread') await inThread(measure);
        else await asTheAppRunsIt(measure);
        // Let the machine settle between spells.
        await sleep(1000);
      }
      perRound.push(underruns);
    }
    const minutes = (rounds * spellSeconds) / 60;
    return {
      ...machine,
      rounds,
      spellSeconds,
      spells: { none: spells.none.figures(), thread: spells.thread.figures(), process: spells.process.figures() },
      perRound,
      trialsPerMinute: { thread: round(trials.thread / minutes, 1), process: round(trials.process / minutes, 1) },
    };
  });
}
