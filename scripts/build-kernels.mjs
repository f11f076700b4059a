#!/usr/bin/env node
// Compiles the engine's WebAssembly kernels (src/worker/kernels/*.as.ts, AssemblyScript) into
// build/kernels/<name>.wasm when they are missing or older than their sources. Runs on
// `npm install` (prepare), before tests and the app, and from the CLI; a no-op when up to date.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = path.join(root, 'src', 'worker', 'kernels');
const outDir = path.join(root, 'build', 'kernels');

// Kernels import their memory maps and src/shared/chunk.ts; any of them changing rebuilds all.
const sources = [...readdirSync(srcDir).map((f) => path.join(srcDir, f)), path.join(root, 'src', 'shared', 'chunk.ts')];
const newestSource = Math.max(...sources.map((f) => statSync(f).mtimeMs), statSync(fileURLToPath(import.meta.url)).mtimeMs);
// Entry points; *.lib.as.ts files are AssemblyScript modules the kernels import.
const kernels = sources.filter((f) => f.endsWith('.as.ts') && !f.endsWith('.lib.as.ts'));
const stale = kernels.filter((f) => {
  const out = path.join(outDir, path.basename(f, '.as.ts') + '.wasm');
  return !existsSync(out) || statSync(out).mtimeMs < newestSource;
});

if (stale.length > 0) {
  mkdirSync(outDir, { recursive: true });
  const asc = await import('assemblyscript/asc');
  for (const file of stale) {
    const out = path.join(outDir, path.basename(file, '.as.ts') + '.wasm');
    // A kernel states its memory in 64 KiB pages with a "// @pages N" line (default 4).
    const pages = /^\/\/ @pages (\d+)$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? '4';
    const { error, stderr } = await asc.main(
      [file, '-O3', '--runtime', 'stub', '--enable', 'simd', '--noAssert', '--use', 'abort=', '--initialMemory', pages, '--outFile', out],
      {},
    );
    if (error) {
      process.stderr.write(stderr.toString());
      process.stderr.write(`build-kernels: ${path.relative(root, file)}: ${error.message}\n`);
      process.exit(1);
    }
    process.stdout.write(`build-kernels: ${path.relative(root, out)}\n`);
  }
}
