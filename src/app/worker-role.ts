import { openQueue, QueueName, type DomainEvent } from '../jobs/queues.js';
import { OutboxRelay } from '../jobs/outbox-relay.js';
import { scheduleMaintenance, startMaintenanceWorker } from '../jobs/maintenance.js';
import { pruneOutbox } from '../db/repositories/outbox-store.js';
import { startEventWorker } from '../jobs/event-worker.js';
import { telegramNotices } from '../channels/telegram/notifier.js';
import { whatsappNotices } from '../channels/whatsapp/notifier.js';
import { memberNotifier } from '../jobs/member-notices.js';
import { telegramBroadcasts, telegramOperatorChat } from '../channels/telegram/delivery.js';
import { referralEvents, staffEvents } from '../jobs/handlers.js';
import { raffleEvents, startRaffleDrawWorker, type RaffleDrawJob } from '../jobs/raffle-draws.js';
import { startBroadcasting } from '../jobs/broadcasting.js';
import { inboxRecorder, staffAlerts, startSurveyWorker, surveyScheduler, type SurveyJob } from '../jobs/feedback-events.js';
import type { Container } from './container.js';
import type { RunningRole } from './roles.js';

/** Background work: the outbox relay and scheduled housekeeping. */
export async function startWorkerRole(c: Container): Promise<RunningRole> {
  const eventQueue = openQueue<DomainEvent>(QueueName.events, c.queues);
  const maintenance = openQueue(QueueName.maintenance, c.queues);
  const raffleDraws = openQueue<RaffleDrawJob>(QueueName.raffleDraws, c.queues);
  const feedback = openQueue<SurveyJob>(QueueName.feedback, c.queues);
  // Alone in its process the worker relays at once; beside the API it lets requests go first.
  const relay = new OutboxRelay(c.db.pool, eventQueue, c.logger, {
    yieldWhile: c.config.ROLE === 'all' ? () => c.inFlight.busy() : undefined,
  });
  await relay.start();
  await scheduleMaintenance(maintenance);
  const worker = startMaintenanceWorker(
    c.queues,
    {
      'expire-buckets': () => c.expiry.expireDue(),
      'remind-expiring': () => c.expiry.remindExpiring(),
      'review-tiers': () => c.tierReview.review(),
      'prune-outbox': () => pruneOutbox(c.db.pool),
      'draw-raffles': () => c.raffles.drawDue(),
      automations: () => c.automations.runDaily(),
    },
    c.logger,
  );
  const events = startEventWorker(
    { ...c.queues, redis: c.redis },
    [
      referralEvents(c.referrals),
      staffEvents(c.staff),
      raffleEvents(c.raffles, raffleDraws, () => c.clock.now().getTime()),
      surveyScheduler(c.surveys, feedback),
      inboxRecorder({ inbox: c.inbox, members: c.members, screens: c.screens, defaultLocale: c.config.DEFAULT_LOCALE }),
      staffAlerts({
        operators: c.operators,
        chat: telegramOperatorChat(c.telegram),
        defaultLocale: c.config.DEFAULT_LOCALE,
        logger: c.logger,
      }),
      // One notice per event, on the channel the member used last (Telegram or WhatsApp).
      memberNotifier({
        memberStore: c.memberStore,
        channels: [
          telegramNotices({
            telegram: c.telegram,
            members: c.members,
            memberStore: c.memberStore,
            screens: c.screens,
            settings: c.settings,
            defaultLocale: c.config.DEFAULT_LOCALE,
            logger: c.logger,
          }),
          ...(c.whatsapp
            ? [
                whatsappNotices({
                  outbox: c.whatsappOutbox,
                  merchants: c.merchants,
                  members: c.members,
                  memberStore: c.memberStore,
                  screens: c.screens,
                  settings: c.settings,
                  shortLinks: c.shortLinks,
                  defaultLocale: c.config.DEFAULT_LOCALE,
                }),
              ]
            : []),
        ],
      }),
    ],
    c.logger,
  );
  const draws = startRaffleDrawWorker(c.queues, c.raffles, c.logger);
  const surveys = startSurveyWorker(c.queues, { surveys: c.surveys, memberStore: c.memberStore, logger: c.logger });
  const broadcasting = await startBroadcasting({
    ctx: { ...c.queues, redis: c.redis },
    queues: c.broadcastQueues,
    services: c,
    telegram: telegramBroadcasts(c.telegram, {
      redis: c.redis,
      prefix: c.queues.prefix,
      ratePerSecond: c.config.BROADCAST_RATE_PER_SECOND,
    }),
    defaultLocale: c.config.DEFAULT_LOCALE,
    logger: c.logger,
    refreshMs: 60_000,
  });
  return {
    name: 'worker',
    async stop() {
      await events.close();
      await draws.close();
      await surveys.close();
      await broadcasting.stop();
      await worker.close();
      await relay.stop();
      await Promise.all([eventQueue.close(), maintenance.close(), raffleDraws.close(), feedback.close()]);
    },
  };
}
