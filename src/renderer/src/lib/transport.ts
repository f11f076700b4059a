import type { ApiMethod, ApiReply, ApiTransport, Notice } from '../../../shared/api';
import type { ErrorPayload } from '../../../shared/errors';
import { socketPath, takeToken, whyRefused } from './remote-token';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser. */
    axonTransport?: ApiTransport;
  }
}

type Listener<T> = (v: T) => void;

/**
 * The API over WebSocket for a browser: reconnects with backoff, answers calls made while
 * disconnected with an error instead of hanging.
 */
export class WebSocketTransport implements ApiTransport {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (r: ApiReply) => void>();
  private readonly telemetry = new Set<Listener<ArrayLike<number>>>();
  private readonly notices = new Set<Listener<Notice>>();
  private readonly status = new Set<Listener<boolean>>();
  private retry = 250;
  /** The refusal last shown, so a retry every few seconds does not repeat it. */
  private refusal: string | null = null;

  /** `refused` says why the server turned the socket away (a missing or wrong token), if it did. */
  constructor(
    private readonly url: string,
    private readonly refused?: () => Promise<ErrorPayload | null>,
  ) {
    this.open();
  }

  private open(): void {
    const ws = new WebSocket(this.url);
    let opened = false;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      opened = true;
      this.retry = 250;
      this.refusal = null;
      for (const l of this.status) l(true);
    };
    ws.onmessage = (e: MessageEvent) => {
      if (e.data instanceof ArrayBuffer) {
        const words = new Float64Array(e.data);
        for (const l of this.telemetry) l(words);
        return;
      }
      const msg = JSON.parse(String(e.data)) as { id?: number; notice?: Notice } & Partial<ApiReply>;
      if (msg.notice) {
        for (const l of this.notices) l(msg.notice);
      } else if (typeof msg.id === 'number') {
        const resolve = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        resolve?.(msg as ApiReply);
      }
    };
    ws.onclose = () => {
      this.ws = null;
      for (const l of this.status) l(false);
      for (const resolve of this.pending.values()) resolve({ ok: false, error: { code: 'internal', message: 'lost the connection to Axon Stage', details: [] } });
      this.pending.clear();
      if (!opened && this.refused) void this.explain(this.refused);
      setTimeout(() => this.open(), this.retry);
      this.retry = Math.min(4000, this.retry * 2);
    };
    this.ws = ws;
  }

  /** Shows the server's reason for a refusal as an error notice, once until it changes or the link is up. */
  private async explain(refused: () => Promise<ErrorPayload | null>): Promise<void> {
    const error = await refused();
    if (!error || error.message === this.refusal || (this.ws && this.ws.readyState === WebSocket.OPEN)) return;
    this.refusal = error.message;
    for (const l of this.notices) l({ type: 'error', error });
  }

  call(method: ApiMethod, args: unknown[]): Promise<ApiReply> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      return new Promise((resolve) => {
        // Give a connection that is still opening a moment before failing the call.
        setTimeout(() => {
          if (this.ws && this.ws.readyState === WebSocket.OPEN) void this.call(method, args).then(resolve);
          else resolve({ ok: false, error: { code: 'internal', message: 'not connected to Axon Stage', details: [] } });
        }, 500);
      });
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, args }));
    });
  }

  onTelemetry(cb: Listener<ArrayLike<number>>): () => void {
    this.telemetry.add(cb);
    return () => this.telemetry.delete(cb);
  }

  onNotice(cb: Listener<Notice>): () => void {
    this.notices.add(cb);
    return () => this.notices.delete(cb);
  }

  onStatus(cb: Listener<boolean>): () => void {
    this.status.add(cb);
    return () => this.status.delete(cb);
  }
}

/** Session storage, or null where the browser keeps it off (reading it can throw). */
function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The Electron preload's transport when present, else a WebSocket to the page's own server (with the LAN token if any). */
export function connect(): ApiTransport {
  if (window.axonTransport) return window.axonTransport;
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const path = socketPath(takeToken(location, sessionStore(), history));
  return new WebSocketTransport(`${proto}//${location.host}${path}`, () => whyRefused(`${location.protocol}//${location.host}${path}`, (url) => fetch(url, { cache: 'no-store' })));
}
