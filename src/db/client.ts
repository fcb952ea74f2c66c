import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';

export { PrismaClient };

// DATE columns (birth dates) are calendar dates: read them as UTC midnight, whatever the
// process's time zone, as Prisma does, instead of node-postgres's local-midnight default.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => new Date(`${value}T00:00:00Z`));
export { Prisma } from '../generated/prisma/client.js';

export interface Database {
  prisma: PrismaClient;
  /** The pool Prisma runs on; hot paths use it for hand-written SQL. */
  pool: pg.Pool;
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * `connectTimeoutMs` bounds the wait for a pooled connection (queueing behind busy ones
 * included): past it a request fails instead of hanging when PostgreSQL is overwhelmed.
 */
export function createDatabase(
  url: string,
  opts: { max?: number; connectTimeoutMs?: number; onError?: (err: Error) => void } = {},
): Database {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000 });
  pool.on('error', (err) => opts.onError?.(err));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    async ping(timeoutMs = 2_000) {
      const client = await withTimeout(pool.connect(), timeoutMs, 'PostgreSQL did not answer');
      try {
        await withTimeout(client.query('SELECT 1'), timeoutMs, 'PostgreSQL did not answer');
      } finally {
        client.release();
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
