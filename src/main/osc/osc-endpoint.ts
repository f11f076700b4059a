import { axonError } from '../../shared/errors';

/** A UDP host and port (an OSC listener or a receiver of what Axon Stage sends). */
export interface OscEndpoint {
  readonly host: string;
  readonly port: number;
}

/** Where Axon Stage listens for OSC unless told otherwise (a common OSC port; loopback only). */
export const OSC_DEFAULT_LISTEN: OscEndpoint = Object.freeze({ host: '127.0.0.1', port: 9000 });
/** Where it sends when only a host is given: 9001 keeps it off its own listening port. */
export const OSC_DEFAULT_SEND_PORT = 9001;

export const formatEndpoint = (e: OscEndpoint): string => (e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`);

/**
 * Parses `host:port`, `[ipv6]:port`, a bare `port` (on 127.0.0.1) or a bare host (on
 * `defaultPort`), as given to a CLI flag such as `--osc`. Throws `osc_endpoint` naming the problem.
 */
export function parseEndpoint(spec: string, defaultPort: number = OSC_DEFAULT_SEND_PORT): OscEndpoint {
  const text = spec.trim();
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) [, host, portText] = bracketed;
  else if (/^\d+$/.test(text)) [host, portText] = ['127.0.0.1', text];
  else {
    const colon = text.lastIndexOf(':');
    // More than one colon without brackets is a bare IPv6 address.
    if (colon < 0 || text.indexOf(':') !== colon) [host, portText] = [text, undefined];
    else [host, portText] = [text.slice(0, colon), text.slice(colon + 1)];
  }
  if (!host) throw axonError('osc_endpoint', spec, 'no host');
  if (/\s/.test(host)) throw axonError('osc_endpoint', spec, 'the host contains spaces');
  if (portText === undefined) return { host, port: defaultPort };
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) throw axonError('osc_endpoint', spec, `port ${JSON.stringify(portText)} is not a number from 1 to 65535`);
  return { host, port };
}
