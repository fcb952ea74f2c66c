// A lean HTTP/1.1 load generator for bench:webhook. The load generator shares the machine's two
// cores with the server and PostgreSQL, as pgbench's client does in the bare-SQL reference; this
// one spends ~20 µs of CPU per request where autocannon, which rebuilds every request from a
// description, spent ~115 µs (both measured by the bench's CPU meter).
import { connect, type Socket } from 'node:net';
import { p50p99 } from './bench-db.js';

export interface RawRequest {
  method: 'POST' | 'GET';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  perSecond: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  statuses: Record<number, number>;
}

const HEADER_END = Buffer.from('\r\n\r\n');

function encode(req: RawRequest, host: string): Buffer {
  const body = Buffer.from(req.body ?? '', 'utf8');
  const head = [`${req.method} ${req.path} HTTP/1.1`, `host: ${host}`, `content-length: ${body.length}`];
  for (const [name, value] of Object.entries(req.headers)) head.push(`${name}: ${value}`);
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/** Sends every request once over `connections` keep-alive connections, one request in flight on each. */
export async function fireRequests(base: string, requests: RawRequest[], connections: number): Promise<LoadResult> {
  const url = new URL(base);
  const encoded = requests.map((r) => encode(r, url.host));
  const latencies = new Float64Array(encoded.length);
  const statuses: Record<number, number> = {};
  let next = 0;
  let done = 0;
  const started = performance.now();

  const worker = () =>
    new Promise<void>((resolve, reject) => {
      const socket: Socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true });
      let pending: Buffer = Buffer.alloc(0);
      let index = -1;
      let sentAt = 0;
      const send = () => {
        if (next >= encoded.length) {
          socket.end();
          return resolve();
        }
        index = next++;
        sentAt = performance.now();
        socket.write(encoded[index]!);
      };
      socket.on('connect', send);
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        const end = pending.indexOf(HEADER_END);
        if (end < 0) return;
        const head = pending.toString('latin1', 0, end);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        const status = Number(head.slice(9, 12));
        statuses[status] = (statuses[status] ?? 0) + 1;
        latencies[index] = performance.now() - sentAt;
        done++;
        pending = pending.subarray(end + 4 + length);
        send();
      });
    });

  await Promise.all(Array.from({ length: Math.min(connections, encoded.length) }, worker));
  const seconds = (performance.now() - started) / 1000;
  const ok = Object.entries(statuses).reduce((n, [s, c]) => (Number(s) >= 200 && Number(s) < 300 ? n + c : n), 0);
  return { perSecond: done / seconds, ...p50p99(latencies), ok, non2xx: done - ok, statuses };
}
