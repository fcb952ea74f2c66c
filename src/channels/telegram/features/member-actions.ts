import { Composer } from 'grammy';
import type { Action, ActionKind } from '../../../chat/actions.js';
import { translator } from '../../../chat/i18n.js';
import { ChatRouter } from '../../../chat/router.js';
import type { Screen } from '../../../chat/screens/types.js';
import type { BotContext } from '../context.js';
import { onAction } from '../on-action.js';
import { editScreen, replyScreen } from '../render.js';

/** The member's buttons Telegram leaves to the ChatRouter (profile and referral code still open conversations here). */
const ROUTED = [
  'history.page', 'language.set', 'promo.optOut', 'promo.optIn',
  'wheel.spin', 'gift.page', 'gift.view', 'gift.request', 'gift.mine', 'voucher.offer', 'voucher.buy', 'voucher.cancel', 'raffle.offer', 'raffle.buy', 'raffle.cancel',
  'survey.rate', 'survey.nps', 'survey.noComment', 'survey.start', 'survey.answer', 'ticket.new', 'ticket.mine', 'ticket.view', 'ticket.reply', 'ticket.close',
] as const satisfies ActionKind[];

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A member's button: update → ChatInput → router → screens sent, edited or animated. */
export function memberActionsFeature(router: ChatRouter) {
  const feature = new Composer<BotContext>();
  const chats = feature.chatType('private');
  const route = async (ctx: BotContext, action: Action) => {
    const { deps } = ctx;
    const member = await ctx.member();
    const peer = { merchantId: deps.merchantId, channel: 'telegram' as const, chatId: String(ctx.chat!.id), member, inviteLink: (m: { referralCode: string }) => `https://t.me/${ctx.me.username}?start=r_${m.referralCode}` };
    const result = await router.handle(peer, { kind: 'action', action }, ctx.session);
    ctx.session = result.session;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery(result.toast ? { text: result.toast } : undefined);
    if (result.spent) await ctx.editMessageReplyMarkup().catch(() => {});
    if (result.session.locale && result.session.locale !== ctx.locale) {
      ctx.locale = result.session.locale;
      ctx.t = translator(ctx.locale);
    }
    for (const screen of result.screens) await show(ctx, screen);
  };
  onAction(chats, [...ROUTED], route);
  // /stop: no more promotions (account messages still arrive), as the button under campaign messages.
  chats.command('stop', (ctx) => route(ctx, { kind: 'promo.optOut' }));
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
