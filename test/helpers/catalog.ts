import type pg from 'pg';

/**
 * What Prisma models of a database, read from PostgreSQL's catalogs: tables, columns,
 * enums, indexes, keys. CHECK constraints are left out: Prisma does not model them, so
 * we add them by hand in migrations.
 */
export async function readCatalog(pool: pg.Pool) {
  const columns = await pool.query(`
    SELECT table_name, column_name, udt_name, is_nullable, column_default,
           character_maximum_length, numeric_precision, numeric_scale, datetime_precision
    FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
    ORDER BY table_name, column_name`);
  const indexes = await pool.query(`
    SELECT indexname, indexdef FROM pg_indexes
    WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY indexname`);
  const constraints = await pool.query(`
    SELECT c.conrelid::regclass::text AS table_name, c.conname, pg_get_constraintdef(c.oid) AS definition
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f') AND c.conrelid::regclass::text <> '_prisma_migrations'
    ORDER BY 1, 2`);
  const enums = await pool.query(`
    SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' GROUP BY t.typname ORDER BY t.typname`);
  return { columns: columns.rows, indexes: indexes.rows, constraints: constraints.rows, enums: enums.rows };
}
