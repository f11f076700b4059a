import type { ApiMethod, ApiReply, ApiTransport, Notice } from '../../../shared/api';

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

  constructor(private readonly url: string) {
    this.open();
  }

  private open(): void {
    const ws = new WebSocket(this.url);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      this.retry = 250;
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
      setTimeout(() => this.open(), this.retry);
      this.retry = Math.min(4000, this.retry * 2);
    };
    this.ws = ws;
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

/** The Electron preload's transport when present, else a WebSocket to the page's own server. */
export function connect(): ApiTransport {
  if (window.axonTransport) return window.axonTransport;
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return new WebSocketTransport(`${proto}//${location.host}/ws`);
}
