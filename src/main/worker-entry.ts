import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * A worker thread's script: the bundled `<name>.js` next to the calling bundle (the built app),
 * or its TypeScript source run through tsx (the source tree: tests, CLI, `npm run dev`).
 */
export function workerEntry(dir: string, name: string, source: string): { file: string; execArgv: string[] } {
  const bundled = path.join(dir, `${name}.js`);
  if (existsSync(bundled)) return { file: bundled, execArgv: [] };
  return { file: path.resolve(dir, source), execArgv: ['--require', 'tsx/cjs'] };
}
