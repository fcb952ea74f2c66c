import { GrammyError, type Api } from 'grammy';
import type { Redis } from 'ioredis';
import type { DeliveryChannel } from '../../jobs/broadcast-sender.js';
import type { ProgressView, TelegramBroadcasts } from '../../jobs/broadcasting.js';
import type { OperatorChat } from '../../jobs/feedback-events.js';
import { TelegramRateLimiter } from '../../jobs/telegram-rate-limit.js';
import { inlineKeyboard } from './render.js';
import { chatNotFound, memberUnreachable } from './send-errors.js';
import { botStartLink } from '../../chat/deep-links.js';
import type { BotChannelName } from '../../domain/merchants/merchant-service.js';

/** The merchant's Bot API client (TelegramChannel, or a plain Api in tests and benchmarks). */
export interface TelegramApis {
  api(merchantId: string): Promise<Api | null>;
  /** The messenger: Telegram when absent, or Bale (the same Bot API). */
  readonly name?: BotChannelName;
}

/**
 * Telegram or Bale: the shared bot limiter, the bot's deep link (t.me or ble.ir), inline buttons;
 * 429 pauses for retry_after (Bale answers errors in Telegram's shape, `parameters.retry_after`
 * included), 403 blocks, "chat not found" fails.
 */
export function telegramDelivery(
  limiter: TelegramRateLimiter,
  telegram: TelegramApis & { usernameOf(merchantId: string): Promise<string | null> },
): DeliveryChannel {
  const name = telegram.name ?? 'telegram';
  const apiOf = async (merchantId: string) => {
    const api = await telegram.api(merchantId);
    if (!api) throw new Error(`merchant ${merchantId} has no ${name} bot`);
    return api;
  };
  const botId = (api: Api) => api.token.split(':')[0]!;
  return {
    name,
    async book(merchantId, chatId) {
      return limiter.book(botId(await apiOf(merchantId)), chatId);
    },
    async clubLink(merchantId, campaignId) {
      const username = await telegram.usernameOf(merchantId);
      return username ? botStartLink(name, username, `s_c${campaignId}`) : null;
    },
    async send(merchantId, chatId, screen) {
      const api = await apiOf(merchantId);
      const reply_markup = screen.buttons ? inlineKeyboard(screen.buttons) : undefined;
      const sent =
        screen.imageUrl && screen.text.length <= 1024
          ? await api.sendPhoto(chatId, screen.imageUrl, { caption: screen.text, reply_markup })
          : await api.sendMessage(chatId, screen.text, { reply_markup, link_preview_options: { is_disabled: true } });
      return sent.message_id;
    },
    failure(err) {
      if (err instanceof GrammyError && err.error_code === 429) return { kind: 'rate', retryAfterSeconds: err.parameters.retry_after ?? 1 };
      if (memberUnreachable(err)) return { kind: 'blocked', reason: (err as GrammyError).description };
      // Retrying will not find the chat either; the member stays reachable for later messages.
      if (chatNotFound(err)) return { kind: 'failed', reason: (err as GrammyError).description };
      return { kind: 'retry' };
    },
    async pause(merchantId, seconds) {
      await limiter.pause(botId(await apiOf(merchantId)), seconds);
    },
  };
}

/** The operator's progress message in admin mode, edited in place as the broadcast goes on. */
export function telegramProgressView(telegram: TelegramApis): ProgressView {
  return {
    async show(merchantId, at, screen) {
      const api = await telegram.api(merchantId);
      if (!api) return;
      try {
        await api.editMessageText(at.chatId, at.messageId, screen.text, {
          reply_markup: screen.buttons ? inlineKeyboard(screen.buttons) : undefined,
        });
      } catch (err) {
        if (!(err instanceof GrammyError && err.description.includes('message is not modified'))) throw err;
      }
    },
  };
}

/** Broadcasting on Telegram: sends paced by one Redis limiter for every bot, and the operator's progress message. */
export function telegramBroadcasts(
  telegram: TelegramApis & { usernameOf(merchantId: string): Promise<string | null> },
  pace: { redis: Redis; prefix: string; ratePerSecond: number },
): TelegramBroadcasts {
  return { delivery: botDelivery(telegram, pace), progress: telegramProgressView(telegram) };
}

/** Sends on one Bot-API messenger, each bot paced by its own limiter in Redis (Bale: BALE_BROADCAST_RATE_PER_SECOND). */
export function botDelivery(
  bots: TelegramApis & { usernameOf(merchantId: string): Promise<string | null> },
  pace: { redis: Redis; prefix: string; ratePerSecond: number },
): DeliveryChannel {
  const namespace = (bots.name ?? 'telegram') === 'telegram' ? 'tg' : bots.name;
  return telegramDelivery(new TelegramRateLimiter(pace.redis, pace.prefix, pace.ratePerSecond, namespace), bots);
}

/** Admin mode's alerts to operators: a message with its inline buttons from the club's bot. */
export function telegramOperatorChat(telegram: TelegramApis): OperatorChat {
  return {
    async send(merchantId, chatId, screen) {
      const api = await telegram.api(merchantId);
      if (!api) return;
      await api.sendMessage(chatId, screen.text, { reply_markup: screen.buttons ? inlineKeyboard(screen.buttons) : undefined });
    },
  };
}
