import { isIP } from 'node:net';

/**
 * The address of the client behind a request, for per-client limits (rate limiting).
 *
 * The socket's peer is the truth unless that peer is one of the deployment's own reverse proxies
 * (`ROUTER_TRUSTED_PROXIES`): then the client is the right-most `X-Forwarded-For` entry that is not
 * itself a trusted proxy. Anything a client writes into `X-Forwarded-For` left of that is ignored,
 * so a client cannot choose its own address (and so escape its limits) by sending the header.
 */
export interface ClientAddressOptions {
  /** Addresses of the reverse proxies in front of the router; empty: the header is never read. */
  trustedProxies: ReadonlySet<string>;
}

/** What whatwg-node gives plugins as `serverContext` under Node's http server. */
interface NodeServerContext {
  req?: { socket?: { remoteAddress?: string } };
}

const normalized = (address: string) => (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

export function clientAddressOf(request: Request, serverContext: unknown, options: ClientAddressOptions): string {
  const peer = normalized((serverContext as NodeServerContext | undefined)?.req?.socket?.remoteAddress ?? 'unknown');
  if (!options.trustedProxies.has(peer)) return peer;
  const forwarded = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => normalized(entry.trim()))
    .filter((entry) => isIP(entry) !== 0);
  for (let i = forwarded.length - 1; i >= 0; i--) {
    if (!options.trustedProxies.has(forwarded[i]!)) return forwarded[i]!;
  }
  return peer;
}

/** `ROUTER_TRUSTED_PROXIES`: comma-separated IP addresses; anything else is a configuration error. */
export function parseTrustedProxies(value: string | undefined): ReadonlySet<string> {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (isIP(entry) === 0) throw new Error(`ROUTER_TRUSTED_PROXIES must list IP addresses, got "${entry}"`);
  }
  return new Set(entries.map(normalized));
}
