import { ApiError } from '../../../shared/api-client';
import type { ErrorPayload } from '../../../shared/errors';

/** What the error banner shows for one failure. */
export interface ShownError {
  id: number;
  message: string;
  details: string[];
  /** How many times this same message arrived in a row (a drag can fail at 60 Hz). */
  repeats: number;
}

/** Message and details of anything a call can throw. */
export function describeError(err: unknown, context?: string): { message: string; details: string[] } {
  let message: string;
  let details: string[] = [];
  if (err instanceof ApiError) {
    message = err.message;
    details = [...err.details];
  } else if (err instanceof Error) {
    message = err.message || err.name;
  } else {
    message = String(err);
  }
  return { message: context ? `${context}: ${message}` : message, details };
}

export function fromPayload(p: ErrorPayload): { message: string; details: string[] } {
  return { message: p.message, details: [...p.details] };
}

/** Adds an error to the list, folding an immediate repeat into a count; keeps the newest `max`. */
export function pushError(list: ShownError[], e: { message: string; details: string[] }, id: number, max = 4): ShownError[] {
  const last = list[list.length - 1];
  if (last && last.message === e.message && last.details.join('\n') === e.details.join('\n')) {
    return [...list.slice(0, -1), { ...last, repeats: last.repeats + 1 }];
  }
  return [...list, { id, ...e, repeats: 1 }].slice(-max);
}
