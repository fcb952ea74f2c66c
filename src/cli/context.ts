import { ConfigError, loadDotEnv, parseConfig, type Config } from '../config.js';
import { createDatabase, type Database } from '../db/client.js';
import { migrate } from '../db/migrate/migrator.js';
import { SecretBox } from '../lib/secret-box.js';
import { resolveEncryptionKey } from '../lib/encryption-key.js';
import { createServices } from '../app/container.js';

/** What CLI commands get: the database (migrated) and the services; no Redis, no servers. */
export interface CliContext {
  config: Config;
  db: Database;
  secretBox: SecretBox;
  services: ReturnType<typeof createServices>;
  merchants: ReturnType<typeof createServices>['merchants'];
  close(): Promise<void>;
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export async function openCliContext(): Promise<CliContext> {
  loadDotEnv();
  let config: Config;
  try {
    config = parseConfig();
  } catch (err) {
    throw new CliError(err instanceof ConfigError ? err.message : String(err));
  }
  await migrate({ databaseUrl: config.DATABASE_URL }).catch((err: Error) => {
    throw new CliError(`Cannot prepare PostgreSQL (DATABASE_URL): ${err.message.split('\n')[0]}`);
  });
  const db = createDatabase(config.DATABASE_URL, { max: 2 });
  const secretBox = new SecretBox(resolveEncryptionKey(config.ENCRYPTION_KEY, config.DATA_DIR));
  const services = createServices(db, secretBox);
  return { config, db, secretBox, services, merchants: services.merchants, close: () => db.close() };
}
