import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

/**
 * The database functions Bashgah writes by hand (the ledger's PL/pgSQL and its helpers) live in
 * prisma/functions/<name>.sql, one `CREATE OR REPLACE FUNCTION <name>` each. Migrations carry
 * copies: a new migration gets the source's statement whenever it differs from what the latest
 * migration defining that function says. Applied migrations are never edited (their checksums
 * are recorded in every deployed database's _prisma_migrations).
 *
 * CREATE OR REPLACE cannot change a function's arguments or return type; such a change needs a
 * hand-written DROP FUNCTION in the new migration, before the copy.
 */
export const FUNCTIONS_DIR = 'functions';

export interface FunctionSource {
  name: string;
  /** prisma/functions/<name>.sql relative to the prisma directory. */
  file: string;
  statement: string;
}

export interface FunctionDefinition {
  migration: string;
  statement: string;
}

/**
 * The last `CREATE [OR REPLACE] FUNCTION name(…) … $tag$ … $tag$;` statement in `sql`, with
 * `CREATE FUNCTION` read as `CREATE OR REPLACE FUNCTION` (the first migration may create it).
 * Only statements that start a line count, so comments naming the function do not.
 */
export function extractFunction(sql: string, name: string): string | null {
  const header = new RegExp(`^CREATE\\s+(?:OR\\s+REPLACE\\s+)?FUNCTION\\s+(?:public\\.)?"?${name}"?\\s*\\(`, 'gim');
  let start = -1;
  for (const m of sql.matchAll(header)) start = m.index;
  if (start < 0) return null;
  const open = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/g;
  open.lastIndex = start;
  const tag = open.exec(sql);
  if (!tag) return null;
  const close = sql.indexOf(tag[0], tag.index + tag[0].length);
  const end = close < 0 ? -1 : sql.indexOf(';', close + tag[0].length);
  if (end < 0) return null;
  return sql.slice(start, end + 1).replace(/^CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION/i, 'CREATE OR REPLACE FUNCTION');
}

/** Every prisma/functions/*.sql, each named after the one function it defines. */
export async function readFunctionSources(prismaDir: string): Promise<FunctionSource[]> {
  const dir = join(prismaDir, FUNCTIONS_DIR);
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.sql')).sort();
  return Promise.all(
    files.map(async (f) => {
      const name = basename(f, '.sql');
      const statement = extractFunction(await readFile(join(dir, f), 'utf8'), name);
      if (!statement) throw new Error(`prisma/${FUNCTIONS_DIR}/${f} must hold one CREATE OR REPLACE FUNCTION ${name}(…) … $$;`);
      return { name, file: `${FUNCTIONS_DIR}/${f}`, statement };
    }),
  );
}

/** For each name, the statement of the latest migration (by folder name) that defines it. */
export async function latestDefinitions(prismaDir: string, names: string[]): Promise<Map<string, FunctionDefinition>> {
  const migrationsDir = join(prismaDir, 'migrations');
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const found = new Map<string, FunctionDefinition>();
  for (const migration of entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()) {
    const sql = await readFile(join(migrationsDir, migration, 'migration.sql'), 'utf8').catch(() => '');
    for (const name of names) {
      const statement = extractFunction(sql, name);
      if (statement) found.set(name, { migration, statement });
    }
  }
  return found;
}

/** Sources whose statement differs from (or is missing in) the migrations. */
export async function staleFunctions(prismaDir: string): Promise<(FunctionSource & { latest: FunctionDefinition | null })[]> {
  const sources = await readFunctionSources(prismaDir);
  const latest = await latestDefinitions(
    prismaDir,
    sources.map((s) => s.name),
  );
  return sources.map((s) => ({ ...s, latest: latest.get(s.name) ?? null })).filter((s) => s.latest?.statement !== s.statement);
}

/** The SQL a new migration appends so the database runs the sources again (empty: up to date). */
export async function functionUpdatesSql(prismaDir: string): Promise<string> {
  const stale = await staleFunctions(prismaDir);
  return stale
    .map((s) => `-- Copied from prisma/${s.file} by npm run db:migration: edit that file, not this copy.\n${s.statement}\n`)
    .join('\n');
}
