import { SavedState } from '../../telegram/local/saved-state.js';
import { normalizePhone } from '../../../domain/members/phone.js';
import {
  chatIdOf,
  phoneOfChatId,
  WhatsAppSendError,
  type IncomingWhatsAppMessage,
  type WhatsAppClient,
  type WhatsAppImage,
  type WhatsAppState,
} from '../client.js';

export interface LocalMessage {
  id: number;
  /** in: the member wrote; out: the club sent. */
  direction: 'in' | 'out';
  text: string;
  /** A picture: a data: URL (QR codes) or the URL the club sent. */
  image?: string;
  at: string;
}

interface Chat {
  messages: LocalMessage[];
  waiters: Set<() => void>;
}

/**
 * A WhatsApp stand-in for tests and the playground: every club number it serves keeps its
 * chats in memory. Members "write" through `receive` (the HTTP routes, or tests); the club's
 * answers are read back with `messages`. Numbers listed in `unreachable` act like numbers
 * without WhatsApp. With `stateFile` (demo mode) the chats survive a restart.
 */
export class LocalWhatsApp {
  private readonly clients = new Map<string, LocalWhatsAppClient>();
  private nextId = 1;
  readonly unreachable = new Set<string>();
  private readonly saved?: SavedState<{ nextId: number; clubs: [string, [string, LocalMessage[]][]][] }>;

  constructor(opts: { stateFile?: string } = {}) {
    if (!opts.stateFile) return;
    this.saved = new SavedState(opts.stateFile, () => ({
      nextId: this.nextId,
      clubs: [...this.clients].map(([id, c]) => [id, c.savedChats()]),
    }));
    const state = this.saved.load();
    this.nextId = state?.nextId ?? 1;
    for (const [merchantId, chats] of state?.clubs ?? []) {
      const client = this.client(merchantId);
      for (const [chatId, messages] of chats) client.chat(chatId).messages.push(...messages);
    }
  }

  /** Writes the chats now (the server is stopping). */
  flush(): void {
    this.saved?.flush();
  }

  client(merchantId: string): LocalWhatsAppClient {
    let c = this.clients.get(merchantId);
    if (!c) {
      c = new LocalWhatsAppClient(this);
      this.clients.set(merchantId, c);
    }
    return c;
  }

  /** A club whose client has started (saved chats alone do not make a club run). */
  has(merchantId: string): boolean {
    return this.clients.get(merchantId)?.state() === 'ready';
  }

  /** A member writes to the club; resolves once the club has handled it, with what it answered. */
  async receive(merchantId: string, from: string, text: string, name?: string): Promise<LocalMessage[]> {
    const phone = normalizePhone(from);
    if (!phone) throw new WhatsAppSendError(`not a phone number: ${from}`, 'unreachable');
    const client = this.clients.get(merchantId);
    if (!client || client.state() !== 'ready') throw new WhatsAppSendError('the club is not on WhatsApp right now', 'not_ready');
    const chatId = chatIdOf(phone);
    const chat = client.chat(chatId);
    const before = chat.messages.length ? chat.messages[chat.messages.length - 1]!.id : 0;
    this.push(chat, { direction: 'in', text });
    await client.deliver({ chatId, phone, text, name });
    return chat.messages.filter((m) => m.id > before && m.direction === 'out');
  }

  /** What is in a chat after message `after`; with `waitMs`, waits for something new first. */
  async messages(merchantId: string, phone: string, after = 0, waitMs = 0): Promise<LocalMessage[]> {
    const e164 = normalizePhone(phone);
    const client = this.clients.get(merchantId);
    if (!e164 || !client) return [];
    const chat = client.chat(chatIdOf(e164));
    const newer = () => chat.messages.filter((m) => m.id > after);
    if (newer().length || waitMs <= 0) return newer();
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        chat.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      chat.waiters.add(done);
    });
    return newer();
  }

  /** Every chat of a club, newest message last. */
  chats(merchantId: string): { phone: string; messages: number }[] {
    return this.clients.get(merchantId)?.chatList() ?? [];
  }

  push(chat: Chat, m: Omit<LocalMessage, 'id' | 'at'>): LocalMessage {
    const message = { ...m, id: this.nextId++, at: new Date().toISOString() };
    chat.messages.push(message);
    this.saved?.changed();
    for (const wake of [...chat.waiters]) wake();
    return message;
  }
}

export class LocalWhatsAppClient implements WhatsAppClient {
  private readonly chats = new Map<string, Chat>();
  private handler?: (m: IncomingWhatsAppMessage) => Promise<void>;
  private current: WhatsAppState = 'stopped';

  constructor(private readonly hub: LocalWhatsApp) {}

  async start() {
    this.current = 'ready';
  }

  async stop() {
    this.current = 'stopped';
  }

  onMessage(handler: (m: IncomingWhatsAppMessage) => Promise<void>) {
    this.handler = handler;
  }

  state() {
    return this.current;
  }

  pairingQr() {
    return null;
  }

  chat(chatId: string): Chat {
    let chat = this.chats.get(chatId);
    if (!chat) {
      chat = { messages: [], waiters: new Set() };
      this.chats.set(chatId, chat);
    }
    return chat;
  }

  savedChats(): [string, LocalMessage[]][] {
    return [...this.chats].map(([id, c]) => [id, c.messages]);
  }

  chatList() {
    return [...this.chats.entries()].map(([id, c]) => ({ phone: phoneOfChatId(id) ?? id, messages: c.messages.length }));
  }

  async deliver(m: IncomingWhatsAppMessage) {
    await this.handler?.(m);
  }

  private outgoing(chatId: string): Chat {
    if (this.current !== 'ready') throw new WhatsAppSendError('WhatsApp is not connected', 'not_ready');
    const phone = phoneOfChatId(chatId);
    if (!phone || this.hub.unreachable.has(phone)) throw new WhatsAppSendError(`${chatId} is not on WhatsApp`, 'unreachable');
    return this.chat(chatId);
  }

  async sendText(chatId: string, text: string) {
    return String(this.hub.push(this.outgoing(chatId), { direction: 'out', text }).id);
  }

  async sendImage(chatId: string, image: WhatsAppImage, caption = '') {
    const src = image.png ? `data:image/png;base64,${image.png.toString('base64')}` : image.url!;
    return String(this.hub.push(this.outgoing(chatId), { direction: 'out', text: caption, image: src }).id);
  }
}
