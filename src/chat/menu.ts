import { allTranslations, type Translate } from './i18n.js';

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

/** Which action a pressed label means, in either language. */
export function actionForLabel(text: string): MenuAction | undefined {
  const trimmed = text.trim();
  return MAIN_MENU.find((m) => allTranslations(m.label).includes(trimmed))?.action;
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
