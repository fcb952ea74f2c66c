import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Services } from './container.js';

interface DemoClub {
  /** Demo settings: the survey comes right after a purchase, so it can be tried at once. */
  feedback: Record<string, unknown>;
  vouchers: ({ key: string; validDays: number } & Record<string, unknown>)[];
  gifts: Record<string, unknown>[];
  wheel: { prizes: ({ voucher?: string } & Record<string, unknown>)[] } & Record<string, unknown>;
  raffle: { days: number } & Record<string, unknown>;
}

const DAY = 86_400_000;
const DEMO_FILE = resolve(import.meta.dirname, '../../locales/fa/demo-club.json');

/**
 * The local demo's sample rewards (locales/fa/demo-club.json): a free wheel, a few gifts,
 * vouchers to buy with coins and an open raffle, so every menu item has something to show.
 * Only for a demo merchant that has no wheel yet: a merchant's own setup is never touched.
 */
export async function seedDemoClub(
  s: Pick<Services, 'wheel' | 'gifts' | 'vouchers' | 'raffles' | 'settings' | 'clock'>,
  merchantId: string,
  now = s.clock.now(),
): Promise<boolean> {
  if (await s.wheel.config(merchantId)) return false;
  const club = JSON.parse(await readFile(DEMO_FILE, 'utf8')) as DemoClub;
  await s.settings.set(merchantId, { ...(await s.settings.get(merchantId)), feedback: club.feedback });
  const campaigns = new Map<string, string>();
  for (const { key, validDays, ...v } of club.vouchers) {
    const campaign = await s.vouchers.createCampaign(merchantId, {
      ...v,
      validTo: new Date(now.getTime() + validDays * DAY).toISOString(),
    });
    campaigns.set(key, campaign.id);
  }
  for (const g of club.gifts) await s.gifts.create(merchantId, g);
  const { days, ...raffle } = club.raffle;
  await s.raffles.create(merchantId, { ...raffle, closesAt: new Date(now.getTime() + days * DAY).toISOString() });
  await s.wheel.replace(merchantId, {
    ...club.wheel,
    prizes: club.wheel.prizes.map(({ voucher, ...p }) => (voucher ? { ...p, voucherCampaignId: campaigns.get(voucher) } : p)),
  });
  return true;
}
