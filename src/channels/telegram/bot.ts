import { Bot, session, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { autoRetry } from '@grammyjs/auto-retry';
import { conversations, createConversation } from '@grammyjs/conversations';
import { RedisAdapter } from '@grammyjs/storage-redis';
import { WriteWhenChanged } from './session-storage.js';
import { sequentialize } from '@grammyjs/runner';
import { translator } from '../../chat/i18n.js';
import { commandList } from '../../chat/menu.js';
import type { Member } from '../../domain/members/types.js';
import type { Operator } from '../../domain/admin/permissions.js';
import type { BotContext, BotDeps, SessionData } from './context.js';
import { unhandledFeature } from './features/unhandled.js';
import { adminFeature } from './features/admin.js';
import { memberFeature } from './features/member.js';
import { ChatRouter } from '../../chat/router.js';
import { adminSupportFeature } from './features/admin-support.js';
import {
  adminBroadcastConversation,
  adminGiftNoteConversation,
  adminInviteConversation,
  adminLookupConversation,
  adminReturnConversation,
  adminSaleConversation,
} from './conversations/admin.js';
import { stripIsolates } from '../../chat/bidi.js';

export interface BotOptions {
  token: string;
  /** Another Bot API server (the local one, tests); Telegram's when absent. */
  apiRoot?: string;
  /** Known bot identity: skips getMe at start-up. */
  botInfo?: UserFromGetMe;
}

const DAY = 86_400;

/**
 * One merchant's bot. Everything stateful (sessions, conversations, seen update ids) lives in
 * Redis under the merchant's prefix, so any replica can handle any update.
 */
export function createBot(opts: BotOptions, deps: BotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(opts.token, { client: opts.apiRoot ? { apiRoot: opts.apiRoot } : undefined, botInfo: opts.botInfo });
  // 429s wait for retry_after; conversations get the same transformer through their own plugins.
  const retry: Transformer = autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 });
  bot.api.config.use(retry);
  // Telegram keeps its historical `tg` prefix; a Bale bot's chats (other user ids) live beside it.
  const prefix = `${deps.redisPrefix}:${deps.channel === 'telegram' ? 'tg' : deps.channel}:${deps.merchantId}`;

  // One update per chat at a time in this process: conversations and sessions read-modify-write.
  bot.use(sequentialize((ctx) => (ctx.chatId === undefined ? undefined : String(ctx.chatId))));

  // Telegram may deliver an update twice (webhook retries); handle each update_id once.
  bot.use(async (ctx, next) => {
    const fresh = await deps.redis.set(`${prefix}:update:${ctx.update.update_id}`, '1', 'EX', DAY, 'NX');
    if (fresh) await next();
  });

  // Text pasted from the bot's Persian messages carries isolates around codes and phones: drop them.
  bot.use(async (ctx, next) => {
    const m = ctx.message;
    if (m?.text && m.text !== stripIsolates(m.text)) {
      const at = (i: number) => stripIsolates(m.text!.slice(0, i)).length;
      m.entities = m.entities?.map((e) => ({ ...e, offset: at(e.offset), length: at(e.offset + e.length) - at(e.offset) }));
      m.text = stripIsolates(m.text);
    }
    await next();
  });

  bot.use(
    session({
      initial: (): SessionData => ({}),
      getSessionKey: (ctx) => (ctx.chatId === undefined ? undefined : String(ctx.chatId)),
      storage: new WriteWhenChanged(new RedisAdapter<SessionData>({ instance: deps.redis, ttl: 90 * DAY })),
      prefix: `${prefix}:session:`,
    }),
  );

  bot.use(async (ctx, next) => {
    ctx.deps = deps;
    let member: Promise<Member | null> | undefined;
    ctx.member = () =>
      (member ??= ctx.from ? deps.members.findByIdentity(deps.merchantId, deps.channel, String(ctx.from.id)) : Promise.resolve(null));
    let operator: Promise<Operator | null> | undefined;
    // Operators are linked to Telegram accounts: admin mode is Telegram's alone.
    ctx.operator = () =>
      (operator ??=
        ctx.from && deps.channel === 'telegram' ? deps.operators.forTelegram(deps.merchantId, String(ctx.from.id)) : Promise.resolve(null));
    ctx.locale = ctx.session.locale ?? deps.defaultLocale;
    ctx.t = translator(ctx.locale);
    ctx.screen = () => deps.screens.context(deps.merchantId, ctx.locale);
    // Notices go to the channel the member used last (no row for someone who has not joined).
    if (ctx.from && ctx.chat?.type === 'private') await deps.members.markSeen(deps.merchantId, deps.channel, String(ctx.from.id));
    await next();
  });

  bot.use(
    conversations({
      // Conversation state rides in the session: one Redis read per update for both.
      storage: {
        type: 'context',
        version: 1,
        adapter: {
          read: (ctx) => ctx.session.conversation,
          write: (ctx, state) => {
            ctx.session.conversation = state;
          },
          delete: (ctx) => {
            ctx.session.conversation = undefined;
          },
        },
      },
      plugins: [
        async (ctx, next) => {
          ctx.api.config.use(retry);
          await next();
        },
      ],
    }),
  );
  bot.use(createConversation(adminSaleConversation(deps), 'adminSale'));
  bot.use(createConversation(adminReturnConversation(deps), 'adminReturn'));
  bot.use(createConversation(adminLookupConversation(deps), 'adminLookup'));
  bot.use(createConversation(adminGiftNoteConversation(deps), 'adminGiftNote'));
  bot.use(createConversation(adminInviteConversation(deps), 'adminInvite'));
  bot.use(createConversation(adminBroadcastConversation(deps), 'adminBroadcast'));

  const features = bot.errorBoundary(async (err) => {
    deps.logger.error({ err: err.error, update: err.ctx.update.update_id }, 'bot update failed');
    await err.ctx.reply(err.ctx.t ? err.ctx.t('error') : translator(deps.defaultLocale)('error')).catch(() => {});
  });
  const router = new ChatRouter(deps);
  if (deps.channel === 'telegram') {
    features.use(adminSupportFeature);
    features.use(adminFeature);
  }
  features.use(memberFeature(router));
  features.use(unhandledFeature);

  bot.catch((err) => deps.logger.error({ err: err.error }, 'bot error'));
  return bot;
}

/**
 * The command list in the menu button, in Persian (default) and English. Telegram only: Bale's
 * Bot API documents no setMyCommands (see bale-api.md); commands typed there still work.
 */
export async function publishCommands(bot: Bot<BotContext>): Promise<void> {
  await bot.api.setMyCommands(commandList(translator('fa')));
  await bot.api.setMyCommands(commandList(translator('en')), { language_code: 'en' });
}
