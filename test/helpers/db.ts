import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type Database } from '../../src/db/client.js';
import { quoteIdent, withDatabase } from '../../src/db/database-url.js';
import { TEST_SERVER_URL } from './env.js';

export interface TestDatabase extends Database {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(TEST_SERVER_URL, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database copied from the migrated template: real migrations, nothing shared. */
export async function createTestDatabase(opts: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `bashgah_t_${process.ppid}_${randomBytes(5).toString('hex')}`;
  const template = opts.migrated === false ? 'template0' : inject('templateDatabase');
  for (let attempt = 0; ; attempt++) {
    try {
      await admin(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
      break;
    } catch (err) {
      // Two files copying the template at the same moment: PostgreSQL asks us to wait.
      if (!/being accessed by other users/.test((err as Error).message) || attempt > 20) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const url = withDatabase(TEST_SERVER_URL, name);
  // Tests fire hundreds of operations at once on a machine the other test files share: a wait
  // for a pooled connection may pass production's 5 s without anything being wrong.
  const db = createDatabase(url, { max: 20, connectTimeoutMs: 60_000 });
  return {
    ...db,
    name,
    url,
    async drop() {
      await db.close();
      await admin(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
  };
}
