import type { Composer, Context, Filter } from 'grammy';
import { decodeAction, isAction, type ActionKind, type ActionOf } from '../../chat/actions.js';

/** Handles the buttons whose (decoded) action is one of these kinds; other presses pass on. */
export function onAction<C extends Context, K extends ActionKind>(
  composer: Composer<C>,
  kinds: K | K[],
  handler: (ctx: Filter<C, 'callback_query:data'>, action: ActionOf<K>) => Promise<unknown>,
): void {
  const list = [kinds].flat() as K[];
  composer.on('callback_query:data', async (ctx, next) => {
    const action = decodeAction(ctx.callbackQuery.data);
    if (!isAction(action, ...list)) return next();
    await handler(ctx, action);
  });
}
