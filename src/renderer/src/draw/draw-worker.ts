import type { FromDrawWorker, ToDrawWorker } from './draw-messages';
import { DrawRouter } from './draw-router';

// The drawing worker: draws the canvases that change every frame, off the page's main thread
// (see draw-host.ts), once per display frame (the worker's own requestAnimationFrame, which
// Chromium gives workers for OffscreenCanvas; a timer where it does not).

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToDrawWorker>) => void) | null;
  postMessage(m: FromDrawWorker): void;
  requestAnimationFrame?: (cb: () => void) => number;
}

const scope = self as unknown as WorkerScope;
const router = new DrawRouter();
let scheduled = false;

const draw = () => {
  scheduled = false;
  try {
    router.flush();
  } catch (err) {
    scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};

scope.onmessage = (e) => {
  if (!router.handle(e.data) || scheduled) return;
  scheduled = true;
  if (scope.requestAnimationFrame) scope.requestAnimationFrame(draw);
  else setTimeout(draw, 0);
};
scope.postMessage({ type: 'ready' });
