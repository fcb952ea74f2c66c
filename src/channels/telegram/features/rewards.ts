import { Composer } from 'grammy';
import type { Member } from '../../../domain/members/types.js';
import type { BotContext } from '../context.js';
import { editScreen, replyScreen } from '../render.js';

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
chats.callbackQuery(/^wheel:spin:([0-9a-f]{8})$/, async (ctx) => {
  const member = await activeMember(ctx);
  if (!member) return;
  const { replayed, frames, screen } = await ctx.deps.rewards.spin(member, ctx.locale, ctx.match[1]!);
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

chats.callbackQuery(/^gift:p:(\d{1,4})$/, async (ctx) => {
  const member = await activeMember(ctx);
  if (!member) return;
  await ctx.answerCallbackQuery();
  await editScreen(ctx, await ctx.deps.rewards.gifts(member, ctx.locale, Number(ctx.match[1])));
});

chats.callbackQuery(/^gift:v:([0-9a-f-]{36}):(\d{1,4})$/, async (ctx) => {
  const member = await activeMember(ctx);
  if (!member) return;
  await ctx.answerCallbackQuery();
  await editScreen(ctx, await ctx.deps.rewards.gift(member, ctx.locale, ctx.match[1]!, Number(ctx.match[2])));
});

// Asks first (an older gift card's button carried a nonce: it asks too).
chats.callbackQuery(/^gift:r:([0-9a-f-]{36})(?::[0-9a-f]{8})?$/, async (ctx) => {
  const member = await activeMember(ctx);
  if (!member) return;
  await ctx.answerCallbackQuery();
  await editScreen(ctx, await ctx.deps.rewards.confirmGift(member, ctx.locale, ctx.match[1]!));
});

chats.callbackQuery(/^gift:ok:([0-9a-f-]{36}):([0-9a-f]{8})$/, async (ctx) => {
  const member = await activeMember(ctx);
  if (!member) return;
  await ctx.answerCallbackQuery();
  await editScreen(ctx, await ctx.deps.rewards.requestGift(member, ctx.locale, ctx.match[1]!, ctx.match[2]!));
});

chats.callbackQuery('gift:mine', async (ctx) => {
  const member = await activeMember(ctx);
  if (!member) return;
  await ctx.answerCallbackQuery();
  await editScreen(ctx, await ctx.deps.rewards.myGiftRequests(member, ctx.locale));
});

chats.callbackQuery(/^vch:b:([0-9a-f-]{36})$/, async (ctx) => {
  const member = await activeMember(ctx);
  if (!member) return;
  await ctx.answerCallbackQuery();
  await replyScreen(ctx, await ctx.deps.rewards.confirmVoucher(member, ctx.locale, ctx.match[1]!), ctx.t);
});

chats.callbackQuery(/^vch:ok:([0-9a-f-]{36}):([0-9a-f]{8})$/, async (ctx) => {
  const member = await activeMember(ctx);
  if (!member) return;
  await ctx.answerCallbackQuery();
  await editScreen(ctx, await ctx.deps.rewards.buyVoucher(member, ctx.locale, ctx.match[1]!, ctx.match[2]!));
});

chats.callbackQuery(/^raf:b:([0-9a-f-]{36}):(\d{1,3})$/, async (ctx) => {
  const member = await activeMember(ctx);
  if (!member) return;
  await ctx.answerCallbackQuery();
  await replyScreen(ctx, await ctx.deps.rewards.confirmTickets(member, ctx.locale, ctx.match[1]!, Number(ctx.match[2])), ctx.t);
});

chats.callbackQuery(/^raf:ok:([0-9a-f-]{36}):(\d{1,3}):([0-9a-f]{8})$/, async (ctx) => {
  const member = await activeMember(ctx);
  if (!member) return;
  await ctx.answerCallbackQuery();
  await editScreen(ctx, await ctx.deps.rewards.buyTickets(member, ctx.locale, ctx.match[1]!, Number(ctx.match[2]), ctx.match[3]!));
});

chats.callbackQuery(/^(vch|raf|gift):no$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  await editScreen(ctx, { text: ctx.t('vouchers.cancelled') });
});
