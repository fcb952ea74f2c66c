import type { Conversation } from '@grammyjs/conversations';
import { isDomainError } from '../../../domain/errors.js';
import { translator } from '../../../chat/i18n.js';
import { balancesLine, mainMenuScreen } from '../../../chat/screens/member-screens.js';
import type { BotContext, BotDeps, ConversationContext, SessionData } from '../context.js';
import { replyKeyboard } from '../render.js';
import { parseStartPayload } from '../../../chat/start-payload.js';
import { askProfile } from './profile.js';

type Joined =
  | { ok: true; memberId: string; memberCode: string; claimed: boolean; alreadyActive: boolean; balances: { points: number; coins: number; credit: number } }
  | { ok: false; error: 'invalid_phone' | 'blocked' };

/**
 * Joining: welcome, then the member shares their own phone with the contact button (a typed
 * number or someone else's contact is politely refused); the phone registers them or claims
 * the pending member with that phone; then the optional profile; then the menu. Its state is
 * kept in Redis between messages, so a restart in the middle loses nothing.
 */
export function registerConversation(deps: BotDeps) {
  return async function register(conversation: Conversation<BotContext, ConversationContext>, ctx: ConversationContext) {
    const locale = await conversation.external((outer: BotContext) => outer.locale);
    const t = translator(locale);
    const club = await conversation.external(async () => (await deps.screens.context(deps.merchantId, locale)).clubName);
    const contactKeyboard = replyKeyboard({ kind: 'contact' }, t);
    const welcome = (name: string) => t('start.welcome', { name, club });
    await ctx.reply(welcome(ctx.from?.first_name ?? ''), { reply_markup: contactKeyboard });

    let joined: Extract<Joined, { ok: true }>;
    for (;;) {
      const answer = await conversation.wait();
      const text = answer.message?.text?.trim() ?? '';
      if (text.startsWith('/start')) {
        // A new link opened halfway through joining still counts.
        const payload = parseStartPayload(text.split(/\s+/)[1]);
        if (payload.referralCode || payload.source) {
          await conversation.external((outer: BotContext) => {
            outer.session.start = { ...outer.session.start, ...payload };
          });
        }
        await answer.reply(welcome(answer.from?.first_name ?? ''), { reply_markup: contactKeyboard });
        continue;
      }
      const contact = answer.message?.contact;
      if (!contact) {
        await answer.reply(t('start.use_button'), { reply_markup: contactKeyboard });
        continue;
      }
      if (contact.user_id !== answer.from?.id) {
        await answer.reply(t('start.not_your_contact'), { reply_markup: contactKeyboard });
        continue;
      }
      const result: Joined = await conversation.external(async (outer: BotContext) => {
        const start: SessionData['start'] = outer.session.start ?? {};
        try {
          const referrer = start.referralCode ? await deps.members.findByReferralCode(deps.merchantId, start.referralCode) : null;
          const r = await deps.members.register({
            merchantId: deps.merchantId,
            phone: contact.phone_number,
            channel: 'telegram',
            externalUserId: String(answer.from!.id),
            chatId: String(answer.chat!.id),
            locale,
            sourceTag: start.source,
            referrerId: referrer?.id,
          });
          outer.session.start = undefined;
          return { ok: true, memberId: r.member.id, memberCode: r.member.memberCode, claimed: r.claimed, alreadyActive: r.alreadyActive, balances: r.member.balances };
        } catch (err) {
          if (isDomainError(err, 'invalid_phone')) return { ok: false, error: 'invalid_phone' };
          if (isDomainError(err, 'member_blocked')) return { ok: false, error: 'blocked' };
          throw err;
        }
      });
      if (result.ok) {
        joined = result;
        break;
      }
      if (result.error === 'blocked') {
        await answer.reply(t('start.blocked'), { reply_markup: { remove_keyboard: true } });
        return;
      }
      await answer.reply(t('start.invalid_phone'), { reply_markup: contactKeyboard });
    }

    // Screen contexts hold functions: only their rendered strings may cross external().
    const { balances, menu } = await conversation.external(async () => {
      const screen = await deps.screens.context(deps.merchantId, locale);
      return { balances: balancesLine(joined.balances, screen), menu: mainMenuScreen(screen).text };
    });
    const code = joined.memberCode;
    if (joined.alreadyActive) {
      await ctx.reply(t('start.already_member'), { reply_markup: replyKeyboard({ kind: 'main' }, t) });
      return;
    }
    await ctx.reply(joined.claimed ? t('start.claimed', { balances, code }) : t('start.joined', { code }));
    await ctx.reply(t('start.profile_intro'));
    await askProfile(conversation, ctx, t, deps, joined.memberId);
    await ctx.reply(t('profile_steps.done'));
    await ctx.reply(menu, { reply_markup: replyKeyboard({ kind: 'main' }, t) });
  };
}

export function editProfileConversation(deps: BotDeps) {
  return async function editProfile(conversation: Conversation<BotContext, ConversationContext>, ctx: ConversationContext) {
    const who = await conversation.external(async (outer: BotContext) => ({ locale: outer.locale, memberId: (await outer.member())?.id ?? null }));
    if (!who.memberId) return;
    const t = translator(who.locale);
    await askProfile(conversation, ctx, t, deps, who.memberId);
    await ctx.reply(t('profile_steps.done'), { reply_markup: replyKeyboard({ kind: 'main' }, t) });
  };
}
