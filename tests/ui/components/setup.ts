// What jsdom lacks and the components use. Kept minimal: each stub only lets a component mount
// and react the way it would in Chromium, and none of them fakes a result a test checks.

// jsdom has no canvas: getContext logs "not implemented" and returns null. The canvas components
// already treat null as "nothing to draw on", so answer null without the noise. A test that needs
// a context (to reach the pointer handling behind the drawing) overrides this in its own file.
Object.defineProperty(HTMLCanvasElement.prototype, 'getContext', {
  configurable: true,
  writable: true,
  value: (): null => null,
});

// bind:clientWidth / clientHeight subscribe to a ResizeObserver; jsdom never lays out, so
// there is nothing to report: observing is a no-op (the sizes are read once on mount).
if (typeof globalThis.ResizeObserver === 'undefined') {
  class NoResizeObserver implements ResizeObserver {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  }
  globalThis.ResizeObserver = NoResizeObserver;
}

// Pointer capture (the XY pad and the heatmap capture a dragging pointer): jsdom has none. Track
// which pointers an element holds so hasPointerCapture answers like a browser.
if (typeof Element.prototype.setPointerCapture !== 'function') {
  const held = new WeakMap<Element, Set<number>>();
  const of = (el: Element): Set<number> => {
    let set = held.get(el);
    if (!set) held.set(el, (set = new Set()));
    return set;
  };
  Element.prototype.setPointerCapture = function setPointerCapture(this: Element, id: number): void {
    of(this).add(id);
  };
  Element.prototype.releasePointerCapture = function releasePointerCapture(this: Element, id: number): void {
    of(this).delete(id);
  };
  Element.prototype.hasPointerCapture = function hasPointerCapture(this: Element, id: number): boolean {
    return of(this).has(id);
  };
}
