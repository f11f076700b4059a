import type { FromDrawWorker, ToDrawWorker } from './draw-messages';

/** A worker that has not said it is ready by then is taken for one that cannot run. */
const READY_TIMEOUT_MS = 3000;

/**
 * The page's side of the drawing worker. The canvases that change every frame (the network
 * graph, the scopes) are handed to it (transferControlToOffscreen) and drawn there, so their
 * drawing and rasterising leave the main thread, whose frame time is what the performer feels
 * (issue 6: p95 under 8 ms). Where no worker can run (no OffscreenCanvas, a worker that failed to
 * load, component tests in jsdom) the page draws them itself with the same code.
 *
 * A canvas can be handed over only before it was drawn on, so a component waits until the worker
 * is ready or known not to be (`settled`), and then draws in one place for good.
 */
export class DrawHost {
  state: 'pending' | 'ready' | 'unavailable';
  readonly settled: Promise<boolean>;
  private readonly worker: Worker | null;
  private nextId = 1;

  constructor(create: (() => Worker) | null, timeoutMs = READY_TIMEOUT_MS) {
    let worker: Worker | null = null;
    try {
      worker = create?.() ?? null;
    } catch (err) {
      console.warn(`Drawing in the page: the drawing worker did not start (${err instanceof Error ? err.message : String(err)})`);
    }
    this.worker = worker;
    this.state = worker ? 'pending' : 'unavailable';
    this.settled = new Promise<boolean>((resolve) => {
      if (!worker) return resolve(false);
      const give = (ok: boolean, why = '') => {
        clearTimeout(timer);
        if (this.state !== 'pending') return;
        this.state = ok ? 'ready' : 'unavailable';
        if (!ok) console.warn(`Drawing in the page: ${why}`);
        resolve(ok);
      };
      const timer = setTimeout(() => give(false, `the drawing worker did not answer within ${timeoutMs} ms`), timeoutMs);
      worker.onmessage = (e: MessageEvent<FromDrawWorker>) => {
        if (e.data.type === 'ready') give(true);
        // A bug in the drawing code: shown where the page's own errors go.
        else console.error(`Drawing worker: ${e.data.message}`);
      };
      worker.onerror = (e) => {
        if (this.state === 'pending') give(false, `the drawing worker failed to load (${e.message || 'no reason given'})`);
        else console.error(`Drawing worker: ${e.message}`);
      };
    });
  }

  /** Hands a canvas over to the worker (only once ready); returns its id for the messages. */
  adopt(canvas: HTMLCanvasElement): number {
    if (!this.worker || this.state !== 'ready') throw new Error('the drawing worker is not ready');
    const id = this.nextId++;
    const offscreen = canvas.transferControlToOffscreen();
    this.worker.postMessage({ type: 'adopt', id, canvas: offscreen } satisfies ToDrawWorker, [offscreen]);
    return id;
  }

  post(m: ToDrawWorker): void {
    this.worker?.postMessage(m);
  }

  /**
   * For a component: once settled, hands its canvases over (`ondraw` gets their ids) or leaves
   * them to the page (`ondraw(null)`). Returns the cleanup for the component's teardown.
   */
  place(canvases: HTMLCanvasElement[], ondraw: (ids: number[] | null) => void): () => void {
    let live = true;
    let ids: number[] | null = null;
    const choose = (ok: boolean) => {
      if (!live) return;
      ids = ok ? canvases.map((c) => this.adopt(c)) : null;
      ondraw(ids);
    };
    if (this.state === 'pending') void this.settled.then(choose);
    else choose(this.state === 'ready');
    return () => {
      live = false;
      if (ids) this.post({ type: 'drop', ids });
    };
  }
}

let shared: DrawHost | null = null;

/** The page's one drawing worker, started on first use. */
export function drawHost(): DrawHost {
  const can = typeof Worker !== 'undefined' && typeof HTMLCanvasElement !== 'undefined' && typeof HTMLCanvasElement.prototype.transferControlToOffscreen === 'function';
  shared ??= new DrawHost(can ? () => new Worker(new URL('./draw-worker.ts', import.meta.url), { type: 'module' }) : null);
  return shared;
}
