#!/usr/bin/env node
// Compiles the drum firmware (firmware/axon_drums) for the Arduino Uno the way the Arduino IDE
// does, with Debian's avr-gcc and Arduino core: build/firmware/axon_drums.hex (shield v1),
// axon_drums-v2.hex (shield v2) and axon_drums-blocking.hex (the naive delay() strikes, for
// benchmarks). Prints each build's flash and RAM use; skips the compiler when every output is
// newer than every input. Exits non-zero with the compiler's message on failure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sketchDir = path.join(root, 'firmware', 'axon_drums');
const outDir = path.join(root, 'build', 'firmware');

const arduino = '/usr/share/arduino/hardware/arduino/avr';
const coreDir = path.join(arduino, 'cores', 'arduino');
const variantDir = path.join(arduino, 'variants', 'standard');
const wireDir = path.join(arduino, 'libraries', 'Wire', 'src');

const FLASH_BYTES = 32256; // the Uno's flash less the Optiboot bootloader
const RAM_BYTES = 2048;

const builds = [
  { name: 'axon_drums', defines: [], wire: false },
  { name: 'axon_drums-v2', defines: ['AXON_SHIELD_V2'], wire: true },
  { name: 'axon_drums-blocking', defines: ['AXON_BLOCKING_STRIKES'], wire: false },
];

// The IDE's flags for the Uno (platform.txt, boards.txt). DECIMAL_DIG: core 1.8.7's WString.cpp
// needs it and Debian's avr-gcc 5.4 does not define it.
const target = ['-mmcu=atmega328p', '-DF_CPU=16000000L', '-DARDUINO=10819', '-DARDUINO_AVR_UNO', '-DARDUINO_ARCH_AVR', '-DDECIMAL_DIG=__DECIMAL_DIG__'];
const cFlags = ['-c', '-g', '-Os', '-w', '-std=gnu11', '-ffunction-sections', '-fdata-sections', '-flto', '-fno-fat-lto-objects', ...target];
const cppFlags = ['-c', '-g', '-Os', '-w', '-std=gnu++11', '-fpermissive', '-fno-exceptions', '-ffunction-sections', '-fdata-sections', '-fno-threadsafe-statics', '-Wno-error=narrowing', '-flto', ...target];
const asmFlags = ['-c', '-g', '-x', 'assembler-with-cpp', '-flto', ...target];
// Warnings on for the firmware's own code (the IDE hides them; -w above is for the Arduino core).
const ownCppFlags = cppFlags.filter((f) => f !== '-w').concat(['-Wall', '-Wextra']);
const linkFlags = ['-w', '-Os', '-g', '-flto', '-fuse-linker-plugin', '-Wl,--gc-sections', '-mmcu=atmega328p'];

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

class BuildError extends Error {}

function fail(message) {
  throw new BuildError(message);
}

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => resolve({ ok: false, output: `${cmd}: ${err.message}` }));
    child.on('close', (code) => resolve({ ok: code === 0, output }));
  });
}

/** Runs compile jobs a few at a time; the first failure stops the build with its message. */
async function compileAll(jobs) {
  const queue = [...jobs];
  const workers = Array.from({ length: Math.max(1, os.cpus().length) }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const { ok, output } = await run(job.cmd, [...job.flags, ...job.includes.map((i) => `-I${i}`), job.source, '-o', job.object]);
      if (!ok) fail(`compiling ${path.relative(root, job.source)} failed:\n${output}`);
      if (output.trim()) process.stderr.write(output);
    }
  });
  await Promise.all(workers);
}

function compileJob(source, object, includes, own = false) {
  const ext = path.extname(source);
  if (ext === '.c') return { cmd: 'avr-gcc', flags: cFlags, source, object, includes };
  if (ext === '.S') return { cmd: 'avr-gcc', flags: asmFlags, source, object, includes };
  return { cmd: 'avr-g++', flags: own ? ownCppFlags : cppFlags, source, object, includes };
}

const objectName = (file) => path.basename(file).replace(/\.(c|cpp|S)$/, '') + '.o';
const isSource = (file) => /\.(c|cpp|S)$/.test(file);

/** Flash (.text + .data) and RAM (.data + .bss + .noinit) from avr-size -A. */
function sizes(elf) {
  const result = spawnSync('avr-size', ['-A', elf], { encoding: 'utf8' });
  if (result.status !== 0) fail(`avr-size ${elf}: ${result.stderr || result.error}`);
  const section = (name) => Number(new RegExp(`^\\${name}\\s+(\\d+)`, 'm').exec(result.stdout)?.[1] ?? 0);
  return { flash: section('.text') + section('.data'), ram: section('.data') + section('.bss') + section('.noinit') };
}

const percent = (part, whole) => `${((100 * part) / whole).toFixed(1)}%`;

