import type { Redis } from 'ioredis';
import type { MerchantService, WhatsAppAccount } from '../../domain/merchants/merchant-service.js';
import type { Logger } from '../../logger.js';
import type { WhatsAppClient, WhatsAppState } from './client.js';
import type { LocalWhatsApp } from './local/local-whatsapp.js';
import type { WhatsAppMessage } from './render.js';
import { chromiumPath, WebWhatsAppClient } from './web-client.js';
import { setWhatsAppOptions, WhatsAppChat, type OfferedOptions, type WhatsAppChatDeps } from './whatsapp-chat.js';

export type WhatsAppMode = 'off' | 'local' | 'web';

export interface WhatsAppChannelOptions {
  mode: Exclude<WhatsAppMode, 'off'>;
  /** The in-process stand-in (mode local). */
  local?: LocalWhatsApp;
  merchants: MerchantService;
  chat: WhatsAppChatDeps;
  dataDir: string;
  redis: Redis;
  redisPrefix: string;
  logger: Logger;
  /** Where Chromium is (mode web); found on the system when undefined. */
  executablePath?: string | null;
  /** How to reach the pairing QR, for the log line (mode web). */
  qrUrl?: string;
}

export interface WhatsAppStatus {
  number: string;
  state: WhatsAppState;
  qr: string | null;
}

export async function sendWhatsApp(client: WhatsAppClient, chatId: string, m: WhatsAppMessage): Promise<string> {
  return m.image ? client.sendImage(chatId, m.image, m.text) : client.sendText(chatId, m.text);
}

const stateKey = (prefix: string, merchantId: string) => `${prefix}:wa-state:${merchantId}`;

/** What a WhatsApp process tells the API processes about a number: state and pairing QR. */
export async function writeWhatsAppStatus(redis: Redis, prefix: string, merchantId: string, status: WhatsAppStatus): Promise<void> {
  await redis.set(stateKey(prefix, merchantId), JSON.stringify(status), 'EX', 86_400);
}

/** The pairing state and QR a WhatsApp process published, for the API process to show. */
export async function readWhatsAppStatus(redis: Redis, prefix: string, merchantId: string): Promise<WhatsAppStatus | null> {
  const raw = await redis.get(stateKey(prefix, merchantId));
  return raw ? (JSON.parse(raw) as WhatsAppStatus) : null;
}

/**
 * Every club that has a WhatsApp number: a client per number (whatsapp-web.js, or the local
 * stand-in), its messages answered by WhatsAppChat. Answers to a member who just wrote go out at
 * once; notifications and broadcasts go through the number's paced queue.
 */
export class WhatsAppChannel {
  private readonly running = new Map<string, { account: WhatsAppAccount; client: WhatsAppClient }>();

  constructor(private readonly opts: WhatsAppChannelOptions) {}

  client(merchantId: string): WhatsAppClient | undefined {
    return this.running.get(merchantId)?.client;
  }

  number(merchantId: string): string | undefined {
    return this.running.get(merchantId)?.account.number;
  }

  /** What the numbers mean next in this chat (after a message the club sent on its own). */
  setOptions(merchantId: string, chatId: string, offered: OfferedOptions): Promise<void> {
    return setWhatsAppOptions(this.opts.redis, this.opts.redisPrefix, merchantId, chatId, offered);
  }

  accounts(): WhatsAppAccount[] {
    return [...this.running.values()].map((r) => r.account);
  }

  /** Starts a client for every club with a number not running yet; returns how many run. */
  async start(): Promise<number> {
    const accounts = await this.opts.merchants.whatsappAccounts();
    if (!accounts.length)
      this.opts.logger.warn(
        'no club has a WhatsApp number: set WHATSAPP_NUMBER, or npm run cli -- merchant whatsapp <merchant id> <number>',
      );
    for (const account of accounts) {
      if (this.running.has(account.merchantId)) continue;
      const client = this.createClient(account);
      if (!client) continue;
      this.running.set(account.merchantId, { account, client });
      const chat = new WhatsAppChat(account.merchantId, account.number, this.opts.chat);
      client.onMessage(async (message) => {
        for (const reply of await chat.handle(message)) await sendWhatsApp(client, message.chatId, reply);
      });
      await client.start();
      await this.publish(account, client.state(), client.pairingQr());
    }
    return this.running.size;
  }

  private createClient(account: WhatsAppAccount): WhatsAppClient | null {
    if (this.opts.mode === 'local') return this.opts.local!.client(account.merchantId);
    const executablePath = this.opts.executablePath ?? chromiumPath();
    if (!executablePath) {
      this.opts.logger.warn(
        'WhatsApp needs Chromium: apt-get install -y chromium, or set PUPPETEER_EXECUTABLE_PATH; the rest of the club runs without WhatsApp',
      );
      return null;
    }
    const client: WebWhatsAppClient = new WebWhatsAppClient({
      clientId: account.merchantId,
      dataDir: this.opts.dataDir,
      executablePath,
      logger: this.opts.logger,
      onQr: () => {
        this.opts.logger.warn(
          { merchantId: account.merchantId, number: account.number, qr: this.opts.qrUrl },
          'WhatsApp is not paired: scan the QR printed above (or open the QR URL with the merchant API key) with the club phone',
        );
      },
      onState: (state) => void this.publish(account, state, client.pairingQr()).catch(() => {}),
    });
    return client;
  }

  private async publish(account: WhatsAppAccount, state: WhatsAppState, qr: string | null) {
    await writeWhatsAppStatus(this.opts.redis, this.opts.redisPrefix, account.merchantId, { number: account.number, state, qr });
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.running.values()].map(async ({ account, client }) => {
        await client.stop();
        await this.publish(account, 'stopped', null).catch(() => {});
      }),
    );
    this.running.clear();
  }
}
