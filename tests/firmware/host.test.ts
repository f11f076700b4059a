import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// The drum firmware's logic core (firmware/axon_drums/src/core) unit-tested on the host: the
// C++ tests in firmware/tests, compiled with g++ and the address and undefined-behaviour
// sanitizers, run here; a failure shows the test program's own report.

const ROOT = path.resolve(__dirname, '..', '..');
const CORE = path.join(ROOT, 'firmware', 'axon_drums', 'src', 'core');
const TESTS = path.join(ROOT, 'firmware', 'tests');
const FLAGS = ['-std=c++17', '-O1', '-g', '-fsanitize=address,undefined', '-fno-sanitize-recover', '-Wall', '-Wextra', '-Werror'];

const TMP = mkdtempSync(path.join(os.tmpdir(), 'axon-firmware-tests-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const execFileAsync = promisify(execFile);

/** Runs a program; on failure, its output (or the spawn error) becomes the error message. */
async function run(what: string, file: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync(file, args, { maxBuffer: 64 * 1024 * 1024 });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    const output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    throw new Error(`${what} failed:\n${output || e.message}`);
  }
}

/** Compiles every source on all cores (about 25 s on one), then links. */
async function buildTests(): Promise<string> {
  const sources = [
    ...readdirSync(CORE).filter((f) => f.endsWith('.cpp')).map((f) => path.join(CORE, f)),
    ...readdirSync(TESTS).filter((f) => f.endsWith('.cpp')).map((f) => path.join(TESTS, f)),
  ];
  const queue = sources.map((source, i) => ({ source, object: path.join(TMP, `${i}-${path.basename(source, '.cpp')}.o`) }));
  const pending = [...queue];
  const workers = Array.from({ length: Math.max(1, os.cpus().length) }, async () => {
    for (let job = pending.shift(); job; job = pending.shift()) await run(`compiling ${path.relative(ROOT, job.source)}`, 'g++', [...FLAGS, '-c', job.source, '-o', job.object]);
  });
  await Promise.all(workers);
  const program = path.join(TMP, 'firmware-host-tests');
  await run('linking the firmware host tests', 'g++', [...FLAGS, ...queue.map((j) => j.object), '-o', program]);
  return program;
}

describe('drum firmware core on the host', () => {
  it('passes its C++ unit tests under ASan and UBSan', async () => {
    const program = await buildTests();
    const report = await run('the firmware host tests', program, []);
    const summary = report.match(/^\d+ tests, \d+ checks, 0 failed$/m);
    expect(summary, report).not.toBeNull();
    console.log(`firmware host tests: ${summary?.[0]}`);
  }, 300_000);
});
