import { MAIN_MENU } from '../../chat/menu.js';
import { encodeAction } from '../../chat/actions.js';
import type { Locale, Translate } from '../../chat/i18n.js';
import type { Screen } from '../../chat/screens/types.js';
import { toLatinDigits, toPersianDigits } from '../../lib/digits.js';
import type { WhatsAppImage } from './client.js';

export interface WhatsAppMessage {
  text: string;
  image?: WhatsAppImage;
}

/**
 * A screen as WhatsApp messages. Personal accounts have no buttons, so a screen's actions become
 * numbered lines and `options[n - optionBase]` is what answering `n` does; null means the numbers
 * are the main menu's. A 0–10 score question numbers its options by the scores themselves
 * (optionBase 0), so the number a member types is the score they give.
 */
export interface WhatsAppView {
  messages: WhatsAppMessage[];
  options: string[] | null;
  optionBase?: 0 | 1;
}

/** WhatsApp shows long captions fine, but a very long one is easier to read as its own message. */
const CAPTION_LIMIT = 1024;
const LEADING_NUMBER = /^[\d۰-۹٠-٩]+\.\s*/;

export const optionNumber = (n: number, locale: Locale) => (locale === 'fa' ? toPersianDigits(n) : String(n));

/** The main menu: every member action numbered in the order the Telegram keyboard shows them. */
export function mainMenuView(title: string, t: Translate, locale: Locale): WhatsAppView {
  const lines = MAIN_MENU.map((m, i) => `${optionNumber(i + 1, locale)}. ${t(m.label)}`);
  return {
    messages: [{ text: [title, '', ...lines, '', t('whatsapp.choose')].join('\n') }],
    options: MAIN_MENU.map((m) => encodeAction({ kind: 'menu', item: m.action })),
  };
}

/** Buttons labelled 0, 1, 2, … in order (a score scale): their labels are their numbers. */
const isScoreScale = (labels: string[]) => labels.length > 1 && labels.every((l, i) => toLatinDigits(l.trim()) === String(i));

export function renderScreen(screen: Screen, t: Translate, locale: Locale): WhatsAppView {
  const messages: WhatsAppMessage[] = [];
  if (screen.photo) messages.push({ text: screen.photo.caption, image: { png: screen.photo.png } });
  const flat = (screen.buttons ?? []).flat();
  const actions = flat.filter((b) => b.action && b.action.kind !== 'none');
  const lines = [screen.text];
  const links = flat.filter((b) => b.url);
  if (links.length) lines.push('', ...links.map((b) => t('whatsapp.link_line', { label: b.label, url: b.url })));
  const scores = isScoreScale(actions.map((b) => b.label));
  if (scores) {
    lines.push('', actions.map((b) => b.label).join(' · '), t('whatsapp.score_hint'));
  } else if (actions.length) {
    lines.push(
      '',
      ...actions.map((b, i) => `${optionNumber(i + 1, locale)}. ${b.label.replace(LEADING_NUMBER, '')}`),
      `${optionNumber(0, locale)}. ${t('whatsapp.option_menu')}`,
    );
  } else {
    lines.push('', t('whatsapp.menu_back'));
  }
  const text = lines.join('\n');
  if (screen.imageUrl && text.length <= CAPTION_LIMIT) messages.push({ text, image: { url: screen.imageUrl } });
  else {
    if (screen.imageUrl) messages.push({ text: '', image: { url: screen.imageUrl } });
    messages.push({ text });
  }
  return {
    messages,
    options: actions.length ? actions.map((b) => encodeAction(b.action!)) : null,
    ...(scores ? { optionBase: 0 as const } : {}),
  };
}
