import { Composer } from 'grammy';
import { actionForLabel } from '../../../chat/menu.js';
import { adminActionForLabel } from '../../../chat/admin-menu.js';
import { allTranslations } from '../../../chat/i18n.js';
import { staffMemberLabel } from '../../../chat/screens/admin-screens.js';
import { monthlyReportScreen, openTicketsScreen, staffTicketScreen } from '../../../chat/screens/admin-support-screens.js';
import { formatNumber } from '../../../chat/format.js';
import { isDomainError } from '../../../domain/errors.js';
import type { Operator } from '../../../domain/admin/permissions.js';
import type { BotContext } from '../context.js';
import { replyScreen } from '../render.js';
import { onAction } from '../on-action.js';

/** Admin mode's support desk (open tickets, reply, close) and the owner's monthly report. */
export const adminSupportFeature = new Composer<BotContext>();
const chats = adminSupportFeature.chatType('private');

async function staff(ctx: BotContext, action: 'tickets' | 'reports'): Promise<Operator | null> {
  const op = await ctx.operator();
  if (ctx.callbackQuery) await ctx.answerCallbackQuery();
  if (!op) {
    await ctx.reply(ctx.t('admin.need_code'));
    return null;
  }
  try {
    await ctx.deps.admin.require(op, action);
    return op;
  } catch (err) {
    if (isDomainError(err, 'not_allowed')) {
      await ctx.reply(ctx.t('admin.not_allowed', { role: ctx.t(`admin.role.${op.role}`) }));
      return null;
    }
    throw err;
  }
}

const nameOf = staffMemberLabel;

export async function showOpenTickets(ctx: BotContext) {
  const op = await staff(ctx, 'tickets');
  if (!op) return;
  const { tickets, members, merchantId } = ctx.deps;
  const open = await tickets.listOpen(merchantId, op.branch);
  const rows = await Promise.all(open.map(async (ticket) => ({ ticket, name: nameOf(await members.get(merchantId, ticket.memberId)) })));
  await replyScreen(ctx, openTicketsScreen(rows, await ctx.screen()), ctx.t);
}

export async function showMonthlyReport(ctx: BotContext) {
  const op = await staff(ctx, 'reports');
  if (!op) return;
  const report = await ctx.deps.monthlyReport.build(ctx.deps.merchantId);
  await replyScreen(ctx, monthlyReportScreen(report, await ctx.screen()), ctx.t);
}

chats.command('report', showMonthlyReport);

onAction(chats, 'staffTicket.view', async (ctx, { ticketId }) => {
  if (!(await staff(ctx, 'tickets'))) return;
  const { tickets, members, merchantId } = ctx.deps;
  const { ticket, messages } = await tickets.get(merchantId, ticketId);
  const m = await members.get(merchantId, ticket.memberId);
  await replyScreen(ctx, staffTicketScreen(ticket, messages, { name: nameOf(m), phone: m.phone }, await ctx.screen()), ctx.t);
});

onAction(chats, 'staffTicket.reply', async (ctx, { ticketId }) => {
  if (!(await staff(ctx, 'tickets'))) return;
  const { ticket } = await ctx.deps.tickets.get(ctx.deps.merchantId, ticketId);
  ctx.session.staffReply = ticket.id;
  await ctx.reply(ctx.t('admin_support.ask_reply', { number: formatNumber(ticket.number, ctx.locale) }));
});

onAction(chats, 'staffTicket.close', async (ctx, { ticketId }) => {
  if (!(await staff(ctx, 'tickets'))) return;
  const ticket = await ctx.deps.tickets.close(ctx.deps.merchantId, ticketId, 'staff');
  await ctx.editMessageReplyMarkup().catch(() => {});
  await ctx.reply(ctx.t('admin_support.closed', { number: formatNumber(ticket.number, ctx.locale) }));
});

chats.on('message:text', async (ctx, next) => {
  const ticketId = ctx.session.staffReply;
  if (!ticketId) return next();
  const text = ctx.message.text.trim();
  if (text.startsWith('/') || actionForLabel(text) || adminActionForLabel(text)) {
    ctx.session.staffReply = undefined;
    return next();
  }
  ctx.session.staffReply = undefined;
  if (allTranslations('admin_support.cancel_word').includes(text)) return void (await ctx.reply(ctx.t('admin_support.cancelled')));
  const op = await staff(ctx, 'tickets');
  if (!op) return;
  try {
    const ticket = await ctx.deps.tickets.staffReply(ctx.deps.merchantId, op.id, ticketId, text);
    await ctx.reply(ctx.t('admin_support.replied', { number: formatNumber(ticket.number, ctx.locale) }));
  } catch (err) {
    if (isDomainError(err, 'ticket_closed')) return void (await ctx.reply(ctx.t('support.is_closed')));
    throw err;
  }
});
