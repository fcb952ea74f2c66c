import { Composer } from 'grammy';
import type { Action, ActionKind } from '../../../chat/actions.js';
import type { ChatInput } from '../../../chat/input.js';
import { actionForLabel, actionForTyped, MAIN_MENU } from '../../../chat/menu.js';
import { translator } from '../../../chat/i18n.js';
import { ChatRouter } from '../../../chat/router.js';
import { FEEDBACK_ACTIONS } from '../../../chat/feedback-chat.js';
import type { Screen } from '../../../chat/screens/types.js';
import type { BotContext } from '../context.js';
import { onAction } from '../on-action.js';
import { botInviteLink } from '../../../chat/deep-links.js';
import { editScreen, replyScreen } from '../render.js';

/** The member's buttons the ChatRouter answers. */
const ROUTED = [
  'history.page',
  'language.set',
  'promo.optOut',
  'promo.optIn',
  'wheel.spin',
  'gift.page',
  'gift.view',
  'gift.ask',
  'gift.askOld',
  'gift.request',
  'gift.cancel',
  'gift.mine',
  'voucher.offer',
  'voucher.buy',
  'voucher.cancel',
  'raffle.offer',
  'raffle.buy',
  'raffle.cancel',
  'profile.edit',
  'referral.code',
  ...FEEDBACK_ACTIONS,
] as const satisfies ActionKind[];

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The member side on Telegram, one composer: commands, menu labels, typed answers, photos and
 * the member's buttons become ChatInput for the ChatRouter; its screens are sent, edited in
 * place or animated. Admin mode alone runs on grammY conversations.
 */
export function memberFeature(router: ChatRouter) {
  const feature = new Composer<BotContext>();
  const chats = feature.chatType('private');
  const route = async (ctx: BotContext, input: ChatInput) => {
    const { deps } = ctx;
    const [member, operator] = await Promise.all([ctx.member(), ctx.operator()]);
    const peer = {
      merchantId: deps.merchantId,
      channel: deps.channel,
      chatId: String(ctx.from!.id),
      member,
      staff: !!operator,
      name: ctx.from?.first_name,
      inviteLink: (m: { referralCode: string }) => botInviteLink(deps.channel, ctx.me.username, m.referralCode),
    };
    const result = await router.handle(peer, input, ctx.session);
    ctx.session = result.session;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery(result.toast ? { text: result.toast } : undefined);
    if (result.spent) await ctx.editMessageReplyMarkup().catch(() => {});
    if (result.session.locale && result.session.locale !== ctx.locale) {
      ctx.locale = result.session.locale;
      ctx.t = translator(ctx.locale);
    }
    for (const screen of result.screens) await show(ctx, screen);
  };
  const action = (ctx: BotContext, a: Action) => route(ctx, { kind: 'action', action: a });
  // A command leaves any question in progress (/start goes on joining).
  chats.on('message:text', async (ctx, next) => {
    if (/^\/(?!start\b)/.test(ctx.message.text)) ctx.session.flow = undefined;
    await next();
  });
  chats.command('start', async (ctx) => {
    // Unblocking the bot shows the Start button: whoever presses it can get our messages again.
    if (await ctx.member()) await ctx.deps.members.markReachable(ctx.deps.merchantId, ctx.deps.channel, String(ctx.from.id));
    await route(ctx, { kind: 'start', payload: ctx.match });
  });
  chats.on('message:contact', (ctx) =>
    route(ctx, { kind: 'contact', phone: ctx.message.contact.phone_number, own: ctx.message.contact.user_id === ctx.from.id }),
  );
  onAction(chats, [...ROUTED], action);
  chats.command('menu', (ctx) => action(ctx, { kind: 'home' }));
  chats.command('code', (ctx) => action(ctx, { kind: 'referral.code' }));
  chats.command('top', async (ctx) => {
    const member = await ctx.member();
    await replyScreen(ctx, await ctx.deps.screens.leaderboard(ctx.deps.merchantId, member?.id ?? null, ctx.locale), ctx.t);
  });
  for (const m of MAIN_MENU) chats.command(m.command, (ctx) => action(ctx, { kind: 'menu', item: m.action }));
  // /stop: no more promotions (account messages still arrive), as the button under campaign messages.
  chats.command('stop', (ctx) => action(ctx, { kind: 'promo.optOut' }));
  chats.on('message:text', async (ctx, next) => {
    const text = ctx.message.text;
    if (text.startsWith('/')) return next();
    // A menu label leaves any question in progress (only as shown, then); anything else may be its answer.
    const item = ctx.session.flow ? actionForLabel(text) : actionForTyped(text);
    await route(ctx, item ? { kind: 'action', action: { kind: 'menu', item } } : { kind: 'text', text });
  });
  chats.on('message:photo', (ctx) =>
    route(ctx, { kind: 'media', caption: ctx.message.caption ?? '', file: ctx.message.photo.at(-1)!.file_id }),
  );
  // Anything else (a sticker, an unknown command): the router's hint, or the question asked again.
  chats.on('message', (ctx) => route(ctx, { kind: 'text', text: '' }));
  return feature;
}

async function show(ctx: BotContext, screen: Screen) {
  if (screen.frames?.length && ctx.deps.wheelFrameMs > 0) {
    const spinning = await ctx.reply(screen.frames[0]!);
    for (const frame of screen.frames.slice(1)) {
      await pause(ctx.deps.wheelFrameMs);
      await ctx.api.editMessageText(ctx.chat!.id, spinning.message_id, frame).catch(() => {});
    }
    await pause(ctx.deps.wheelFrameMs);
  }
  if (screen.replace && ctx.callbackQuery) return editScreen(ctx, screen);
  await replyScreen(ctx, screen, ctx.t);
}
