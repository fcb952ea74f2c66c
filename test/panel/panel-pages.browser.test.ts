import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operator } from '../../src/domain/admin/permissions.js';
import { telegramBroadcasts } from '../../src/channels/telegram/delivery.js';
import { startBroadcasting } from '../../src/jobs/broadcasting.js';
import { createLogger } from '../../src/logger.js';
import { createTestApi, testPanelAccess, type TestApi } from '../helpers/http.js';
import { createTelegramHarness, harnessNotifier, type TelegramHarness, type TgUser } from '../helpers/telegram.js';
import { drainEvents } from '../helpers/events.js';
import { newOperator } from '../helpers/panel.js';
import { newPhone } from '../helpers/services.js';

const CHROMIUM = process.env.PUPPETEER_EXECUTABLE_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const SHOTS = process.env.SCREENSHOTS_DIR ?? tmpdir();
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
if (!hasChromium) console.warn(`panel pages browser test skipped: no Chromium at ${CHROMIUM}`);

type Browser = import('playwright-core').Browser;
type Page = import('playwright-core').Page;
type Doc = { documentElement: { scrollWidth: number } };

const logger = createLogger('silent');
/** A Jalali date and time as the panel writes them: ۱۴۰۵/۰۹/۱۰، ۰۸:۱۰. */
const JALALI_MOMENT = /[۰-۹]{4}\/[۰-۹]{2}\/[۰-۹]{2}، [۰-۹]{2}:[۰-۹]{2}/;

let h: TelegramHarness;
let api: TestApi;
let base: string;
let browser: Browser;
let owner: Operator;
let cashier: Operator;
let sara: TgUser;
let ticketId: string;
let broadcasting: Awaited<ReturnType<typeof startBroadcasting>>;

beforeAll(async () => {
  if (!hasChromium) return;
  h = await createTelegramHarness();
  api = await createTestApi({ panel: true, world: { w: h.w, r: h.r } });
  owner = await newOperator(h.w, h.merchantId, 'owner', 'سارا');
  cashier = await newOperator(h.w, h.merchantId, 'cashier', 'رضا');
  // Two members in Telegram: one gave a name, one did not.
  sara = h.user(6101, 'Sara');
  await sara.join(newPhone());
  await h.user(6102, 'Nameless').join(newPhone());
  const saraMember = (await h.w.db.pool.query("SELECT member_id FROM channel_identities WHERE external_user_id = '6101'")).rows[0]!
    .member_id;
  await h.w.services.members.updateProfile(h.merchantId, saraMember, { firstName: 'سارا' });
  ticketId = (await h.w.services.tickets.open(h.merchantId, saraMember, 0, 'کارت هدیه‌ام نرسید')).id;
  await h.w.services.raffles.create(h.merchantId, {
    title: 'قرعه‌کشی یلدا',
    prizes: [{ title: 'سبد یلدا', count: 1 }],
    entryRule: { kind: 'purchase' },
    opensAt: '2026-11-01T00:00:00+03:30',
    closesAt: '2026-12-21T20:00:00+03:30',
  });
  broadcasting = await startBroadcasting({
    ctx: { connection: h.r.redis, prefix: h.r.prefix, redis: h.r.redis },
    queues: h.w.broadcastQueues!,
    services: h.w.services,
    telegram: telegramBroadcasts(h.channel, { redis: h.r.redis, prefix: h.r.prefix, ratePerSecond: 100 }),
    defaultLocale: 'fa',
    logger,
  });
  base = await api.app.listen({ port: 0, host: '127.0.0.1' });
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await broadcasting?.stop();
  await api?.close();
  await h?.close();
});

async function signIn(page: Page, op: Operator) {
  const { token } = await testPanelAccess(h.w, h.r).issueLink(op.merchantId, op.id, 'test');
  await page.goto(`${base}/panel/sign-in?token=${token}`);
  await page.click('button:has-text("ورود به پنل")');
}

const mainText = (page: Page) => page.locator('main').innerText();
const scrollWidth = (page: Page) => page.evaluate(() => (globalThis as unknown as { document: Doc }).document.documentElement.scrollWidth);

