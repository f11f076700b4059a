// The scopes' size, apart from telemetry.ts so that the UI's drawing worker needs nothing else.

/** Samples per scope window (5.3 ms at 48 kHz). */
export const SCOPE_LEN = 256;
/** Scope channels: the master output (mono), then NEURON_SCOPES chosen neurons. */
export const NEURON_SCOPES = 2;
