import type { Action } from '../actions.js';
import type { Locale, Translate } from '../i18n.js';

/** A button under a message: an action the channel sends back, or a link. */
export interface ScreenButton {
  label: string;
  action?: Action;
  url?: string;
}

/** The keyboard that stays below the input (Telegram reply keyboard; WhatsApp numbered list). */
export type ReplyKeyboard =
  | { kind: 'main' }
  | { kind: 'admin'; role: 'owner' | 'manager' | 'cashier' }
  | { kind: 'contact' }
  | { kind: 'choices'; options: string[] }
  | { kind: 'remove' };

/** What a channel shows: channel-neutral, every string already translated. */
export interface Screen {
  text: string;
  buttons?: ScreenButton[][];
  keyboard?: ReplyKeyboard;
  photo?: { png: Buffer; caption: string };
  /** A picture by URL shown with the text as its caption (campaign messages). */
  imageUrl?: string;
  /** For numbered channels: the main menu itself, or a plain line in a conversation (no "0 for the menu" under it). */
  role?: 'menu' | 'note';
  /** Replaces the message whose button was pressed (Telegram edits it in place; numbered channels just send it). */
  replace?: boolean;
  /** An animation before the screen (the wheel turning); channels that cannot animate skip it. */
  frames?: string[];
}

/** What every screen needs to speak to this member of this club. */
export interface ScreenContext {
  t: Translate;
  locale: Locale;
  clubName: string;
  moneyUnit: 'IRT' | 'IRR';
  /** The merchant's name for a tier, or the translated default. */
  tierName(key: string): string;
}
