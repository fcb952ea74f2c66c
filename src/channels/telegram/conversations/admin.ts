import type { Conversation } from '@grammyjs/conversations';
import { newNonce } from '../../../chat/reward-chat.js';
import { translator, allTranslations, type Locale, type Translate } from '../../../chat/i18n.js';
import { formatDate, formatDateTime, formatMoney, formatNumber, formatPhone } from '../../../chat/format.js';
import {
  giftRequestScreen,
  memberCardText,
  returnDoneText,
  saleDoneText,
  salePreviewText,
  staffMemberLabel,
} from '../../../chat/screens/admin-screens.js';
import { broadcastProgressScreen, etaText } from '../../../chat/screens/broadcast-screens.js';
import { broadcastEtaSeconds } from '../../../domain/campaigns/broadcast-service.js';
import { campaignMessageScreen } from '../../../chat/screens/campaign-screens.js';
import { isDomainError } from '../../../domain/errors.js';
import { normalizeCode, MEMBER_CODE_LENGTH } from '../../../domain/members/codes.js';
import { normalizePhone } from '../../../domain/members/phone.js';
import { numberText } from '../../../lib/digits.js';
import { parseJalaliDateTime } from '../../../lib/jalali.js';
import type { BotContext, BotDeps, ConversationContext } from '../context.js';
import { inlineKeyboard, replyKeyboard } from '../render.js';
import { ask, SKIPPED, type Parsed } from './ask.js';

type Conv = Conversation<BotContext, ConversationContext>;
const CANCELLED = Symbol('cancelled');

const AMOUNT_MAX = 1e15;

function parseAmount(text: string): Parsed<number> {
  const n = Number(numberText(text));
  if (n > AMOUNT_MAX) return { error: 'admin.amount_too_big' };
  return Number.isSafeInteger(n) && n > 0 ? { ok: n } : { error: 'admin.bad_amount' };
}

/** A free text of at most `max` characters; a longer one is refused with the limit in the operator's digits. */
const textUpTo =
  (max: number, locale: Locale) =>
  (text: string): Parsed<string> =>
    text.length <= max ? { ok: text } : { error: 'admin.too_long', params: { max: formatNumber(max, locale) } };

function parseMember(text: string): Parsed<{ phone?: string; memberCode?: string }> {
  const phone = normalizePhone(text);
  if (phone) return { ok: { phone } };
  const code = normalizeCode(text, MEMBER_CODE_LENGTH);
  return code ? { ok: { memberCode: code } } : { error: 'admin.bad_member' };
}

/** One admin question; the cancel button answers CANCELLED (commands and menu labels end the conversation). */
async function askOr<T>(
  conversation: Conv,
  ctx: ConversationContext,
  t: Translate,
  question: string,
  options: string[],
  parse: (text: string) => Parsed<T>,
): Promise<T | typeof CANCELLED | typeof SKIPPED> {
  const cancel = t('admin.cancel');
  return ask<T | typeof CANCELLED>(conversation, ctx, t, question, { kind: 'choices', options: [...options, cancel] }, (text) =>
    allTranslations('admin.cancel').includes(text) ? { ok: CANCELLED } : parse(text),
  );
}

/** Who is asking, and in which language; null (and a message) when they are not staff. */
async function session(conversation: Conv, ctx: ConversationContext) {
  const who = await conversation.external(async (outer: BotContext) => ({ locale: outer.locale, operator: await outer.operator() }));
  const t = translator(who.locale);
  if (!who.operator) {
    await ctx.reply(t('admin.not_operator'));
    return null;
  }
  return { t, locale: who.locale as Locale, op: who.operator };
}

async function done(ctx: ConversationContext, t: Translate, role: 'owner' | 'manager' | 'cashier', text: string) {
  await ctx.reply(text, { reply_markup: replyKeyboard({ kind: 'admin', role }, t) });
}

