import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { replyKeyboard } from '../render.js';
import { parseStartPayload } from '../../../chat/start-payload.js';

/** /start [payload]: members get the menu; everyone else starts joining, the payload remembered. */
export const startFeature = new Composer<BotContext>();

startFeature.chatType('private').command('start', async (ctx) => {
  const payload = parseStartPayload(ctx.match);
  const member = await ctx.member();
  // A campaign's tracked link (s_c<campaign id>): counted once per member for the campaign's KPIs.
  const campaign = /^c([0-9a-f-]{36})$/.exec(payload.source ?? '')?.[1];
  if (campaign && member) await ctx.deps.campaigns.recordClick(ctx.deps.merchantId, campaign, member.id);
  // Unblocking the bot shows the Start button: whoever presses it can get our messages again.
  if (member) await ctx.deps.members.markReachable(ctx.deps.merchantId, 'telegram', String(ctx.from!.id));
  if (member && member.status === 'active') {
    await ctx.reply(ctx.t('start.already_member'), { reply_markup: replyKeyboard({ kind: 'main' }, ctx.t) });
    return;
  }
  // An invitation reached someone who is not a member yet: it counts for the referrer's figures.
  if (payload.referralCode) await ctx.deps.referrals.recordInvite(ctx.deps.merchantId, payload.referralCode, 'telegram', String(ctx.from!.id));
  if (payload.referralCode || payload.source) ctx.session.start = { ...ctx.session.start, ...payload };
  await ctx.conversation.enter('register');
});
