import type { Conversation } from '@grammyjs/conversations';
import { actionForLabel } from '../../../chat/menu.js';
import { adminActionForLabel } from '../../../chat/admin-menu.js';
import { allTranslations, type Translate } from '../../../chat/i18n.js';
import type { ReplyKeyboard } from '../../../chat/screens/types.js';
import type { BotContext, ConversationContext } from '../context.js';
import { replyKeyboard } from '../render.js';

import type { Parsed } from '../../../chat/profile-answers.js';
export type { Parsed };
export const SKIPPED = Symbol('skipped');

/**
 * Asks one question and waits for a usable answer: a bad answer is explained (a locale key from
 * `parse`) and the question stays open; "skip" answers SKIPPED; a command or a main-menu label
 * ends the conversation and lets the menu handle it.
 */
export async function ask<T>(
  conversation: Conversation<BotContext, ConversationContext>,
  ctx: ConversationContext,
  t: Translate,
  question: string,
  keyboard: ReplyKeyboard,
  parse: (text: string) => Parsed<T>,
): Promise<T | typeof SKIPPED> {
  const markup = replyKeyboard(keyboard, t);
  await ctx.reply(question, { reply_markup: markup });
  for (;;) {
    const answer = await conversation.wait();
    const text = answer.message?.text?.trim();
    if (text && (text.startsWith('/') || actionForLabel(text) || adminActionForLabel(text))) await conversation.halt({ next: true });
    if (!text) {
      await answer.reply(t('profile_steps.bad_text'), { reply_markup: markup });
      continue;
    }
    if (allTranslations('profile_steps.skip').includes(text)) return SKIPPED;
    const parsed = parse(text);
    if ('ok' in parsed) return parsed.ok;
    await answer.reply(t(parsed.error, parsed.params), { reply_markup: markup });
  }
}
