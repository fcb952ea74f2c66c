import type { PrismaClient } from '../client.js';
import type { BotChannelName, MerchantStore, MerchantSummary } from '../../domain/merchants/merchant-service.js';
import type { Clock } from '../../domain/clock.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

const SUMMARY = {
  id: true,
  name: true,
  isDefault: true,
  telegramTokenEnc: true,
  baleTokenEnc: true,
  whatsappNumber: true,
  createdAt: true,
  apiKeys: { where: { revokedAt: null }, select: { prefix: true } },
} as const;

function toSummary(r: {
  id: string;
  name: string;
  isDefault: boolean;
  telegramTokenEnc: string | null;
  baleTokenEnc: string | null;
  whatsappNumber: string | null;
  createdAt: Date;
  apiKeys: { prefix: string }[];
}): MerchantSummary {
  return {
    id: r.id,
    name: r.name,
    isDefault: r.isDefault,
    hasTelegramToken: r.telegramTokenEnc !== null,
    hasBaleToken: r.baleTokenEnc !== null,
    whatsappNumber: r.whatsappNumber,
    apiKeyPrefixes: r.apiKeys.map((k) => k.prefix),
    createdAt: r.createdAt,
  };
}

export class PrismaMerchantStore implements MerchantStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly clock: Clock,
  ) {}

  async insert(input: Parameters<MerchantStore['insert']>[0]) {
    const row = await this.prisma.merchant.create({
      data: {
        name: input.name,
        webhookSecretEnc: input.webhookSecretSealed,
        telegramTokenEnc: input.telegramTokenSealed,
        baleTokenEnc: input.baleTokenSealed,
        isDefault: input.isDefault,
        apiKeys: { create: { hash: input.apiKeyHash, prefix: input.apiKeyPrefix } },
      },
      select: { id: true, name: true },
    });
    return row;
  }

  async list(): Promise<MerchantSummary[]> {
    const rows = await this.prisma.merchant.findMany({ orderBy: { createdAt: 'asc' }, select: SUMMARY });
    return rows.map(toSummary);
  }

  async get(id: string): Promise<MerchantSummary | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.merchant.findUnique({ where: { id }, select: SUMMARY });
    return row ? toSummary(row) : null;
  }

  async exists(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return (await this.prisma.merchant.count({ where: { id } })) > 0;
  }

  async replaceApiKey(id: string, hash: string, prefix: string): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.apiKey.updateMany({ where: { merchantId: id, revokedAt: null }, data: { revokedAt: this.clock.now() } }),
      this.prisma.apiKey.create({ data: { merchantId: id, hash, prefix } }),
    ]);
  }

  async setBotToken(channel: BotChannelName, id: string, sealed: string | null): Promise<void> {
    const data =
      channel === 'telegram'
        ? { telegramTokenEnc: sealed, telegramWebhookSecret: null }
        : { baleTokenEnc: sealed, baleWebhookSecret: null };
    await this.prisma.merchant.update({ where: { id }, data });
  }

  async setBotWebhookSecret(channel: BotChannelName, id: string, secret: string): Promise<void> {
    const data = channel === 'telegram' ? { telegramWebhookSecret: secret } : { baleWebhookSecret: secret };
    await this.prisma.merchant.update({ where: { id }, data });
  }

  async botConfigs(channel: BotChannelName) {
    const rows = await this.prisma.merchant.findMany({
      where: channel === 'telegram' ? { telegramTokenEnc: { not: null } } : { baleTokenEnc: { not: null } },
      select: {
        id: true,
        telegramTokenEnc: true,
        telegramWebhookSecret: true,
        baleTokenEnc: true,
        baleWebhookSecret: true,
        isDefault: true,
      },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map((r) => ({
      id: r.id,
      tokenSealed: (channel === 'telegram' ? r.telegramTokenEnc : r.baleTokenEnc)!,
      webhookSecret: channel === 'telegram' ? r.telegramWebhookSecret : r.baleWebhookSecret,
      isDefault: r.isDefault,
    }));
  }

  async setWhatsAppNumber(id: string, number: string | null): Promise<boolean> {
    const taken = number ? await this.prisma.merchant.count({ where: { whatsappNumber: number, id: { not: id } } }) : 0;
    if (taken) return false;
    await this.prisma.merchant.update({ where: { id }, data: { whatsappNumber: number } });
    return true;
  }

  async whatsappAccounts() {
    const rows = await this.prisma.merchant.findMany({
      where: { whatsappNumber: { not: null } },
      select: { id: true, whatsappNumber: true },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map((r) => ({ merchantId: r.id, number: r.whatsappNumber! }));
  }

  async rotateWebhookSecret(id: string, newSealed: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE merchants SET prev_webhook_secret_enc = webhook_secret_enc, webhook_secret_enc = ${newSealed}, updated_at = now()
      WHERE id = ${id}::uuid`;
  }
}
