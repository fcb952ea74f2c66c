import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operator } from '../../src/domain/admin/permissions.js';
import type { Member } from '../../src/domain/members/types.js';
import { createTestApi, testPanelAccess, type TestApi } from '../helpers/http.js';
import { newOperator } from '../helpers/panel.js';
import { newPhone } from '../helpers/services.js';
import { formatDate } from '../../src/chat/format.js';
import { jalaliMonthRange } from '../../src/lib/jalali.js';
import { jalaliMonthLabel } from '../../src/chat/screens/referral-screens.js';

const CHROMIUM = process.env.PUPPETEER_EXECUTABLE_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
/** Where screenshots go: a temporary folder, or scripts/screenshots when refreshing the README's (SCREENSHOTS_DIR). */
const SHOTS = process.env.SCREENSHOTS_DIR ?? tmpdir();
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
if (!hasChromium) console.warn(`panel browser test skipped: no Chromium at ${CHROMIUM}`);

type Browser = import('playwright-core').Browser;
type Page = import('playwright-core').Page;
/** The page's document inside page.evaluate (the tests compile without DOM types). */
type Doc = { documentElement: { scrollWidth: number; lang: string; dir: string }; activeElement: { className: string } | null };

let api: TestApi;
let base: string;
let browser: Browser;
let owner: Operator;
let cashier: Operator;
let star: Member;

const NAMES = [
  ['مریم', 'احمدی'],
  ['علی', 'رضایی'],
  ['زهرا', 'محمدی'],
  ['حسین', 'کریمی'],
  ['فاطمه', 'حسینی'],
  ['رضا', 'موسوی'],
];

const DAY = 86_400_000;
/** Ledger entries carry the database's time, so the club lives in the real months: this one and the last. */
const realNow = new Date();
const thisMonth = jalaliMonthRange(realNow);
const lastMonth = jalaliMonthRange(new Date(thisMonth.from.getTime() - DAY));
const lastMonthDay = new Date(lastMonth.from.getTime() + 5 * DAY + 9 * 3_600_000);
const months = { this: jalaliMonthLabel(thisMonth.from, 'fa'), last: jalaliMonthLabel(lastMonth.from, 'fa') };

/** A small club with purchases last Jalali month and this one, a referral and a ticket. */
async function seedClub() {
  const { w, merchant } = api;
  const s = w.services;
  const join = async (i: number, referrerId?: string) => {
    const { member } = await s.members.register({
      merchantId: merchant.id,
      phone: newPhone(),
      channel: 'telegram',
      externalUserId: `55${process.pid}${i}`,
      referrerId,
    });
    const [first, last] = NAMES[i % NAMES.length]!;
    return s.members.updateProfile(merchant.id, member.id, { firstName: first, lastName: last });
  };
  w.clock.set(lastMonthDay);
  const members: Member[] = [];
  for (let i = 0; i < 8; i++) members.push(await join(i));
  for (let i = 0; i < 8; i++)
    await s.purchases.record(merchant.id, { orderId: `aban-${i}`, phone: members[i]!.phone, amount: 400_000 + i * 50_000 }, 'test');
  w.clock.set(new Date(Math.max(thisMonth.from.getTime(), realNow.getTime() - 60_000)));
  for (let i = 8; i < 12; i++) members.push(await join(i, members[0]!.id));
  for (let i = 0; i < 12; i++)
    await s.purchases.record(merchant.id, { orderId: `azar-${i}`, phone: members[i]!.phone, amount: 600_000 + i * 75_000 }, 'test');
  await s.tickets.open(merchant.id, members[1]!.id, 0, 'فاکتور خریدم را می‌خواهم');
  await s.ledger.adjust({
    merchantId: merchant.id,
    memberId: members[0]!.id,
    currency: 'coins',
    amount: 25,
    reason: 'هدیهٔ افتتاحیه',
    idempotencyKey: 'seed-coins',
    actor: 'test',
  });
  star = await s.members.get(merchant.id, members[0]!.id);
  w.clock.set(new Date(realNow.getTime() + 3_600_000));
}

