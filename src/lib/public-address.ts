import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Whether an IP address is on the public internet: ipaddr.js's `unicast` range only. Loopback,
 * private (10/8, 172.16/12, 192.168/16, fc00::/7), carrier-grade NAT (100.64/10), link-local
 * (169.254/16, fe80::/10), unspecified (0.0.0.0, ::), multicast, broadcast, documentation and
 * the IPv6 forms that carry an IPv4 address (::ffff:10.0.0.1, NAT64, 6to4, Teredo) are not.
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return false;
  // process() turns ::ffff:a.b.c.d into a.b.c.d, so a mapped private address is judged as the private one.
  return ipaddr.process(bare).range() === 'unicast';
}

export type UrlProblem = 'not_http' | 'credentials' | 'private_address';

/**
 * What is wrong with a webhook URL before any DNS lookup: only http(s), no user:password, and
 * a host that is a public address or a name (names are resolved and checked when sending).
 */
export function webhookUrlProblem(raw: string, allowPrivate: boolean): UrlProblem | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not_http';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'not_http';
  if (url.username || url.password) return 'credentials';
  if (allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isPublicAddress(host) ? null : 'private_address';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'private_address';
  return null;
}
