import { openQueue, QueueName, type DomainEvent } from '../jobs/queues.js';
import { OutboxRelay } from '../jobs/outbox-relay.js';
import { scheduleMaintenance, startMaintenanceWorker } from '../jobs/maintenance.js';
import { pruneOutbox } from '../db/repositories/outbox-store.js';
import { startEventWorker } from '../jobs/event-worker.js';
import { telegramNotices } from '../channels/telegram/notifier.js';
import { whatsappNotices } from '../channels/whatsapp/notifier.js';
import { memberNotifier, NoticeRegistry } from '../jobs/member-notices.js';
import { botDelivery, telegramBroadcasts, telegramOperatorChat } from '../channels/telegram/delivery.js';
import { referralEvents, staffEvents } from '../jobs/handlers.js';
import { raffleEvents, startRaffleDrawWorker, type RaffleDrawJob } from '../jobs/raffle-draws.js';
import { startBroadcasting } from '../jobs/broadcasting.js';
import { inboxRecorder, staffAlerts, startSurveyWorker, surveyScheduler, type SurveyJob } from '../jobs/feedback-events.js';
import { webhookEndpointAlerts } from '../jobs/webhooks/endpoint-alerts.js';
import { WebhookFanOut } from '../jobs/webhooks/webhook-fanout.js';
import { WebhookSender } from '../jobs/webhooks/webhook-sender.js';
import { GuardedPoster } from '../jobs/webhooks/guarded-post.js';
import { webhooksAllowPrivate } from '../config.js';
import type { Container } from './container.js';
import { smsNotices } from '../jobs/sms-notices.js';
import { startSmsWorker } from '../jobs/sms-sender.js';
import { smsDelivery } from '../channels/sms/delivery.js';
import { smsJoinLink } from './sms-join-link.js';
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
  const webhooks = startWebhooks(c);
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
      'sms-reports': () => c.sms.pollReports(),
      'sms-inbound': () => c.sms.pollInbound(),
      'sms-sweep': () => c.sms.requeueStale(),
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
      webhookEndpointAlerts({
        operators: c.operators,
        chat: telegramOperatorChat(c.telegram),
        defaultLocale: c.config.DEFAULT_LOCALE,
        logger: c.logger,
      }),
      staffAlerts({
        operators: c.operators,
        chat: telegramOperatorChat(c.telegram),
        defaultLocale: c.config.DEFAULT_LOCALE,
        logger: c.logger,
      }),
      // One notice per event, on the member's preferred channel (or the chat used last), falling down the list.
      memberNotifier({
        memberStore: c.memberStore,
        registry: new NoticeRegistry([
          ...[c.telegram, c.bale].map((bots) =>
            telegramNotices({
              telegram: bots,
              members: c.members,
              memberStore: c.memberStore,
              screens: c.screens,
              settings: c.settings,
              defaultLocale: c.config.DEFAULT_LOCALE,
              logger: c.logger,
            }),
          ),
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
          smsNotices({
            sms: c.sms,
            members: c.members,
            screens: c.screens,
            settings: c.settings,
            joinLink: (merchantId) => smsJoinLink(c, merchantId),
            defaultLocale: c.config.DEFAULT_LOCALE,
          }),
        ]),
      }),
    ],
    c.logger,
  );
  const draws = startRaffleDrawWorker(c.queues, c.raffles, c.logger);
  const sms = startSmsWorker(c.queues, { sms: c.sms, clock: c.clock, logger: c.logger });
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
    sms: smsDelivery(c.sms),
    channels: {
      bale: botDelivery(c.bale, { redis: c.redis, prefix: c.queues.prefix, ratePerSecond: c.config.BALE_BROADCAST_RATE_PER_SECOND }),
    },
    defaultLocale: c.config.DEFAULT_LOCALE,
    logger: c.logger,
    refreshMs: 60_000,
  });
  return {
    name: 'worker',
    async stop() {
      await events.close();
      await draws.close();
      await sms.close();
      await surveys.close();
      await broadcasting.stop();
      await worker.close();
      await relay.stop();
      await webhooks.stop();
      await Promise.all([eventQueue.close(), maintenance.close(), raffleDraws.close(), feedback.close()]);
    },
  };
}

/**
 * Outgoing webhooks: the fan-out turns committed outbox rows into delivery rows and the sender
 * works them from PostgreSQL (SKIP LOCKED, leased), so a SIGKILL loses nothing: an unsent row
 * stays pending and a row in flight is claimed again once its lease ends.
 */
function startWebhooks(c: Container) {
  const poster = new GuardedPoster({ allowPrivate: webhooksAllowPrivate(c.config) });
  const sender = new WebhookSender({ store: c.webhookDeliveries, poster, secretBox: c.secretBox, clock: c.clock, logger: c.logger });
  const fanOut = new WebhookFanOut(c.webhookDeliveries, c.clock, c.logger, {
    onDeliveries: () => sender.poke(),
    yieldWhile: c.config.ROLE === 'all' ? () => c.inFlight.busy() : undefined,
  });
  void fanOut.start();
  void sender.start();
  return {
    async stop() {
      await fanOut.stop();
      await sender.stop();
      await poster.close();
    },
  };
}
