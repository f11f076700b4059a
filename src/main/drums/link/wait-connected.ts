import { axonError } from '../../../shared/errors';
import type { Milliseconds } from '../../../shared/units';
import type { DrumLink, LinkState } from './link';

/**
 * Resolves when the started `link` is (again) connected. Rejects after `timeoutMs` naming the
 * last reason it was not, or at once when the link gives up (a board of the wrong protocol).
 */
export function waitConnected(link: DrumLink, path: string, timeoutMs: Milliseconds): Promise<void> {
  if (link.state === 'connected') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastReason = 'no answer';
    const done = () => {
      clearTimeout(timer);
      link.off('state', on);
    };
    const on = (s: LinkState) => {
      if (s.state === 'connected') {
        done();
        resolve();
        return;
      }
      const error = s.state === 'disconnected' ? s.error : s.reason;
      if (error) lastReason = error.message;
      if (s.state === 'disconnected' && s.retryInMs === null) {
        done();
        reject(error);
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(axonError('drum_connect', path, timeoutMs, lastReason));
    }, timeoutMs);
    link.on('state', on);
  });
}
