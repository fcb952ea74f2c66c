// The bare-SQL reference for bench:webhook: pgbench running purchase.pgbench.sql. pgbench ships
// with PostgreSQL's server package on Debian (postgresql-15); it is installed here, not in CI,
// and only when a benchmark asks for it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./purchase.pgbench.sql', import.meta.url));

function findPgbench(): string | null {
  if (spawnSync('pgbench', ['--version']).status === 0) return 'pgbench';
  const root = '/usr/lib/postgresql';
  for (const v of existsSync(root) ? readdirSync(root).sort().reverse() : []) {
    const bin = `${root}/${v}/bin/pgbench`;
    if (existsSync(bin)) return bin;
  }
  return null;
}

/** pgbench on PATH or next to PostgreSQL; otherwise one try at apt-get (postgresql-contrib pulls it in). */
export function ensurePgbench(): string | null {
  const found = findPgbench();
  if (found) return found;
  console.log('pgbench not found: installing postgresql-contrib (it brings pgbench) …');
  const apt = (args: string[]) =>
    spawnSync('apt-get', args, { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (apt(['install', '-y', '-q', 'postgresql-contrib']).status !== 0) {
    apt(['update', '-q']);
    apt(['install', '-y', '-q', 'postgresql-contrib']);
  }
  return findPgbench();
}

/**
 * Connections pgbench may open now: max_connections less the reserved ones, those open (the
 * server's pool and the bench's own) and a margin of 5. At concurrency 100 a stock PostgreSQL
 * (max_connections 100) has fewer than 100 left while the server holds its pool.
 */
export async function connectionHeadroom(pool: { query: (sql: string) => Promise<{ rows: { free: number }[] }> }): Promise<number> {
  const { rows } = await pool.query(
    `SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int
            - (SELECT count(*)::int FROM pg_stat_activity) - 5 AS free`,
  );
  return Math.max(1, rows[0]!.free);
}

/** Transactions per second of the minimal purchase at `clients` connections (connection time excluded). */
export function pgbenchPurchases(bin: string, url: string, merchantId: string, clients: number, transactions: number): number {
  const out = execFileSync(
    bin,
    [
      '-n',
      '-M',
      'prepared',
      '-c',
      String(clients),
      '-j',
      '2',
      '-t',
      String(Math.ceil(transactions / clients)),
      '-D',
      `merchant=${merchantId}`,
      '-f',
      SCRIPT,
      url,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tps = out.match(/tps = ([\d.]+) \(without initial connection time\)/);
  if (!tps) throw new Error(`pgbench printed no tps:\n${out}`);
  const failed = out.match(/number of failed transactions: (\d+)/);
  if (failed && Number(failed[1]) > 0) throw new Error(`pgbench: ${failed[1]} transactions failed`);
  return Number(tps[1]);
}
