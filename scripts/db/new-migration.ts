// npm run db:migration -- <name> — write the SQL that takes the migrations to schema.prisma, and
// a copy of every prisma/functions/*.sql that changed since its latest migration, into
// prisma/migrations/<UTC timestamp>_<name>/migration.sql (Prisma's layout), offline.
import { loadDotEnv, parseConfig } from '../../src/config.js';
import { createMigration } from '../../src/db/migrate/new-migration.js';

loadDotEnv();
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('Usage: npm run db:migration -- <snake_case_name>');
  process.exit(1);
}
const dir = await createMigration({ databaseUrl: parseConfig().DATABASE_URL, name });
if (!dir) {
  console.error('schema.prisma and prisma/functions match the migrations; nothing to write.');
  process.exit(0);
}
console.error(`Wrote ${dir}/migration.sql — review it, add hand-written constraints if needed, then npm run db:migrate.`);
