import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate, PRISMA_DIR, readMigrationList } from '../src/db/migrate/migrator.js';
import { quoteIdent, withDatabase } from '../src/db/database-url.js';
import { TEST_SERVER_URL } from './helpers/env.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

/** The template's name carries a hash of the migrations, so a changed migration builds a new one. */
async function templateName(): Promise<string> {
  const list = await readMigrationList(join(PRISMA_DIR, 'migrations'));
  const hash = createHash('sha256');
  for (const m of list.migrationDirectories) hash.update(m.path).update(m.migrationFile.content.value);
  hash.update(await readFile(join(PRISMA_DIR, 'schema.prisma'), 'utf8'));
  return `bashgah_tpl_${hash.digest('hex').slice(0, 16)}`;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(TEST_SERVER_URL, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export default async function setup(project: TestProject) {
  const name = await templateName();
  await admin(async (c) => {
    // Databases left by test runs that crashed (their runner pid is gone), and old templates.
    // A template is old when its files have not changed for a day: a parallel run (another
    // checkout with other migrations) may be copying a younger one right now.
    const { rows } = await c.query<{ datname: string; age: number | null }>(
      `SELECT datname, EXTRACT(EPOCH FROM now() - (pg_stat_file('base/' || oid || '/PG_VERSION', true)).modification)::float AS age
         FROM pg_database WHERE datname LIKE 'bashgah\\_t\\_%' OR datname LIKE 'bashgah\\_tpl\\_%'`,
    );
    for (const { datname, age } of rows) {
      const pid = Number(/^bashgah_t_(\d+)_/.exec(datname)?.[1]);
      const stale = datname.startsWith('bashgah_tpl_')
        ? datname !== name && !datname.endsWith('_building') && (age ?? 0) > 86_400
        : pid && !isAlive(pid);
      if (stale) await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`).catch(() => {});
    }
  });
  const exists = await admin((c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]).then((r) => r.rowCount === 1));
  if (!exists) {
    const building = `${name}_${process.pid}_building`;
    await migrate({ databaseUrl: withDatabase(TEST_SERVER_URL, building) });
    await admin(async (c) => {
      try {
        await c.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(name)}`);
      } catch {
        // A parallel run built the same template first.
        await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)} WITH (FORCE)`);
      }
    });
  }
  project.provide('templateDatabase', name);
}
