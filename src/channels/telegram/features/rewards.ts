import { Composer } from 'grammy';
import type { Member } from '../../../domain/members/types.js';
import type { BotContext } from '../context.js';
import { replyScreen } from '../render.js';

/** /wheel, /gifts, /vouchers, /raffles; their buttons go to the ChatRouter (member-actions.ts). */
export const rewardsFeature = new Composer<BotContext>();
const chats = rewardsFeature.chatType('private');

export type RewardAction = 'wheel' | 'gifts' | 'vouchers' | 'raffles';

async function activeMember(ctx: BotContext): Promise<Member | null> {
  const member = await ctx.member();
  if (member && member.status === 'active') return member;
  if (ctx.callbackQuery) await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t('not_member'));
  return null;
}

/** Opens one of the reward screens (menu label or command). */
export async function showReward(ctx: BotContext, action: RewardAction): Promise<void> {
  const member = await activeMember(ctx);
  if (!member) return;
  const { rewards } = ctx.deps;
  const screen =
    action === 'wheel' ? await rewards.wheel(member, ctx.locale)
    : action === 'gifts' ? await rewards.gifts(member, ctx.locale)
    : action === 'vouchers' ? await rewards.vouchers(member, ctx.locale)
    : await rewards.raffles(member, ctx.locale);
  await replyScreen(ctx, screen, ctx.t);
}

for (const action of ['wheel', 'gifts', 'vouchers', 'raffles'] as const) chats.command(action, (ctx) => showReward(ctx, action));
