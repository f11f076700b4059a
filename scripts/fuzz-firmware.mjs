#!/usr/bin/env node
// Fuzzes the drum firmware's protocol handling on the host: builds firmware/fuzz/controller_fuzz.cpp
// (a DrumController on fakes, with an oracle for motor commands and the board's output) with
// clang's libFuzzer, ASan and UBSan into build/fuzz/, runs it, and prints one JSON object:
// {"execs", "seconds", "execsPerSecond", "crashes", "corpusUnits", "coverage", "features"}.
//
//   npm run fuzz:firmware                      10 million executions
//   npm run fuzz:firmware -- --runs 500000
//   npm run fuzz:firmware -- --seconds 60
//   npm run fuzz:firmware -- --selftest        a build that acts on damaged frames: must fail
//
// New inputs go to build/fuzz/corpus (kept between runs), on top of the checked-in seeds in
// firmware/fuzz/corpus. A crash (sanitizer report or oracle abort) exits 1 and leaves the
// input and the fuzzer's report in build/fuzz/crashes/; rerun one with
// `build/fuzz/controller_fuzz <input>`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fuzzDir = path.join(root, 'firmware', 'fuzz');
const coreDir = path.join(root, 'firmware', 'axon_drums', 'src', 'core');
const testsDir = path.join(root, 'firmware', 'tests');
const outDir = path.join(root, 'build', 'fuzz');

const FLAGS = ['-std=c++17', '-g', '-O1', '-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=all', '-Wall', '-Wextra'];
// Only the firmware core is coverage to the fuzzer (and in the figures): not the harness, the
// fakes or the standard library, whose instrumentation also slowed every execution.
const COVERAGE_IGNORE = ['src:*/controller_fuzz.cpp', 'src:*/tests/*', 'src:/usr/*'];
// A frame is at most 63 bytes on the line: room for a session of a dozen or more, while short
// inputs keep the executions fast.
const MAX_LEN = 1024;

class FuzzError extends Error {}

function usage(message) {
  throw new FuzzError(`${message}\nusage: npm run fuzz:firmware -- [--runs N | --seconds S] [--selftest]`);
}

function parseArgs(argv) {
  const options = { runs: 10_000_000, seconds: null, selftest: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const count = () => {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value <= 0) usage(`${arg} needs a positive whole number`);
      return value;
    };
    if (arg === '--runs') options.runs = count();
    else if (arg === '--seconds') options.seconds = count();
    else if (arg === '--selftest') options.selftest = true;
    else usage(`unknown option ${arg}`);
  }
  return options;
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Builds the harness unless it is newer than every source; returns its path. */
function build(selftest) {
  const version = spawnSync('clang++', ['--version'], { encoding: 'utf8' });
  if (version.error) throw new FuzzError('npm run fuzz:firmware needs clang: apt-get install clang');
  const name = selftest ? 'controller_fuzz-selftest' : 'controller_fuzz';
  const binary = path.join(outDir, name);
  const sources = [path.join(fuzzDir, 'controller_fuzz.cpp'), ...readdirSync(coreDir).filter((f) => f.endsWith('.cpp')).map((f) => path.join(coreDir, f))];
  const inputs = [...filesUnder(coreDir), ...filesUnder(testsDir).filter((f) => f.endsWith('.h')), ...sources, fileURLToPath(import.meta.url)];
  const newest = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
  if (existsSync(binary) && statSync(binary).mtimeMs > newest) return binary;
  mkdirSync(outDir, { recursive: true });
  // Linked under a temporary name and renamed, so two builds at once never run a half-written one.
  const partial = `${binary}.${process.pid}.tmp`;
  const defines = selftest ? ['-DAXON_FUZZ_SELFTEST'] : [];
  const ignore = path.join(outDir, 'coverage-ignore.txt');
  writeFileSync(ignore, `${COVERAGE_IGNORE.join('\n')}\n`);
  const result = spawnSync('clang++', [...FLAGS, `-fsanitize-coverage-ignorelist=${ignore}`, ...defines, ...sources, '-o', partial], { encoding: 'utf8' });
  if (result.status !== 0) {
    rmSync(partial, { force: true });
    const output = `${result.stdout}${result.stderr}`;
    // Debian's clang only recommends the package with libFuzzer's runtime.
    const hint = /libclang_rt\.fuzzer|fsanitize=fuzzer/.test(output) ? '\n(libFuzzer missing? apt-get install libclang-rt-14-dev)' : '';
    throw new FuzzError(`building ${path.relative(root, binary)} failed:\n${output}${hint}`);
  }
  renameSync(partial, binary);
  return binary;
}

