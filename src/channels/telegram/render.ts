import { InlineKeyboard, InputFile, Keyboard, type Api, type Context } from 'grammy';
import type { InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove } from 'grammy/types';
import { menuLabels } from '../../chat/menu.js';
import { adminMenuLabels } from '../../chat/admin-menu.js';
import type { Translate } from '../../chat/i18n.js';
import { encodeAction } from '../../chat/actions.js';
import type { ReplyKeyboard, Screen, ScreenButton } from '../../chat/screens/types.js';

export function mainKeyboard(t: Translate, labels: string[] = menuLabels(t)): ReplyKeyboardMarkup {
  const kb = new Keyboard();
  labels.forEach((label, i) => {
    kb.text(label);
    if (i % 2 === 1) kb.row();
  });
  return { keyboard: kb.build(), resize_keyboard: true, is_persistent: true };
}

export function replyKeyboard(spec: ReplyKeyboard, t: Translate): ReplyKeyboardMarkup | ReplyKeyboardRemove {
  switch (spec.kind) {
    case 'main':
      return mainKeyboard(t);
    case 'admin':
      return mainKeyboard(t, adminMenuLabels(spec.role, t));
    case 'contact':
      return { keyboard: [[{ text: t('start.share_phone'), request_contact: true }]], resize_keyboard: true, one_time_keyboard: true };
    case 'choices':
      return { keyboard: spec.options.map((o) => [{ text: o }]), resize_keyboard: true, one_time_keyboard: true };
    case 'remove':
      return { remove_keyboard: true };
  }
}

export function inlineKeyboard(rows: ScreenButton[][]): InlineKeyboardMarkup {
  const kb = new InlineKeyboard();
  rows.forEach((row, i) => {
    if (i > 0) kb.row();
    for (const b of row) {
      if (b.url) kb.url(b.label, b.url);
      else kb.text(b.label, encodeAction(b.action ?? { kind: 'none' }));
    }
  });
  return kb;
}

function markup(screen: Screen, t: Translate) {
  if (screen.buttons?.length) return inlineKeyboard(screen.buttons);
  return screen.keyboard ? replyKeyboard(screen.keyboard, t) : undefined;
}

/** Telegram's caption limit: longer texts go in their own message after the picture. */
const CAPTION_LIMIT = 1024;

/** Sends a screen to a chat: the photo first (if any), then the text with its buttons. */
export async function sendScreen(api: Api, chatId: number | string, screen: Screen, t: Translate): Promise<number> {
  if (screen.photo) await api.sendPhoto(chatId, new InputFile(screen.photo.png, 'qr.png'), { caption: screen.photo.caption });
  if (screen.imageUrl && screen.text.length <= CAPTION_LIMIT) {
    return (await api.sendPhoto(chatId, screen.imageUrl, { caption: screen.text, reply_markup: markup(screen, t) })).message_id;
  }
  if (screen.imageUrl) await api.sendPhoto(chatId, screen.imageUrl);
  const sent = await api.sendMessage(chatId, screen.text, { reply_markup: markup(screen, t), link_preview_options: { is_disabled: true } });
  return sent.message_id;
}

export function replyScreen(ctx: Context, screen: Screen, t: Translate): Promise<number> {
  return sendScreen(ctx.api, ctx.chat!.id, screen, t);
}

/** Replaces the message a button was pressed under (history paging, language choice). */
export async function editScreen(ctx: Context, screen: Screen): Promise<void> {
  try {
    await ctx.editMessageText(screen.text, {
      reply_markup: screen.buttons?.length ? inlineKeyboard(screen.buttons) : undefined,
      link_preview_options: { is_disabled: true },
    });
  } catch (err) {
    // Pressing the same page twice: Telegram refuses an edit that changes nothing.
    if (!String((err as Error).message).includes('message is not modified')) throw err;
  }
}
