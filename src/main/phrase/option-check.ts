import { axonError } from '../../shared/errors';

/**
 * Returns `value` if it is a finite number in [min, max] (and whole when `integer`), else
 * throws a phrase_option error naming the option. Options arrive from UIs, OSC and saved sets.
 */
export function checkNumber(name: string, value: unknown, min: number, max: number, integer = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value));
  if (!ok) {
    const range = max === Infinity ? `at least ${min}` : `${min}-${max}`;
    throw axonError('phrase_option', name, `${integer ? 'a whole number' : 'a number'} ${range}`, String(value));
  }
  return value;
}

/** Returns `value` if it is one of `allowed`, else throws a phrase_option error. */
export function checkChoice<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw axonError('phrase_option', name, `one of ${allowed.join(', ')}`, String(value));
}
