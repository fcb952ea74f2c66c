import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffMigrationsToSchema, migrate, PRISMA_DIR, schemaToSql } from '../../src/db/migrate/migrator.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { readCatalog } from '../helpers/catalog.js';

let migrated: TestDatabase;
let fromSchema: TestDatabase;
let scratch: TestDatabase;

beforeAll(async () => {
  migrated = await createTestDatabase();
  fromSchema = await createTestDatabase({ migrated: false });
  scratch = await createTestDatabase({ migrated: false });
});

afterAll(async () => {
  await Promise.all([migrated?.drop(), fromSchema?.drop(), scratch?.drop()]);
});

async function copyPrismaDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bashgah-prisma-'));
  await cp(PRISMA_DIR, dir, { recursive: true });
  return dir;
}

describe('migrations', () => {
  it('take an empty database to exactly what schema.prisma describes (no drift)', async () => {
    expect(await diffMigrationsToSchema({ databaseUrl: scratch.url })).toBe('');
    // The migrated database itself, compared with one built straight from schema.prisma.
    await fromSchema.pool.query(await schemaToSql({ databaseUrl: fromSchema.url }));
    expect(await readCatalog(migrated.pool)).toEqual(await readCatalog(fromSchema.pool));
  });

  it('report drift when schema.prisma changes without a migration', async () => {
    const dir = await copyPrismaDir();
    try {
      const schemaFile = join(dir, 'schema.prisma');
      const schema = await readFile(schemaFile, 'utf8');
      await writeFile(schemaFile, schema.replace(/model Merchant \{\n/, 'model Merchant {\n  nickname String?\n'));
      const drift = await diffMigrationsToSchema({ databaseUrl: scratch.url, prismaDir: dir });
      expect(drift).toMatch(/ALTER TABLE "merchants" ADD COLUMN\s+"nickname" TEXT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('record each migration in _prisma_migrations as prisma migrate deploy does', async () => {
    const { rows } = await migrated.pool.query('SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const sql = await readFile(join(PRISMA_DIR, 'migrations', row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('do nothing when run again', async () => {
    const before = await migrated.pool.query('SELECT * FROM _prisma_migrations ORDER BY migration_name');
    const catalogBefore = await readCatalog(migrated.pool);
    const result = await migrate({ databaseUrl: migrated.url });
    expect(result).toEqual({ created: false, applied: [] });
    expect((await migrated.pool.query('SELECT * FROM _prisma_migrations ORDER BY migration_name')).rows).toEqual(before.rows);
    expect(await readCatalog(migrated.pool)).toEqual(catalogBefore);
  });

  it('refuse to run when an applied migration was edited afterwards', async () => {
    const dir = await copyPrismaDir();
    try {
      const first = (await migrated.pool.query('SELECT migration_name FROM _prisma_migrations ORDER BY 1 LIMIT 1')).rows[0].migration_name;
      const file = join(dir, 'migrations', first, 'migration.sql');
      await writeFile(file, `${await readFile(file, 'utf8')}\n-- edited\n`);
      await expect(migrate({ databaseUrl: migrated.url, prismaDir: dir })).rejects.toThrow(/edited/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('create the database when it does not exist', async () => {
    const url = `${scratch.url}_new`;
    try {
      const result = await migrate({ databaseUrl: url });
      expect(result.created).toBe(true);
      expect(result.applied.length).toBeGreaterThan(0);
    } finally {
      await scratch.pool.query(`DROP DATABASE IF EXISTS "${scratch.name}_new" WITH (FORCE)`);
    }
  });
});
