import type { ErrorPayload } from '../../../shared/errors';

// The access token of `axon serve --lan`. It arrives in the address's fragment (#token=…),
// which browsers never send in a request, and goes to the server only as `/ws?token=…`.
// Structural types (not the DOM's) so Node tests can drive these with fakes.

export const TOKEN_KEY = 'axon-stage.token';

export interface TokenPlace {
  pathname: string;
  search: string;
  hash: string;
}

export interface TokenStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface AddressBar {
  readonly state: unknown;
  replaceState(data: unknown, unused: string, url?: string): void;
}

/**
 * The token from the address (remembered for this tab, so a reload or reconnect keeps working,
 * then taken out of the address bar so it is not shared by a screenshot or a copied link), else
 * the one remembered; null when there is none.
 */
export function takeToken(place: TokenPlace, store: TokenStore | null, bar: AddressBar | null): string | null {
  const params = new URLSearchParams(place.hash.replace(/^#/, ''));
  const fromAddress = params.get('token');
  if (fromAddress) {
    try {
      store?.setItem(TOKEN_KEY, fromAddress);
    } catch {
      // Storage can be off (private modes): the token then lasts until a reload.
    }
    params.delete('token');
    const rest = params.toString();
    bar?.replaceState(bar.state, '', `${place.pathname}${place.search}${rest ? `#${rest}` : ''}`);
    return fromAddress;
  }
  try {
    return store?.getItem(TOKEN_KEY) || null;
  } catch {
    return null;
  }
}

/** `/ws`, with the token when there is one. */
export function socketPath(token: string | null): string {
  return token ? `/ws?token=${encodeURIComponent(token)}` : '/ws';
}

/** A GET of `url` that skips any cache (the page passes fetch with cache: 'no-store'). */
type Probe = (url: string) => Promise<{ status: number; text(): Promise<string> }>;

/**
 * Why the server refuses the WebSocket at `url` (the same path over http), or null when it does
 * not (or cannot be reached: then it is simply down). A browser's WebSocket never shows the
 * HTTP status of a refused upgrade, so the server answers this plain GET with the reason.
 */
export async function whyRefused(url: string, probe: Probe): Promise<ErrorPayload | null> {
  try {
    const res = await probe(url);
    if (res.status !== 401) return null;
    const body = JSON.parse(await res.text()) as { error?: Partial<ErrorPayload> };
    const e = body.error;
    if (!e || typeof e.message !== 'string') return null;
    return { code: e.code ?? 'internal', message: e.message, details: Array.isArray(e.details) ? e.details.filter((d) => typeof d === 'string') : [] };
  } catch {
    return null;
  }
}
