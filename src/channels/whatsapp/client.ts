import { normalizePhone } from '../../domain/members/phone.js';

/**
 * launching: Chromium starting; connecting: loading WhatsApp Web; pairing: a QR waits to be
 * scanned; ready: sending and receiving; offline: lost or unreachable, retrying; stopped.
 */
export type WhatsAppState = 'stopped' | 'launching' | 'connecting' | 'pairing' | 'ready' | 'offline';

export interface IncomingWhatsAppMessage {
  /** Where to answer: `<digits>@c.us` (or WhatsApp's newer `@lid` ids). */
  chatId: string;
  /** The sender's number in E.164, when WhatsApp tells it. */
  phone: string | null;
  text: string;
  /** The name the sender set in WhatsApp. */
  name?: string;
}

export interface WhatsAppImage {
  png?: Buffer;
  url?: string;
}

/** The port the club talks to: whatsapp-web.js in production, a local hub in tests and the playground. */
export interface WhatsAppClient {
  start(): Promise<void>;
  stop(): Promise<void>;
  onMessage(handler: (message: IncomingWhatsAppMessage) => Promise<void>): void;
  /** Returns WhatsApp's id of the sent message. */
  sendText(chatId: string, text: string): Promise<string>;
  sendImage(chatId: string, image: WhatsAppImage, caption?: string): Promise<string>;
  state(): WhatsAppState;
  /** The text to show as a QR code while the state is `pairing`. */
  pairingQr(): string | null;
}

/** A send WhatsApp refused: `unreachable` (no WhatsApp on that number) is final; the rest can be retried. */
export class WhatsAppSendError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'not_ready' | 'other',
  ) {
    super(message);
  }
}

/** +989121234567 → 989121234567@c.us */
export function chatIdOf(phone: string): string {
  return `${phone.replace(/^\+/, '')}@c.us`;
}

/** 989121234567@c.us → +989121234567; null for groups, lids and anything else. */
export function phoneOfChatId(chatId: string): string | null {
  const m = /^(\d{6,15})@c\.us$/.exec(chatId);
  return m ? normalizePhone(`+${m[1]}`) : null;
}
