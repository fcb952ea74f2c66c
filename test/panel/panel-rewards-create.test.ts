import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../helpers/http.js';
import { csrfOf, panelClub, panelRequests } from '../helpers/panel.js';
import { joinedMember } from '../helpers/services.js';
import type { Operator } from '../../src/domain/admin/permissions.js';

let api: TestApi;
let owner: Operator;
let manager: Operator;
let cashier: Operator;

beforeAll(async () => {
  ({ api, owner, manager, cashier } = await panelClub());
}, 60_000);

afterAll(async () => {
  await api?.close();
});

const { signedIn, get, post, tokenFor, audited } = panelRequests(() => api);

const m = () => api.merchant.id;
/** The error shown next to the field with this input id. */
const fieldError = (body: string, id: string) =>
  new RegExp(`<span class="error field-error" id="${id}-error">([^<]*)</span>`).exec(body)?.[1];

describe('gifts from the panel', () => {
  it('the owner creates a gift (Persian digits, unlimited stock) and members see it in the chat catalog', async () => {
    const cookie = await signedIn(owner);
    const rewards = await get('/panel/rewards', cookie);
    expect(rewards.body).toContain('href="/panel/rewards/gifts/new"');
    const form = await get('/panel/rewards/gifts/new', cookie);
    expect(form.statusCode).toBe(200);
    expect(form.body).toMatch(/<label for="gift-title">نام هدیه<\/label>/);
    expect(form.body).toMatch(/id="gift-active" name="active" checked/); // a new gift is active unless unticked

    const res = await post('/panel/rewards/gifts', cookie, {
      _csrf: csrfOf(form.body),
      title: 'ماگ سرامیکی',
      description: 'ماگ با لوگوی کافه',
      cost: '۱۲۰',
      costCurrency: 'coins',
      stock: '',
      imageUrl: 'https://cdn.example.com/mug.png',
      active: 'on',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/panel/rewards?saved=gift');
    const gift = (await api.w.services.gifts.list(m())).find((g) => g.title === 'ماگ سرامیکی')!;
    expect(gift).toMatchObject({
      description: 'ماگ با لوگوی کافه',
      cost: 120,
      costCurrency: 'coins',
      stock: null,
      imageUrl: 'https://cdn.example.com/mug.png',
      active: true,
    });
    expect(await audited('gifts.create')).toContainEqual({ operator_id: owner.id, allowed: true, target: gift.id });

    const page = await get('/panel/rewards?saved=gift', cookie);
    expect(page.body).toContain('هدیه ذخیره شد.');
    expect(page.body).toMatch(/ماگ سرامیکی[\s\S]*?۱۲۰ سکه[\s\S]*?نامحدود/);
    expect(page.body).toContain(`href="/panel/rewards/gifts/${gift.id}"`);

    const member = await joinedMember(api.w, m(), { coins: 200 });
    const catalog = await api.w.services.gifts.catalog(m(), member);
    expect(catalog.find((g) => g.id === gift.id)).toMatchObject({ title: 'ماگ سرامیکی', affordable: true, available: true });
  });

  it('editing changes the gift; unticking «active» takes it out of the members’ catalog and the row button brings it back', async () => {
    const gift = await api.w.services.gifts.create(m(), { title: 'تیشرت', costCurrency: 'points', cost: 900, stock: 3 });
    const member = await joinedMember(api.w, m());
    const cookie = await signedIn(owner);
    const form = await get(`/panel/rewards/gifts/${gift.id}`, cookie);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('ویرایش «تیشرت»');
    expect(form.body).toContain('value="۹۰۰"'); // stored numbers shown in Persian digits
    expect(form.body).toContain('<option value="points" selected>');

    const res = await post(`/panel/rewards/gifts/${gift.id}`, cookie, {
      _csrf: csrfOf(form.body),
      title: 'تیشرت باشگاه',
      description: '',
      cost: '1,200',
      costCurrency: 'points',
      stock: '٧',
      imageUrl: '',
    });
    expect(res.statusCode).toBe(303);
    expect(await api.w.services.gifts.get(m(), gift.id)).toMatchObject({
      title: 'تیشرت باشگاه',
      cost: 1200,
      stock: 7,
      description: null,
      active: false,
    });
    expect((await api.w.services.gifts.catalog(m(), member)).map((g) => g.id)).not.toContain(gift.id);
    expect(await audited('gifts.update')).toContainEqual({ operator_id: owner.id, allowed: true, target: gift.id });

    const page = await get('/panel/rewards', cookie);
    expect(page.body).toMatch(new RegExp(`تیشرت باشگاه\\s*<span class="badge">غیرفعال</span>`));
    const on = await post(`/panel/rewards/gifts/${gift.id}/active`, cookie, { _csrf: csrfOf(page.body), active: 'on' });
    expect(on.statusCode).toBe(303);
    expect((await api.w.services.gifts.catalog(m(), member)).map((g) => g.id)).toContain(gift.id);
  });

  it('bad input is named in Persian next to its field, what was typed stays, and nothing is saved', async () => {
    const cookie = await signedIn(owner);
    const _csrf = await tokenFor(cookie);
    const before = (await api.w.services.gifts.list(m())).length;
    const bad = await post('/panel/rewards/gifts', cookie, {
      _csrf,
      title: '',
      cost: 'abc',
      costCurrency: 'coins',
      stock: '-2',
      imageUrl: 'ftp://files.example.com/a.png',
      active: 'on',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('فرم ذخیره نشد؛ خطاهای کنار خانه‌ها را اصلاح کنید.');
    expect(fieldError(bad.body, 'gift-title')).toBe('این خانه را پر کنید.');
    expect(fieldError(bad.body, 'gift-cost')).toBe('یک عدد بنویسید.');
    expect(fieldError(bad.body, 'gift-stock')).toBe('نباید کمتر از ۰ باشد.');
    expect(fieldError(bad.body, 'gift-imageUrl')).toBe('قالب این مقدار درست نیست.');
    expect(bad.body).toMatch(/id="gift-cost"[^>]*value="abc"[^>]*aria-invalid="true"/);
    expect((await api.w.services.gifts.list(m())).length).toBe(before);

    const gift = await api.w.services.gifts.create(m(), { title: 'کلاه', costCurrency: 'coins', cost: 50 });
    const edit = await post(`/panel/rewards/gifts/${gift.id}`, cookie, { _csrf, title: 'کلاه', cost: 'پنجاه', costCurrency: 'coins' });
    expect(edit.statusCode).toBe(400);
    expect(fieldError(edit.body, 'gift-cost')).toBe('یک عدد بنویسید.');
    expect(await api.w.services.gifts.get(m(), gift.id)).toMatchObject({ cost: 50, active: true });
  });
});

describe('who may see a gift: tiers, days, order', () => {
  /** A member of the club in `tier` (points earned to reach it, as by purchases). */
  const memberIn = async (points: number) => {
    const member = await joinedMember(api.w, m());
    await api.w.services.ledger.earn({
      merchantId: m(),
      memberId: member.id,
      currency: 'points',
      amount: points,
      reason: 'purchase',
      idempotencyKey: `tier-${member.id}`,
      actor: 'test',
    });
    return api.w.services.members.get(m(), member.id);
  };
  /** Whether the gift is in this member's chat catalog when the clock says `at`. */
  const sees = async (member: Awaited<ReturnType<typeof memberIn>>, giftId: string, at: string) => {
    api.w.clock.set(at);
    return (await api.w.services.gifts.catalog(m(), member)).some((g) => g.id === giftId);
  };
  /** The input (or checkbox) with this id, as its tag. */
  const inputTag = (body: string, id: string) => new RegExp(`<input[^>]*id="${id}"[^>]*>`).exec(body)?.[0] ?? '';

  it('the owner offers a gift to gold members only, from one Jalali day to another: bronze never sees it, gold only inside the days', async () => {
    const cookie = await signedIn(owner);
    const form = await get('/panel/rewards/gifts/new', cookie);
    // The common case stays short: the extra settings are folded away, each tier named as the club names it.
    expect(form.body).toMatch(/<details class="more"\s*>\s*<summary>گزینه‌های بیشتر: سطح‌ها، زمان نمایش، ترتیب<\/summary>/);
    for (const [key, name] of [
      ['bronze', 'برنزی'],
      ['silver', 'نقره‌ای'],
      ['gold', 'طلایی'],
    ])
      expect(form.body).toMatch(
        new RegExp(`<input\\s+type="checkbox"\\s+id="gift-tiers-${key}"\\s+name="tiers"\\s+value="${key}"\\s*/>\\s*${name}`),
      );
    expect(form.body).toMatch(/<label for="gift-visibleFrom">نمایش از \(اختیاری\)<\/label>/);
    expect(form.body).toMatch(/<label for="gift-visibleTo">نمایش تا \(اختیاری\)<\/label>/);
    expect(form.body).toMatch(/<label for="gift-position">ترتیب در فهرست \(اختیاری\)<\/label>/);

    const res = await post('/panel/rewards/gifts', cookie, {
      _csrf: csrfOf(form.body),
      title: 'کارت هدیهٔ طلایی',
      cost: '۵۰',
      costCurrency: 'coins',
      active: 'on',
      tiers: ['gold'],
      visibleFrom: '۱۴۰۵/۰۹/۱۰', // Persian digits
      visibleTo: '١٤٠٥-٩-٢٠', // Arabic-Indic digits, another separator
      position: '۳',
    });
    expect(res.statusCode).toBe(303);
    const gift = (await api.w.services.gifts.list(m())).find((g) => g.title === 'کارت هدیهٔ طلایی')!;
    // 1405/09/10 is 2026-12-01 and 1405/09/20 is 2026-12-11: the first day from its start, the last to its end, Tehran time.
    expect(gift).toMatchObject({ tiers: ['gold'], position: 3, cost: 50 });
    expect(gift.visibleFrom?.toISOString()).toBe(new Date('2026-12-01T00:00:00+03:30').toISOString());
    expect(gift.visibleTo?.toISOString()).toBe(new Date('2026-12-11T23:59:59.999+03:30').toISOString());
    // The catalog on the Rewards page says the limits at a glance.
    expect((await get('/panel/rewards', cookie)).body).toMatch(
      /کارت هدیهٔ طلایی\s*<span class="badge"\s*>فقط طلایی<\/span\s*>\s*<span class="badge"\s*>نمایش ۱۴۰۵\/۰۹\/۱۰ تا ۱۴۰۵\/۰۹\/۲۰<\/span\s*>/,
    );

    const bronze = await memberIn(10);
    const gold = await memberIn(2500);
    expect([bronze.tier, gold.tier]).toEqual(['bronze', 'gold']);
    const now = api.w.clock.now().toISOString();
    try {
      const seen = async (at: string) => [await sees(bronze, gift.id, at), await sees(gold, gift.id, at)];
      expect(await seen('2026-11-30T23:59:00+03:30')).toEqual([false, false]); // the evening before the first day
      expect(await seen('2026-12-01T00:00:00+03:30')).toEqual([false, true]); // the first day's first minute
      expect(await seen('2026-12-11T23:59:00+03:30')).toEqual([false, true]); // the last day's last minute
      expect(await seen('2026-12-12T00:00:00+03:30')).toEqual([false, false]); // the day after
    } finally {
      api.w.clock.set(now);
    }

    // Editing shows what is stored: the section open, gold ticked, the days in Jalali with Persian digits.
    const edit = await get(`/panel/rewards/gifts/${gift.id}`, cookie);
    expect(edit.body).toMatch(/<details class="more"\s+open>/);
    expect(inputTag(edit.body, 'gift-tiers-gold')).toContain('checked');
    expect(inputTag(edit.body, 'gift-tiers-bronze')).not.toContain('checked');
    expect(inputTag(edit.body, 'gift-visibleFrom')).toContain('value="۱۴۰۵/۰۹/۱۰"');
    expect(inputTag(edit.body, 'gift-visibleTo')).toContain('value="۱۴۰۵/۰۹/۲۰"');
    expect(inputTag(edit.body, 'gift-position')).toContain('value="۳"');

    // Saved again as shown, with silver ticked too and the order emptied: the days stay, the order is the default.
    const again = await post(`/panel/rewards/gifts/${gift.id}`, cookie, {
      _csrf: csrfOf(edit.body),
      title: 'کارت هدیهٔ طلایی',
      cost: '۵۰',
      costCurrency: 'coins',
      active: 'on',
      tiers: ['gold', 'silver'],
      visibleFrom: '۱۴۰۵/۰۹/۱۰',
      visibleTo: '۱۴۰۵/۰۹/۲۰',
      position: '',
    });
    expect(again.statusCode).toBe(303);
    const changed = await api.w.services.gifts.get(m(), gift.id);
    expect(changed).toMatchObject({ tiers: ['silver', 'gold'], position: 0 });
    expect([changed.visibleFrom, changed.visibleTo]).toEqual([gift.visibleFrom, gift.visibleTo]);

    // Emptied, the limits are gone: every tier sees it, any day.
    const open = await post(`/panel/rewards/gifts/${gift.id}`, cookie, {
      _csrf: csrfOf(edit.body),
      title: 'کارت هدیهٔ طلایی',
      cost: '۵۰',
      costCurrency: 'coins',
      active: 'on',
    });
    expect(open.statusCode).toBe(303);
    expect(await api.w.services.gifts.get(m(), gift.id)).toMatchObject({ tiers: [], visibleFrom: null, visibleTo: null });
    expect((await api.w.services.gifts.catalog(m(), bronze)).map((g) => g.id)).toContain(gift.id);
    expect(inputTag((await get(`/panel/rewards/gifts/${gift.id}`, cookie)).body, 'gift-position')).toContain('value=""');
  });

  it('a window set to the minute through the API survives an edit that leaves its days as shown', async () => {
    const gift = await api.w.services.gifts.create(m(), {
      title: 'فلاسک',
      costCurrency: 'coins',
      cost: 70,
      visibleFrom: '2026-12-01T10:00:00+03:30',
      visibleTo: '2026-12-11T18:00:00+03:30',
    });
    const cookie = await signedIn(owner);
    const edit = await get(`/panel/rewards/gifts/${gift.id}`, cookie);
    expect(inputTag(edit.body, 'gift-visibleFrom')).toContain('value="۱۴۰۵/۰۹/۱۰"');
    expect(inputTag(edit.body, 'gift-visibleTo')).toContain('value="۱۴۰۵/۰۹/۲۰"');
    const res = await post(`/panel/rewards/gifts/${gift.id}`, cookie, {
      _csrf: csrfOf(edit.body),
      title: 'فلاسک سفری',
      cost: '۷۰',
      costCurrency: 'coins',
      active: 'on',
      visibleFrom: '۱۴۰۵/۰۹/۱۰',
      visibleTo: '۱۴۰۵/۰۹/۲۱', // one day later: from the end of that day
    });
    expect(res.statusCode).toBe(303);
    const saved = await api.w.services.gifts.get(m(), gift.id);
    expect(saved.title).toBe('فلاسک سفری');
    expect(saved.visibleFrom?.toISOString()).toBe(new Date('2026-12-01T10:00:00+03:30').toISOString());
    expect(saved.visibleTo?.toISOString()).toBe(new Date('2026-12-12T23:59:59.999+03:30').toISOString());
  });

  it('a day that does not exist, a window that ends before it starts, an order that is no number: 400, in Persian beside each, nothing saved', async () => {
    const cookie = await signedIn(owner);
    const _csrf = await tokenFor(cookie);
    const before = (await api.w.services.gifts.list(m())).length;
    const bad = await post('/panel/rewards/gifts', cookie, {
      _csrf,
      title: 'بستهٔ نوروزی',
      cost: '۱۰',
      costCurrency: 'coins',
      active: 'on',
      tiers: ['silver'],
      visibleFrom: '۱۴۰۵/۰۷/۳۱', // Mehr has 30 days
      position: 'سوم',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/<details class="more"\s+open>/);
    expect(fieldError(bad.body, 'gift-visibleFrom')).toBe('این تاریخ در تقویم نیست؛ مثلاً ۱۴۰۵/۰۱/۰۱ بنویسید.');
    expect(fieldError(bad.body, 'gift-position')).toBe('یک عدد بنویسید.');
    expect(inputTag(bad.body, 'gift-visibleFrom')).toMatch(/value="۱۴۰۵\/۰۷\/۳۱"[^>]*aria-invalid="true"/);
    expect(inputTag(bad.body, 'gift-tiers-silver')).toContain('checked'); // what was ticked stays ticked
    expect(inputTag(bad.body, 'gift-tiers-gold')).not.toContain('checked');

    const backwards = await post('/panel/rewards/gifts', cookie, {
      _csrf,
      title: 'بستهٔ نوروزی',
      cost: '۱۰',
      costCurrency: 'coins',
      active: 'on',
      visibleFrom: '1406/01/13',
      visibleTo: '1406/01/01',
    });
    expect(backwards.statusCode).toBe(400);
    expect(fieldError(backwards.body, 'gift-visibleTo')).toBe('«نمایش تا» پیش از «نمایش از» است.');
    expect(fieldError(backwards.body, 'gift-visibleFrom')).toBeUndefined();
    // A tier the club does not have (a forged form) is refused, not dropped silently.
    const unknownTier = await post('/panel/rewards/gifts', cookie, {
      _csrf,
      title: 'بستهٔ نوروزی',
      cost: '۱۰',
      costCurrency: 'coins',
      tiers: ['platinum'],
    });
    expect(unknownTier.statusCode).toBe(400);
    expect(fieldError(unknownTier.body, 'gift-tiers')).toBe('یکی از گزینه‌ها را انتخاب کنید.');
    expect((await api.w.services.gifts.list(m())).length).toBe(before);

    // Editing: the same checks, and the stored gift is left as it was.
    const gift = await api.w.services.gifts.create(m(), { title: 'شال', costCurrency: 'coins', cost: 40, tiers: ['gold'] });
    const edit = await post(`/panel/rewards/gifts/${gift.id}`, cookie, {
      _csrf,
      title: 'شال زمستانی',
      cost: '40',
      costCurrency: 'coins',
      active: 'on',
      visibleTo: '۱۴۰۵/۱۲/۳۰', // 1405 is no leap year: Esfand has 29 days
    });
    expect(edit.statusCode).toBe(400);
    expect(fieldError(edit.body, 'gift-visibleTo')).toBe('این تاریخ در تقویم نیست؛ مثلاً ۱۴۰۵/۰۱/۰۱ بنویسید.');
    expect(await api.w.services.gifts.get(m(), gift.id)).toMatchObject({ title: 'شال', tiers: ['gold'], visibleTo: null });
  });
});

describe('who may create', () => {
  it('a cashier is refused everything, a manager the gift catalog (403, audited); a manager creates voucher campaigns and raffles', async () => {
    const gift = await api.w.services.gifts.create(m(), { title: 'دفترچه', costCurrency: 'coins', cost: 10 });
    const counts = async () => ({
      gifts: (await api.w.services.gifts.list(m())).length,
      vouchers: (await api.w.services.vouchers.campaigns(m())).length,
      raffles: (await api.w.services.raffles.list(m())).length,
    });
    const before = await counts();
    const giftPages = ['/panel/rewards/gifts/new', `/panel/rewards/gifts/${gift.id}`];
    const campaignPages = ['/panel/rewards/vouchers/new', '/panel/rewards/raffles/new'];
    const giftPosts: [string, Record<string, string>][] = [
      ['/panel/rewards/gifts', { title: 'دزدکی', cost: '1', costCurrency: 'coins', active: 'on' }],
      [`/panel/rewards/gifts/${gift.id}`, { title: 'دزدکی', cost: '1', costCurrency: 'coins' }],
      [`/panel/rewards/gifts/${gift.id}/active`, {}],
    ];
    const campaignPosts: [string, Record<string, string>][] = [
      ['/panel/rewards/vouchers', { name: 'تخفیف مدیر', kind: 'percent', value: '10', codes: 'unique' }],
      [
        '/panel/rewards/raffles',
        { title: 'قرعه مدیر', 'prizes.0.title': 'کتاب', 'prizes.0.count': '1', 'entryRule.kind': 'purchase', closesDate: '1406/01/01' },
      ],
    ];
    const refused = async (op: Operator, pages: string[], posts: typeof giftPosts) => {
      const cookie = await signedIn(op);
      const _csrf = await tokenFor(cookie);
      for (const url of pages) expect((await get(url, cookie)).statusCode, `${op.role} ${url}`).toBe(403);
      for (const [url, form] of posts) {
        const res = await post(url, cookie, { ...form, _csrf });
        expect(res.statusCode, `${op.role} ${url}`).toBe(403);
        expect(res.body).toContain('در دسترسی نقش شما');
      }
    };
    await refused(cashier, [...giftPages, ...campaignPages], [...giftPosts, ...campaignPosts]);
    await refused(manager, giftPages, giftPosts);
    expect(await counts()).toEqual(before);

    const cookie = await signedIn(manager);
    const page = await get('/panel/rewards', cookie);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('/panel/rewards/gifts/new');
    expect(page.body).not.toContain(`/panel/rewards/gifts/${gift.id}/active`);
    for (const path of ['vouchers', 'raffles']) expect(page.body).toContain(`/panel/rewards/${path}/new`);
    const _csrf = await tokenFor(cookie);
    for (const url of campaignPages) expect((await get(url, cookie)).statusCode).toBe(200);
    for (const [url, form] of campaignPosts) {
      const res = await post(url, cookie, { ...form, _csrf });
      expect(res.statusCode, url).toBe(303);
    }
    expect(await counts()).toEqual({ ...before, vouchers: before.vouchers + 1, raffles: before.raffles + 1 });
    expect(await api.w.services.gifts.get(m(), gift.id)).toMatchObject({ title: 'دفترچه', cost: 10, active: true });
    expect(await audited('settings')).toEqual(
      expect.arrayContaining([
        { operator_id: cashier.id, allowed: false, target: 'gifts' },
        { operator_id: manager.id, allowed: false, target: 'gifts' },
      ]),
    );
    expect(await audited('campaigns')).toContainEqual({ operator_id: cashier.id, allowed: false, target: 'raffles' });
    expect((await audited('vouchers.create')).map((r) => r.operator_id)).toContain(manager.id);
  });
});

describe('voucher campaigns from the panel', () => {
  it('the owner creates a campaign of single-use codes valid to a Jalali day, then generates codes that take its discount off', async () => {
    const cookie = await signedIn(owner);
    const form = await get('/panel/rewards/vouchers/new', cookie);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('برای مبلغ ثابت، مبلغ به تومان.');
    const res = await post('/panel/rewards/vouchers', cookie, {
      _csrf: csrfOf(form.body),
      name: 'نوروز ۱۴۰۶',
      kind: 'percent',
      value: '۱۵',
      codes: 'unique',
      sharedCode: '',
      validTo: '۱۴۰۵/۱۲/۲۹',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/panel/rewards?saved=voucher');
    const campaign = (await api.w.services.vouchers.campaigns(m())).find((c) => c.name === 'نوروز ۱۴۰۶')!;
    // 29 Esfand 1405 is 20 March 2027; valid to the end of that day in Tehran (UTC+03:30).
    expect(campaign).toMatchObject({ kind: 'percent', value: 15, sharedCode: null, active: true, maxDiscount: null, coinPrice: null });
    expect(campaign.validTo?.toISOString()).toBe('2027-03-20T20:29:59.999Z');
    expect(await audited('vouchers.create')).toContainEqual({ operator_id: owner.id, allowed: true, target: campaign.id });

    const page = await get('/panel/rewards?saved=voucher', cookie);
    expect(page.body).toContain('کمپین کد تخفیف ساخته شد');
    expect(page.body).toMatch(/نوروز ۱۴۰۶[\s\S]*?<td data-label="اعتبار تا">۱۴۰۵\/۱۲\/۲۹<\/td>/);
    const csv = await post(`/panel/rewards/vouchers/${campaign.id}/codes.csv`, cookie, { _csrf: csrfOf(page.body), count: '۳' });
    expect(csv.statusCode).toBe(200);
    const codes = csv.body.trim().split('\r\n').slice(1);
    expect(codes).toHaveLength(3);
    const check = await api.w.services.vouchers.validate(m(), { code: codes[0]!, amount: 200_000 });
    expect(check).toMatchObject({ ok: true, discount: 30_000 });
  });

  it('a manager pauses a campaign (its code refused at checkout) and resumes it; a cashier may not', async () => {
    const c = await api.w.services.vouchers.createCampaign(m(), { name: 'زمستان', kind: 'fixed', value: 20_000, sharedCode: 'ZEMESTAN' });
    const check = () => api.w.services.vouchers.validate(m(), { code: 'ZEMESTAN', amount: 100_000 });
    const toggle = async (op: Operator, active: boolean) => {
      const cookie = await signedIn(op);
      return post(`/panel/rewards/vouchers/${c.id}/active`, cookie, { _csrf: await tokenFor(cookie), active: active ? 'on' : '' });
    };

    const refused = await toggle(cashier, false);
    expect(refused.statusCode).toBe(403);
    expect(await check()).toMatchObject({ ok: true });

    const paused = await toggle(manager, false);
    expect(paused.statusCode).toBe(303);
    expect(paused.headers.location).toBe('/panel/rewards?saved=voucher_state');
    expect(await check()).toMatchObject({ ok: false, reason: 'inactive' });
    const page = await get('/panel/rewards?saved=voucher_state', await signedIn(manager));
    expect(page.body).toContain('کدهای کمپین متوقف در خرید پذیرفته نمی‌شوند');
    expect(page.body).toMatch(/زمستان <span class="badge">متوقف<\/span>[\s\S]*?<button type="submit">ادامه<\/button>/);
    expect(await audited('vouchers.update')).toContainEqual({ operator_id: manager.id, allowed: true, target: c.id });

    expect((await toggle(manager, true)).statusCode).toBe(303);
    expect(await check()).toMatchObject({ ok: true, discount: 20_000 });
  });

  it('a shared code is kept as members type it; a second campaign with the same code, a 150% discount, a wrong or past date are refused next to their field', async () => {
    const cookie = await signedIn(owner);
    const _csrf = await tokenFor(cookie);
    const shared = { _csrf, name: 'یلدا', kind: 'fixed', value: '۵۰٬۰۰۰', codes: 'shared', sharedCode: 'yalda-1405', validTo: '' };
    expect((await post('/panel/rewards/vouchers', cookie, shared)).statusCode).toBe(303);
    const yalda = (await api.w.services.vouchers.campaigns(m())).find((c) => c.name === 'یلدا')!;
    expect(yalda).toMatchObject({ sharedCode: 'YALDA1405', value: 50_000, validTo: null });
    const count = (await api.w.services.vouchers.campaigns(m())).length;

    const again = await post('/panel/rewards/vouchers', cookie, { ...shared, name: 'یلدا دوباره' });
    expect(again.statusCode).toBe(409);
    expect(fieldError(again.body, 'voucher-sharedCode')).toBe('کمپین دیگری از باشگاه همین کد را دارد؛ کد دیگری بنویسید.');
    expect(again.body).toContain('value="یلدا دوباره"');

    const tooMuch = await post('/panel/rewards/vouchers', cookie, { ...shared, kind: 'percent', value: '۱۵۰', codes: 'unique' });
    expect(tooMuch.statusCode).toBe(400);
    expect(fieldError(tooMuch.body, 'voucher-value')).toBe('درصد تخفیف باید از ۱ تا ۱۰۰ باشد.');

    const badDay = await post('/panel/rewards/vouchers', cookie, { ...shared, codes: 'unique', validTo: '۱۴۰۵/۱۳/۰۱' });
    expect(badDay.statusCode).toBe(400);
    expect(fieldError(badDay.body, 'voucher-validTo')).toBe('تاریخ درست نیست؛ مثلاً ۱۴۰۵/۰۹/۲۰ بنویسید.');

    const pastDay = await post('/panel/rewards/vouchers', cookie, { ...shared, codes: 'unique', validTo: '۱۴۰۵/۰۱/۱۵' });
    expect(pastDay.statusCode).toBe(400);
    expect(fieldError(pastDay.body, 'voucher-validTo')).toBe('این روز گذشته است؛ آخرین روز اعتبار را امروز یا بعد از آن بنویسید.');

    const noCode = await post('/panel/rewards/vouchers', cookie, { ...shared, sharedCode: '' });
    expect(noCode.statusCode).toBe(400);
    expect(fieldError(noCode.body, 'voucher-sharedCode')).toBe('دست‌کم ۳ نویسه بنویسید.');
    expect((await api.w.services.vouchers.campaigns(m())).length).toBe(count);
  });
});

describe('raffles from the panel', () => {
  it('the owner creates a raffle whose Jalali closing time in Tehran is stored as the right instant', async () => {
    const cookie = await signedIn(owner);
    const form = await get('/panel/rewards/raffles/new', cookie);
    expect(form.statusCode).toBe(200);
    const res = await post('/panel/rewards/raffles', cookie, {
      _csrf: csrfOf(form.body),
      title: 'قرعه‌کشی شب یلدا',
      'prizes.0.title': 'سبد یلدا',
      'prizes.0.count': '۲',
      'prizes.1.title': '',
      'prizes.1.count': '',
      'prizes.2.title': 'کارت هدیه',
      'prizes.2.count': '۱',
      'entryRule.kind': 'points',
      'entryRule.per': '۱۰۰',
      'entryRule.price': '',
      closesDate: '۱۴۰۵/۰۹/۳۰',
      closesTime: '۲۰:۳۰',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/panel/rewards?saved=raffle');
    const raffle = (await api.w.services.raffles.list(m())).find((r) => r.title === 'قرعه‌کشی شب یلدا')!;
    // 30 Azar 1405 is 21 December 2026; 20:30 in Tehran is 17:00 UTC.
    expect(raffle.closesAt.toISOString()).toBe('2026-12-21T17:00:00.000Z');
    expect(raffle.opensAt.toISOString()).toBe(api.w.clock.now().toISOString());
    expect(raffle.prizes).toEqual([
      { title: 'سبد یلدا', count: 2 },
      { title: 'کارت هدیه', count: 1 },
    ]);
    expect(raffle.entryRule).toEqual({ kind: 'points', per: 100 });
    expect(raffle.status).toBe('open');
    expect(await audited('raffles.create')).toContainEqual({ operator_id: owner.id, allowed: true, target: raffle.id });
    const page = await get('/panel/rewards?saved=raffle', cookie);
    expect(page.body).toContain('قرعه‌کشی ساخته شد');
    expect(page.body).toMatch(/قرعه‌کشی شب یلدا<\/td>[\s\S]*?<td data-label="پایان">۱۴۰۵\/۰۹\/۳۰، ۲۰:۳۰<\/td>/);

    // Without a time, the raffle closes at the end of that day.
    const endOfDay = await post('/panel/rewards/raffles', cookie, {
      _csrf: csrfOf(form.body),
      title: 'قرعه‌کشی خرید',
      'prizes.0.title': 'دوچرخه',
      'prizes.0.count': '1',
      'entryRule.kind': 'purchase',
      closesDate: '1405/10/01',
    });
    expect(endOfDay.statusCode).toBe(303);
    const second = (await api.w.services.raffles.list(m())).find((r) => r.title === 'قرعه‌کشی خرید')!;
    expect(second.closesAt.toISOString()).toBe('2026-12-22T20:29:00.000Z');
  });

  it('a prize count that is no number is named on its own row, a past or impossible closing date next to the date; nothing is created', async () => {
    const cookie = await signedIn(owner);
    const _csrf = await tokenFor(cookie);
    const count = (await api.w.services.raffles.list(m())).length;
    const base = {
      _csrf,
      title: 'قرعه‌کشی',
      'prizes.0.title': 'سبد',
      'prizes.0.count': '۱',
      'entryRule.kind': 'coins',
      'entryRule.price': '۲۰',
      closesDate: '۱۴۰۵/۱۰/۱۵',
      closesTime: '۱۸:۰۰',
    };
    const badRow = await post('/panel/rewards/raffles', cookie, { ...base, 'prizes.2.title': 'ساعت', 'prizes.2.count': 'دو' });
    expect(badRow.statusCode).toBe(400);
    expect(fieldError(badRow.body, 'raffle-prizes-2-count')).toBe('یک عدد بنویسید.');
    expect(badRow.body).toContain('value="دو"');

    const noPrice = await post('/panel/rewards/raffles', cookie, { ...base, 'entryRule.price': '' });
    expect(fieldError(noPrice.body, 'raffle-entryRule-price')).toBe('یک عدد بنویسید.');

    const past = await post('/panel/rewards/raffles', cookie, { ...base, closesDate: '۱۴۰۵/۰۹/۰۱' });
    expect(past.statusCode).toBe(400);
    expect(fieldError(past.body, 'raffle-closesDate')).toBe('زمان پایان باید بعد از اکنون باشد.');

    const impossible = await post('/panel/rewards/raffles', cookie, { ...base, closesDate: '۱۴۰۵/۱۳/۴۰' });
    expect(impossible.statusCode).toBe(400);
    expect(fieldError(impossible.body, 'raffle-closesDate')).toBe('تاریخ یا ساعت درست نیست؛ مثلاً ۱۴۰۵/۰۹/۳۰ و ۲۰:۰۰ بنویسید.');

    const noPrizes = await post('/panel/rewards/raffles', cookie, { ...base, 'prizes.0.title': '', 'prizes.0.count': '' });
    expect(noPrizes.statusCode).toBe(400);
    expect(noPrizes.body).toContain('دست‌کم ۱ مورد لازم است.');
    expect((await api.w.services.raffles.list(m())).length).toBe(count);
  });

  it('a manager calls a raffle off after a confirmation page; a cashier may not; a drawn raffle stays drawn', async () => {
    const clock = api.w.clock;
    const closesAt = new Date(clock.now().getTime() + 86_400_000).toISOString();
    const raffle = await api.w.services.raffles.create(m(), {
      title: 'قرعهٔ اشتباهی',
      prizes: [{ title: 'کتاب', count: 1 }],
      entryRule: { kind: 'purchase' },
      closesAt,
    });
    const url = `/panel/rewards/raffles/${raffle.id}/cancel`;
    const cashierCookie = await signedIn(cashier);
    expect((await get(url, cashierCookie)).statusCode).toBe(403);
    expect((await post(url, cashierCookie, { _csrf: await tokenFor(cashierCookie) })).statusCode).toBe(403);

    const cookie = await signedIn(manager);
    expect((await get('/panel/rewards', cookie)).body).toContain(`href="${url}"`);
    const ask = await get(url, cookie);
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('قرعه‌کشی «قرعهٔ اشتباهی» لغو شود؟');
    const done = await post(url, cookie, { _csrf: csrfOf(ask.body) });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/panel/rewards?saved=raffle_cancelled');
    expect(await api.w.services.raffles.get(m(), raffle.id)).toMatchObject({ status: 'cancelled' });
    const page = await get('/panel/rewards?saved=raffle_cancelled', cookie);
    expect(page.body).toContain('قرعه‌کشی لغو شد');
    expect(page.body).toMatch(/قرعهٔ اشتباهی<\/td>\s*<td data-label="وضعیت">لغوشده<\/td>/);
    expect(page.body).not.toContain(`href="${url}"`);
    expect(await audited('raffles.cancel')).toContainEqual({ operator_id: manager.id, allowed: true, target: raffle.id });

    const drawn = await api.w.services.raffles.create(m(), {
      title: 'انجام‌شده',
      prizes: [{ title: 'کتاب', count: 1 }],
      entryRule: { kind: 'purchase' },
      closesAt: new Date(clock.now().getTime() + 60_000).toISOString(),
    });
    const now = clock.now().toISOString();
    clock.advance(120_000);
    await api.w.services.raffles.draw(m(), drawn.id);
    clock.set(now);
    const late = await post(`/panel/rewards/raffles/${drawn.id}/cancel`, cookie, { _csrf: csrfOf(ask.body) });
    expect(late.statusCode).toBe(422);
    expect(late.body).toContain('این قرعه‌کشی انجام شده و دیگر لغوشدنی نیست.');
    expect(await api.w.services.raffles.get(m(), drawn.id)).toMatchObject({ status: 'drawn' });
  });
});
