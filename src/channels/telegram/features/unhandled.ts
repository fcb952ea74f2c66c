import { Composer } from 'grammy';
import { unknownScreen } from '../../../chat/screens/member-screens.js';
import type { BotContext } from '../context.js';
import { replyScreen } from '../render.js';

/** Last in line: anything nobody handled gets a short hint and the menu, never silence. */
export const unhandledFeature = new Composer<BotContext>();

unhandledFeature.on('callback_query', (ctx) => ctx.answerCallbackQuery());

/** Someone who is not an active member: how to join, or for staff, how to open admin mode. */
export async function replyNotMember(ctx: BotContext) {
  await ctx.reply(ctx.t((await ctx.operator()) ? 'admin.hint' : 'not_member'));
}

unhandledFeature.chatType('private').on('message', async (ctx) => {
  const member = await ctx.member();
  if (!member || member.status !== 'active') return replyNotMember(ctx);
  await replyScreen(ctx, unknownScreen(await ctx.screen()), ctx.t);
});