/** A domain refusal as a message for staff; anything unexpected goes up to the error boundary. */
function refusal(err: unknown, t: Translate, role: string): string {
  if (isDomainError(err, 'not_allowed')) return t('admin.not_allowed', { role: t(`admin.role.${role}`) });
  if (isDomainError(err, 'other_branch')) return t('admin.other_branch');
  if (isDomainError(err, 'own_purchase')) return t('admin.own_purchase');
  if (isDomainError(err, 'member_not_found') || isDomainError(err, 'order_not_found')) return t('admin.no_member');
  throw err;
}

export function adminSaleConversation(deps: BotDeps) {
  return async function adminSale(conversation: Conv, ctx: ConversationContext) {
    const s = await session(conversation, ctx);
    if (!s) return;
    const { t, op } = s;
    const who = await askOr(conversation, ctx, t, t('admin.ask_member'), [], parseMember);
    if (who === CANCELLED || who === SKIPPED) return done(ctx, t, op.role, t('admin.cancelled'));
    const member = await conversation.external(async () => {
      const m = who.phone
        ? await deps.members.findByPhone(deps.merchantId, who.phone)
        : await deps.members.findByCode(deps.merchantId, who.memberCode!);
      return m
        ? {
            label: `${[m.firstName, m.lastName].filter(Boolean).join(' ') || m.memberCode} (${m.memberCode})`,
            active: m.status === 'active',
          }
        : null;
    });
    if (!member && who.memberCode) return done(ctx, t, op.role, t('admin.no_member'));
    const unit = await conversation.external(async () => (await deps.screens.context(deps.merchantId, s.locale)).moneyUnit);
    const amount = await askOr(conversation, ctx, t, t('admin.ask_amount', { unit: t(`currency.${unit}`) }), [], parseAmount);
    if (amount === CANCELLED || amount === SKIPPED) return done(ctx, t, op.role, t('admin.cancelled'));
    const category = await askOr(conversation, ctx, t, t('admin.ask_category'), [t('profile_steps.skip')], textUpTo(64, s.locale));
    if (category === CANCELLED) return done(ctx, t, op.role, t('admin.cancelled'));
    let branch: string | undefined;
    if (op.role !== 'cashier') {
      const b = await askOr(conversation, ctx, t, t('admin.ask_branch'), [t('profile_steps.skip')], textUpTo(64, s.locale));
      if (b === CANCELLED) return done(ctx, t, op.role, t('admin.cancelled'));
      branch = b === SKIPPED ? undefined : b;
    } else branch = op.branch ?? undefined;
    const preview = await conversation.external(async () =>
      salePreviewText(
        {
          member: member?.label ?? t('admin.new_customer', { phone: formatPhone(who.phone!, s.locale) }),
          amount,
          category: category === SKIPPED ? undefined : category,
          branch,
        },
        await deps.screens.context(deps.merchantId, s.locale),
      ),
    );
    const confirmed = await askOr(conversation, ctx, t, preview, [t('admin.confirm')], (text) =>
      allTranslations('admin.confirm').includes(text) ? { ok: true } : { error: 'profile_steps.bad_choice' },
    );
    if (confirmed !== true) return done(ctx, t, op.role, t('admin.cancelled'));
    const nonce = await conversation.external(() => newNonce());
    const text = await conversation.external(async () => {
      try {
        const out = await deps.admin.recordPurchase(op, {
          ...who,
          amount,
          category: category === SKIPPED ? undefined : category,
          branch,
          nonce,
        });
        return saleDoneText(out, await deps.screens.context(deps.merchantId, s.locale));
      } catch (err) {
        return refusal(err, t, op.role);
      }
    });
    await done(ctx, t, op.role, text);
  };
}

