import type { ParamBank } from '../params/param-bank';

/** A signal source feeding one network column: fills `out[0, len)` for the current chunk. */
export interface Source {
  process(out: Float64Array, len: number, bank: ParamBank): void;
  reset(): void;
}
