import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import type { Container } from './container.js';
import { seedDemoClub } from './demo-club.js';
import { FIRST_USER_PHONE } from '../channels/telegram/local/playground.js';

export interface DemoCredentials {
  id: string;
  name: string;
  apiKey: string;
  webhookSecret: string;
}

/**
 * Local demo (no TELEGRAM_BOT_TOKEN): one default merchant whose credentials are kept in
 * DATA_DIR so every start can print them. Keys are stored hashed in the database, so when the
 * file is gone we rotate them rather than reuse unknown ones.
 */
export async function ensureDemoMerchant(c: Container): Promise<DemoCredentials> {
  const file = join(c.config.DATA_DIR, 'demo-merchant.json');
  const saved = await readFile(file, 'utf8').then(
    (t) => JSON.parse(t) as DemoCredentials,
    () => null,
  );
  const merchants = await c.merchants.list();
  const existing = merchants.find((m) => m.id === saved?.id) ?? merchants.find((m) => m.isDefault);
  let creds: DemoCredentials;
  if (saved && existing?.id === saved.id) {
    creds = saved;
  } else if (existing) {
    const { apiKey } = await c.merchants.rotateApiKey(existing.id);
    const { webhookSecret } = await c.merchants.rotateWebhookSecret(existing.id);
    creds = { id: existing.id, name: existing.name, apiKey, webhookSecret };
  } else {
    creds = await c.merchants.create({ name: c.config.DEFAULT_MERCHANT_NAME, isDefault: true });
  }
  await mkdir(c.config.DATA_DIR, { recursive: true });
  await writeFile(file, JSON.stringify(creds, null, 2), { mode: 0o600 });
  return creds;
}

/**
 * The default merchant, before any role starts: with TELEGRAM_BOT_TOKEN it owns that bot (created
 * on first start, its keys printed once); without, the local demo merchant gets a bot token the
 * built-in Bot API accepts. Returns credentials to print, if any.
 */
export async function prepareDefaultMerchant(c: Container): Promise<{ creds: DemoCredentials; demo: boolean } | null> {
  const token = c.config.TELEGRAM_BOT_TOKEN;
  if (token) {
    const existing = (await c.merchants.list()).find((m) => m.isDefault);
    if (!existing) {
      const creds = await c.merchants.create({ name: c.config.DEFAULT_MERCHANT_NAME, telegramToken: token, isDefault: true });
      await applyWhatsAppNumber(c, creds.id);
      return { creds, demo: false };
    }
    const bot = (await c.merchants.telegramBots()).find((b) => b.merchantId === existing.id);
    if (bot?.token !== token) await c.merchants.setTelegramToken(existing.id, token);
    await applyWhatsAppNumber(c, existing.id);
    return null;
  }
  const creds = await ensureDemoMerchant(c);
  await applyWhatsAppNumber(c, creds.id);
  await seedDemoClub(c, creds.id);
  if (!(await c.merchants.telegramBots()).some((b) => b.merchantId === creds.id)) {
    await c.merchants.setTelegramToken(creds.id, `${randomInt(100_000_000, 999_999_999)}:DEMO${randomBytes(24).toString('base64url')}`);
  }
  return { creds, demo: true };
}

/** A made-up number for the local WhatsApp stand-in: nothing is ever sent to it. */
export const DEMO_WHATSAPP_NUMBER = '+989000000000';

/** WHATSAPP_NUMBER belongs to the default merchant; the local stand-in gets a demo number. */
async function applyWhatsAppNumber(c: Container, merchantId: string) {
  const wanted = c.config.WHATSAPP_NUMBER ?? (c.localWhatsApp ? DEMO_WHATSAPP_NUMBER : undefined);
  if (!wanted) return;
  const current = (await c.merchants.get(merchantId)).whatsappNumber;
  if (current && !c.config.WHATSAPP_NUMBER) return;
  await c.merchants.setWhatsAppNumber(merchantId, wanted);
}

/** A shell one-liner that signs and posts a sample purchase, as a merchant's backend would, for the playground's first user. */
export function samplePurchaseCurl(baseUrl: string, creds: DemoCredentials): string {
  const body = JSON.stringify({ orderId: 'demo-$(date +%s)', phone: FIRST_USER_PHONE, amount: 250000, branch: 'main' });
  return [
    `BODY="${body.replaceAll('"', '\\"')}"; TS=$(date +%s);`,
    `SIG=$(printf '%s' "$TS.$BODY" | openssl dgst -sha256 -hmac '${creds.webhookSecret}' -hex | sed 's/^.* //');`,
    `curl -s -X POST ${baseUrl}/v1/webhooks/purchases -H 'Content-Type: application/json'`,
    `-H 'X-Bashgah-Merchant: ${creds.id}' -H "X-Bashgah-Timestamp: $TS" -H "X-Bashgah-Signature: v1=$SIG" -d "$BODY"`,
  ].join(' ');
}

export function demoBanner(
  baseUrl: string,
  creds: DemoCredentials,
  extra: { demo: boolean; playground?: string; bot?: string | null; ownerCode?: string; whatsapp?: { number: string; local: boolean } },
): string {
  return [
    '',
    extra.demo
      ? '  Bashgah is running in local demo mode (no TELEGRAM_BOT_TOKEN).'
      : '  Bashgah created its default merchant for your bot. Keep these: they are shown once.',
    ...(extra.playground ? [`  Playground:      ${extra.playground}   (chat with the bot in your browser)`] : []),
    ...(extra.bot ? [`  Bot:             @${extra.bot}`] : []),
    ...(extra.whatsapp
      ? [
          extra.whatsapp.local
            ? `  WhatsApp:        ${extra.whatsapp.number} (local stand-in: the playground's WhatsApp tab, or POST ${baseUrl}/local-whatsapp/${creds.id}/messages)`
            : `  WhatsApp:        ${extra.whatsapp.number} (pair it: scan the QR in the log, or GET ${baseUrl}/v1/whatsapp/qr.png with the API key)`,
        ]
      : []),
    `  Merchant:        ${creds.name} (${creds.id})`,
    `  API key:         ${creds.apiKey}`,
    `  Webhook secret:  ${creds.webhookSecret}`,
    `  Health:          ${baseUrl}/readyz`,
    ...(extra.ownerCode
      ? [
          '',
          `  Run the club from the bot: send  /admin ${extra.ownerCode}  (owner, one use, 24 h; more with npm run cli -- operator invite)`,
          `  Web panel:       ${baseUrl}/panel   (then /panel in the bot's admin mode sends a sign-in link)`,
        ]
      : []),
    '',
    '  Post a signed sample purchase:',
    `  ${samplePurchaseCurl(baseUrl, creds)}`,
    '',
  ].join('\n');
}
