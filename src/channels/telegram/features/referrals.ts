import { Composer } from 'grammy';
import type { Conversation } from '@grammyjs/conversations';
import { isDomainError } from '../../../domain/errors.js';
import { maskedName } from '../../../domain/referrals/names.js';
import { REFERRAL_CODE_REFUSALS } from '../../../domain/referrals/referral-service.js';
import { translator } from '../../../chat/i18n.js';
import type { BotContext, BotDeps, ConversationContext } from '../context.js';
import { replyKeyboard, replyScreen } from '../render.js';
import { ask, SKIPPED } from '../conversations/ask.js';
import { onAction } from '../on-action.js';

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
onAction(chats, 'referral.code', async (ctx) => {
  await ctx.answerCallbackQuery();
  await startCodeEntry(ctx);
});


/** A mistyped code is asked for again, this many times in all; refusals a retry cannot fix end at once. */
const CODE_TRIES = 3;
const RETRYABLE = ['unknown_referral_code', 'own_referral_code', 'circular_referral'];

export function enterCodeConversation(deps: BotDeps) {
  return async function enterCode(conversation: Conversation<BotContext, ConversationContext>, ctx: ConversationContext) {
    const locale = await conversation.external((outer: BotContext) => outer.locale);
    const t = translator(locale);
    const menu = { reply_markup: replyKeyboard({ kind: 'main' }, t) };
    let question = t('referral.ask_code');
    for (let tries = 1; ; tries++) {
      const code = await ask(conversation, ctx, t, question, { kind: 'choices', options: [t('profile_steps.skip')] }, (text) => ({ ok: text }));
      if (code === SKIPPED) {
        const club = await conversation.external(async () => (await deps.screens.context(deps.merchantId, locale)).clubName);
        await ctx.reply(t('menu.title', { club }), menu);
        return;
      }
      const result = await tryCode(conversation, ctx, deps, code);
      if ('error' in result && RETRYABLE.includes(result.error) && tries < CODE_TRIES) {
        question = `${t(`referral.${result.error}`)}\n${t('referral.ask_again')}`;
        continue;
      }
      if ('error' in result) {
        const said = t(result.error === 'not_member' ? 'not_member' : `referral.${result.error}`);
        return void (await ctx.reply(RETRYABLE.includes(result.error) ? `${said}\n${t('referral.try_later')}` : said, menu));
      }
      return void (await ctx.reply(t('referral.code_ok', { name: result.name ?? t('referral.someone') }), menu));
    }
  };
}

async function tryCode(conversation: Conversation<BotContext, ConversationContext>, ctx: ConversationContext, deps: BotDeps, code: string): Promise<{ error: string } | { name: string | null }> {
  return conversation.external(async (outer: BotContext) => {
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
}
