import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What the stand-in answers: an HTTP status and a body (JSON unless a string). */
export type Answer = { status?: number; body: unknown };

/**
 * A provider's API on 127.0.0.1 for tests: records every request and answers from a script
 * (the next queued answer for a path, else the default for it).
 */
export async function startProviderStandIn(defaults: (req: SeenRequest) => Answer) {
  const seen: SeenRequest[] = [];
  const queued: Answer[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const r: SeenRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
      seen.push(r);
      const a = queued.shift() ?? defaults(r);
      res.statusCode = a.status ?? 200;
      res.setHeader('content-type', typeof a.body === 'string' ? 'text/plain' : 'application/json');
      res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    root: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    /** The next answers, in order, before the defaults apply again. */
    next(...answers: Answer[]) {
      queued.push(...answers);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
