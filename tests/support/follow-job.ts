import type { EventEmitter } from 'node:events';

/** Statuses of one job (training, sine-net batch) until it ends; `onRunning` sees each progress step. */
export function followJob<S extends { job: string; state: string }>(jobs: Pick<EventEmitter, 'on' | 'off'>, job: string, onRunning?: (s: S) => void): Promise<S[]> {
  return new Promise((resolve) => {
    const seen: S[] = [];
    const on = (s: S) => {
      if (s.job !== job) return;
      seen.push(s);
      if (s.state === 'running') onRunning?.(s);
      else {
        jobs.off('status', on);
        resolve(seen);
      }
    };
    jobs.on('status', on);
  });
}
