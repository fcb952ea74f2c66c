import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { broadcastProgressScreen } from '../chat/screens/broadcast-screens.js';
import { isLocale, type Locale } from '../chat/i18n.js';
import type { ClubScreens } from '../chat/club-screens.js';
import type { Screen } from '../chat/screens/types.js';
import type { PgBroadcastStore } from '../db/repositories/broadcast-store.js';
import type { BroadcastService } from '../domain/campaigns/broadcast-service.js';
import type { Clock } from '../domain/clock.js';
import type { InboxStore } from '../domain/feedback/types.js';
import type { LedgerService } from '../domain/ledger/ledger-service.js';
import type { MemberStore } from '../domain/members/types.js';
import type { MerchantService } from '../domain/merchants/merchant-service.js';
import type { VoucherService } from '../domain/rewards/voucher-service.js';
import type { Logger } from '../logger.js';
import { startBroadcastControlWorker, type BullBroadcastQueues } from './broadcast-control.js';
import { startBroadcastWorker, type BroadcastJob, type DeliveryChannel } from './broadcast-sender.js';
import type { QueueContext } from './queues.js';

/** Where the operator watches a broadcast: a message the channel edits in place. */
export interface ProgressView {
  show(merchantId: string, at: { chatId: string; messageId: number }, screen: Screen): Promise<void>;
}

/** What the Telegram channel gives broadcasting: its paced sends and the operator's progress message. */
export interface TelegramBroadcasts {
  delivery: DeliveryChannel;
  progress: ProgressView;
}

export interface BroadcastingDeps {
  ctx: QueueContext & { redis: Redis };
  queues: BullBroadcastQueues;
  services: {
    broadcasts: BroadcastService;
    broadcastStore: PgBroadcastStore;
    ledger: LedgerService;
    vouchers: VoucherService;
    memberStore: MemberStore;
    screens: ClubScreens;
    merchants: MerchantService;
    inbox: InboxStore;
    clock: Clock;
  };
  telegram: TelegramBroadcasts;
  defaultLocale: Locale;
  logger: Logger;
  /** Other channels' senders: Bale (a sender per Bale bot, started here) and WhatsApp (run by the number's process). */
  channels?: Partial<Record<'bale' | 'whatsapp', DeliveryChannel>>;
  /** How often new merchants' bots get a sender (ms); 0 = only at start. */
  refreshMs?: number;
  /** How soon a dead worker's job is taken over (BullMQ lock and stalled check); tests shorten it. */
  workerOptions?: { lockDuration?: number; stalledInterval?: number };
}

/**
 * The worker role's broadcasting: the control worker (fan-outs, progress) and a sender per bot,
 * paced by the channel that delivers. Progress messages are edited in the operator's chat.
 */
export async function startBroadcasting(d: BroadcastingDeps): Promise<{ stop(): Promise<void>; refresh(): Promise<void> }> {
  const s = d.services;
  /** Keyed by channel and merchant. */
  const senders = new Map<string, { worker: Worker<BroadcastJob>; queue: { close(): Promise<void> } }>();

  async function showProgress(broadcastId: string) {
    const b = await s.broadcastStore.getAny(broadcastId);
    if (!b?.progress) return;
    const status = await s.broadcasts.status(b.merchantId, b.id);
    const locale: Locale = isLocale(b.progress.locale) ? b.progress.locale : d.defaultLocale;
    const screen = broadcastProgressScreen(status, await s.screens.context(b.merchantId, locale));
    await d.telegram.progress.show(b.merchantId, b.progress, screen);
  }

  const senderDeps = {
    store: s.broadcastStore,
    broadcasts: s.broadcasts,
    ledger: s.ledger,
    vouchers: s.vouchers,
    memberStore: s.memberStore,
    screens: s.screens,
    channels: { telegram: d.telegram.delivery, ...d.channels },
    progress: (id: string) => d.queues.progress(id),
    inbox: s.inbox,
    defaultLocale: d.defaultLocale,
    logger: d.logger,
    clock: s.clock,
  };

  async function refresh() {
    for (const channel of d.channels?.bale ? (['telegram', 'bale'] as const) : (['telegram'] as const)) {
      for (const bot of await s.merchants.bots(channel)) {
        const key = `${channel}:${bot.merchantId}`;
        if (!senders.has(key)) senders.set(key, startBroadcastWorker(d.ctx, bot.merchantId, senderDeps, d.workerOptions, channel));
      }
    }
  }

  const control = startBroadcastControlWorker(d.ctx, { broadcasts: s.broadcasts, queues: d.queues, showProgress, logger: d.logger });
  await refresh();
  const timer = d.refreshMs
    ? setInterval(
        () => void refresh().catch((err) => d.logger.warn({ err: (err as Error).message }, 'broadcast senders refresh failed')),
        d.refreshMs,
      )
    : undefined;
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