/** The page is in Persian digits throughout (no Latin digit in what it says) and fits a phone. */
async function persianAndFits(page: Page, name: string) {
  expect(await mainText(page), name).not.toMatch(/[0-9]/);
  await page.setViewportSize(PHONE);
  expect(await scrollWidth(page), name).toBeLessThanOrEqual(PHONE.width);
  await page.screenshot({ path: join(SHOTS, `panel-${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}

/**
 * The panel's shared tables as a browser lays them out: per table its column headers and, per row,
 * each cell's text, the column name shown with it (a phone's card) and whether it lies within `width`.
 */
async function tablesAt(page: Page, width: number) {
  return page.evaluate((width) => {
    type El = {
      textContent: string | null;
      getBoundingClientRect(): { left: number; right: number; width: number };
      querySelectorAll(s: string): ArrayLike<El>;
      closest(s: string): El | null;
      getAttribute(n: string): string | null;
      id: string;
    };
    const all = (el: El, s: string) => Array.from(el.querySelectorAll(s));
    const g = globalThis as unknown as { document: El; getComputedStyle(el: El, pseudo: string): { content: string } };
    return all(g.document, 'main table:not(.prizes)').map((table) => ({
      // The section it lists: its heading's id, or its own.
      section: table.closest('section')?.getAttribute('aria-labelledby') ?? table.closest('section')?.id ?? '',
      headers: all(table, 'thead th').map((th) => (th.textContent ?? '').trim()),
      rows: all(table, 'tbody tr').map((tr) =>
        all(tr, 'td, th').map((cell) => {
          const r = cell.getBoundingClientRect();
          const name = g.getComputedStyle(cell, '::before').content;
          return {
            text: (cell.textContent ?? '').replace(/\s+/g, ' ').trim(),
            label: name === 'none' || name === 'normal' ? '' : (JSON.parse(name) as string),
            shown: r.width > 0,
            inside: r.left >= -0.5 && r.right <= width + 0.5,
          };
        }),
      ),
    }));
  }, width);
}

describe.skipIf(!hasChromium)('the club pages in Chromium', () => {
  it('a broadcast is composed with a live count and previews, sent, and its progress moves to done; the members get it', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    await signIn(page, owner);
    await page.click('nav a:has-text("کمپین‌ها")');
    await page.click('a:has-text("کمپین تازه")');
    // The live count from htmx: everyone, then Telegram only, both reachable.
    await page.waitForSelector('#segment-count:has-text("۲ عضو")');
    await page.selectOption('#seg_channel', 'telegram');
    await page.waitForSelector('#segment-count:has-text("تلگرام ۲")');
    await page.fill('#seg_inactiveDays', '۳۰');
    await page.waitForSelector('#segment-count:has-text("۰ عضو")');
    await page.fill('#seg_inactiveDays', '');
    await page.waitForSelector('#segment-count:has-text("۲ عضو")');
    await page.fill('#name', 'یلدا');
    await page.locator('#text').pressSequentially('سلام {name} عزیز، یلدا مبارک!');
    await page.waitForSelector('[data-preview="named"]:has-text("سلام مریم عزیز، یلدا مبارک!")');
    expect(await page.locator('[data-preview="nameless"]').innerText()).toContain('سلام دوست عزیز، یلدا مبارک!');
    await page.screenshot({ path: join(SHOTS, 'panel-composer.png'), fullPage: true });
    await persianAndFits(page, 'composer');
    await page.click('button:has-text("ثبت و ارسال")');
    await page.waitForURL(/\/panel\/campaigns\/[0-9a-f-]{36}$/);
    // htmx refreshes the progress until the worker has sent to both.
    await page.waitForSelector('#progress[data-status="done"]', { timeout: 20_000 });
    expect(await page.locator('#progress .sent').innerText()).toContain('ارسال‌شده: ۲ از ۲');
    expect(await page.locator('[data-kpi="lift"]').innerText()).toContain('بدون گروه شاهد');
    await persianAndFits(page, 'campaign');
    const got = sara.botMessages().at(-1)!;
    expect(got.text).toBe('سلام سارا عزیز، یلدا مبارک!');
    await page.close();
  }, 90_000);

  it('a broadcast scheduled in Jalali with Persian digits is paused, resumed and cancelled from its page', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    await signIn(page, owner);
    await page.goto(`${base}/panel/campaigns/new`);
    await page.fill('#name', 'نوروز');
    await page.fill('#text', 'نوروز مبارک');
    await page.check('input[name="when"][value="later"]');
    await page.fill('#date', '۱۴۱۰/۰۱/۰۱');
    await page.fill('#time', '۰۹:۳۰');
    await page.click('button:has-text("ثبت و ارسال")');
    await page.waitForURL(/\/panel\/campaigns\/[0-9a-f-]{36}$/);
    expect(await page.locator('#progress').innerText()).toContain('زمان‌بندی‌شده — ۱۴۱۰/۰۱/۰۱، ۰۹:۳۰');
    await page.click('#progress button:has-text("توقف")');
    await page.waitForSelector('#progress[data-status="paused"]');
    await page.click('#progress button:has-text("ادامه")');
    await page.waitForSelector('#progress[data-status="scheduled"]');
    await page.click('#progress button:has-text("لغو ارسال")');
    await page.waitForSelector('#progress[data-status="cancelled"]');
    await page.goto(`${base}/panel/campaigns`);
    expect(await mainText(page)).toMatch(JALALI_MOMENT);
    await persianAndFits(page, 'campaigns');
    await page.close();
  }, 60_000);

  it('a settings form shows the schema’s error in Persian next to the field, and saves a right value', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    await signIn(page, owner);
    await page.goto(`${base}/panel/settings`);
    await persianAndFits(page, 'settings');
    await page.fill('#earning-cashbackPercent', '۱۵۰');
    await page.click('#s-earning ~ form button:has-text("ذخیره")');
    expect(await page.locator('#earning-cashbackPercent-error').innerText()).toBe('نباید بیشتر از ۱۰۰ باشد.');
    expect(await page.locator('#earning-cashbackPercent').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#earning-cashbackPercent').inputValue()).toBe('۱۵۰');
    await page.screenshot({ path: join(SHOTS, 'panel-settings-error.png'), fullPage: true });
    await page.fill('#earning-cashbackPercent', '۵');
    await page.click('#s-earning ~ form button:has-text("ذخیره")');
    await page.waitForSelector('text=ذخیره شد.');
    expect((await h.w.services.settings.get(h.merchantId)).earning.cashbackPercent).toBe(5);
    await page.close();
  }, 60_000);

  it('a cashier cannot open settings (403 page) and their settings POST is refused', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await signIn(page, cashier);
    expect(await page.locator('nav').innerText()).not.toContain('تنظیمات');
    const forbidden = await page.goto(`${base}/panel/settings`);
    expect(forbidden!.status()).toBe(403);
    expect(await page.locator('h1').innerText()).toBe('دسترسی ندارید');
    await page.goto(`${base}/panel/members`);
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const refused = await context.request.post(`${base}/panel/settings/earning`, { form: { _csrf: csrf, cashbackPercent: '50' } });
    expect(refused.status()).toBe(403);
    expect((await h.w.services.settings.get(h.merchantId)).earning.cashbackPercent).toBe(5);
    await context.close();
  }, 60_000);

  it('tickets, rewards and operators render in Persian digits with Jalali dates; a reply reaches the member in chat', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    await signIn(page, owner);
    await page.goto(`${base}/panel/tickets`);
    expect(await mainText(page)).toMatch(JALALI_MOMENT);
    await persianAndFits(page, 'tickets');
    await page.click(`a[href="/panel/tickets/${ticketId}"]`);
    expect(await mainText(page)).toMatch(JALALI_MOMENT);
    await page.fill('#text', 'فردا به دستتان می‌رسد.');
    await page.click('button:has-text("ارسال پاسخ")');
    await page.waitForSelector('text=پاسخ برای عضو فرستاده شد.');
    await persianAndFits(page, 'ticket');
    await drainEvents(h.w.db, [harnessNotifier(h)]);
    expect(sara.botMessages().at(-1)!.text).toContain('فردا به دستتان می‌رسد.');

    await page.goto(`${base}/panel/rewards`);
    expect(await page.locator('section[aria-labelledby="raffles-h"]').innerText()).toMatch(JALALI_MOMENT);
    await page.fill('input[name="p0_label"]', 'پوچ');
    await page.fill('input[name="p0_weight"]', '۳');
    await page.fill('input[name="p1_label"]', 'ده سکه');
    await page.fill('input[name="p1_weight"]', '۱');
    await page.waitForSelector('#odds [data-odds="1"]:has-text("۲۵٪")');
    expect(await page.locator('#odds [data-odds="0"]').innerText()).toContain('۷۵٪');
    await persianAndFits(page, 'rewards');

    await page.goto(`${base}/panel/operators`);
    await persianAndFits(page, 'operators');
    await page.selectOption('#invite-role', 'manager');
    await page.click('button:has-text("ساخت کد دعوت")');
    expect(await page.locator('[data-invite]').innerText()).toMatch(JALALI_MOMENT);
    expect(await page.locator('[data-invite] code').innerText()).toMatch(/^\/admin [A-Z0-9]{10}$/);
    await page.close();
  }, 90_000);

  it('the wheel editor on a phone: each prize row reads whole, every field with its name, without sideways scrolling', async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await signIn(page, owner);
    await page.goto(`${base}/panel/rewards`);
    const editor = page.locator('form[action="/panel/rewards/wheel"]');
    await editor.waitFor();
    // Nothing in the editor reaches past the screen's edges (a table scrolled sideways would).
    const outside = await editor.evaluate((form, width) => {
      type El = {
        tagName: string;
        getAttribute(n: string): string | null;
        getBoundingClientRect(): { left: number; right: number; width: number };
      };
      const all = [form, ...(form as unknown as { querySelectorAll(s: string): El[] }).querySelectorAll('*')] as El[];
      return all
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && (r.left < -0.5 || r.right > (width as number) + 0.5);
        })
        .map((el) => `${el.tagName.toLowerCase()}${el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : ''}`);
    }, PHONE.width);
    expect(outside).toEqual([]);
    // Each field of a prize shows what it is: the column's name is there on a phone too.
    const row = page.locator('form[action="/panel/rewards/wheel"] tbody tr').first();
    const rowText = await row.innerText();
    for (const name of ['جایزه', 'نوع', 'کد تخفیف یا هدیه', 'مقدار', 'وزن', 'موجودی']) expect(rowText).toContain(name);
    for (const field of ['label', 'kind', 'ref', 'amount', 'weight', 'stock'])
      expect(await page.isVisible(`[name="p0_${field}"]`)).toBe(true);
    await editor.screenshot({ path: join(SHOTS, 'panel-wheel-editor-phone.png') });
    // At desktop width it is the table it was: its header row is shown.
    await page.setViewportSize(DESKTOP);
    expect(await page.isVisible('form[action="/panel/rewards/wheel"] thead th:has-text("وزن")')).toBe(true);
    await page.close();
  }, 60_000);

  it('the owner adds a gift from the rewards page: a cost that is no number is named next to it, then the gift is in the catalog', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    await signIn(page, owner);
    await page.goto(`${base}/panel/rewards`);
    await page.click('a:has-text("هدیهٔ تازه")');
    await page.waitForURL(/\/panel\/rewards\/gifts\/new$/);
    await persianAndFits(page, 'gift-new');
    await page.fill('#gift-title', 'جاکلیدی');
    await page.fill('#gift-cost', 'سی');
    await page.click('button:has-text("ذخیرهٔ هدیه")');
    expect(await page.locator('#gift-cost-error').innerText()).toBe('یک عدد بنویسید.');
    expect(await page.locator('#gift-cost').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#gift-title').inputValue()).toBe('جاکلیدی');
    await page.fill('#gift-cost', '۳۰');
    await page.fill('#gift-stock', '۱۲');
    // Tiers and days are folded under "more options" until asked for; opened, they fit a phone too.
    expect(await page.isVisible('#gift-tiers-gold')).toBe(false);
    await page.click('summary:has-text("گزینه‌های بیشتر")');
    await page.check('label:has-text("طلایی") input');
    await page.fill('#gift-visibleFrom', '۱۴۰۵/۰۹/۱۰');
    await persianAndFits(page, 'gift-more-options');
    await page.click('button:has-text("ذخیرهٔ هدیه")');
    await page.waitForSelector('text=هدیه ذخیره شد.');
    const catalog = await page.locator('section[aria-labelledby="gifts-h"]').innerText();
    expect(catalog).toMatch(/جاکلیدی\s+فقط طلایی\s+نمایش از ۱۴۰۵\/۰۹\/۱۰\s+۳۰ سکه\s+۱۲/);
    const gift = (await h.w.services.gifts.list(h.merchantId)).find((g) => g.title === 'جاکلیدی');
    expect(gift).toMatchObject({ cost: 30, stock: 12, active: true, tiers: ['gold'], visibleTo: null });
    expect(gift?.visibleFrom?.toISOString()).toBe(new Date('2026-12-01T00:00:00+03:30').toISOString());
    await persianAndFits(page, 'rewards-gift-saved');
    await page.close();
  }, 60_000);

  it('the rewards and members tables on a phone: each row is a card of named cells, nothing off-screen; a table on a desktop', async () => {
    // A voucher campaign without a shared code: its row holds the form that makes codes.
    await h.w.services.vouchers.createCampaign(h.merchantId, { name: 'تخفیف ده درصد', kind: 'percent', value: 10 });
    const page = await browser.newPage({ viewport: PHONE });
    await signIn(page, owner);
    for (const [name, path, sections] of [
      ['rewards', '/panel/rewards', ['gifts-h', 'vouchers-h', 'raffles-h']],
      ['members', `/panel/members?q=${encodeURIComponent('۰۹۱۲')}`, ['results']],
    ] as const) {
      await page.goto(`${base}${path}`);
      await page.setViewportSize(DESKTOP);
      await page.screenshot({ path: join(SHOTS, `panel-${name}-cards-desktop.png`), fullPage: true });
      await page.setViewportSize(PHONE);
      await page.screenshot({ path: join(SHOTS, `panel-${name}-cards-phone.png`), fullPage: true });
      const tables = await tablesAt(page, PHONE.width);
      expect(tables.map((t) => t.section).sort(), name).toEqual([...sections].sort());
      for (const t of tables) {
        const where = `${name} ${t.section}`;
        expect(t.rows.length, where).toBeGreaterThan(0);
        for (const row of t.rows) {
          // Every cell of the card is on the screen, named after its column; only a blank cell is left out.
          expect(
            row.filter((c) => c.shown && !c.inside).map((c) => c.text),
            where,
          ).toEqual([]);
          expect(
            row.filter((c) => c.shown).map((c) => c.label),
            where,
          ).toEqual(t.headers.filter((_, i) => row[i]!.shown));
          expect(
            row.filter((c) => !c.shown).map((c) => c.text),
            where,
          ).toEqual(row.filter((c) => !c.shown).map(() => ''));
        }
      }
      expect(await page.locator('main table:not(.prizes) thead').first().isVisible(), name).toBe(false);
      // At desktop width each is the table it was: the header row shows, a cell carries no name of its own.
      await page.setViewportSize(DESKTOP);
      for (const t of await tablesAt(page, DESKTOP.width)) {
        expect(
          t.rows
            .flat()
            .map((c) => c.label)
            .join(''),
          name,
        ).toBe('');
        expect(t.rows.flat().every((c) => c.shown)).toBe(true);
      }
      expect(await page.locator('main table:not(.prizes) thead th').first().isVisible(), name).toBe(true);
    }
    // What one had to swipe for on a phone: a gift's stock and a raffle's proof link, on the screen under their names.
    await page.setViewportSize(PHONE);
    await page.goto(`${base}/panel/rewards`);
    const cell = (tables: Awaited<ReturnType<typeof tablesAt>>, section: string, label: string) =>
      tables.find((t) => t.section === section)!.rows.map((r) => r.find((c) => c.label === label)!);
    const rewards = await tablesAt(page, PHONE.width);
    expect(cell(rewards, 'gifts-h', 'موجودی').map((c) => c.text)).toContain('۱۲');
    expect(cell(rewards, 'raffles-h', 'سند')[0]!.text).toContain('سند');
    const proof = (await page.locator('section[aria-labelledby="raffles-h"] a:has-text("سند")').first().boundingBox())!;
    expect(proof.x + proof.width).toBeLessThanOrEqual(PHONE.width);
    // A screen reader hears each cell with its column's name there (the header row is gone), and only the header at desktop width.
    const gifts = page.locator('section[aria-labelledby="gifts-h"]');
    expect(await gifts.getByRole('cell', { name: 'موجودی ۱۲', exact: true }).count()).toBe(1);
    expect(await gifts.getByRole('columnheader').count()).toBe(0);
    await page.setViewportSize(DESKTOP);
    expect(await gifts.getByRole('cell', { name: '۱۲', exact: true }).count()).toBe(1);
    expect(await gifts.getByRole('columnheader', { name: 'موجودی' }).isVisible()).toBe(true);
    await page.close();
  }, 60_000);
});
