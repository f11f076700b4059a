import { AxonError } from '../../src/shared/errors';

/** `code: message` of the AxonError `fn` throws, or "no error"; any other error propagates. */
export function axonErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AxonError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'no error';
}
