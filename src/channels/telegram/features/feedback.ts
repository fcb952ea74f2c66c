import { Composer } from 'grammy';
import type { FeedbackStep } from '../../../chat/feedback-chat.js';
import { actionForLabel } from '../../../chat/menu.js';
import { adminActionForLabel } from '../../../chat/admin-menu.js';
import type { Member } from '../../../domain/members/types.js';
import type { BotContext } from '../context.js';
import { replyScreen } from '../render.js';

/** /support, /inbox and typed answers to a survey or ticket question; their buttons go to the ChatRouter (member-actions.ts). */
export const feedbackFeature = new Composer<BotContext>();
const chats = feedbackFeature.chatType('private');

async function activeMember(ctx: BotContext): Promise<Member | null> {
  const member = await ctx.member();
  if (member && member.status === 'active') return member;
  if (ctx.callbackQuery) await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t('not_member'));
  return null;
}

async function show(ctx: BotContext, step: FeedbackStep) {
  if (step.awaiting !== undefined) ctx.session.flow = step.awaiting ? { kind: 'feedback', awaiting: step.awaiting } : undefined;
  await replyScreen(ctx, step.screen, ctx.t);
}

export async function openSupport(ctx: BotContext) {
  const member = await activeMember(ctx);
  if (member) await show(ctx, await ctx.deps.feedback.support(member, ctx.locale));
}

export async function openInbox(ctx: BotContext) {
  const member = await activeMember(ctx);
  if (member) await show(ctx, await ctx.deps.feedback.inbox(member, ctx.locale));
}

chats.command('support', openSupport);
chats.command('inbox', openInbox);

// A typed answer (or a ticket photo) to what the member was asked; a command or menu label cancels it.
chats.on(['message:text', 'message:photo'], async (ctx, next) => {
  const awaiting = ctx.session.flow?.kind === 'feedback' ? ctx.session.flow.awaiting : undefined;
  if (!awaiting) return next();
  const text = ctx.message.text ?? ctx.message.caption ?? '';
  if (ctx.message.text && (text.startsWith('/') || actionForLabel(text) || adminActionForLabel(text))) {
    ctx.session.flow = undefined;
    return next();
  }
  const member = await activeMember(ctx);
  if (!member) return;
  const photo = ctx.message.photo?.at(-1)?.file_id ?? null;
  await show(ctx, await ctx.deps.feedback.text(member, ctx.locale, awaiting, text, photo));
});
