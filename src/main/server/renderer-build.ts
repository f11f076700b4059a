import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { axonError } from '../../shared/errors';
import { appRoot } from '../paths';

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * The built renderer for the web bridge. Builds it (electron-vite, about a second) when it is
 * missing or older than its sources, so `axon serve` works straight after `npm install`.
 */
export function ensureRendererBuilt(): string {
  const root = appRoot();
  const out = path.join(root, 'out', 'renderer');
  const index = path.join(out, 'index.html');
  const sources = ['src/renderer', 'src/shared'].map((d) => path.join(root, d)).filter((d) => existsSync(d));
  if (existsSync(index) && (sources.length === 0 || statSync(index).mtimeMs >= Math.max(...sources.map(newest)))) return out;
  const bin = path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  if (!existsSync(bin)) throw axonError('renderer_build', `no built UI in ${out} and electron-vite is not installed (run npm install)`);
  const r = spawnSync(process.execPath, [bin, 'build'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(index)) throw axonError('renderer_build', (r.stderr || r.stdout || 'electron-vite build failed').trim().split('\n').slice(-5).join(' | '));
  return out;
}
