import { Composer } from 'grammy';
import { actionForTyped, type MenuAction } from '../../../chat/menu.js';
import { helpScreen, languageScreen, mainMenuScreen } from '../../../chat/screens/member-screens.js';
import { isLocale, translator } from '../../../chat/i18n.js';
import type { BotContext } from '../context.js';
import { editScreen, replyScreen } from '../render.js';
import { showReward } from './rewards.js';
import { openInbox, openSupport } from './feedback.js';
import { replyNotMember } from './unhandled.js';

/** The member menu: the same actions as reply-keyboard labels and as commands. */
export const memberMenuFeature = new Composer<BotContext>();
const privateChats = memberMenuFeature.chatType('private');

async function show(ctx: BotContext, action: MenuAction | 'menu') {
  const member = await ctx.member();
  if (!member || member.status !== 'active') return replyNotMember(ctx);
  const { merchantId, screens } = ctx.deps;
  const c = await ctx.screen();
  switch (action) {
    case 'menu':
      return replyScreen(ctx, mainMenuScreen(c), ctx.t);
    case 'balance':
      return replyScreen(ctx, await screens.balance(member, ctx.locale), ctx.t);
    case 'invite': {
      const link = `https://t.me/${ctx.me.username}?start=r_${member.referralCode}`;
      return replyScreen(ctx, await screens.invite(merchantId, member, ctx.locale, link), ctx.t);
    }
    case 'history':
      return replyScreen(ctx, await screens.history(merchantId, member.id, ctx.locale), ctx.t);
    case 'profile':
      return replyScreen(ctx, await screens.profile(merchantId, member.id, ctx.locale), ctx.t);
    case 'language':
      return replyScreen(ctx, languageScreen(c), ctx.t);
    case 'help': {
      const help = helpScreen(c);
      // Staff also read how to reach admin mode and the report.
      return replyScreen(ctx, (await ctx.operator()) ? { ...help, text: `${help.text}\n${ctx.t('help.staff')}` } : help, ctx.t);
    }
    case 'wheel':
    case 'gifts':
    case 'vouchers':
    case 'raffles':
      return showReward(ctx, action);
    case 'support':
      return openSupport(ctx);
    case 'inbox':
      return openInbox(ctx);
  }
}

const COMMANDS: Record<string, MenuAction | 'menu'> = { menu: 'menu', balance: 'balance', invite: 'invite', history: 'history', profile: 'profile', lang: 'language', help: 'help' };
for (const [command, action] of Object.entries(COMMANDS)) privateChats.command(command, (ctx) => show(ctx, action));

privateChats.on('message:text', async (ctx, next) => {
  const action = actionForTyped(ctx.message.text);
  if (!action) return next();
  await show(ctx, action);
});

// History pages: hist:b:<older than id>:<page> / hist:a:<newer than id>:<page>
privateChats.callbackQuery(/^hist:(a|b):(\d+):(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const member = await ctx.member();
  if (!member) return;
  const [, dir, id, page] = ctx.match;
  const cursor = dir === 'b' ? { before: Number(id) } : { after: Number(id) };
  await editScreen(ctx, await ctx.deps.screens.history(ctx.deps.merchantId, member.id, ctx.locale, { ...cursor, number: Number(page) }));
});

privateChats.callbackQuery(/^lang:(fa|en)$/, async (ctx) => {
  const locale = ctx.match[1];
  if (!isLocale(locale)) return;
  ctx.session.locale = locale;
  ctx.locale = locale;
  ctx.t = translator(locale);
  const member = await ctx.member();
  if (member) await ctx.deps.members.updateProfile(ctx.deps.merchantId, member.id, { locale });
  await ctx.answerCallbackQuery({ text: ctx.t('language.changed') });
  await ctx.editMessageText(ctx.t('language.changed')).catch(() => {});
  await show(ctx, 'menu');
});

privateChats.callbackQuery('profile:edit', async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.conversation.enter('editProfile');
});
