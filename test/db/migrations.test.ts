import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS_DIR, readFunctionSources, staleFunctions } from '../../src/db/migrate/function-sources.js';
import { diffMigrationsToSchema, migrate, PRISMA_DIR, schemaToSql } from '../../src/db/migrate/migrator.js';
import { createMigration } from '../../src/db/migrate/new-migration.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { readCatalog } from '../helpers/catalog.js';

let migrated: TestDatabase;
let fromSchema: TestDatabase;
let scratch: TestDatabase;
let deployed: TestDatabase;

beforeAll(async () => {
  migrated = await createTestDatabase();
  fromSchema = await createTestDatabase({ migrated: false });
  scratch = await createTestDatabase({ migrated: false });
  deployed = await createTestDatabase();
});

afterAll(async () => {
  await Promise.all([migrated?.drop(), fromSchema?.drop(), scratch?.drop(), deployed?.drop()]);
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
    const { rows } = await migrated.pool.query(
      'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
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

/** The body PostgreSQL stores for a function (pg_proc.prosrc): the text between its dollar quotes. */
const bodyOf = (statement: string) => /\$([A-Za-z_]\w*)?\$([\s\S]*)\$\1\$/.exec(statement)?.[2];
async function storedBody(db: TestDatabase, name: string): Promise<string | undefined> {
  const { rows } = await db.pool.query('SELECT prosrc FROM pg_proc WHERE proname = $1', [name]);
  expect(rows).toHaveLength(1);
  return rows[0].prosrc;
}

describe('function sources (prisma/functions/*.sql)', () => {
  it('equal the latest migration defining each function: edit a source without npm run db:migration and this fails', async () => {
    const sources = await readFunctionSources(PRISMA_DIR);
    expect(sources.map((s) => s.name)).toEqual([
      'bashgah_bucket_usable',
      'bashgah_forbid_change',
      'bashgah_ledger_apply',
      'bashgah_ledger_apply_batch',
    ]);
    const stale = await staleFunctions(PRISMA_DIR);
    expect(stale.map((s) => `${s.file} differs from ${s.latest?.migration ?? 'every migration (none defines it)'}`)).toEqual([]);
    // And the migrated database runs exactly that body.
    for (const s of sources) expect(await storedBody(migrated, s.name)).toBe(bodyOf(s.statement));
  });

  it('become a new migration when edited, which deploys on a migrated database; nothing more to write afterwards', async () => {
    const dir = await copyPrismaDir();
    try {
      const file = join(dir, FUNCTIONS_DIR, 'bashgah_forbid_change.sql');
      await writeFile(file, (await readFile(file, 'utf8')).replace("'ledger_entries are immutable'", "'ledger entries never change'"));
      expect((await staleFunctions(dir)).map((s) => s.name)).toEqual(['bashgah_forbid_change']);

      const made = await createMigration({
        databaseUrl: scratch.url,
        prismaDir: dir,
        name: 'forbid_message',
        now: new Date('2099-01-02T03:04:05Z'),
      });
      expect(made).toBe(join(dir, 'migrations', '20990102030405_forbid_message'));
      const sql = await readFile(join(made!, 'migration.sql'), 'utf8');
      expect(sql).toMatch(/^CREATE OR REPLACE FUNCTION bashgah_forbid_change\(\)/m);
      expect(sql).toContain("'ledger entries never change'");
      expect(sql).not.toMatch(/bashgah_ledger_apply|bashgah_bucket_usable|ALTER TABLE/); // only what changed
      expect(await staleFunctions(dir)).toEqual([]);
      expect(await createMigration({ databaseUrl: scratch.url, prismaDir: dir, name: 'again' })).toBeNull();

      expect(await migrate({ databaseUrl: deployed.url, prismaDir: dir })).toEqual({
        created: false,
        applied: ['20990102030405_forbid_message'],
      });
      expect(await storedBody(deployed, 'bashgah_forbid_change')).toContain("'ledger entries never change'");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('migration 20261201012410_tier_points', () => {
  const TIER_POINTS = '20261201012410_tier_points';

  it('backfills each past day’s tier points without the referral points paid, or taken back, that day', async () => {
    const dir = await copyPrismaDir();
    const db = await createTestDatabase({ migrated: false });
    try {
      await rm(join(dir, 'migrations', TIER_POINTS), { recursive: true });
      await migrate({ databaseUrl: db.url, prismaDir: dir }); // a database deployed before it
      const merchant = '00000000-0000-7000-8000-000000000001';
      const [referrer, friend] = ['00000000-0000-7000-8000-00000000000a', '00000000-0000-7000-8000-00000000000b'];
      await db.pool.query("INSERT INTO merchants (id, name, webhook_secret_enc) VALUES ($1, 'Shop', 'x')", [merchant]);
      await db.pool.query(
        `INSERT INTO members (id, merchant_id, phone, member_code, referral_code, tier) VALUES
         ($2, $1, '+989120000001', 'A1', 'RA', 'bronze'), ($3, $1, '+989120000002', 'B1', 'RB', 'bronze')`,
        [merchant, referrer, friend],
      );
      await db.pool.query(
        `INSERT INTO referral_rewards (id, merchant_id, referrer_id, friend_id, trigger, beneficiary, currency, amount, day, status, reversed_at) VALUES
         (gen_random_uuid(), $1, $2, $3, 'first_purchase', 'referrer', 'points', 50, '2026-10-01', 'reversed', '2026-10-05T10:00:00Z'),
         (gen_random_uuid(), $1, $2, $3, 'join', 'friend', 'coins', 10, '2026-09-20', 'granted', NULL)`,
        [merchant, referrer, friend],
      );
      // Oct 1: a 30-point purchase and the 50-point reward; Oct 5: a 20-point purchase and the clawback.
      await db.pool.query(
        `INSERT INTO member_earning_days (member_id, day, points, coins) VALUES
         ($1, '2026-10-01', 80, 0), ($1, '2026-10-05', -30, 0), ($2, '2026-09-20', 0, 10), ($2, '2026-10-01', 40, 0)`,
        [referrer, friend],
      );

      expect(await migrate({ databaseUrl: db.url })).toMatchObject({ applied: [TIER_POINTS] });
      const { rows } = await db.pool.query(
        "SELECT member_id, to_char(day, 'YYYY-MM-DD') AS day, points::int, tier_points::int FROM member_earning_days ORDER BY member_id, day",
      );
      expect(rows).toEqual([
        { member_id: referrer, day: '2026-10-01', points: 80, tier_points: 30 },
        { member_id: referrer, day: '2026-10-05', points: -30, tier_points: 20 },
        { member_id: friend, day: '2026-09-20', points: 0, tier_points: 0 },
        { member_id: friend, day: '2026-10-01', points: 40, tier_points: 40 },
      ]);
    } finally {
      await Promise.all([rm(dir, { recursive: true, force: true }), db.drop()]);
    }
  });
});
