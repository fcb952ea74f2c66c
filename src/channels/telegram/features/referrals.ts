import { Composer } from 'grammy';
import type { Conversation } from '@grammyjs/conversations';
import { isDomainError } from '../../../domain/errors.js';
import { maskedName } from '../../../domain/referrals/names.js';
import { REFERRAL_CODE_REFUSALS } from '../../../domain/referrals/referral-service.js';
import { translator } from '../../../chat/i18n.js';
import type { BotContext, BotDeps, ConversationContext } from '../context.js';
import { replyKeyboard, replyScreen } from '../render.js';
import { ask, SKIPPED } from '../conversations/ask.js';

/** /top (this month's inviters) and entering a friend's referral code after joining. */
export const referralFeature = new Composer<BotContext>();
const chats = referralFeature.chatType('private');

chats.command('top', async (ctx) => {
  const member = await ctx.member();
  await replyScreen(ctx, await ctx.deps.screens.leaderboard(ctx.deps.merchantId, member?.id ?? null, ctx.locale), ctx.t);
});

async function startCodeEntry(ctx: BotContext) {
  const member = await ctx.member();
  if (!member || member.status !== 'active') {
    await ctx.reply(ctx.t('not_member'));
    return;
  }
  await ctx.conversation.enter('enterCode');
}

chats.command('code', startCodeEntry);
chats.callbackQuery('referral:code', async (ctx) => {
  await ctx.answerCallbackQuery();
  await startCodeEntry(ctx);
});


export function enterCodeConversation(deps: BotDeps) {
  return async function enterCode(conversation: Conversation<BotContext, ConversationContext>, ctx: ConversationContext) {
    const locale = await conversation.external((outer: BotContext) => outer.locale);
    const t = translator(locale);
    const code = await ask(conversation, ctx, t, t('referral.ask_code'), { kind: 'choices', options: [t('profile_steps.skip')] }, (text) => ({ ok: text }));
    const menu = { reply_markup: replyKeyboard({ kind: 'main' }, t) };
    if (code === SKIPPED) {
      const club = await conversation.external(async () => (await deps.screens.context(deps.merchantId, locale)).clubName);
      await ctx.reply(t('menu.title', { club }), menu);
      return;
    }
    const result = await conversation.external(async (outer: BotContext) => {
      const member = await outer.member();
      if (!member) return { error: 'not_member' };
      try {
        const { referrer } = await deps.referrals.enterCode(deps.merchantId, member, code, 'telegram', String(ctx.from!.id));
        return { name: maskedName(referrer) };
      } catch (err) {
        if (isDomainError(err) && REFERRAL_CODE_REFUSALS.includes(err.code)) return { error: err.code };
        throw err;
      }
    });
    if ('error' in result) {
      await ctx.reply(t(result.error === 'not_member' ? 'not_member' : `referral.${result.error}`), menu);
      return;
    }
    await ctx.reply(t('referral.code_ok', { name: result.name ?? t('referral.someone') }), menu);
  };
}