beforeAll(async () => {
  if (!hasChromium) return;
  api = await createTestApi({ panel: true });
  await api.w.db.pool.query("UPDATE merchants SET name = 'کافه تهران' WHERE id = $1", [api.merchant.id]);
  owner = await newOperator(api.w, api.merchant.id, 'owner', 'سارا');
  cashier = await newOperator(api.w, api.merchant.id, 'cashier', 'رضا');
  await seedClub();
  base = await api.app.listen({ port: 0, host: '127.0.0.1' });
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

async function linkFor(op: Operator) {
  const { token } = await testPanelAccess(api.w, api.r).issueLink(op.merchantId, op.id, 'test');
  return `${base}/panel/sign-in?token=${token}`;
}

/** Opens the link and presses the sign-in button, as an operator does with the bot's message. */
async function signIn(page: Page, link: string) {
  await page.goto(link);
  await page.click('button:has-text("ورود به پنل")');
}

const doc = (page: Page) =>
  page.evaluate(() => {
    const { lang, dir, scrollWidth } = (globalThis as unknown as { document: Doc }).document.documentElement;
    return { lang, dir, scrollWidth };
  });

async function fitsPhone(page: Page) {
  await page.setViewportSize(PHONE);
  expect((await doc(page)).scrollWidth).toBeLessThanOrEqual(PHONE.width);
}

describe.skipIf(!hasChromium)('the web panel in Chromium', () => {
  it('the owner signs in by link and reads the overview: RTL, Persian digits, this Jalali month against the last, with bars', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    const link = await linkFor(owner);
    await signIn(page, link);
    expect(new URL(page.url()).pathname).toBe('/panel/overview');
    expect(await doc(page)).toMatchObject({ lang: 'fa', dir: 'rtl' });
    await expect(page.locator('h1').innerText()).resolves.toBe('نمای کلی');
    expect(await page.locator('.lead').innerText()).toBe(`${months.this} تا امروز، در مقایسه با کل ${months.last}`);
    const card = (metric: string) => page.locator(`[data-metric="${metric}"]`);
    expect(await card('purchases').locator('.value').innerText()).toBe('۱۲');
    expect(await card('purchases').locator('.muted').innerText()).toContain(`${months.last}: ۸`);
    expect(await card('members').locator('.value').innerText()).toBe('۱۲');
    expect(await card('open_tickets').locator('.value').innerText()).toBe('۱');
    expect(await card('revenue_influenced').locator('.value').innerText()).toMatch(/^[۰-۹٬]+ تومان$/);
    expect(await page.locator('svg.bars[role="img"]').count()).toBe(9);
    await page.screenshot({ path: join(SHOTS, 'panel-overview.png'), fullPage: true });
    await fitsPhone(page);
    await page.screenshot({ path: join(SHOTS, 'panel-overview-phone.png'), fullPage: true });
    // Keyboard: the first Tab reaches the skip link.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as unknown as { document: Doc }).document.activeElement?.className)).toBe('skip');

    // The same link again, in another browser: refused.
    const other = await browser.newPage();
    await signIn(other, link);
    expect(await other.locator('h1').innerText()).toBe('این پیوند ورود معتبر نیست');
    await other.close();
    await page.close();
  }, 60_000);

  it('finds a member by a phone typed in Persian digits and shows the card with Jalali dates; the owner adjusts a balance', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    await signIn(page, await linkFor(owner));
    await page.click('nav a:has-text("اعضا")');
    const typed = `0${star.phone.slice(3)}`.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
    await page.locator('#q').pressSequentially(typed);
    // htmx swaps the results in while typing, without a page load.
    await page.waitForSelector(`#results a[href="/panel/members/${star.id}"]`);
    expect(new URL(page.url()).search).toBe('');
    await page.click(`#results a[href="/panel/members/${star.id}"]`);
    await expect(page.locator('h1').innerText()).resolves.toBe('مریم احمدی');
    const facts = await page.locator('.facts').innerText();
    expect(facts).toContain(formatDate(lastMonthDay, 'fa'));
    expect(await page.locator('#balances + dl, .balances').first().innerText()).toContain('۲۵');
    expect(await page.locator('table').innerText()).toMatch(/[۰-۹]{4}\/[۰-۹]{2}\/[۰-۹]{2}، [۰-۹]{2}:[۰-۹]{2}\t/);
    expect(await page.locator('section[aria-labelledby="referrals"]').innerText()).toContain('حسین کریمی');
    await page.screenshot({ path: join(SHOTS, 'panel-member.png'), fullPage: true });

    await page.check('input[value="deduct"]');
    await page.selectOption('#currency', 'coins');
    await page.fill('#amount', '۱۰');
    await page.fill('#reason', 'جبران خطای صندوق');
    await page.click('button:has-text("ثبت اصلاح")');
    await page.waitForSelector('text=اصلاح موجودی ثبت شد');
    expect(await page.locator('table tbody tr').first().innerText()).toContain('اصلاح توسط فروشگاه: جبران خطای صندوق');
    await fitsPhone(page);
    await page.screenshot({ path: join(SHOTS, 'panel-member-phone.png'), fullPage: true });
    await page.close();
  }, 60_000);

  it('a cashier cannot open the overview (403 page) and their adjustment POST is refused; a POST without the CSRF token is refused', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await signIn(page, await linkFor(cashier));
    expect(new URL(page.url()).pathname).toBe('/panel/members');
    expect(await page.locator('nav').innerText()).not.toContain('نمای کلی');
    const forbidden = await page.goto(`${base}/panel/overview`);
    expect(forbidden!.status()).toBe(403);
    expect(await page.locator('h1').innerText()).toBe('دسترسی ندارید');
    await page.goto(`${base}/panel/members/${star.id}`);
    expect(await page.locator('#adjust').count()).toBe(0);
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const form = { direction: 'add', currency: 'coins', amount: '1000', reason: 'x', nonce: 'cashier-browser-1' };
    const refused = await context.request.post(`${base}/panel/members/${star.id}/adjust`, { form: { ...form, _csrf: csrf } });
    expect(refused.status()).toBe(403);
    const noToken = await context.request.post(`${base}/panel/sign-out`, { form: {} });
    expect(noToken.status()).toBe(403);
    expect(await noToken.text()).toContain('این فرم کهنه شده');
    expect((await api.w.services.members.get(api.merchant.id, star.id)).balances.coins).toBe(15);
    await context.close();
  }, 60_000);
});
