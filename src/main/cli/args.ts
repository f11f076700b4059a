import { parseArgs, type ParseArgsConfig } from 'node:util';
import { axonError } from '../../shared/errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict flag parsing: unknown flags, missing values and stray arguments are errors. */
export function parseFlags<O extends Options>(argv: string[], options: O, positionals: { min: number; max: number; names: string }) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // parseArgs reads "--seconds -1" as a flag without its value; say how to pass a negative number.
    const ambiguous = /^Option '(--[\w-]+)[^']*' argument is ambiguous/.exec(message);
    if (ambiguous) throw axonError('cli_usage', `${ambiguous[1]} needs a value (for a negative number write ${ambiguous[1]}=-1)`);
    throw axonError('cli_usage', message.split('\n')[0].replace(/\. To specify a positional argument.*$/, ''));
  }
  const n = parsed.positionals.length;
  if (n < positionals.min) throw axonError('cli_usage', `missing ${positionals.names}`);
  if (n > positionals.max) throw axonError('cli_usage', `unexpected argument "${parsed.positionals[positionals.max]}"`);
  return parsed;
}

/** A number flag within [min, max]; `integer` rejects fractions. */
export function numberFlag(name: string, raw: string | undefined, def: number, min: number, max: number, integer = false): number {
  if (raw === undefined) return def;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw axonError('cli_usage', `--${name} needs a number, got "${raw}"`);
  if (integer && !Number.isInteger(v)) throw axonError('cli_usage', `--${name} needs a whole number, got "${raw}"`);
  if (v < min || v > max) throw axonError('cli_usage', `--${name} must be between ${min} and ${max}, got ${raw}`);
  return v;
}

export function choiceFlag<T extends number | string>(name: string, raw: string | undefined, def: T, choices: readonly T[]): T {
  if (raw === undefined) return def;
  // Numeric choices match by value ("48000" and "48e3" are the same rate).
  const found = choices.find((c) => String(c) === raw || (typeof c === 'number' && raw.trim() !== '' && Number(raw) === c));
  if (found === undefined) throw axonError('cli_usage', `--${name} must be one of ${choices.join(', ')}, got "${raw}"`);
  return found;
}