// Each run builds in its own directory and renames the results into place, so two builds at
// once (parallel test files) never read each other's half-written files.
async function build() {
  mkdirSync(outDir, { recursive: true });
  const objDir = mkdtempSync(path.join(outDir, 'tmp-'));
  try {
    await buildIn(objDir);
  } finally {
    rmSync(objDir, { recursive: true, force: true });
  }
}

async function buildIn(objDir) {
  for (const dir of ['core', 'wire', 'sketch']) mkdirSync(path.join(objDir, dir));
  const coreIncludes = [coreDir, variantDir];
  const wireIncludes = [...coreIncludes, wireDir, path.join(wireDir, 'utility')];
  const sketchIncludes = [...wireIncludes, sketchDir];

  // The Arduino core goes into an archive, as in the IDE, so unused parts (and their interrupt
  // vectors) stay out of the firmware.
  const coreSources = readdirSync(coreDir).filter(isSource).map((f) => path.join(coreDir, f));
  const coreJobs = coreSources.map((s) => compileJob(s, path.join(objDir, 'core', objectName(s)), coreIncludes));
  const wireSources = filesUnder(wireDir).filter(isSource);
  const wireJobs = wireSources.map((s) => compileJob(s, path.join(objDir, 'wire', objectName(s)), wireIncludes));
  // The logic core is the same in every build: the flags only change the sketch itself.
  const ownSources = filesUnder(path.join(sketchDir, 'src')).filter(isSource);
  const ownJobs = ownSources.map((s) => compileJob(s, path.join(objDir, 'sketch', objectName(s)), sketchIncludes, true));
  // The IDE turns the .ino into C++ by putting Arduino.h first (the sketch needs no generated prototypes).
  const ino = path.join(sketchDir, 'axon_drums.ino');
  const inoCpp = path.join(objDir, 'axon_drums.ino.cpp');
  writeFileSync(inoCpp, `#include <Arduino.h>\n#line 1 "${ino}"\n${readFileSync(ino, 'utf8')}`);
  const inoJobs = builds.map((b) => {
    const job = compileJob(inoCpp, path.join(objDir, `${b.name}.ino.o`), sketchIncludes, true);
    return { ...job, flags: [...job.flags, ...b.defines.map((d) => `-D${d}`)] };
  });
  await compileAll([...coreJobs, ...wireJobs, ...ownJobs, ...inoJobs]);

  const coreArchive = path.join(objDir, 'core.a');
  const archived = await run('avr-gcc-ar', ['rcs', coreArchive, ...coreJobs.map((j) => j.object)]);
  if (!archived.ok) fail(`archiving the Arduino core failed:\n${archived.output}`);

  await Promise.all(
    builds.map(async (b) => {
      const elf = path.join(objDir, `${b.name}.elf`);
      const objects = [path.join(objDir, `${b.name}.ino.o`), ...ownJobs.map((j) => j.object), ...(b.wire ? wireJobs.map((j) => j.object) : [])];
      const linked = await run('avr-gcc', [...linkFlags, '-o', elf, ...objects, coreArchive, '-lm']);
      if (!linked.ok) fail(`linking ${b.name} failed:\n${linked.output}`);
      const hex = await run('avr-objcopy', ['-O', 'ihex', '-R', '.eeprom', elf, path.join(objDir, `${b.name}.hex`)]);
      if (!hex.ok) fail(`avr-objcopy ${b.name} failed:\n${hex.output}`);
    }),
  );
  for (const b of builds) for (const ext of ['elf', 'hex']) renameSync(path.join(objDir, `${b.name}.${ext}`), path.join(outDir, `${b.name}.${ext}`));
}

const inputs = [...filesUnder(sketchDir), ...filesUnder(coreDir), ...filesUnder(wireDir), fileURLToPath(import.meta.url)];
const newestInput = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
const outputs = builds.flatMap((b) => [`${b.name}.hex`, `${b.name}.elf`].map((f) => path.join(outDir, f)));
const upToDate = outputs.every((f) => existsSync(f) && statSync(f).mtimeMs > newestInput);

try {
  if (!upToDate) await build();
  for (const b of builds) {
    const { flash, ram } = sizes(path.join(outDir, `${b.name}.elf`));
    if (flash > FLASH_BYTES) fail(`${b.name}: ${flash} bytes of flash, more than the Uno's ${FLASH_BYTES}`);
    process.stdout.write(
      `build-firmware: ${path.relative(root, path.join(outDir, `${b.name}.hex`))}: flash ${flash} bytes (${percent(flash, FLASH_BYTES)} of ${FLASH_BYTES}), RAM ${ram} bytes (${percent(ram, RAM_BYTES)} of ${RAM_BYTES})${upToDate ? ' (up to date)' : ''}\n`,
    );
  }
} catch (err) {
  if (!(err instanceof BuildError)) throw err;
  process.stderr.write(`build-firmware: ${err.message}\n`);
  process.exitCode = 1;
}
