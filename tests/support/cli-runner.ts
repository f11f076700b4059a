import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './engine-harness';

// The `axon` command line as a user runs it: a real `node bin/axon.cjs` process per call, run
// from the repository. Exit codes: 0 ok, 1 failure, 2 usage.

const BIN = path.join(ROOT, 'bin', 'axon.cjs');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// At most three CLI processes at a time (across test files in one worker): enough to overlap
// start-up on two cores.
let running = 0;
const queue: (() => void)[] = [];
async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= 3) await new Promise<void>((resolve) => queue.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    queue.shift()?.();
  }
}

/** Runs `axon args...` with `dataDir` as the user data folder, so a user's own files never leak in. */
export function runAxon(dataDir: string, ...args: string[]): Promise<Run> {
  return slot(
    () =>
      new Promise<Run>((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, AXON_DATA_DIR: dataDir } });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      }),
  );
}

export const show = (r: Run) => `exit ${String(r.code)}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
