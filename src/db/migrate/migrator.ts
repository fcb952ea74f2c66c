import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import { databaseName, quoteIdent, withDatabase } from '../database-url.js';
import { openSchemaEngine, type EngineLog } from './schema-engine.js';

export const PRISMA_DIR = resolve(import.meta.dirname, '../../../prisma');
const NO_FILTER = { externalTables: [], externalEnums: [] };

export interface MigratorOptions {
  databaseUrl: string;
  prismaDir?: string;
  onLog?: (log: EngineLog) => void;
}

/** Reads prisma/migrations the way the Prisma CLI does: one folder per migration, sorted by name. */
export async function readMigrationList(migrationsDir: string): Promise<MigrationList> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrationDirectories = await Promise.all(
    dirs.map(async (path) => {
      const file = join(migrationsDir, path, 'migration.sql');
      const content = await readFile(file, 'utf8').then(
        (value) => ({ tag: 'ok' as const, value }),
        (err: Error) => ({ tag: 'error' as const, value: err.message }),
      );
      return { path, migrationFile: { path: 'migration.sql', content } };
    }),
  );
  const lockPath = join(migrationsDir, 'migration_lock.toml');
  const lockContent = await readFile(lockPath, 'utf8').catch(() => null);
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

/** Creates the database named in the URL when the server does not have it yet. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
    } catch (err) {
      // Another process created it between our check and our CREATE.
      if ((err as { code?: string }).code !== '42P04') throw err;
      return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

async function withEngine<T>(opts: MigratorOptions, fn: (engine: SchemaEngine, dir: string) => Promise<T>): Promise<T> {
  const dir = opts.prismaDir ?? PRISMA_DIR;
  const schemaPath = join(dir, 'schema.prisma');
  const open = await openSchemaEngine(opts.databaseUrl, { path: schemaPath, content: await readFile(schemaPath, 'utf8') }, opts.onLog);
  try {
    return await fn(open.engine, dir);
  } finally {
    await open.close();
  }
}

/**
 * Applies pending migrations exactly as `prisma migrate deploy` does (same engine, same
 * `_prisma_migrations` rows and checksums), offline. Returns the names just applied.
 */
export async function migrate(opts: MigratorOptions): Promise<{ created: boolean; applied: string[] }> {
  const created = await ensureDatabase(opts.databaseUrl);
  return withEngine(opts, async (engine, dir) => {
    const migrationsList = await readMigrationList(join(dir, 'migrations'));
    const history = await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTER });
    if (history.failedMigrationNames.length) {
      throw new Error(`Failed migrations in _prisma_migrations: ${history.failedMigrationNames.join(', ')}; resolve them first`);
    }
    if (history.editedMigrationNames.length) {
      throw new Error(`Applied migrations were edited afterwards: ${history.editedMigrationNames.join(', ')}`);
    }
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    return { created, applied: appliedMigrationNames };
  });
}

/**
 * SQL that would bring a database built from the migrations to schema.prisma
 * (`prisma migrate diff --from-migrations --to-schema`); empty means no drift.
 */
export async function diffMigrationsToSchema(opts: MigratorOptions): Promise<string> {
  await ensureDatabase(opts.databaseUrl);
  return withEngine(opts, async (engine, dir) => {
    const migrationsList = await readMigrationList(join(dir, 'migrations'));
    const schemaPath = join(dir, 'schema.prisma');
    const { stdout } = await engine.diff({
      from: { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: await readFile(schemaPath, 'utf8') }] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return meaningfulSql(stdout ?? '');
  });
}

/** SQL that builds schema.prisma on an empty database (`prisma migrate diff --from-empty`). */
export async function schemaToSql(opts: MigratorOptions): Promise<string> {
  return withEngine(opts, async (engine, dir) => {
    const schemaPath = join(dir, 'schema.prisma');
    const { stdout } = await engine.diff({
      from: { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: await readFile(schemaPath, 'utf8') }] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return stdout ?? '';
  });
}

/** The engine prints "-- This is an empty migration." and the like when nothing changes. */
function meaningfulSql(sql: string): string {
  const lines = sql.split('\n').filter((l) => l.trim() && !l.trim().startsWith('--'));
  return lines.length ? sql.trim() : '';
}

export async function migrationsDirExists(dir = PRISMA_DIR): Promise<boolean> {
  return stat(join(dir, 'migrations')).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