export function adminReturnConversation(deps: BotDeps) {
  return async function adminReturn(conversation: Conv, ctx: ConversationContext) {
    const s = await session(conversation, ctx);
    if (!s) return;
    const { t, op } = s;
    const who = await askOr(conversation, ctx, t, t('admin.ask_member'), [], parseMember);
    if (who === CANCELLED || who === SKIPPED) return done(ctx, t, op.role, t('admin.cancelled'));
    const purchases = await conversation.external(async () => {
      const m = who.phone
        ? await deps.members.findByPhone(deps.merchantId, who.phone)
        : await deps.members.findByCode(deps.merchantId, who.memberCode!);
      if (!m) return [];
      const c = await deps.screens.context(deps.merchantId, s.locale);
      const list = await deps.admin.recentPurchases(op, m.id);
      return list.map((p, i) => ({
        orderId: p.orderId,
        max: p.amount - p.refundedAmount,
        label: t('admin.purchase_option', {
          n: formatNumber(i + 1, s.locale),
          amount: formatMoney(p.amount - p.refundedAmount, c.moneyUnit, s.locale, t),
          date: formatDate(p.occurredAt, s.locale),
        }),
      }));
    });
    if (!purchases.length) return done(ctx, t, op.role, t('admin.no_purchases'));
    const picked = await askOr(
      conversation,
      ctx,
      t,
      t('admin.pick_purchase'),
      purchases.map((p) => p.label),
      (text): Parsed<(typeof purchases)[number]> => {
        const p = purchases.find((x) => x.label === text);
        return p ? { ok: p } : { error: 'profile_steps.bad_choice' };
      },
    );
    if (picked === CANCELLED || picked === SKIPPED) return done(ctx, t, op.role, t('admin.cancelled'));
    const unit = await conversation.external(async () => (await deps.screens.context(deps.merchantId, s.locale)).moneyUnit);
    const all = t('admin.all_amount');
    const max = formatMoney(picked.max, unit, s.locale, t);
    const amount = await askOr(conversation, ctx, t, t('admin.ask_return_amount', { max }), [all], (text) => {
      if (allTranslations('admin.all_amount').includes(text)) return { ok: picked.max };
      const a = parseAmount(text);
      return 'ok' in a && a.ok > picked.max ? { error: 'admin.return_too_much', params: { max } } : a;
    });
    if (amount === CANCELLED || amount === SKIPPED) return done(ctx, t, op.role, t('admin.cancelled'));
    const confirmed = await askOr(
      conversation,
      ctx,
      t,
      t('admin.return_preview', { orderId: picked.orderId, amount: formatMoney(amount, unit, s.locale, t) }),
      [t('admin.confirm')],
      (text) => (allTranslations('admin.confirm').includes(text) ? { ok: true } : { error: 'profile_steps.bad_choice' }),
    );
    if (confirmed !== true) return done(ctx, t, op.role, t('admin.cancelled'));
    const nonce = await conversation.external(() => newNonce());
    const text = await conversation.external(async () => {
      try {
        const out = await deps.admin.recordReturn(op, { orderId: picked.orderId, amount, nonce });
        return returnDoneText(out, await deps.screens.context(deps.merchantId, s.locale));
      } catch (err) {
        return refusal(err, t, op.role);
      }
    });
    await done(ctx, t, op.role, text);
  };
}

export function adminLookupConversation(deps: BotDeps) {
  return async function adminLookup(conversation: Conv, ctx: ConversationContext) {
    const s = await session(conversation, ctx);
    if (!s) return;
    const { t, op } = s;
    const query = await askOr(conversation, ctx, t, t('admin.ask_member'), [], (text): Parsed<string> =>
      'ok' in parseMember(text) ? { ok: text } : { error: 'admin.bad_member' },
    );
    if (query === CANCELLED || query === SKIPPED) return done(ctx, t, op.role, t('admin.cancelled'));
    const text = await conversation.external(async () => {
      try {
        return memberCardText(await deps.admin.lookupMember(op, query), await deps.screens.context(deps.merchantId, s.locale));
      } catch (err) {
        return refusal(err, t, op.role);
      }
    });
    await done(ctx, t, op.role, text);
  };
}

