// npm run db:migrate — apply pending migrations offline; creates the database when missing.
import { loadDotEnv, parseConfig, ConfigError } from '../../src/config.js';
import { migrate } from '../../src/db/migrate/migrator.js';
import { redactUrl } from '../../src/db/database-url.js';

loadDotEnv();
try {
  const { DATABASE_URL } = parseConfig();
  const { created, applied } = await migrate({ databaseUrl: DATABASE_URL });
  if (created) console.error(`Created database ${redactUrl(DATABASE_URL)}`);
  console.error(
    applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'Database is up to date; no migration to apply.',
  );
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `Migration failed: ${(err as Error).message}`);
  process.exit(1);
}
