import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { axonError } from '../../shared/errors';
import type { Hertz, Seconds } from '../../shared/units';
import type { ReservoirModel } from '../../worker/reservoir/reservoir-model';
import { dcBlocker, ReservoirPlayer } from '../../worker/reservoir/reservoir-player';
import { appRoot } from '../paths';
import { benchModel } from './bench-models';

export const REFERENCE_COMPILER = ['cc', '-O3', '-march=native'];
const CHUNK = 32;
const COMPARED = 64;

export interface ReservoirVsC {
  case: 'reservoir-vs-c';
  sampleRate: Hertz;
  neurons: number;
  kind: string;
  seconds: Seconds;
  nsPerSample: number;
  cNsPerSample: number;
  /** Our speed as a fraction of the C reference's (C time / our time). */
  fractionOfC: number;
  compiler: string;
  /** Largest difference between our first outputs and C's: the two ran the same step. */
  maxDifference: number;
}

const pad4 = (n: number) => Math.ceil(n / 4) * 4;

/** The model as the C reference reads it: sizes, controls, arrays, grain 0's start and conceptor. */
export function dumpModel(m: ReservoirModel, sampleRate: Hertz): Buffer {
  const n = m.hyper.neurons;
  const np = pad4(n);
  const full = m.hyper.kind === 'full';
  const padded = (a: Float32Array) => {
    const out = new Float32Array(np);
    out.set(a.subarray(0, n));
    return out;
  };
  const conceptor = full ? new Float32Array(n * np) : padded(m.conceptors);
  if (full) for (let r = 0; r < n; r++) conceptor.set(m.conceptors.subarray(r * n, (r + 1) * n), r * np);
  const parts = [
    new Int32Array([n, np, m.values.length, full ? 1 : 0]),
    new Float32Array([m.hyper.leak, 1, 1]),
    new Float64Array(dcBlocker(sampleRate)),
    m.rowPtr,
    m.colIdx,
    m.values,
    padded(m.win),
    padded(m.bias),
    padded(m.d),
    padded(m.wout),
    padded(m.starts),
    conceptor,
  ];
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

/**
 * Times our reservoir step (the WebAssembly kernel and the player's output stage, in engine-sized
 * chunks) against the same step in plain C built with `cc -O3 -march=native` here and now, on
 * the same model, holding its first grain.
 */
export function reservoirVsC(sampleRate: Hertz, seconds: Seconds = 10): ReservoirVsC {
  const model = benchModel('full', 128);
  const samples = Math.ceil((seconds * sampleRate) / CHUNK) * CHUNK;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'axon-bench-c-'));
  try {
    const bin = path.join(dir, 'reservoir-reference');
    const source = path.join(appRoot(), 'src', 'main', 'bench', 'reservoir-reference.c');
    try {
      execFileSync(REFERENCE_COMPILER[0], [...REFERENCE_COMPILER.slice(1), '-o', bin, source, '-lm'], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      throw axonError('bench_compiler', REFERENCE_COMPILER.join(' '), err instanceof Error ? err.message.split('\n')[0] : String(err));
    }
    const dump = path.join(dir, 'model.bin');
    writeFileSync(dump, dumpModel(model, sampleRate));
    const lines = execFileSync(bin, [dump, String(samples)], { encoding: 'utf8' }).trim().split('\n');
    const cNs = Number(lines[0].split(' ')[0]);
    const cFirst = lines.slice(1).map(Number);

    const controls = { speed: 0, leak: 1, radius: 1, gain: 1, morph: 0 };
    const first = new ReservoirPlayer(model, sampleRate);
    const ours: number[] = [];
    for (let at = 0; at < COMPARED; at += CHUNK) {
      first.render(CHUNK, controls);
      ours.push(...first.out.subarray(0, CHUNK));
    }
    const maxDifference = Math.max(...ours.map((v, i) => Math.abs(v - cFirst[i])));
    const player = new ReservoirPlayer(model, sampleRate);
    for (let at = 0; at < sampleRate; at += CHUNK) player.render(CHUNK, controls);
    const t0 = process.cpuUsage();
    for (let at = 0; at < samples; at += CHUNK) player.render(CHUNK, controls);
    const used = process.cpuUsage(t0);
    const ourNs = ((used.user + used.system) * 1000) / samples;
    return {
      case: 'reservoir-vs-c',
      sampleRate,
      neurons: model.hyper.neurons,
      kind: model.hyper.kind,
      seconds: samples / sampleRate,
      nsPerSample: ourNs,
      cNsPerSample: cNs,
      fractionOfC: cNs / ourNs,
      compiler: REFERENCE_COMPILER.join(' '),
      maxDifference,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
