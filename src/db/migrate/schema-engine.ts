import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlQueryable,
} from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { quoteIdent, withDatabase } from '../database-url.js';

type EngineModule = typeof import('@prisma/schema-engine-wasm');

const require = createRequire(import.meta.url);
// Node has WebAssembly; @types/node 20 does not declare it (it lives in lib.dom).
const wasmRuntime = (
  globalThis as unknown as {
    WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }> };
  }
).WebAssembly;
let enginePromise: Promise<EngineModule> | undefined;

/**
 * The package's entry imports the .wasm as an ES module, which Node 20 cannot do;
 * so we instantiate it by hand and hand the instance to the wasm-bindgen glue.
 */
function loadEngineModule(): Promise<EngineModule> {
  enginePromise ??= (async () => {
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = (await import(gluePath)) as EngineModule & { __wbg_set_wasm(w: unknown): void };
    const bytes = await readFile(gluePath.replace(/\.js$/, '.wasm'));
    const { instance } = await wasmRuntime.instantiate(bytes, { './schema_engine_bg.js': withUnrefTimers(glue) });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return glue;
  })();
  return enginePromise;
}

/** The engine arms 10 s timers it never clears (lock waits); they must not keep Node alive. */
function withUnrefTimers(glue: object): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...glue };
  for (const [name, fn] of Object.entries(imports)) {
    if (name.startsWith('__wbg_setTimeout_') && typeof fn === 'function') {
      imports[name] = (...args: unknown[]) => {
        const timer = (fn as (...a: unknown[]) => unknown)(...args);
        (timer as NodeJS.Timeout | undefined)?.unref?.();
        return timer;
      };
    }
  }
  return imports;
}

async function runAdmin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * PrismaPg has no mapping for PostgreSQL's internal `"char"` type (and rejects regclass and
 * friends), which the engine's catalog queries return. Our pool client relabels those columns
 * as text and remembers which ones were `"char"`; the adapter wrapper then reports them as
 * Character, the type the engine expects. Only the migrator's own pools use this.
 */
const CHAR_OID = 18;
const OTHER_INTERNAL_OIDS = new Set([24, 28, 194, 2205, 2206, 3734]);
const TEXT_OID = 25;
const charColumnsByRows = new WeakMap<object, number[]>();

function relabelInternalTypes<T>(result: T): T {
  for (const r of (Array.isArray(result) ? result : [result]) as (pg.QueryResult | undefined)[]) {
    if (!r?.fields) continue;
    const charColumns: number[] = [];
    r.fields.forEach((field, i) => {
      if (field.dataTypeID === CHAR_OID) charColumns.push(i);
      if (field.dataTypeID === CHAR_OID || OTHER_INTERNAL_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    });
    if (charColumns.length) charColumnsByRows.set(r.rows, charColumns);
  }
  return result;
}

class CatalogFriendlyClient extends pg.Client {
  // pg-pool calls query with a callback; the adapter's transactions use the promise form.
  override query(...args: unknown[]): never {
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as (err: Error | null, res?: unknown) => void;
      args[last] = (err: Error | null, res?: unknown) => callback(err, err ? res : relabelInternalTypes(res));
    }
    const pending = (super.query as (...a: unknown[]) => unknown)(...args);
    return (pending instanceof Promise ? pending.then(relabelInternalTypes) : pending) as never;
  }
}

function withCharColumns<Q extends SqlQueryable>(queryable: Q): Q {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const i of charColumnsByRows.get(result.rows) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
    return result;
  };
  return queryable;
}

async function migrationAdapter(url: string): Promise<SqlDriverAdapter> {
  const pool = new pg.Pool({ connectionString: url, max: 2, Client: CatalogFriendlyClient });
  const adapter = withCharColumns(await new PrismaPg(pool, { disposeExternalPool: true }).connect());
  // PrismaPg splits scripts on ";", which breaks function bodies; PostgreSQL runs a whole
  // multi-statement script in one simple query (one implicit transaction), as the native engine does.
  adapter.executeScript = async (script) => {
    await pool.query(script);
  };
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => withCharColumns(await startTransaction(isolationLevel));
  return adapter;
}

/**
 * Like PrismaPg, but its shadow database is dropped after its pool has closed
 * (PrismaPg drops it while its own pool still holds a connection, which fails).
 */
class PgMigrationAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = '@prisma/adapter-pg';
  /** The engine never disposes its main connection; we do, or its pool keeps Node alive. */
  readonly opened: SqlDriverAdapter[] = [];
  constructor(private readonly url: string) {}

  async connect() {
    const adapter = await migrationAdapter(this.url);
    this.opened.push(adapter);
    return adapter;
  }

  async connectToShadowDb() {
    const name = `bashgah_shadow_${randomUUID().replaceAll('-', '')}`;
    await runAdmin(this.url, `CREATE DATABASE ${quoteIdent(name)}`);
    const adapter = await migrationAdapter(withDatabase(this.url, name));
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await runAdmin(this.url, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    };
    return adapter;
  }
}

export interface EngineLog {
  level?: string;
  fields?: { message?: string };
}

export interface OpenEngine {
  engine: SchemaEngine;
  close(): Promise<void>;
}

export async function openSchemaEngine(
  url: string,
  schema: { path: string; content: string },
  onLog: (log: EngineLog) => void = () => {},
): Promise<OpenEngine> {
  const mod = await loadEngineModule();
  const pgFactory = new PgMigrationAdapterFactory(url);
  const factory = bindMigrationAwareSqlAdapterFactory(pgFactory);
  const engine = await mod.SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    (line: string) => {
      try {
        onLog(JSON.parse(line) as EngineLog);
      } catch {
        onLog({ fields: { message: line } });
      }
    },
    factory,
  );
  return {
    engine,
    async close() {
      engine.free();
      await Promise.all(pgFactory.opened.splice(0).map((a) => a.dispose()));
    },
  };
}
