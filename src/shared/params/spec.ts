import type { Milliseconds, NormalRange } from '../units';

export type Scaling = 'linear' | 'log';

/** Display unit of a parameter; '' for plain numbers. */
export type ParamUnit = '' | 'Hz' | 's' | 'ms' | 'dB' | 'V' | 'steps/s' | 'note' | 'semitones' | 'velocity' | 'channel' | 'index';

/**
 * The one declaration of a parameter: the engine reads range and smoothing, the patch schema
 * validates against it, the UI builds its control from it and the docs are generated from it.
 */
export interface ParamSpec {
  readonly label: string;
  readonly unit: ParamUnit;
  readonly min: number;
  readonly max: number;
  readonly default: number;
  readonly scaling: Scaling;
  /** One-pole smoothing time constant applied in the engine; 0 = the value steps. */
  readonly smoothing: Milliseconds;
  /** Whole numbers only (MIDI channels, notes, drum numbers). */
  readonly integer?: boolean;
  readonly description: string;
}

export function toNormal(spec: ParamSpec, value: number): NormalRange {
  const v = Math.min(spec.max, Math.max(spec.min, value));
  if (spec.scaling === 'log') return Math.log(v / spec.min) / Math.log(spec.max / spec.min);
  return (v - spec.min) / (spec.max - spec.min);
}

export function fromNormal(spec: ParamSpec, n: NormalRange): number {
  const c = Math.min(1, Math.max(0, n));
  const v = spec.scaling === 'log' ? spec.min * Math.pow(spec.max / spec.min, c) : spec.min + c * (spec.max - spec.min);
  return spec.integer ? Math.round(v) : v;
}

export function clampToSpec(spec: ParamSpec, value: number): number {
  const v = Math.min(spec.max, Math.max(spec.min, value));
  return spec.integer ? Math.round(v) : v;
}

/** Compact text for a value, for UIs and docs. */
export function formatValue(spec: ParamSpec, value: number): string {
  const abs = Math.abs(value);
  const digits = spec.integer ? 0 : abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  const unit = spec.unit === 'Hz' && abs >= 1000 ? 'kHz' : spec.unit;
  const shown = unit === 'kHz' ? (value / 1000).toFixed(2) : value.toFixed(digits);
  return unit && !['index', 'channel', 'velocity', 'note'].includes(unit) ? `${shown} ${unit}` : shown;
}
