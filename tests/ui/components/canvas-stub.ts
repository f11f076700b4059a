// For the canvas components' behaviour behind the drawing (hit-testing, dragging): jsdom has no
// 2D context and no layout. This gives canvases a context that accepts every call and records
// them, and a CSS box size (what bind:clientWidth / clientHeight read on mount).

export interface CanvasCall {
  name: string;
  args: unknown[];
}

export interface CanvasStub {
  /** Every method call made on any canvas's context, in order. */
  calls: CanvasCall[];
  /** Puts jsdom's behaviour back (no context, no size). */
  restore(): void;
}

export function stubCanvas(width: number, height: number): CanvasStub {
  const calls: CanvasCall[] = [];
  const ctx = new Proxy(
    {},
    {
      // Every property read is a method that records its call; property writes (fillStyle, font) are accepted.
      get: (_target, name) => (...args: unknown[]) => void calls.push({ name: String(name), args }),
      set: () => true,
    },
  ) as CanvasRenderingContext2D;
  const proto = HTMLCanvasElement.prototype;
  const before = Object.getOwnPropertyDescriptor(proto, 'getContext');
  Object.defineProperty(proto, 'getContext', { configurable: true, writable: true, value: () => ctx });
  Object.defineProperty(proto, 'clientWidth', { configurable: true, get: () => width });
  Object.defineProperty(proto, 'clientHeight', { configurable: true, get: () => height });
  return {
    calls,
    restore() {
      if (before) Object.defineProperty(proto, 'getContext', before);
      // Deleting the own properties brings back Element's (always 0 in jsdom).
      Reflect.deleteProperty(proto, 'clientWidth');
      Reflect.deleteProperty(proto, 'clientHeight');
    },
  };
}
