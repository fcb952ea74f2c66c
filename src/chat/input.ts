import type { Action } from './actions.js';

/** What a member did, whatever the messenger: every channel turns its updates into one of these. */
export type ChatInput =
  /** Opened the chat (Telegram /start, a WhatsApp "start"), maybe through a link carrying a payload. */
  | { kind: 'start'; payload?: string }
  | { kind: 'text'; text: string }
  /** A phone number shared: `own` when it is the sender's (Telegram's contact button; a WhatsApp number always is). */
  | { kind: 'contact'; phone: string; own: boolean }
  | { kind: 'action'; action: Action }
  /** A picture (a ticket's photo), by the channel's file id. */
  | { kind: 'media'; caption: string; file: string };
