import { allTranslations, type Translate } from './i18n.js';
import { foldForMatch } from './text-match.js';

/** The member's main menu, in order; every channel shows these (Telegram buttons, WhatsApp numbers). */
export const MAIN_MENU = [
  { action: 'balance', label: 'menu.balance', command: 'balance' },
  { action: 'wheel', label: 'menu.wheel', command: 'wheel' },
  { action: 'gifts', label: 'menu.gifts', command: 'gifts' },
  { action: 'vouchers', label: 'menu.vouchers', command: 'vouchers' },
  { action: 'raffles', label: 'menu.raffles', command: 'raffles' },
  { action: 'invite', label: 'menu.invite', command: 'invite' },
  { action: 'history', label: 'menu.history', command: 'history' },
  { action: 'profile', label: 'menu.profile', command: 'profile' },
  { action: 'language', label: 'menu.language', command: 'lang' },
  { action: 'help', label: 'menu.help', command: 'help' },
  { action: 'support', label: 'menu.support', command: 'support' },
  { action: 'inbox', label: 'menu.inbox', command: 'inbox' },
] as const;

export type MenuAction = (typeof MAIN_MENU)[number]['action'];

export function menuLabels(t: Translate): string[] {
  return MAIN_MENU.map((m) => t(m.label));
}

/** Every way to type a menu entry, folded: its label in either language, its command, its extra words. */
const typedForms = (m: (typeof MAIN_MENU)[number]): string[] =>
  [...allTranslations(m.label), m.command, ...allTranslations(`menu_words.${m.action}`).flatMap((w) => w.split('|'))]
    .map(foldForMatch)
    .filter(Boolean);

/** Which action a pressed label means, in either language. */
export function actionForLabel(text: string): MenuAction | undefined {
  const trimmed = text.trim();
  return MAIN_MENU.find((m) => allTranslations(m.label).includes(trimmed))?.action;
}

let typedIndex: Map<string, MenuAction> | undefined;

/**
 * Which action a message typed outside any question means, in either language: a label with or
 * without its emoji, with either keyboard's letters (ي/ی, ك/ک), any spacing and case, or a short
 * word for it ("موجودی", "balance", "/help"). Inside a question (a name, a ticket) only
 * `actionForLabel` applies, so an answer like "کمک" stays an answer.
 */
export function actionForTyped(text: string): MenuAction | undefined {
  typedIndex ??= new Map(MAIN_MENU.flatMap((m) => typedForms(m).map((form) => [form, m.action] as const)));
  const folded = foldForMatch(text);
  return folded ? typedIndex.get(folded) : undefined;
}

/** The bot's command list, per language (Telegram shows it in the menu button). */
export function commandList(t: Translate) {
  return [
    { command: 'menu', description: t('commands.menu') },
    ...MAIN_MENU.map((m) => ({ command: m.command, description: t(`commands.${m.command}`) })),
    { command: 'top', description: t('commands.top') },
    { command: 'code', description: t('commands.code') },
    { command: 'stop', description: t('commands.stop') },
  ];
}
