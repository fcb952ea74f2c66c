import { ConfigError, loadDotEnv, parseConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { migrate } from './db/migrate/migrator.js';
import { redactUrl } from './db/database-url.js';
import { createContainer } from './app/container.js';
import { startRoles, stopRoles, rolesFor, type RunningRole } from './app/roles.js';
import { demoBanner, prepareDefaultMerchant } from './app/demo.js';

const SHUTDOWN_LIMIT_MS = 9_000;

/** Start-up problems are one line on stderr and a non-zero exit, never a stack trace. */
function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function readConfig(): Config {
  loadDotEnv();
  try {
    return parseConfig();
  } catch (err) {
    fail(err instanceof ConfigError ? err.message : `Invalid configuration: ${(err as Error).message}`);
  }
}

const config = readConfig();
const logger = createLogger(config.LOG_LEVEL);

try {
  const { created, applied } = await migrate({ databaseUrl: config.DATABASE_URL });
  if (created) logger.info({ database: redactUrl(config.DATABASE_URL) }, 'created database');
  if (applied.length) logger.info({ applied }, 'applied migrations');
} catch (err) {
  fail(`Cannot prepare PostgreSQL at ${redactUrl(config.DATABASE_URL)} (DATABASE_URL): ${(err as Error).message.split('\n')[0]}`);
}

const container = createContainer(config, logger);
let running: RunningRole[] = [];
// Handlers go in before the roles start: a SIGTERM during start-up waits for it, then stops cleanly.
let started: Promise<unknown> = Promise.resolve();
let stopping = false;
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

const baseUrl = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;

async function start(): Promise<void> {
  const prepared = await prepareDefaultMerchant(container);
  const showCredentials = prepared && rolesFor(config).includes('api');
  // A real bot's credentials go out before anything that needs Telegram: with no route to it,
  // they would otherwise never appear (the bot's name follows in the log once it answers).
  if (showCredentials && !prepared.demo) await printCredentials(prepared, null);
  running = await startRoles(container);
  logger.info({ roles: rolesFor(config), url: baseUrl }, 'bashgah started');
  // Demo mode: the Bot API is this process's own, so the bot's name is at hand.
  if (showCredentials && prepared.demo)
    await printCredentials(
      prepared,
      await container.telegram.usernameOf(prepared.creds.id).catch(() => null),
      await container.bale.usernameOf(prepared.creds.id).catch(() => null),
    );
}

async function printCredentials(
  prepared: NonNullable<Awaited<ReturnType<typeof prepareDefaultMerchant>>>,
  bot: string | null,
  baleBot: string | null = null,
): Promise<void> {
  const playground = container.localBotApi ? `${baseUrl}/playground` : undefined;
  const ownerCode = (await container.operators.invite(prepared.creds.id, 'owner', null, 'startup')).code;
  const number = container.whatsapp ? (await container.merchants.get(prepared.creds.id)).whatsappNumber : null;
  const whatsapp = number ? { number, local: Boolean(container.localWhatsApp) } : undefined;
  process.stderr.write(`${demoBanner(baseUrl, prepared.creds, { demo: prepared.demo, playground, bot, baleBot, ownerCode, whatsapp })}\n`);
}

try {
  started = start();
  await started;
} catch (err) {
  await stopRoles(running).catch(() => {});
  await container.close();
  fail(`Cannot start Bashgah: ${(err as Error).message.split('\n')[0]}`);
}

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  const killer = setTimeout(() => {
    console.error(`Shutdown took longer than ${SHUTDOWN_LIMIT_MS / 1000} s; exiting anyway`);
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS);
  killer.unref();
  await started.catch(() => {});
  try {
    await stopRoles(running);
    await container.close();
    logger.info('stopped');
    clearTimeout(killer);
    process.exit(0);
  } catch (err) {
    console.error(`Shutdown failed: ${(err as Error).message}`);
    process.exit(1);
  }
}
