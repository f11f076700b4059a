/** A transport that can tell when its link to the backend is up (the WebSocket one can). */
export interface StatusSource {
  onStatus(cb: (up: boolean) => void): () => void;
}

/** Connection state that remembers the latest report, so a late subscriber still learns it. */
export interface ConnectionStatus {
  /** null until the transport has reported anything. */
  current(): boolean | null;
  subscribe(cb: (up: boolean) => void): () => void;
}

export function trackStatus(source: StatusSource): ConnectionStatus {
  let state: boolean | null = null;
  const listeners = new Set<(up: boolean) => void>();
  source.onStatus((up) => {
    state = up;
    for (const l of listeners) l(up);
  });
  return {
    current: () => state,
    subscribe(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
  };
}
