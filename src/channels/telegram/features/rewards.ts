import { Composer } from 'grammy';
import type { Member } from '../../../domain/members/types.js';
import type { BotContext } from '../context.js';
import { editScreen, replyScreen } from '../render.js';
import { onAction } from '../on-action.js';

/** /wheel, /gifts, /vouchers, /raffles and their buttons; the screens come from RewardChat. */
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

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The prize is drawn first; the frames only show it arriving. A second tap of the same button replays, silently.
onAction(chats, 'wheel.spin', async (ctx, action) => {
  const member = await activeMember(ctx);
  if (!member) return;
  const { replayed, frames, screen } = await ctx.deps.rewards.spin(member, ctx.locale, action.nonce);
  if (replayed) {
    await ctx.answerCallbackQuery({ text: ctx.t('wheel.already') });
    return;
  }
  await ctx.answerCallbackQuery();
  await ctx.editMessageReplyMarkup().catch(() => {}); // the pressed wheel can not be spun again
  const frameMs = ctx.deps.wheelFrameMs;
  if (!frames.length || frameMs === 0) {
    await replyScreen(ctx, screen, ctx.t);
    return;
  }
  const spinning = await ctx.reply(frames[0]!);
  for (const frame of frames.slice(1)) {
    await pause(frameMs);
    await ctx.api.editMessageText(ctx.chat.id, spinning.message_id, frame).catch(() => {});
  }
  await pause(frameMs);
  await replyScreen(ctx, screen, ctx.t);
});

onAction(chats, 'gift.page', async (ctx, action) => {
  const member = await activeMember(ctx);
  if (!member) return;
  await ctx.answerCallbackQuery();
  await editScreen(ctx, await ctx.deps.rewards.gifts(member, ctx.locale, action.page));
});

onAction(chats, 'gift.view', async (ctx, action) => {
  const member = await activeMember(ctx);
  if (!member) return;
  await ctx.answerCallbackQuery();
  await editScreen(ctx, await ctx.deps.rewards.gift(member, ctx.locale, action.giftId, action.page));
});

onAction(chats, 'gift.request', async (ctx, action) => {
  const member = await activeMember(ctx);
  if (!member) return;
  await ctx.answerCallbackQuery();
  await editScreen(ctx, await ctx.deps.rewards.requestGift(member, ctx.locale, action.giftId, action.nonce));
});

onAction(chats, 'gift.mine', async (ctx) => {
  const member = await activeMember(ctx);
  if (!member) return;
  await ctx.answerCallbackQuery();
  await editScreen(ctx, await ctx.deps.rewards.myGiftRequests(member, ctx.locale));
});

onAction(chats, 'voucher.offer', async (ctx, action) => {
  const member = await activeMember(ctx);
  if (!member) return;
  await ctx.answerCallbackQuery();
  await replyScreen(ctx, await ctx.deps.rewards.confirmVoucher(member, ctx.locale, action.campaignId), ctx.t);
});

onAction(chats, 'voucher.buy', async (ctx, action) => {
  const member = await activeMember(ctx);
  if (!member) return;
  await ctx.answerCallbackQuery();
  await editScreen(ctx, await ctx.deps.rewards.buyVoucher(member, ctx.locale, action.campaignId, action.nonce));
});

onAction(chats, 'raffle.offer', async (ctx, action) => {
  const member = await activeMember(ctx);
  if (!member) return;
  await ctx.answerCallbackQuery();
  await replyScreen(ctx, await ctx.deps.rewards.confirmTickets(member, ctx.locale, action.raffleId, action.count), ctx.t);
});

onAction(chats, 'raffle.buy', async (ctx, action) => {
  const member = await activeMember(ctx);
  if (!member) return;
  await ctx.answerCallbackQuery();
  await editScreen(ctx, await ctx.deps.rewards.buyTickets(member, ctx.locale, action.raffleId, action.count, action.nonce));
});

onAction(chats, ['voucher.cancel', 'raffle.cancel'], async (ctx) => {
  await ctx.answerCallbackQuery();
  await editScreen(ctx, { text: ctx.t('vouchers.cancelled') });
});
