// The webhook half of the worker role (fan-out and sender) in its own process, for bench:events,
// which SIGKILLs it mid-run and starts another. Private addresses allowed: the receiver is local.
// Runs the compiled dist/ (npm run build), as production's `npm start` does: a replacement starts
// in a fraction of a second instead of compiling TypeScript first, beside the surviving worker.
import { createDatabase } from '../../dist/db/client.js';
import { PgWebhookDeliveryStore } from '../../dist/db/repositories/webhook-delivery-store.js';
import { systemClock } from '../../dist/domain/clock.js';
import { GuardedPoster } from '../../dist/jobs/webhooks/guarded-post.js';
import { WebhookFanOut } from '../../dist/jobs/webhooks/webhook-fanout.js';
import { WebhookSender } from '../../dist/jobs/webhooks/webhook-sender.js';
import { SecretBox } from '../../dist/lib/secret-box.js';
import { createLogger } from '../../dist/logger.js';

const db = createDatabase(process.env.DATABASE_URL, { max: 10 });
const store = new PgWebhookDeliveryStore(db.pool);
const logger = createLogger('warn');
const poster = new GuardedPoster({ allowPrivate: true });
const sender = new WebhookSender(
  { store, poster, secretBox: new SecretBox(process.env.ENCRYPTION_KEY), clock: systemClock, logger },
  { concurrency: Number(process.env.BENCH_SENDERS ?? 32) },
);
await new WebhookFanOut(store, systemClock, logger, { onDeliveries: () => sender.poke() }).start();
await sender.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => process.exit(0)); // a profile (BENCH_PROFILE) is written on exit
