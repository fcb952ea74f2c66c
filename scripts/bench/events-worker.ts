// The webhook half of the worker role (fan-out and sender) in its own process, for bench:events,
// which SIGKILLs it mid-run and starts another. Private addresses allowed: the receiver is local.
import { createDatabase } from '../../src/db/client.js';
import { PgWebhookDeliveryStore } from '../../src/db/repositories/webhook-delivery-store.js';
import { systemClock } from '../../src/domain/clock.js';
import { GuardedPoster } from '../../src/jobs/webhooks/guarded-post.js';
import { WebhookFanOut } from '../../src/jobs/webhooks/webhook-fanout.js';
import { WebhookSender } from '../../src/jobs/webhooks/webhook-sender.js';
import { SecretBox } from '../../src/lib/secret-box.js';
import { createLogger } from '../../src/logger.js';

const db = createDatabase(process.env.DATABASE_URL!, { max: 10 });
const store = new PgWebhookDeliveryStore(db.pool);
const logger = createLogger('warn');
const poster = new GuardedPoster({ allowPrivate: true });
const sender = new WebhookSender(
  { store, poster, secretBox: new SecretBox(process.env.ENCRYPTION_KEY!), clock: systemClock, logger },
  { concurrency: Number(process.env.BENCH_SENDERS ?? 32) },
);
await new WebhookFanOut(store, systemClock, logger, { onDeliveries: () => sender.poke() }).start();
await sender.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => process.exit(0)); // a profile (BENCH_PROFILE) is written on exit
