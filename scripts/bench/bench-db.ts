import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createServices } from '../../src/app/container.js';
import { createDatabase, type Database } from '../../src/db/client.js';
import { quoteIdent, withDatabase } from '../../src/db/database-url.js';
import { migrate } from '../../src/db/migrate/migrator.js';
import { SecretBox } from '../../src/lib/secret-box.js';

export const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: withDatabase(SERVER_URL, 'postgres') });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A fresh, migrated database for one benchmark run, dropped by `drop()`. */
export async function freshBenchDatabase(poolSize = 50) {
  const name = `bashgah_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const url = withDatabase(SERVER_URL, name);
  await migrate({ databaseUrl: url });
  const db: Database = createDatabase(url, { max: poolSize });
  const encryptionKey = randomBytes(32).toString('hex');
  const services = createServices(db, new SecretBox(encryptionKey));
  return {
    url,
    /** Give it to a server process so it can read the secrets this process sealed. */
    encryptionKey,
    db,
    services,
    async drop() {
      await db.close();
      await admin(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
  };
}

export function phoneFor(i: number): string {
  return `+98912${String(i).padStart(7, '0')}`;
}

/** Runs `total` calls of `fn` with `concurrency` in flight; returns per-call latencies (ms). */
export async function runConcurrent(total: number, concurrency: number, fn: (i: number) => Promise<unknown>) {
  const latencies: number[] = new Array(total);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const t = performance.now();
        await fn(i);
        latencies[i] = performance.now() - t;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: total / seconds, ...p50p99(latencies), seconds };
}

/** The 50th and 99th percentile of latencies (ms). */
export function p50p99(latencies: ArrayLike<number>): { p50: number; p99: number } {
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  return { p50: pct(50), p99: pct(99) };
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
