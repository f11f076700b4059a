#!/usr/bin/env node
// Builds a JACK-only copy of @julusian/midi's native addon into build/midi-jack/ (Linux only).
// The package's prebuilt is ALSA-only and cannot initialise without /dev/snd/seq; a JACK build
// gives real virtual MIDI ports wherever jackd runs (CI, containers). An ALSA+JACK build does not
// help: RtMidi tries ALSA first and throws. node_modules is never touched: the sources are copied,
// binding.gyp is patched in the copy, and node-gyp builds there. A no-op when up to date.
//
//   node scripts/build-midi-jack.mjs          -> build/midi-jack/build/Release/midi.node
//
// Exit codes: 0 built or up to date (or not Linux: nothing to do), 1 build failed (reason on stderr).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'build', 'midi-jack');
const addon = path.join(outDir, 'build', 'Release', 'midi.node');
const stampFile = path.join(outDir, 'stamp.json');
const started = performance.now();

function fail(message) {
  process.stderr.write(`build-midi-jack: ${message}\n`);
  process.exit(1);
}

if (process.platform !== 'linux') {
  process.stdout.write('build-midi-jack: not Linux, nothing to build (the stock binding uses the system MIDI API)\n');
  process.exit(0);
}

const require = createRequire(import.meta.url);
const pkgDir = path.dirname(require.resolve('@julusian/midi/package.json'));
const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const gypSource = readFileSync(path.join(pkgDir, 'binding.gyp'), 'utf8');
// The copy lives outside the package, so point at the package's node-addon-api headers by
// absolute path (its own include_dir is relative to the working directory).
const addonApiInclude = path.dirname(createRequire(path.join(pkgDir, 'package.json')).resolve('node-addon-api'));
if (!existsSync(path.join(addonApiInclude, 'napi.h'))) fail(`node-addon-api headers not found in ${addonApiInclude}`);

function patchGyp(text) {
  const replacements = [
    ["'__LINUX_ALSA__'", "'__UNIX_JACK__'"],
    ["'-lasound'", "'-ljack'"],
    [/'<!\(node -p "require\(\\'node-addon-api\\'\)\.include_dir"\)'/, JSON.stringify(addonApiInclude).replace(/"/g, "'")],
  ];
  for (const [from, to] of replacements) {
    const next = text.replace(from, to);
    if (next === text) fail(`binding.gyp of @julusian/midi ${pkg.version} has no ${from}; update scripts/build-midi-jack.mjs`);
    text = next;
  }
  return text;
}
const gyp = patchGyp(gypSource);

// Rebuild when the package, the patch (this script) or the Node headers change.
const stamp = createHash('sha256')
  .update(pkg.version)
  .update(gyp)
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .update(process.versions.node)
  .digest('hex');
if (existsSync(addon) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').includes(stamp)) {
  process.stdout.write(`build-midi-jack: up to date (${path.relative(root, addon)})\n`);
  process.exit(0);
}

if (!existsSync('/usr/include/jack/jack.h')) {
  fail('JACK headers are missing (/usr/include/jack/jack.h): apt-get install libjack-jackd2-dev (see .ci/run)');
}

/** node-gyp: the project's, npm's own (npm sets npm_config_node_gyp when it runs scripts), or npm's bundled copy. */
function findNodeGyp() {
  const candidates = [
    path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((c) => c && existsSync(c)) ?? null;
}
const nodeGyp = findNodeGyp();
if (!nodeGyp) fail('node-gyp not found (neither in node_modules nor bundled with npm)');

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const dir of ['src-cpp', 'vendor']) cpSync(path.join(pkgDir, dir), path.join(outDir, dir), { recursive: true });
writeFileSync(path.join(outDir, 'binding.gyp'), gyp);

const args = [nodeGyp, 'rebuild', '--release'];
// Local headers (Debian's nodejs ships them) avoid a download; otherwise node-gyp fetches them.
const prefix = path.resolve(path.dirname(process.execPath), '..');
if (existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
const jobs = String(Math.max(1, Math.min(8, (await import('node:os')).availableParallelism())));
const result = spawnSync(process.execPath, [...args, `--jobs=${jobs}`], { cwd: outDir, encoding: 'utf8' });
if (result.status !== 0 || !existsSync(addon)) {
  process.stderr.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  fail(`node-gyp rebuild failed (exit ${result.status ?? result.signal ?? result.error?.message})`);
}
writeFileSync(stampFile, JSON.stringify({ stamp, package: pkg.version, node: process.versions.node }) + '\n');
const seconds = ((performance.now() - started) / 1000).toFixed(1);
process.stdout.write(`build-midi-jack: ${path.relative(root, addon)} (JACK) in ${seconds} s\n`);