/** Shipping note or rejection reason for a gift request, then the step. */
export function adminGiftNoteConversation(deps: BotDeps) {
  return async function adminGiftNote(
    conversation: Conv,
    ctx: ConversationContext,
    step: 'ship' | 'reject',
    requestId: string,
    cardMessageId?: number,
  ) {
    const s = await session(conversation, ctx);
    if (!s) return;
    const { t, op } = s;
    const note = await askOr(
      conversation,
      ctx,
      t,
      t(step === 'ship' ? 'admin.ask_tracking' : 'admin.ask_reason'),
      [t('profile_steps.skip')],
      textUpTo(500, s.locale),
    );
    if (note === CANCELLED) return done(ctx, t, op.role, t('admin.cancelled'));
    const text = await conversation.external(async (outer: BotContext) => {
      try {
        const r = await deps.admin.giftStep(op, requestId, step, note === SKIPPED ? undefined : note);
        if (cardMessageId && outer.chat) {
          const card = giftRequestScreen(
            r,
            staffMemberLabel(await deps.members.get(deps.merchantId, r.memberId)),
            await deps.screens.context(deps.merchantId, s.locale),
          );
          await outer.api
            .editMessageText(outer.chat.id, cardMessageId, card.text, {
              reply_markup: card.buttons ? inlineKeyboard(card.buttons) : undefined,
            })
            .catch(() => {});
        }
        return t('admin.gift_moved', { gift: r.giftTitle, status: t(`gifts.status.${r.status}`) });
      } catch (err) {
        if (isDomainError(err, 'invalid_transition') || isDomainError(err, 'gift_request_not_found')) return t('gifts.unavailable');
        return refusal(err, t, op.role);
      }
    });
    await done(ctx, t, op.role, text);
  };
}

export function adminInviteConversation(deps: BotDeps) {
  return async function adminInvite(conversation: Conv, ctx: ConversationContext) {
    const s = await session(conversation, ctx);
    if (!s) return;
    const { t, op } = s;
    const roles = (['cashier', 'manager', 'owner'] as const).map((r) => ({ r, label: t(`admin.role.${r}`) }));
    const role = await askOr(
      conversation,
      ctx,
      t,
      t('admin.invite_role'),
      roles.map((x) => x.label),
      (text): Parsed<'cashier' | 'manager' | 'owner'> => {
        const hit = roles.find((x) => x.label === text);
        return hit ? { ok: hit.r } : { error: 'profile_steps.bad_choice' };
      },
    );
    if (role === CANCELLED || role === SKIPPED) return done(ctx, t, op.role, t('admin.cancelled'));
    let branch: string | null = null;
    if (role === 'cashier') {
      const b = await askOr(conversation, ctx, t, t('admin.ask_invite_branch'), [], textUpTo(64, s.locale));
      if (b === CANCELLED || b === SKIPPED) return done(ctx, t, op.role, t('admin.cancelled'));
      branch = b;
    }
    const text = await conversation.external(async () => {
      try {
        const { code } = await deps.admin.inviteOperator(op, role, branch);
        return t('admin.invite_code', { role: t(`admin.role.${role}`), branch: branch ? t('admin.branch', { branch }) : '', code });
      } catch (err) {
        return refusal(err, t, op.role);
      }
    });
    await done(ctx, t, op.role, text);
  };
}

/** How a broadcast goes when the club has an SMS line. */
async function askBroadcastVia(conversation: Conv, ctx: ConversationContext, t: Translate) {
  const options = ['chat', 'chat_or_sms', 'sms'] as const;
  const labels = { chat: 'admin.bc_via_chat', chat_or_sms: 'admin.bc_via_fallback', sms: 'admin.bc_via_sms' } as const;
  const via = await askOr(
    conversation,
    ctx,
    t,
    t('admin.bc_via'),
    options.map((o) => t(labels[o])),
    (x): Parsed<(typeof options)[number]> => {
      const hit = options.find((o) => allTranslations(labels[o]).includes(x));
      return hit ? { ok: hit } : { error: 'profile_steps.bad_choice' };
    },
  );
  return via === SKIPPED ? 'chat' : via;
}

