/** Where the engine sends note, CC, drum and fault events (a ring in the worker, a list offline). */
export interface OutEventSink {
  emit(frame: number, type: number, a: number, b: number, c: number): void;
}

/** Collects events in memory; for offline renders and tests. */
export class OutEventList implements OutEventSink {
  readonly events: number[][] = [];
  emit(frame: number, type: number, a: number, b: number, c: number): void {
    this.events.push([frame, type, a, b, c]);
  }
}
