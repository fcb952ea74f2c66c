import { GrammyError } from 'grammy';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Api } from 'grammy';
import { broadcastProgressScreen } from '../chat/screens/broadcast-screens.js';
import { isLocale, type Locale } from '../chat/i18n.js';
import { inlineKeyboard } from '../channels/telegram/render.js';
import type { Logger } from '../logger.js';
import type { Services } from '../app/container.js';
import { startBroadcastControlWorker, type BullBroadcastQueues } from './broadcast-control.js';
import { startBroadcastWorker, telegramDelivery, type BroadcastJob, type DeliveryChannel } from './broadcast-sender.js';
import type { QueueContext } from './queues.js';
import { TelegramRateLimiter } from './telegram-rate-limit.js';

export interface BroadcastingDeps {
  ctx: QueueContext & { redis: Redis };
  queues: BullBroadcastQueues;
  services: Pick<Services, 'broadcasts' | 'broadcastStore' | 'ledger' | 'vouchers' | 'memberStore' | 'screens' | 'merchants' | 'inbox' | 'clock'>;
  telegram: { api(merchantId: string): Promise<Api | null>; usernameOf(merchantId: string): Promise<string | null> };
  ratePerSecond: number;
  defaultLocale: Locale;
  logger: Logger;
  /** Other channels' senders (WhatsApp), for a process that runs them too. */
  channels?: Partial<Record<'whatsapp', DeliveryChannel>>;
  /** How often new merchants' bots get a sender (ms); 0 = only at start. */
  refreshMs?: number;
  /** How soon a dead worker's job is taken over (BullMQ lock and stalled check); tests shorten it. */
  workerOptions?: { lockDuration?: number; stalledInterval?: number };
}

/**
 * The worker role's broadcasting: the control worker (fan-outs, progress) and a sender per bot,
 * all behind one Redis rate limiter. Progress messages are edited in the operator's chat.
 */
export async function startBroadcasting(d: BroadcastingDeps): Promise<{ stop(): Promise<void>; refresh(): Promise<void> }> {
  const limiter = new TelegramRateLimiter(d.ctx.redis, d.ctx.prefix, d.ratePerSecond);
  const s = d.services;
  const senders = new Map<string, { worker: Worker<BroadcastJob>; queue: { close(): Promise<void> } }>();

  async function showProgress(broadcastId: string) {
    const b = await s.broadcastStore.getAny(broadcastId);
    if (!b?.progress) return;
    const api = await d.telegram.api(b.merchantId);
    if (!api) return;
    const status = await s.broadcasts.status(b.merchantId, b.id);
    const locale: Locale = isLocale(b.progress.locale) ? b.progress.locale : d.defaultLocale;
    const screen = broadcastProgressScreen(status, await s.screens.context(b.merchantId, locale));
    try {
      await api.editMessageText(b.progress.chatId, b.progress.messageId, screen.text, { reply_markup: screen.buttons ? inlineKeyboard(screen.buttons) : undefined });
    } catch (err) {
      if (!(err instanceof GrammyError && err.description.includes('message is not modified'))) throw err;
    }
  }

  const senderDeps = {
    store: s.broadcastStore,
    broadcasts: s.broadcasts,
    ledger: s.ledger,
    vouchers: s.vouchers,
    memberStore: s.memberStore,
    screens: s.screens,
    channels: { telegram: telegramDelivery(limiter, d.telegram), ...d.channels },
    progress: (id: string) => d.queues.progress(id),
    inbox: s.inbox,
    defaultLocale: d.defaultLocale,
    logger: d.logger,
    clock: s.clock,
  };

  async function refresh() {
    for (const bot of await s.merchants.telegramBots()) {
      if (!senders.has(bot.merchantId)) senders.set(bot.merchantId, startBroadcastWorker(d.ctx, bot.merchantId, senderDeps, d.workerOptions));
    }
  }

  const control = startBroadcastControlWorker(d.ctx, { broadcasts: s.broadcasts, queues: d.queues, showProgress, logger: d.logger });
  await refresh();
  const timer = d.refreshMs ? setInterval(() => void refresh().catch((err) => d.logger.warn({ err: (err as Error).message }, 'broadcast senders refresh failed')), d.refreshMs) : undefined;
  timer?.unref();
  return {
    refresh,
    async stop() {
      if (timer) clearInterval(timer);
      // close() waits for the job in hand: a send in flight finishes and is recorded.
      await Promise.all([control.close(), ...[...senders.values()].map((x) => x.worker.close())]);
      await Promise.all([...senders.values()].map((x) => x.queue.close()));
    },
  };
}
