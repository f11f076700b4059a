import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const modules = new Map<string, WebAssembly.Module>();

/** Finds build/kernels/<name>.wasm above this file (source tree or bundled app). */
function kernelPath(name: string): string {
  let dir = __dirname;
  for (;;) {
    const file = path.join(dir, 'build', 'kernels', `${name}.wasm`);
    if (existsSync(file)) return file;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`WebAssembly kernel "${name}" is not built: run "npm run build:kernels"`);
    dir = up;
  }
}

const PAGE = 65536;

/**
 * A fresh instance of a kernel (the module is compiled once per thread) and its memory, grown
 * to hold the `bytes` its layout needs. Views of the memory must be made after this: growing
 * replaces the buffer.
 */
export function instantiateKernel(name: string, bytes: number): { exports: Record<string, unknown>; memory: ArrayBuffer } {
  let mod = modules.get(name);
  if (!mod) {
    mod = new WebAssembly.Module(readFileSync(kernelPath(name)));
    modules.set(name, mod);
  }
  const instance = new WebAssembly.Instance(mod, {});
  const memory = instance.exports.memory as WebAssembly.Memory;
  if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
  return { exports: instance.exports, memory: memory.buffer };
}
