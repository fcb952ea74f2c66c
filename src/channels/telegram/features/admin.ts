import { Composer } from 'grammy';
import { adminActionForLabel, type AdminMenuAction } from '../../../chat/admin-menu.js';
import {
  adminHomeScreen,
  figuresText,
  giftRequestScreen,
  openRafflesScreen,
  raffleCancelConfirmScreen,
  raffleCancelledText,
  staffMemberLabel,
  voucherCampaignsScreen,
} from '../../../chat/screens/admin-screens.js';
import { broadcastProgressScreen } from '../../../chat/screens/broadcast-screens.js';
import { mainMenuScreen } from '../../../chat/screens/member-screens.js';
import { formatNumber } from '../../../chat/format.js';
import { jalaliMonthLabel } from '../../../chat/screens/referral-screens.js';
import { isDomainError } from '../../../domain/errors.js';
import type { Operator } from '../../../domain/admin/permissions.js';
import type { BotContext } from '../context.js';
import { editScreen, inlineKeyboard, replyScreen } from '../render.js';
import { showMonthlyReport, showOpenTickets } from './admin-support.js';
import { onAction } from '../on-action.js';

/**
 * Admin mode for the shop's staff in the same bot: `/admin <code>` links an operator, `/admin`
 * opens the admin keyboard. Every action is checked again on the server (AdminService).
 */
export const adminFeature = new Composer<BotContext>();
const chats = adminFeature.chatType('private');

async function staff(ctx: BotContext): Promise<Operator | null> {
  const op = await ctx.operator();
  if (!op) {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t('admin.need_code'));
  }
  return op;
}

/** A refusal from the server (role, branch) as a message; anything else is a real error. */
async function refused(ctx: BotContext, op: Operator, err: unknown) {
  if (isDomainError(err, 'not_allowed'))
    return void (await ctx.reply(ctx.t('admin.not_allowed', { role: ctx.t(`admin.role.${op.role}`) })));
  throw err;
}

chats.command('admin', async (ctx) => {
  const code = ctx.match.trim();
  const { operators, merchantId } = ctx.deps;
  if (code) {
    try {
      const op = await operators.link(
        merchantId,
        code,
        String(ctx.from.id),
        [ctx.from.first_name, ctx.from.last_name].filter(Boolean).join(' ') || null,
      );
      const c = await ctx.screen();
      await ctx.reply(ctx.t('admin.linked', { role: ctx.t(`admin.role.${op.role}`), club: c.clubName }));
      return void (await replyScreen(ctx, adminHomeScreen(op, c), ctx.t));
    } catch (err) {
      if (isDomainError(err) && ['invite_unknown', 'invite_used', 'invite_expired'].includes(err.code))
        return void (await ctx.reply(ctx.t(`admin.${err.code}`)));
      throw err;
    }
  }
  const op = await staff(ctx);
  if (op) await replyScreen(ctx, adminHomeScreen(op, await ctx.screen()), ctx.t);
});

/** A one-time link to the web panel; no preview, so Telegram's link fetcher does not open it first. */
async function sendPanelLink(ctx: BotContext, op: Operator) {
  const { url } = await ctx.deps.panelLink(op, `telegram:${ctx.from!.id}`);
  await ctx.reply(ctx.t('panel.link.sent', { url }), { link_preview_options: { is_disabled: true } });
}

chats.command('panel', async (ctx) => {
  const op = await staff(ctx);
  if (op) await sendPanelLink(ctx, op);
});

