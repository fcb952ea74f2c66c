import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { LookupAddress } from 'node:dns';
import { GuardedPoster } from '../../src/jobs/webhooks/guarded-post.js';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What the receiver answers: a status and body, `hang` (never answers), or a redirect. */
export type Answer = { status: number; body?: string; location?: string } | 'hang';

/** A merchant's endpoint on loopback that records every request and answers as the test says. */
export async function startReceiver(answer: (req: Received, n: number) => Answer | Promise<Answer> = () => ({ status: 200, body: 'ok' })) {
  const received: Received[] = [];
  const hanging = new Set<ServerResponse>();
  let respond = answer;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      const r: Received = { path: req.url ?? '/', headers: req.headers, body };
      received.push(r);
      const a = await respond(r, received.length);
      if (a === 'hang') return void hanging.add(res);
      res.writeHead(a.status, a.location ? { location: a.location } : {});
      res.end(a.body ?? '');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    port,
    received,
    /** The URL under the name tests resolve to loopback (see testPoster). */
    url: (path = '/hook') => `http://${RECEIVER_HOST}:${port}${path}`,
    answer(next: typeof answer) {
      respond = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** The one name tests may send private traffic to: it resolves to 127.0.0.1. */
export const RECEIVER_HOST = 'receiver.test';

/**
 * A poster whose DNS is a table (nothing leaves the machine): receiver.test is loopback and the
 * only name allowed a private address; the other names resolve to the private addresses a
 * refusal test needs.
 */
export function testPoster(opts: { timeoutMs?: number; names?: Record<string, string> } = {}) {
  const names: Record<string, string> = { [RECEIVER_HOST]: '127.0.0.1', ...opts.names };
  const lookups: string[] = [];
  const poster = new GuardedPoster({
    allowPrivate: (host) => host === RECEIVER_HOST,
    timeoutMs: opts.timeoutMs ?? 2_000,
    resolve: async (host): Promise<LookupAddress[]> => {
      lookups.push(host);
      const address = names[host];
      if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return [{ address, family: address.includes(':') ? 6 : 4 }];
    },
  });
  return { poster, lookups };
}