/** Runs the fuzzer; resolves with its exit code, its stderr and the wall time. */
function fuzz(binary, args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(binary, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    let line = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      log += chunk;
      // Progress for whoever watches a long run: libFuzzer's start, its pulses and the end.
      line += chunk;
      const lines = line.split('\n');
      line = lines.pop();
      for (const l of lines) if (/^#\d+\s+(INITED|pulse|DONE)/.test(l)) process.stderr.write(`fuzz-firmware: ${l}\n`);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? 128, signal, log, seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
  });
}

function report(log, seconds) {
  const status = [...log.matchAll(/^#(\d+)\s+\S+\s+cov: (\d+) ft: (\d+) corp: (\d+)\//gm)].at(-1);
  const stat = (name) => Number(new RegExp(`^stat::${name}:\\s+(\\d+)`, 'm').exec(log)?.[1] ?? NaN);
  const done = /^Done (\d+) runs/m.exec(log);
  const execs = stat('number_of_executed_units') || Number(done?.[1] ?? status?.[1] ?? 0);
  return {
    execs,
    seconds: Math.round(seconds * 10) / 10,
    execsPerSecond: Math.round(execs / seconds),
    crashes: 0,
    corpusUnits: Number(status?.[4] ?? 0),
    coverage: Number(status?.[2] ?? 0),
    features: Number(status?.[3] ?? 0),
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const binary = build(options.selftest);
  const crashDir = path.join(outDir, options.selftest ? 'selftest-crashes' : 'crashes');
  mkdirSync(crashDir, { recursive: true });
  // The selftest starts from the seeds alone, so what it finds is not left over from before.
  const corpus = options.selftest ? mkdtempSync(path.join(outDir, 'selftest-corpus-')) : path.join(outDir, 'corpus');
  mkdirSync(corpus, { recursive: true });
  const args = [
    corpus,
    path.join(fuzzDir, 'corpus'),
    `-dict=${path.join(fuzzDir, 'controller_fuzz.dict')}`,
    `-max_len=${MAX_LEN}`,
    // An input runs in about a millisecond; one taking seconds is a hang.
    '-timeout=10',
    '-print_final_stats=1',
    `-artifact_prefix=${crashDir}${path.sep}`,
    options.seconds ? `-max_total_time=${options.seconds}` : `-runs=${options.runs}`,
  ];
  let result;
  try {
    result = await fuzz(binary, args);
  } finally {
    if (options.selftest) rmSync(corpus, { recursive: true, force: true });
  }
  const summary = report(result.log, result.seconds);
  const artifact = /Test unit written to (\S+)/.exec(result.log)?.[1];
  if (result.code === 0 && !artifact) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  summary.crashes = 1;
  // What went wrong, in one line: the oracle's words, or the sanitizer's summary.
  summary.reason = (/^oracle: .*$/m.exec(result.log) ?? /^SUMMARY: .*$/m.exec(result.log) ?? /^==\d+== ERROR: .*$/m.exec(result.log))?.[0] ?? `the fuzzer exited with ${result.signal ?? result.code}`;
  if (artifact) {
    summary.crashInput = path.relative(root, path.resolve(root, artifact));
    writeFileSync(`${path.resolve(root, artifact)}.log`, result.log);
  } else {
    const logFile = path.join(crashDir, `failed-run-${Date.now()}.log`);
    writeFileSync(logFile, result.log);
    summary.log = path.relative(root, logFile);
  }
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.stderr.write(
    `fuzz-firmware: ${summary.reason}\n` +
      (summary.crashInput ? `fuzz-firmware: input saved as ${summary.crashInput} (report beside it); rerun: ${path.relative(root, binary)} ${summary.crashInput}\n` : ''),
  );
  process.exitCode = 1;
}

try {
  await main();
} catch (err) {
  if (!(err instanceof FuzzError)) throw err;
  process.stderr.write(`fuzz-firmware: ${err.message}\n`);
  process.exitCode = 1;
}
