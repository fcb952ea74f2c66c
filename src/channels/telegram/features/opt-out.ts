import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { encodeAction } from '../../../chat/actions.js';
import { onAction } from '../on-action.js';

/** /stop and the button under campaign messages: no more promotions (account messages still arrive). */
export const optOutFeature = new Composer<BotContext>();
const chats = optOutFeature.chatType('private');

async function setOptOut(ctx: BotContext, optedOut: boolean) {
  const member = await ctx.member();
  if (!member) {
    await ctx.reply(ctx.t('not_member'));
    return;
  }
  await ctx.deps.members.setOptOut(ctx.deps.merchantId, member.id, optedOut);
  if (optedOut) await ctx.reply(ctx.t('optout.done'), { reply_markup: { inline_keyboard: [[{ text: ctx.t('optout.back'), callback_data: encodeAction({ kind: 'promo.optIn' }) }]] } });
  else await ctx.reply(ctx.t('optout.again'));
}

chats.command('stop', (ctx) => setOptOut(ctx, true));
onAction(chats, 'promo.optOut', async (ctx) => {
  await ctx.answerCallbackQuery();
  await setOptOut(ctx, true);
});
onAction(chats, 'promo.optIn', async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.editMessageReplyMarkup().catch(() => {});
  await setOptOut(ctx, false);
});
