import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import { isPublicAddress, webhookUrlProblem } from '../../lib/public-address.js';
import type { AttemptResult } from '../../domain/webhooks/attempt-outcome.js';

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export interface GuardOptions {
  /** true: any address (WEBHOOKS_ALLOW_PRIVATE, the demo); a function: private addresses for the host names it accepts (tests). */
  allowPrivate: boolean | ((hostname: string) => boolean);
  /** DNS; tests inject names. */
  resolve?: Resolver;
  /** The whole attempt, connect to the last body byte: 5 s. */
  timeoutMs?: number;
  maxRedirects?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const BODY_CAP = 64 * 1024;

export class AddressNotAllowed extends Error {
  readonly code = 'ERR_ADDRESS_NOT_ALLOWED';
  constructor(host: string, address?: string) {
    super(`address not allowed: ${host}${address && address !== host ? ` (${address})` : ''} is not a public address`);
  }
}

/**
 * POSTs a webhook only to public addresses: a literal IP in the URL is checked before anything
 * else, and names are resolved by the connection's own lookup, which refuses the whole answer if
 * any address in it is private, so the socket connects to the address that was checked (no
 * second lookup to rebind). Redirects are followed by hand, each hop checked the same way, at
 * most `maxRedirects` times; the same signed POST is sent again.
 */
export class GuardedPoster {
  private readonly agent: Agent;
  private readonly resolve: Resolver;
  private readonly timeoutMs: number;

  constructor(private readonly opts: GuardOptions) {
    this.resolve = opts.resolve ?? ((host) => dnsLookup(host, { all: true, verbatim: true }));
    this.timeoutMs = opts.timeoutMs ?? 5_000;
    this.agent = new Agent({
      connect: { lookup: this.lookup as never, timeout: this.timeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connections: 32,
    });
  }

  async post(url: string, headers: Record<string, string>, body: string): Promise<AttemptResult> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
    try {
      let target = url;
      for (let hop = 0; ; hop++) {
        const problem = this.urlProblem(target);
        if (problem) return { error: problem };
        const res = await request(target, { method: 'POST', headers, body, dispatcher: this.agent, signal: controller.signal });
        const location = res.headers.location;
        if (REDIRECTS.has(res.statusCode) && typeof location === 'string') {
          await res.body.dump();
          if (hop >= (this.opts.maxRedirects ?? 3)) return { status: res.statusCode, body: `too many redirects (last to ${location})` };
          target = new URL(location, target).toString();
          continue;
        }
        return { status: res.statusCode, body: await readCapped(res.body) };
      }
    } catch (err) {
      return { error: describe(err, controller.signal) };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private privateAllowed(hostname: string): boolean {
    const allow = this.opts.allowPrivate;
    return typeof allow === 'function' ? allow(hostname) : allow;
  }

  private urlProblem(target: string): string | null {
    const problem = webhookUrlProblem(target, true);
    if (problem) return `not an http(s) URL without credentials: ${target}`;
    const host = new URL(target).hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !this.privateAllowed(host) && !isPublicAddress(host)) return new AddressNotAllowed(host).message;
    return null;
  }

  private readonly lookup = (
    hostname: string,
    options: LookupOptions,
    callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    this.resolve(hostname).then(
      (addresses) => {
        const refused = this.privateAllowed(hostname) ? undefined : addresses.find((a) => !isPublicAddress(a.address));
        if (refused || !addresses.length) return callback(new AddressNotAllowed(hostname, refused?.address), '');
        const wanted = options.family ? addresses.filter((a) => a.family === options.family) : addresses;
        if (options.all) return callback(null, wanted);
        const first = wanted[0] ?? addresses[0]!;
        callback(null, first.address, first.family);
      },
      (err: Error) => callback(err, ''),
    );
  };
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= BODY_CAP) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** One line for the delivery's last_error: the refusal, the timeout, or the network error. */
function describe(err: unknown, signal: AbortSignal): string {
  if (signal.aborted) return (signal.reason as Error)?.message ?? 'timed out';
  for (let e = err as (Error & { cause?: unknown; code?: string }) | undefined; e; e = e.cause as typeof e) {
    if (e instanceof AddressNotAllowed) return e.message;
    if (!e.cause) return e.code ? `${e.code}: ${e.message}` : e.message;
  }
  return String(err);
}