async function run(ctx: BotContext, action: AdminMenuAction) {
  const op = await staff(ctx);
  if (!op) return;
  const c = await ctx.screen();
  const { admin } = ctx.deps;
  try {
    switch (action) {
      case 'sale':
        await admin.require(op, 'purchase.record');
        return await ctx.conversation.enter('adminSale');
      case 'return':
        await admin.require(op, 'purchase.refund');
        return await ctx.conversation.enter('adminReturn');
      case 'lookup':
        await admin.require(op, 'member.lookup');
        return await ctx.conversation.enter('adminLookup');
      case 'broadcast':
        await admin.require(op, 'campaigns');
        return await ctx.conversation.enter('adminBroadcast');
      case 'vouchers':
        return void (await replyScreen(ctx, voucherCampaignsScreen(await admin.voucherCampaigns(op), c), ctx.t));
      case 'raffles':
        return void (await replyScreen(ctx, openRafflesScreen(await admin.openRaffles(op), c), ctx.t));
      case 'invite':
        await admin.require(op, 'operators');
        return await ctx.conversation.enter('adminInvite');
      case 'figures':
        return void (await ctx.reply(figuresText(await admin.figures(op), jalaliMonthLabel(ctx.deps.clock.now(), ctx.locale), c)));
      case 'gifts': {
        const queue = await admin.giftQueue(op);
        if (!queue.length) return void (await ctx.reply(ctx.t('admin.queue_empty')));
        await ctx.reply(ctx.t('admin.queue_title', { n: formatNumber(queue.length, ctx.locale) }));
        for (const r of queue) {
          const m = await ctx.deps.members.get(ctx.deps.merchantId, r.memberId);
          await replyScreen(ctx, giftRequestScreen(r, staffMemberLabel(m), c), ctx.t);
        }
        return;
      }
      case 'tickets':
        return await showOpenTickets(ctx);
      case 'report':
        return await showMonthlyReport(ctx);
      case 'panel':
        return await sendPanelLink(ctx, op);
      case 'exit': {
        const member = await ctx.member();
        if (member?.status === 'active') return void (await replyScreen(ctx, mainMenuScreen(c), ctx.t));
        // Staff who are not members: how to come back, and the join button should they want to be members too.
        return void (await replyScreen(ctx, { text: ctx.t('admin.exit'), keyboard: { kind: 'contact' }, role: 'note' }, ctx.t));
      }
    }
  } catch (err) {
    await refused(ctx, op, err);
  }
}

chats.on('message:text', async (ctx, next) => {
  const action = adminActionForLabel(ctx.message.text);
  if (!action) return next();
  await run(ctx, action);
});

onAction(chats, 'giftQueue.step', async (ctx, { step, requestId }) => {
  const op = await staff(ctx);
  if (!op) return;
  await ctx.answerCallbackQuery();
  // The card's message id: the conversation edits the card once the step is done.
  if (step !== 'approve') return ctx.conversation.enter('adminGiftNote', step, requestId, ctx.callbackQuery.message?.message_id);
  try {
    const r = await ctx.deps.admin.giftStep(op, requestId, 'approve');
    const m = await ctx.deps.members.get(ctx.deps.merchantId, r.memberId);
    await editScreen(ctx, giftRequestScreen(r, staffMemberLabel(m), await ctx.screen()));
  } catch (err) {
    if (isDomainError(err, 'invalid_transition')) return void (await ctx.reply(ctx.t('gifts.unavailable')));
    await refused(ctx, op, err);
  }
});

onAction(chats, 'broadcast.control', async (ctx, { op: control, broadcastId }) => {
  const op = await staff(ctx);
  if (!op) return;
  await ctx.answerCallbackQuery();
  try {
    const status = await ctx.deps.admin.broadcastControl(op, broadcastId, control);
    const screen = broadcastProgressScreen(status, await ctx.screen());
    await ctx.editMessageText(screen.text, { reply_markup: screen.buttons ? inlineKeyboard(screen.buttons) : undefined }).catch(() => {});
  } catch (err) {
    if (isDomainError(err) && ['not_running', 'not_paused', 'already_finished'].includes(err.code)) return;
    await refused(ctx, op, err);
  }
});

onAction(chats, 'voucherAdmin.set', async (ctx, { op: change, campaignId }) => {
  const op = await staff(ctx);
  if (!op) return;
  await ctx.answerCallbackQuery();
  try {
    await ctx.deps.admin.setVoucherCampaign(op, campaignId, change === 'resume');
    // The whole list again, so the pressed campaign shows its new state and button.
    await editScreen(ctx, voucherCampaignsScreen(await ctx.deps.admin.voucherCampaigns(op), await ctx.screen()));
  } catch (err) {
    if (isDomainError(err, 'campaign_not_found')) return void (await ctx.reply(ctx.t('admin.voucher_gone')));
    await refused(ctx, op, err);
  }
});

onAction(chats, 'raffleAdmin.cancel', async (ctx, { step, raffleId }) => {
  const op = await staff(ctx);
  if (!op) return;
  await ctx.answerCallbackQuery();
  const { admin } = ctx.deps;
  try {
    const c = await ctx.screen();
    if (step === 'ask') return await editScreen(ctx, raffleCancelConfirmScreen(await admin.raffle(op, raffleId), c));
    if (step === 'no') return await editScreen(ctx, openRafflesScreen(await admin.openRaffles(op), c));
    await editScreen(ctx, { text: raffleCancelledText(await admin.cancelRaffle(op, raffleId), c) });
  } catch (err) {
    if (isDomainError(err, 'raffle_not_found')) return void (await ctx.reply(ctx.t('admin.raffle_gone')));
    await refused(ctx, op, err);
  }
});