/** Who, what, when; the count, the ETA and a preview; then the live progress message. */
export function adminBroadcastConversation(deps: BotDeps) {
  return async function adminBroadcast(conversation: Conv, ctx: ConversationContext) {
    const s = await session(conversation, ctx);
    if (!s) return;
    const { t, op } = s;
    const tiers = await conversation.external(async () => {
      const c = await deps.screens.context(deps.merchantId, s.locale);
      const levels = (await deps.admin.tierKeys(op)).map((key) => ({ key, label: t('admin.bc_tier', { tier: c.tierName(key) }) }));
      return levels;
    });
    const presets: { label: string; segment: Record<string, unknown> | 'tag' }[] = [
      { label: t('admin.bc_all'), segment: {} },
      ...tiers.map((x) => ({ label: x.label, segment: { tiers: [x.key] } })),
      { label: t('admin.bc_tag'), segment: 'tag' },
      { label: t('admin.bc_inactive'), segment: { inactiveDays: 60 } },
      { label: t('admin.bc_birthday'), segment: { birthday: 'month' } },
    ];
    // An empty group says so and asks for another (or cancel), instead of ending the composer.
    let question = t('admin.bc_segment');
    let segment: Record<string, unknown>;
    let counted: { ok: true; n: number; eta: string } | { ok: false; error: string };
    for (;;) {
      const preset = await askOr(
        conversation,
        ctx,
        t,
        question,
        presets.map((p) => p.label),
        (text): Parsed<Record<string, unknown> | 'tag'> => {
          const hit = presets.find((p) => p.label === text);
          return hit ? { ok: hit.segment } : { error: 'profile_steps.bad_choice' };
        },
      );
      if (preset === CANCELLED || preset === SKIPPED) return done(ctx, t, op.role, t('admin.cancelled'));
      if (preset === 'tag') {
        const tag = await askOr(conversation, ctx, t, t('admin.bc_ask_tag'), [], textUpTo(64, s.locale));
        if (tag === CANCELLED || tag === SKIPPED) return done(ctx, t, op.role, t('admin.cancelled'));
        segment = { tags: [tag] };
      } else segment = preset;
      const chosen = segment;
      counted = await conversation.external(async () => {
        try {
          const { reachable: n, byChannel } = await deps.admin.countSegment(op, chosen);
          const eta = broadcastEtaSeconds(byChannel, deps.broadcasts.pace);
          return { ok: true as const, n, eta: etaText(eta, await deps.screens.context(deps.merchantId, s.locale)) };
        } catch (err) {
          return { ok: false as const, error: refusal(err, t, op.role) };
        }
      });
      if (!counted.ok || counted.n > 0) break;
      question = t('admin.bc_empty');
    }
    if (!counted.ok) return done(ctx, t, op.role, counted.error);
    await ctx.reply(t('admin.bc_count', { n: formatNumber(counted.n, s.locale), eta: counted.eta }));
    // With an SMS line: the chat only, the chat else SMS, or SMS only (segment.channel); SMS costs, so its price comes before the confirmation.
    const via = deps.sms?.enabled ? await askBroadcastVia(conversation, ctx, t) : 'chat';
    if (via === CANCELLED) return done(ctx, t, op.role, t('admin.cancelled'));
    if (via !== 'chat') {
      const chosen = (segment = { ...segment, channel: via });
      const n = await conversation.external(async () => (await deps.admin.countSegment(op, chosen)).reachable);
      counted = { ...counted, n };
    }
    const text = await askOr(conversation, ctx, t, t('admin.bc_ask_text'), [], textUpTo(3500, s.locale));
    if (text === CANCELLED || text === SKIPPED) return done(ctx, t, op.role, t('admin.cancelled'));
    if (via !== 'chat') {
      const cost = await conversation.external(() => deps.sms!.estimateBroadcast(deps.merchantId, segment, text));
      await ctx.reply(
        t('admin.bc_sms_cost', {
          n: formatNumber(cost.recipients, s.locale),
          parts: formatNumber(cost.parts, s.locale),
          price: formatNumber(cost.pricePerPartRials, s.locale),
          cost: formatNumber(cost.costRials, s.locale),
          cap: formatNumber(cost.dailyCap, s.locale),
        }),
      );
    }
    const preview = await conversation.external(async () => {
      const c = await deps.screens.context(deps.merchantId, s.locale);
      const screen = campaignMessageScreen(
        { text },
        { firstName: ctx.from?.first_name ?? null, points: 0, coins: 0 },
        { clubLink: null },
        c,
      );
      // Members who never gave a name get the placeholder's fallback: show that sentence as well.
      const nameless = text.includes('{name}')
        ? campaignMessageScreen({ text }, { firstName: null, points: 0, coins: 0 }, { clubLink: null }, c).text
        : null;
      return { text: screen.text, buttons: screen.buttons ?? [], nameless };
    });
    await ctx.reply(t('admin.bc_preview'));
    await ctx.reply(preview.text, { reply_markup: inlineKeyboard(preview.buttons) });
    if (preview.nameless) await ctx.reply(t('admin.bc_preview_nameless', { text: preview.nameless }));
    const when = await askOr(conversation, ctx, t, t('admin.bc_when'), [t('admin.bc_now'), t('admin.bc_later')], (x) =>
      allTranslations('admin.bc_now').includes(x)
        ? { ok: 'now' as const }
        : allTranslations('admin.bc_later').includes(x)
          ? { ok: 'later' as const }
          : { error: 'profile_steps.bad_choice' },
    );
    if (when === CANCELLED || when === SKIPPED) return done(ctx, t, op.role, t('admin.cancelled'));
    let scheduleAt: Date | null = null;
    if (when === 'later') {
      const now = await conversation.external(() => deps.clock.now().getTime());
      const at = await askOr(conversation, ctx, t, t('admin.bc_ask_time'), [], (x): Parsed<string> => {
        const d = parseJalaliDateTime(x);
        return d && d.getTime() > now ? { ok: d.toISOString() } : { error: 'admin.bc_bad_time' };
      });
      if (at === CANCELLED || at === SKIPPED) return done(ctx, t, op.role, t('admin.cancelled'));
      scheduleAt = new Date(at);
    }
    const confirmed = await askOr(
      conversation,
      ctx,
      t,
      t('admin.bc_confirm', {
        n: formatNumber(counted.n, s.locale),
        when: scheduleAt ? t('admin.bc_when_line', { date: formatDateTime(scheduleAt, s.locale) }) : '',
      }),
      [t('admin.confirm')],
      (x) => (allTranslations('admin.confirm').includes(x) ? { ok: true } : { error: 'profile_steps.bad_choice' }),
    );
    if (confirmed !== true) return done(ctx, t, op.role, t('admin.cancelled'));
    const started = await conversation.external(async () => {
      try {
        const out = await deps.admin.createCampaign(op, {
          kind: 'message',
          name: text.slice(0, 60),
          segment,
          message: { text },
          scheduleAt: scheduleAt?.toISOString(),
        });
        const status = await deps.broadcasts.status(deps.merchantId, out.broadcast!.id);
        const screen = broadcastProgressScreen(status, await deps.screens.context(deps.merchantId, s.locale));
        return { ok: true as const, id: out.broadcast!.id, text: screen.text, buttons: screen.buttons ?? [] };
      } catch (err) {
        return { ok: false as const, error: refusal(err, t, op.role) };
      }
    });
    if (!started.ok) return done(ctx, t, op.role, started.error);
    await done(
      ctx,
      t,
      op.role,
      scheduleAt ? t('admin.bc_scheduled', { date: formatDateTime(scheduleAt, s.locale) }) : t('admin.bc_started'),
    );
    const progress = await ctx.reply(started.text, { reply_markup: inlineKeyboard(started.buttons) });
    await conversation.external(() =>
      deps.broadcasts.setProgress(started.id, { chatId: String(ctx.chat!.id), messageId: progress.message_id, locale: s.locale }),
    );
  };
}
