import { parseArgs, type ParseArgsConfig } from 'node:util';
import { axonError } from '../../shared/errors';
import type { AudioOutputChoice } from '../../shared/worker-messages';
import { MAX_QUEUE_MS, MIN_QUEUE_MS } from '../../shared/engine-config';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict flag parsing: unknown flags, missing values and stray arguments are errors. */
export function parseFlags<O extends Options>(argv: string[], options: O, positionals: { min: number; max: number; names: string }) {
  // "--speed -1" means what it says: parseArgs would take "-1" for a short flag, so a negative
  // number after a flag that takes a value is joined to it.
  const args = argv.flatMap((a, i) => {
    const prev = argv[i - 1];
    if (i > 0 && /^-\d|^-\.\d/.test(a) && prev.startsWith('--') && !prev.includes('=') && options[prev.slice(2)]?.type === 'string') return [];
    const next = argv[i + 1];
    if (next !== undefined && /^-\d|^-\.\d/.test(next) && a.startsWith('--') && !a.includes('=') && options[a.slice(2)]?.type === 'string') return [`${a}=${next}`];
    return [a];
  });
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
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

/** `--queue-ms`: the device queue for the output (audify), MIN_QUEUE_MS to MAX_QUEUE_MS. */
export function withQueueFlag(output: AudioOutputChoice, raw: string | undefined): AudioOutputChoice {
  if (raw === undefined) return output;
  if (output.kind === 'none') throw axonError('cli_usage', '--queue-ms applies to an audio output, not --audio none');
  return { ...output, queueMs: numberFlag('queue-ms', raw, 0, MIN_QUEUE_MS, MAX_QUEUE_MS) };
}
