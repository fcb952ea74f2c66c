import { existsSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import type wweb from 'whatsapp-web.js';
import type { Logger } from '../../logger.js';
import { normalizePhone } from '../../domain/members/phone.js';
import {
  phoneOfChatId,
  WhatsAppSendError,
  type IncomingWhatsAppMessage,
  type WhatsAppClient,
  type WhatsAppImage,
  type WhatsAppState,
} from './client.js';

type WWebJS = typeof wweb;
let loaded: WWebJS | undefined;
/** whatsapp-web.js pulls in puppeteer: loaded only by a process that runs WhatsApp. */
async function library(): Promise<WWebJS> {
  return (loaded ??= ((await import('whatsapp-web.js')) as unknown as { default: WWebJS }).default);
}

/** PUPPETEER_EXECUTABLE_PATH, else the system Chromium; null when neither exists. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env.PUPPETEER_EXECUTABLE_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string =>
    Boolean(p),
  );
  return candidates.find((p) => existsSync(p)) ?? null;
}

export interface WebClientOptions {
  /** One WhatsApp session per club: its folder is `<dataDir>/whatsapp/session-<clientId>`. */
  clientId: string;
  dataDir: string;
  executablePath: string;
  logger: Logger;
  /** A new pairing QR (also printed in the terminal). */
  onQr?(qr: string): void;
  onState?(state: WhatsAppState): void;
  /** First wait before reconnecting; doubles up to a minute. */
  retryMs?: number;
}

/**
 * The real WhatsApp: whatsapp-web.js driving WhatsApp Web in a headless Chromium. LocalAuth keeps
 * the paired session on disk, so a restart does not ask for the QR again. A disconnect or a
 * failed start closes the browser and tries again later; the rest of the club keeps running.
 */
export class WebWhatsAppClient implements WhatsAppClient {
  private client?: InstanceType<WWebJS['Client']>;
  private handler?: (m: IncomingWhatsAppMessage) => Promise<void>;
  private current: WhatsAppState = 'stopped';
  private qr: string | null = null;
  private stopped = true;
  private retryTimer?: NodeJS.Timeout;
  private retryMs: number;

  constructor(private readonly opts: WebClientOptions) {
    this.retryMs = opts.retryMs ?? 5_000;
  }

  private set(state: WhatsAppState) {
    this.current = state;
    this.opts.onState?.(state);
  }

  state() {
    return this.current;
  }

  pairingQr() {
    return this.current === 'pairing' ? this.qr : null;
  }

  onMessage(handler: (m: IncomingWhatsAppMessage) => Promise<void>) {
    this.handler = handler;
  }

  /** Launches Chromium and starts connecting; resolves once WhatsApp Web is loading (or has failed). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.launch();
  }

  private async launch(): Promise<void> {
    const log = this.opts.logger.child({ whatsapp: this.opts.clientId });
    const { Client, LocalAuth } = await library();
    const onLaunched = () => {
      if (this.client === client && this.current === 'launching') this.set('connecting');
    };
    // The auth strategy is told as soon as Chromium is up, before WhatsApp Web is loaded.
    const auth = new LocalAuth({ clientId: this.opts.clientId, dataPath: join(this.opts.dataDir, 'whatsapp') });
    const afterLaunch = auth.afterBrowserInitialized.bind(auth);
    auth.afterBrowserInitialized = async () => {
      await afterLaunch();
      onLaunched();
    };
    const client = new Client({
      authStrategy: auth,
      puppeteer: {
        executablePath: this.opts.executablePath,
        headless: true,
        args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
      },
    });
    this.client = client;
    client.on('qr', async (qr: string) => {
      this.qr = qr;
      this.set('pairing');
      const art = await QRCode.toString(qr, { type: 'terminal', small: true });
      process.stderr.write(
        `\nWhatsApp for club ${this.opts.clientId}: scan this with the club's phone (WhatsApp → Linked devices → Link a device)\n${art}\n`,
      );
      this.opts.onQr?.(qr);
    });
    client.on('authenticated', () => {
      this.qr = null;
      log.info('whatsapp session authenticated');
    });
    client.on('ready', () => {
      this.retryMs = this.opts.retryMs ?? 5_000;
      this.set('ready');
      log.info('whatsapp ready');
    });
    client.on('auth_failure', (message: string) => log.warn({ message }, 'whatsapp pairing failed; scan the QR again'));
    client.on('disconnected', (reason: string) => {
      log.warn({ reason }, 'whatsapp disconnected; reconnecting');
      void this.reconnect();
    });
    client.on(
      'message',
      (msg: wweb.Message) => void this.receive(msg).catch((err) => log.warn({ err: (err as Error).message }, 'whatsapp message failed')),
    );

    this.set('launching');
    const launched = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (this.current !== 'launching' || this.client !== client) {
          clearInterval(check);
          resolve();
        }
      }, 20);
    });
    const initialized = client.initialize();
    initialized.catch((err: Error) => {
      if (this.stopped || this.client !== client) return;
      log.warn({ err: err.message.split('\n')[0] }, `whatsapp web unreachable; retrying in ${Math.round(this.retryMs / 1000)} s`);
      void this.reconnect();
    });
    // Resolves once Chromium is up (or the start failed): WhatsApp Web goes on loading in the background.
    await Promise.race([launched, initialized.catch(() => {})]);
  }

  private async reconnect() {
    if (this.stopped) return;
    this.set('offline');
    const old = this.client;
    this.client = undefined;
    await old?.destroy().catch(() => {});
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.launch().catch(() => this.reconnect()), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, 60_000);
  }

  private async receive(msg: wweb.Message) {
    if (msg.fromMe || msg.isStatus || (!msg.from.endsWith('@c.us') && !msg.from.endsWith('@lid'))) return;
    if (typeof msg.body !== 'string') return;
    let phone = phoneOfChatId(msg.from);
    if (!phone) {
      const contact = await msg.getContact();
      phone = contact.number ? normalizePhone(`+${contact.number}`) : null;
    }
    const name = (msg as unknown as { _data?: { notifyName?: string } })._data?.notifyName;
    await this.handler?.({ chatId: msg.from, phone, text: msg.body, name });
  }

  private ready() {
    if (this.current !== 'ready' || !this.client) throw new WhatsAppSendError('WhatsApp is not connected', 'not_ready');
    return this.client;
  }

  private async send(chatId: string, content: string | InstanceType<WWebJS['MessageMedia']>, caption?: string): Promise<string> {
    const client = this.ready();
    if (chatId.endsWith('@c.us') && !(await client.isRegisteredUser(chatId)))
      throw new WhatsAppSendError(`${chatId} is not on WhatsApp`, 'unreachable');
    const sent = await client.sendMessage(chatId, content, caption ? { caption } : undefined);
    return sent.id._serialized;
  }

  sendText(chatId: string, text: string) {
    return this.send(chatId, text);
  }

  async sendImage(chatId: string, image: WhatsAppImage, caption?: string) {
    const { MessageMedia } = await library();
    const media = image.png
      ? new MessageMedia('image/png', image.png.toString('base64'), 'image.png')
      : await MessageMedia.fromUrl(image.url!, { unsafeMime: true });
    return this.send(chatId, media, caption);
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.destroy().catch(() => {});
    this.set('stopped');
  }
}
