/** A signal source feeding the network's columns; one call per sample. */
export interface Source {
  process(p: Float64Array): number;
  reset(): void;
}
