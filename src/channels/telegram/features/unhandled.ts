import { Composer } from 'grammy';
import type { BotContext } from '../context.js';

/** Last in line: a button nobody handled (an old message's) is answered, so the client stops waiting. */
export const unhandledFeature = new Composer<BotContext>();

unhandledFeature.on('callback_query', (ctx) => ctx.answerCallbackQuery());
