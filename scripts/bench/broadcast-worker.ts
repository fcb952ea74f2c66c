// The broadcast workers of `npm run bench:broadcast`, in their own process so the benchmark can
// kill them (SIGKILL) in the middle of a broadcast: the control worker and the bot's sender, as
// the worker role runs them (production retry delays and job options), with a shorter BullMQ
// lock so a dead worker's job is taken over within seconds.
// Env: DATABASE_URL, REDIS_URL, REDIS_PREFIX, ENCRYPTION_KEY, BOT_TOKEN, API_ROOT, RATE,
// optionally LOCK_MS (5000), STALLED_MS (2000), LOG_LEVEL (error).
import { Api } from 'grammy';
import { Redis } from 'ioredis';
import { createServices } from '../../src/app/container.js';
import { createDatabase } from '../../src/db/client.js';
import { BullBroadcastQueues } from '../../src/jobs/broadcast-control.js';
import { startBroadcasting } from '../../src/jobs/broadcasting.js';
import { telegramBroadcasts } from '../../src/channels/telegram/delivery.js';
import { SecretBox } from '../../src/lib/secret-box.js';
import { createLogger } from '../../src/logger.js';

const env = (name: string) =>
  process.env[name] ??
  (() => {
    throw new Error(`${name} is required`);
  })();
const redis = new Redis(env('REDIS_URL'), { maxRetriesPerRequest: null });
const prefix = env('REDIS_PREFIX');
const db = createDatabase(env('DATABASE_URL'));
const queues = new BullBroadcastQueues({ connection: redis, prefix, redis });
const rate = Number(env('RATE'));
const services = createServices(db, new SecretBox(env('ENCRYPTION_KEY')), undefined, {
  broadcastQueue: queues,
  broadcastRatePerSecond: rate,
});
// A plain client, as the worker role gives the senders: 429s are the sender's to handle.
const api = new Api(env('BOT_TOKEN'), { apiRoot: env('API_ROOT') });
const broadcasting = await startBroadcasting({
  ctx: { connection: redis, prefix, redis },
  queues,
  services,
  telegram: telegramBroadcasts({ api: async () => api, usernameOf: async () => 'bench_club_bot' }, { redis, prefix, ratePerSecond: rate }),
  defaultLocale: 'fa',
  logger: createLogger(process.env.LOG_LEVEL ?? 'error', { destination: 2 }),
  workerOptions: { lockDuration: Number(process.env.LOCK_MS ?? 5_000), stalledInterval: Number(process.env.STALLED_MS ?? 2_000) },
});
process.stdout.write('ready\n');

process.on('SIGTERM', () => {
  void (async () => {
    await broadcasting.stop();
    await queues.close();
    await db.close();
    await redis.quit();
    process.exit(0);
  })();
});
