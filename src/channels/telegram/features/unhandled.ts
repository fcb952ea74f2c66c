import { Composer } from 'grammy';
import { unknownScreen } from '../../../chat/screens/member-screens.js';
import type { BotContext } from '../context.js';
import { replyScreen } from '../render.js';

/** Last in line: anything nobody handled gets a short hint and the menu, never silence. */
export const unhandledFeature = new Composer<BotContext>();

unhandledFeature.on('callback_query', (ctx) => ctx.answerCallbackQuery());

unhandledFeature.chatType('private').on('message', async (ctx) => {
  const member = await ctx.member();
  if (!member || member.status !== 'active') {
    // Staff who are not members of the club type to the bot too: point them at admin mode.
    await ctx.reply(ctx.t((await ctx.operator()) ? 'admin.hint' : 'not_member'));
    return;
  }
  await replyScreen(ctx, unknownScreen(await ctx.screen()), ctx.t);
});
