import type { Worker } from 'bullmq';
import { whatsappDelivery } from '../channels/whatsapp/delivery.js';
import { whatsappNotifications } from '../channels/whatsapp/notifications.js';
import { startWhatsAppSender } from '../jobs/whatsapp-sender.js';
import { WhatsAppRateLimiter } from '../jobs/whatsapp-rate-limit.js';
import type { SenderDeps } from '../jobs/broadcast-sender.js';
import type { Container } from './container.js';
import type { RunningRole } from './roles.js';

/**
 * WhatsApp: a session per club number (paired once with a QR; without a session it logs how to
 * pair and the rest of the club keeps running), and the number's paced queue of notifications
 * and broadcast sends. One process per number: WhatsApp allows one Web session at a time.
 */
export async function startWhatsAppRole(c: Container): Promise<RunningRole> {
  const channel = c.whatsapp;
  if (!channel) {
    c.logger.warn('ROLE=whatsapp with WHATSAPP=off: set WHATSAPP=web (or local) to run the club on WhatsApp');
    return { name: 'whatsapp', stop: async () => {} };
  }
  await channel.start();
  const limiter = new WhatsAppRateLimiter(c.redis, c.config.REDIS_PREFIX, {
    intervalMs: c.config.WHATSAPP_SEND_INTERVAL_MS,
    coldPerHour: c.config.WHATSAPP_FIRST_CONTACTS_PER_HOUR,
  });
  const sender: SenderDeps = {
    store: c.broadcastStore,
    broadcasts: c.broadcasts,
    ledger: c.ledger,
    vouchers: c.vouchers,
    memberStore: c.memberStore,
    screens: c.screens,
    channels: { whatsapp: whatsappDelivery(channel, limiter, c.shortLinks) },
    progress: (id) => c.broadcastQueues.progress(id),
    requeue: (merchantId, broadcastId, recipient) => c.broadcastQueues.enqueue(merchantId, broadcastId, [recipient]),
    inbox: c.inbox,
    defaultLocale: c.config.DEFAULT_LOCALE,
    logger: c.logger,
    clock: c.clock,
  };
  const workers: { worker: Worker; queue: { close(): Promise<void> } }[] = channel.accounts().map((a) =>
    startWhatsAppSender({ ...c.queues, redis: c.redis }, a.merchantId, {
      channel: whatsappNotifications(channel),
      limiter,
      memberStore: c.memberStore,
      sender,
      logger: c.logger,
    }),
  );
  return {
    name: 'whatsapp',
    async stop() {
      await Promise.all(workers.map((w) => w.worker.close()));
      await Promise.all(workers.map((w) => w.queue.close()));
      await channel.stop();
    },
  };
}
